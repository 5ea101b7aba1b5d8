"""The Delta tables of both jobs: a path under an output location, or a catalog table.

`TableArgs` are the flags both jobs choose them with (`--output`, or `--catalog` and `--schema`);
`Tables` is where a job's three tables go; `TableTarget` is one of them, with the few operations
the jobs need (replace, create if missing, read, MERGE handle). Paths come from
jobs.common.locations.to_uri, so both jobs spell them the same way.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from delta.tables import DeltaTable
from pyspark.sql import DataFrame, SparkSession

from contracts.names import Names
from jobs.common.cleaning import EVENT_KEYS
from jobs.common.locations import join, to_uri
from jobs.common.schemas import CLEAN_SCHEMAS

STATS_COLUMNS: dict[str, list[str]] = {
    t: list(dict.fromkeys(["ind", k])) for t, k in EVENT_KEYS.items()
}
"""Columns a batch table keeps Delta statistics on: the joins' key and the event key."""


@dataclass(frozen=True)
class TableArgs:
    """`--output`, or `--catalog` and `--schema`: the same flags, meaning the same, in both jobs."""

    default_schema: str | None = None
    """The schema of `--catalog` when `--schema` is not given (None: `--schema` is required)."""

    def add_to(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--output",
            help="folder or URI (file://, s3://, s3a://, dbfs:/, /Volumes/...) holding the Delta "
            "tables: <output>/<id>_<t>_table",
        )
        parser.add_argument(
            "--catalog", help="write managed tables <catalog>.<schema>.<id>_<t>_table instead"
        )
        default = f" (default: {self.default_schema})" if self.default_schema else ""
        parser.add_argument("--schema", help=f"schema (database) of --catalog{default}")

    def tables(self, args: argparse.Namespace, databricks: bool | None = None) -> Tables:
        """Where the flags put the tables; ValueError (LocationError) with a one-line reason."""
        schema = args.schema or (self.default_schema if args.catalog else None)
        if bool(args.catalog) != bool(schema):
            raise ValueError("--catalog and --schema go together")
        if not args.output and not args.catalog:
            raise ValueError("give --output, or --catalog and --schema")
        output = to_uri(args.output, databricks) if args.output else None
        return Tables(output=output, catalog=args.catalog, schema=schema)


@dataclass(frozen=True)
class Tables:
    """Tables at `<output>/<id>_<t>_table`, or `<catalog>.<schema>.<id>_<t>_table`."""

    output: str | None = None
    """A location as jobs.common.locations.to_uri returns it."""
    catalog: str | None = None
    schema: str | None = None

    def __post_init__(self) -> None:
        if self.catalog and not self.schema:
            raise ValueError("a catalog needs a schema")
        if not self.catalog and not self.output:
            raise ValueError("give an output location or a catalog and schema")

    def target(self, names: Names, table: str) -> TableTarget:
        name = names.table(table)
        if self.catalog:
            return TableTarget(table, f"{self.catalog}.{self.schema}.{name}", True)
        return TableTarget(table, join(self.output or "", name), False)


@dataclass(frozen=True)
class TableTarget:
    table: str
    """pin, geo or user."""
    location: str
    """A path, or catalog.schema.name."""
    is_catalog: bool

    @property
    def sql_name(self) -> str:
        """The catalog name quoted for SQL (a pipeline id may start with a digit)."""
        return ".".join(f"`{part}`" for part in self.location.split("."))

    def _create_schema(self, spark: SparkSession) -> None:
        catalog, schema, _ = self.sql_name.split(".")
        spark.sql(f"CREATE SCHEMA IF NOT EXISTS {catalog}.{schema}")

    def replace(self, df: DataFrame) -> None:
        """Replace the table's contents and schema with df (the batch job rebuilds each run).

        Delta keeps per-file statistics (min, max, nulls) for data skipping, by default of the
        first 32 columns: for pin's long texts that cost as much as writing the files. Only the
        keys are worth skipping on, so only they get statistics (row counts are always kept).
        """
        writer = (
            df.write.format("delta")
            .mode("overwrite")
            .option("overwriteSchema", "true")
            .option("delta.dataSkippingStatsColumns", ",".join(STATS_COLUMNS[self.table]))
        )
        if self.is_catalog:  # a managed table: Unity Catalog needs no external location
            self._create_schema(df.sparkSession)
            writer.saveAsTable(self.sql_name)
        else:
            writer.save(self.location)

    def ensure(self, spark: SparkSession) -> None:
        """Create the empty table with the cleaned schema unless it exists (streaming)."""
        # Every micro-batch adds small files that each MERGE scans: let Delta compact them.
        builder = (
            DeltaTable.createIfNotExists(spark)
            .addColumns(CLEAN_SCHEMAS[self.table])
            .property("delta.autoOptimize.autoCompact", "true")
        )
        if self.is_catalog:
            self._create_schema(spark)
            builder.tableName(self.sql_name).execute()
        else:
            builder.location(self.location).execute()

    def delta(self, spark: SparkSession) -> DeltaTable:
        if self.is_catalog:
            return DeltaTable.forName(spark, self.sql_name)
        return DeltaTable.forPath(spark, self.location)

    def read(self, spark: SparkSession) -> DataFrame:
        if self.is_catalog:
            return spark.table(self.sql_name)
        return spark.read.format("delta").load(self.location)
