"""The source database: tables derived from contracts.records, seeding, and reading rows back."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from operator import methodcaller
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Double,
    Engine,
    Integer,
    MetaData,
    Table,
    Text,
    create_engine,
    event,
    inspect,
    select,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.types import TypeEngine

from contracts.records import SPECS, FieldType, RecordSpec
from emulator.generate import Generator as EventGenerator
from emulator.generate import Row

CHUNK_ROWS = 20_000
"""Events generated and inserted per transaction while seeding."""

# SQLite stores datetimes as text; keep the source's text form (no microseconds).
_SQLITE_DATETIME = sqlite.DATETIME(
    storage_format="%(year)04d-%(month)02d-%(day)02d %(hour)02d:%(minute)02d:%(second)02d"
)
_DATETIME_TEXT = methodcaller("isoformat", " ", "seconds")
_TYPES: dict[FieldType, Callable[[], TypeEngine[Any]]] = {
    "int": Integer,
    "string": Text,
    "double": Double,
    "datetime": lambda: DateTime().with_variant(_SQLITE_DATETIME, "sqlite"),
}


class SourceError(Exception):
    """A problem with the source database, worth one line to the user."""


def _table(spec: RecordSpec, metadata: MetaData) -> Table:
    columns = [
        Column(
            f.name,
            _TYPES[f.type](),
            primary_key=f.name == spec.index_field,
            autoincrement=False,
        )
        for f in spec.fields
    ]
    return Table(spec.source_table, metadata, *columns)


METADATA = MetaData()
TABLES: dict[str, Table] = {name: _table(spec, METADATA) for name, spec in SPECS.items()}
"""SQLAlchemy table per event table (pin, geo, user), derived from the record specs."""


@dataclass(frozen=True)
class SeedResult:
    db_url: str
    rows: int
    seed: int
    seconds: float


def engine_for(db_url: str) -> Engine:
    """An engine for any SQLAlchemy URL, with a clear error for a malformed one."""
    try:
        url = make_url(db_url)
        return create_engine(url)
    except (ArgumentError, ValueError) as exc:
        raise SourceError(f"invalid database URL {safe_url(db_url)!r}: {exc}") from None
    except ImportError as exc:
        raise SourceError(f"no driver for {safe_url(db_url)!r}: {exc}") from None


def safe_url(db_url: str) -> str:
    """The URL with its password masked, for messages."""
    try:
        return make_url(db_url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", db_url)


def sqlite_path(db_url: str) -> Path | None:
    """The file behind a SQLite URL (None for other databases or in-memory SQLite)."""
    try:
        url = make_url(db_url)
    except (ArgumentError, ValueError) as exc:
        raise SourceError(f"invalid database URL {safe_url(db_url)!r}: {exc}") from None
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def seed(
    db_url: str,
    rows: int,
    seed: int,
    progress: Callable[[int], None] | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> SeedResult:
    """(Re)create the three source tables with `rows` synthetic events; same seed, same bytes."""
    start = time.perf_counter()
    path = _fresh_sqlite_file(db_url)
    engine = engine_for(db_url)
    if path is not None:
        event.listen(engine, "connect", _fast_sqlite_pragmas)
    try:
        METADATA.drop_all(engine)
        METADATA.create_all(engine)
        done = 0
        for chunk in generate_chunks(seed, rows, chunk_rows):
            with engine.begin() as conn:
                for table, batch in zip(TABLES.values(), chunk, strict=True):
                    _insert(conn, table, batch)
            done += len(chunk[0])
            if progress:
                progress(done)
    except SQLAlchemyError as exc:
        raise SourceError(f"cannot write {engine.url!r}: {_first_line(exc)}") from None
    finally:
        engine.dispose()
    return SeedResult(db_url, rows, seed, time.perf_counter() - start)


Chunk = tuple[list[Row], list[Row], list[Row]]


def generate_chunks(seed: int, rows: int, chunk_rows: int = CHUNK_ROWS) -> Iterator[Chunk]:
    """The seed's events in chunks of `chunk_rows`, in index order.

    (Generating in a second process while this one inserts was measured: about 20% faster on
    an idle machine, slower on a busy one, because pickling the chunks costs a third of
    generating them. Not worth a process.)
    """
    generator = EventGenerator(seed)
    for start in range(0, rows, chunk_rows):
        yield generator.batch(min(chunk_rows, rows - start))


def _insert(conn: Connection, table: Table, rows: list[Row]) -> None:
    """Bulk insert of rows in column order.

    On SQLite, straight to the driver's executemany: SQLAlchemy's per-row parameter handling
    would take most of a 1M-row seed. Values still go through the column types' converters.
    """
    if not _driver_fast_path(conn):
        names = [c.name for c in table.columns]
        conn.execute(table.insert(), [dict(zip(names, r, strict=True)) for r in rows])
        return
    compiled = table.insert().compile(dialect=conn.dialect)
    if list(compiled.positiontup or []) != [c.name for c in table.columns]:
        raise AssertionError(f"unexpected parameter order for {table.name}")
    columns: list[Any] = list(zip(*rows, strict=True))
    for i, col in enumerate(table.columns):
        impl = col.type.dialect_impl(conn.dialect)
        # Datetimes: the storage format above, in C; 2.5 times faster than the type's converter.
        convert: Callable[[Any], Any] | None = (
            _DATETIME_TEXT if isinstance(impl, DateTime) else impl.bind_processor(conn.dialect)
        )
        if convert is not None:
            columns[i] = list(map(convert, columns[i]))
    cursor = conn.connection.cursor()
    try:
        cursor.executemany(str(compiled), list(zip(*columns, strict=True)))
    finally:
        cursor.close()


def _driver_fast_path(conn: Connection) -> bool:
    return conn.dialect.name == "sqlite"


def _fresh_sqlite_file(db_url: str) -> Path | None:
    """Start a SQLite source from an empty file, so equal seeds give byte-identical files.

    Only a file holding nothing but the source tables is removed; anything else is kept and
    the tables are dropped and recreated inside it.
    """
    path = sqlite_path(db_url)
    if path is None:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        engine = engine_for(db_url)
        try:
            names = set(inspect(engine).get_table_names())
        except SQLAlchemyError as exc:
            raise SourceError(f"{path} is not a SQLite database: {_first_line(exc)}") from None
        finally:
            engine.dispose()
        if names <= {t.name for t in TABLES.values()}:
            path.unlink()
    return path


def _fast_sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Seeding writes a throwaway file: no journal and no fsync make it several times faster.
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=OFF")
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.close()


def count_rows(engine: Engine, table: str) -> int:
    from sqlalchemy import func

    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(TABLES[table])).scalar_one())


def check_source(db_url: str) -> Engine:
    """An engine on an existing, seeded source database, or a SourceError saying what to do."""
    path = sqlite_path(db_url)
    hint = "run `python -m emulator seed` first"
    if path is not None and not path.exists():
        raise SourceError(f"source database {path} does not exist: {hint}")
    engine = engine_for(db_url)
    try:
        present = set(inspect(engine).get_table_names())
    except SQLAlchemyError as exc:
        engine.dispose()
        raise SourceError(f"cannot open source database: {_first_line(exc)}") from None
    missing = [t.name for t in TABLES.values() if t.name not in present]
    if missing:
        engine.dispose()
        raise SourceError(f"source database has no table {', '.join(missing)}: {hint}")
    return engine


def read_rows(
    engine: Engine, table: str, count: int | None = None, chunk: int = 2000
) -> Generator[dict[str, Any], None, None]:
    """Rows of one table in index order (the first `count`), streamed in chunks."""
    t = TABLES[table]
    spec = SPECS[table]
    query = select(t).order_by(t.c[spec.index_field])
    if count is not None:
        query = query.limit(count)
    with engine.connect() as conn:
        result = conn.execution_options(yield_per=chunk).execute(query)
        for row in result.mappings():
            yield dict(row)


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
