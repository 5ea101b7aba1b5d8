"""What the batch job reads (the S3 sink's JSON lines) and how it writes its small answer files."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from pyspark.errors import AnalysisException
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from contracts.names import Names, sink_glob
from jobs.common.quality import LINE, WHERE


class InputError(ValueError):
    """Bad input the user can fix (nothing landed): a one-line message."""


def read_landed(spark: SparkSession, input_uri: str, names: Names, table: str) -> DataFrame:
    """Every landed line of one table, as text (LINE) with the object it came from (WHERE).

    Read as text, not with Spark's JSON reader: that one turns a line holding a JSON array into
    one row per element (or none for `[]`), so a malformed line could not be counted.
    """
    path = sink_glob(input_uri, names.topic(table))
    try:
        lines = spark.read.text(path)
    except AnalysisException as e:
        if "PATH_NOT_FOUND" in str(e) or "Path does not exist" in str(e):
            raise InputError(f"nothing landed for {table}: no files match {path}") from None
        raise
    return lines.select(F.col("value").alias(LINE), F.col("_metadata.file_path").alias(WHERE))


def csv_text(columns: Sequence[str], rows: list[tuple[Any, ...]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()
