"""Where the batch job reads and writes: landed JSON in, Delta tables and CSV answers out."""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from pyspark.errors import AnalysisException
from pyspark.sql import DataFrame, SparkSession

from contracts.names import Names
from jobs.common.schemas import WIRE_SCHEMAS

SPARK_SCHEMES = ("file", "s3", "s3a", "dbfs")


class InputError(ValueError):
    """Bad input the user can fix (wrong URI, nothing landed): a one-line message."""


def to_uri(location: str) -> str:
    """A Spark-readable URI: plain paths become absolute file:// URIs (Volumes paths stay)."""
    scheme = urlparse(location).scheme
    if scheme in SPARK_SCHEMES:
        return location.rstrip("/")
    if scheme:
        raise InputError(f"unsupported location {location!r}: use {', '.join(SPARK_SCHEMES)}")
    if location.startswith(("/Volumes/", "/dbfs/")):
        return location.rstrip("/")
    return Path(location).resolve().as_uri()


def landed_glob(input_uri: str, topic: str) -> str:
    """The sink's layout: topics/<topic>/partition=<p>/<topic>+<p>+<offset>.json."""
    return f"{input_uri}/topics/{topic}/partition=*/*.json"


def read_landed(spark: SparkSession, input_uri: str, names: Names, table: str) -> DataFrame:
    """Every landed record of one table, with the wire schema (no inference)."""
    path = landed_glob(input_uri, names.topic(table))
    try:
        return spark.read.schema(WIRE_SCHEMAS[table]).option("mode", "PERMISSIVE").json(path)
    except AnalysisException as e:
        if "PATH_NOT_FOUND" in str(e) or "Path does not exist" in str(e):
            raise InputError(f"nothing landed for {table}: no files match {path}") from None
        raise


@dataclass(frozen=True)
class TableTarget:
    """Where the Delta tables go: a folder of paths, or a catalog.schema (Unity Catalog)."""

    output_uri: str | None = None
    catalog: str | None = None
    schema: str | None = None

    def location(self, names: Names, table: str) -> str:
        if self.catalog and self.schema:
            return f"`{self.catalog}`.`{self.schema}`.`{names.table(table)}`"
        return f"{self.output_uri}/{names.table(table)}"

    @property
    def is_catalog(self) -> bool:
        return bool(self.catalog and self.schema)


def write_table(df: DataFrame, target: TableTarget, names: Names, table: str) -> str:
    """Replace the table with df (each batch run rebuilds it from everything landed)."""
    where = target.location(names, table)
    writer = df.write.format("delta").mode("overwrite").option("overwriteSchema", "true")
    if target.is_catalog:
        # Managed tables (Unity Catalog needs no external location for them); --output unused.
        df.sparkSession.sql(f"CREATE SCHEMA IF NOT EXISTS `{target.catalog}`.`{target.schema}`")
        writer.saveAsTable(where)
    else:
        writer.save(where)
    return where


def read_table(spark: SparkSession, target: TableTarget, names: Names, table: str) -> DataFrame:
    where = target.location(names, table)
    if target.is_catalog:
        return spark.table(where)
    return spark.read.format("delta").load(where)


def csv_text(columns: list[str], rows: list[tuple[Any, ...]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()


def write_text(results: str, name: str, text: str) -> str:
    """Write one small result file to a local folder or an S3 prefix; returns where it went."""
    parsed = urlparse(results)
    if parsed.scheme in ("s3", "s3a"):
        import boto3  # only when writing to S3; endpoint and credentials from the environment

        key = f"{parsed.path.strip('/')}/{name}".lstrip("/")
        boto3.client("s3").put_object(Bucket=parsed.netloc, Key=key, Body=text.encode())
        return f"s3://{parsed.netloc}/{key}"
    if parsed.scheme == "dbfs":
        folder = Path("/dbfs") / parsed.path.lstrip("/")
    elif parsed.scheme == "file":
        folder = Path(parsed.path)
    elif parsed.scheme:
        raise InputError(f"unsupported results location {results!r}: use a folder, s3:// or s3a://")
    else:
        folder = Path(results)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return os.fspath(path)
