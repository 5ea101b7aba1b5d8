"""Where the jobs read and write: one way to spell a location, for both jobs.

Accepted everywhere a job takes a location (`--input`, `--output`, `--results`, `--checkpoints`):
- `file:///abs/path` (also `file:/abs/path`, `file://localhost/abs/path`);
- a plain path, relative or absolute: locally a local folder; on Databricks an absolute path is
  on DBFS (`/mnt/x` -> `dbfs:/mnt/x`, so Spark and file writes agree), a relative one an error;
- `s3://bucket/prefix`, `s3a://bucket/prefix` (locally s3:// is served by S3A as well);
- `dbfs:/path` and its FUSE spelling `/dbfs/path`; `/Volumes/<catalog>/<schema>/<volume>/...`;
- `abfss://` and `gs://` as given (cloud storage Spark knows on Databricks).

Local files become `file:/abs/path`, Hadoop's own spelling: Delta compares a table's location as
text, and `file:///x` against `file:/x` fails (DELTA_AMBIGUOUS_PATHS_IN_CREATE_TABLE).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

URI_SCHEMES = ("file", "s3", "s3a", "dbfs", "abfss", "gs")


class LocationError(ValueError):
    """A location the jobs cannot use: a one-line message for the user."""


def on_databricks() -> bool:
    return "DATABRICKS_RUNTIME_VERSION" in os.environ


def to_uri(location: str, databricks: bool | None = None) -> str:
    """The Spark spelling of `location` (no trailing slash); LocationError when unusable."""
    databricks = on_databricks() if databricks is None else databricks
    text = location.strip()
    if not text:
        raise LocationError("empty location")
    parsed = urlparse(text)
    if parsed.scheme == "file":
        if parsed.netloc not in ("", "localhost"):
            raise LocationError(f"{location!r}: a file:// URI names no host (file:///abs/path)")
        return _local(unquote(parsed.path) or "/")
    if parsed.scheme in URI_SCHEMES:
        if parsed.scheme != "dbfs" and not parsed.netloc:
            raise LocationError(f"{location!r}: no bucket or container after {parsed.scheme}://")
        return text.rstrip("/")
    if parsed.scheme and len(parsed.scheme) > 1:  # not a Windows drive letter
        raise LocationError(
            f"unsupported location {location!r}: use a folder, file://, "
            f"{', '.join(URI_SCHEMES[1:])} or /Volumes/..."
        )
    if text.startswith("/dbfs/"):
        return "dbfs:/" + text.removeprefix("/dbfs/").rstrip("/")
    if text.startswith("/Volumes/"):
        return text.rstrip("/")
    if databricks:
        if not text.startswith("/"):
            raise LocationError(f"{location!r}: give an absolute path or a URI on Databricks")
        return "dbfs:" + (text.rstrip("/") or "/")
    return _local(text)


def _local(path: str) -> str:
    resolved = os.path.abspath(os.path.expanduser(path))
    return f"file:{resolved}"


def join(uri: str, *parts: str) -> str:
    return "/".join([uri.rstrip("/"), *(p.strip("/") for p in parts)])


def local_path(uri: str) -> Path | None:
    """The local (or FUSE-mounted) file path of a location, or None for object storage."""
    parsed = urlparse(uri)
    if parsed.scheme == "file":
        return Path(unquote(parsed.path))
    if parsed.scheme == "dbfs":
        return Path("/dbfs") / parsed.path.lstrip("/")
    if parsed.scheme:
        return None
    return Path(uri)


def write_text(location: str, name: str, text: str) -> str:
    """Write one small file `<location>/<name>` (a folder, /Volumes, dbfs:, s3:// or s3a://).

    Returns where it went. On Databricks through `dbutils.fs.put`, with the cluster's own access
    (instance profile or Unity Catalog); elsewhere S3 goes through boto3 (endpoint and credentials
    from the environment) and everything else through the file system.
    """
    uri = to_uri(location)
    if on_databricks():
        return _databricks_put(join(uri, name), text)
    parsed = urlparse(uri)
    if parsed.scheme in ("s3", "s3a"):
        import boto3  # only when writing to S3

        key = f"{parsed.path.strip('/')}/{name}".lstrip("/")
        boto3.client("s3").put_object(Bucket=parsed.netloc, Key=key, Body=text.encode())
        return f"s3://{parsed.netloc}/{key}"
    folder = local_path(uri)
    if folder is None:
        raise LocationError(f"cannot write {name} to {location!r}: use a folder, s3:// or s3a://")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return os.fspath(path)


def _databricks_put(uri: str, text: str) -> str:
    from pyspark.dbutils import DBUtils  # Databricks only
    from pyspark.sql import SparkSession

    DBUtils(SparkSession.builder.getOrCreate()).fs.put(uri, text, overwrite=True)
    return uri
