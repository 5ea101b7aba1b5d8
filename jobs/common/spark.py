"""One way to get a Spark session, locally or on Databricks.

On Databricks the cluster owns the session (Delta, S3 access and jars are already there), so we just
return it. Locally we build `local[2]` with Delta and S3A from the jars `make jars` resolved with
Maven (never spark.jars.packages: Ivy downloads at session start and fails offline).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from pyspark.sql import SparkSession

from jobs.common.locations import on_databricks

REPO_ROOT = Path(__file__).resolve().parents[2]
LOG_CONFIG = Path(__file__).with_name("log4j2.properties")

# Local defaults sized for a 2-core laptop.
_LOCAL_CONF: dict[str, str] = {
    "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
    "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
    "spark.sql.shuffle.partitions": "4",
    "spark.default.parallelism": "2",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
    # Loopback only: the driver must not listen on the machine's public address.
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    # Delta reads its log with 50 partitions by default: far too many for small local tables.
    "spark.databricks.delta.snapshotPartitions": "2",
    # One JVM holds the driver and the executors: broadcasting a table of a few million narrow
    # rows to a join copies nothing over a network, and beats shuffling and sorting both sides.
    "spark.sql.autoBroadcastJoinThreshold": "64MB",
    # The batch job caches one narrow join for its answers; in a 2g driver it fits uncompressed,
    # and compressing it took longer than the answers that read it.
    "spark.sql.inMemoryColumnarStorage.compressed": "false",
    # De-duplication keeps row_number() = 1 per event key; Spark would first rank within each
    # input partition too, a sort of every row that saves nothing when duplicates are rare.
    "spark.sql.optimizer.windowGroupLimitThreshold": "-1",
}


def devstack_home() -> Path:
    return Path(os.environ.get("DEVSTACK_HOME") or REPO_ROOT / ".devstack")


def jars_dir() -> Path:
    return devstack_home() / "cache" / "jars" / "spark"


def local_jars() -> list[str]:
    """The Maven-resolved jars; a clear error when `make jars` has not run."""
    folder = jars_dir()
    jars = sorted(str(p) for p in folder.glob("*.jar"))
    if not any("delta-spark" in j for j in jars) or not any("hadoop-aws" in j for j in jars):
        raise RuntimeError(f"Spark jars missing in {folder}: run `make jars` first")
    return jars


def s3a_conf(env: Mapping[str, str]) -> dict[str, str]:
    """S3A settings: LocalStack when AWS_ENDPOINT_URL is set, the default AWS chain otherwise."""
    endpoint = env.get("AWS_ENDPOINT_URL")
    region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1"
    conf = {
        "spark.hadoop.fs.s3a.endpoint.region": region,
        # Accept s3:// (the Databricks spelling) locally too.
        "spark.hadoop.fs.s3.impl": "org.apache.hadoop.fs.s3a.S3AFileSystem",
    }
    if not endpoint:
        return conf
    conf.update(
        {
            "spark.hadoop.fs.s3a.endpoint": endpoint,
            "spark.hadoop.fs.s3a.path.style.access": "true",
            "spark.hadoop.fs.s3a.connection.ssl.enabled": str(endpoint.startswith("https")).lower(),
            "spark.hadoop.fs.s3a.aws.credentials.provider": (
                "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider"
            ),
            "spark.hadoop.fs.s3a.access.key": env.get("AWS_ACCESS_KEY_ID", "test"),
            "spark.hadoop.fs.s3a.secret.key": env.get("AWS_SECRET_ACCESS_KEY", "test"),
            # A local endpoint that is down should fail fast, not retry for minutes.
            "spark.hadoop.fs.s3a.attempts.maximum": "3",
            "spark.hadoop.fs.s3a.retry.limit": "3",
        }
    )
    return conf


def apply_s3a(spark: SparkSession, env: Mapping[str, str]) -> None:
    """Point S3A of a running local session at another endpoint (e.g. a stack started later).

    Takes effect for buckets not touched yet in this session (Hadoop caches one client per bucket).
    """
    hadoop = spark.sparkContext._jsc.hadoopConfiguration()
    for key, value in s3a_conf(env).items():
        hadoop.set(key.removeprefix("spark.hadoop."), value)


def local_conf(app_name: str) -> dict[str, str]:
    conf = dict(_LOCAL_CONF)
    conf["spark.app.name"] = app_name
    conf["spark.jars"] = ",".join(local_jars())
    conf["spark.driver.memory"] = os.environ.get("SPARK_DRIVER_MEMORY", "2g")
    conf["spark.sql.warehouse.dir"] = str(devstack_home() / "spark-warehouse")
    conf["spark.pyspark.python"] = sys.executable
    # The parallel collector: batch throughput over pause times (parsing JSON allocates per line).
    java_options = ["-Duser.timezone=UTC", "-XX:+UseParallelGC"]
    if LOG_CONFIG.exists():  # shipped as package data; Spark's chatty defaults otherwise
        java_options.append(f"-Dlog4j2.configurationFile={LOG_CONFIG.as_uri()}")
    conf["spark.driver.extraJavaOptions"] = " ".join(java_options)
    conf.update(s3a_conf(os.environ))
    return conf


def get_spark(app_name: str) -> SparkSession:
    """The session to run on: Databricks' own, or a local one built once per process."""
    if on_databricks():
        spark = SparkSession.builder.getOrCreate()
        spark.conf.set("spark.sql.session.timeZone", "UTC")  # years are UTC years (DESIGN 8)
        return spark
    # Python data sources and any Python worker must run in this venv's interpreter (pyarrow).
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = SparkSession.builder.master("local[2]")
    for key, value in local_conf(app_name).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    return spark
