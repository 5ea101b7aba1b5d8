"""The synthetic source database: determinism, shape and dirt (DESIGN section 4)."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import uuid
from collections import Counter
from pathlib import Path

import pytest

from contracts import sentinels
from contracts.records import SPECS
from emulator import source
from emulator.generate import Generator, as_dicts

ROWS = 6000
SEED = 7
DESIGN_CATEGORIES = {
    "christmas", "diy-and-crafts", "tattoos", "education", "finance", "travel", "art",
    "event-planning", "beauty", "home-decor", "mens-fashion", "quotes", "vehicles",
}  # fmt: skip
DATETIME_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


def _seed(path: Path, rows: int, seed: int) -> Path:
    source.seed(f"sqlite:///{path}", rows, seed)
    return path


def _dump(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return "\n".join(conn.iterdump())


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> sqlite3.Connection:
    path = _seed(tmp_path_factory.mktemp("source") / "source.db", ROWS, SEED)
    conn = sqlite3.connect(path)
    yield conn
    conn.close()


def _column(db: sqlite3.Connection, table: str, column: str) -> list:
    return [r[0] for r in db.execute(f'SELECT "{column}" FROM {table} ORDER BY 1')]


def _rate(values: list, value: object) -> float:
    return sum(v == value for v in values) / len(values)


def test_same_seed_same_bytes_other_seed_other_data(tmp_path: Path) -> None:
    a = _seed(tmp_path / "a.db", 1500, 3)
    b = _seed(tmp_path / "b.db", 1500, 3)
    c = _seed(tmp_path / "c.db", 1500, 4)
    assert a.read_bytes() == b.read_bytes()
    assert _dump(a) == _dump(b)
    assert _dump(a) != _dump(c)


def test_chunk_size_does_not_change_the_database(tmp_path: Path) -> None:
    inline = tmp_path / "inline.db"
    source.seed(f"sqlite:///{inline}", 450, 3)
    chunked = tmp_path / "chunked.db"
    done: list[int] = []
    source.seed(f"sqlite:///{chunked}", 450, 3, progress=done.append, chunk_rows=100)
    assert done == [100, 200, 300, 400, 450]
    assert chunked.read_bytes() != b"" and _dump(chunked) == _dump(inline)


def test_generic_sqlalchemy_insert_writes_the_same_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Other databases (MySQL, ...) take SQLAlchemy's own executemany path.
    fast = _seed(tmp_path / "fast.db", 300, 2)
    monkeypatch.setattr(source, "_driver_fast_path", lambda conn: False)
    generic = _seed(tmp_path / "generic.db", 300, 2)
    assert _dump(generic) == _dump(fast)


def test_reseeding_an_existing_file_gives_the_same_bytes(tmp_path: Path) -> None:
    a = _seed(tmp_path / "a.db", 800, 5)
    first = a.read_bytes()
    _seed(a, 300, 9)  # something else in between
    _seed(a, 800, 5)
    assert a.read_bytes() == first


def test_first_rows_do_not_depend_on_the_total() -> None:
    small, large = Generator(11).batch(200), Generator(11).batch(1000)
    for rows_small, rows_large in zip(small, large, strict=True):
        assert rows_small == rows_large[:200]


def test_generator_rows_follow_the_specs() -> None:
    pins, geos, users = Generator(1).batch(3)
    for table, rows in (("pin", pins), ("geo", geos), ("user", users)):
        assert list(as_dicts(table, rows)[0]) == SPECS[table].field_names


def test_row_counts_and_matching_indexes(db: sqlite3.Connection) -> None:
    for spec in SPECS.values():
        assert _column(db, spec.source_table, spec.index_field) == list(range(ROWS))


def test_columns_in_spec_order(db: sqlite3.Connection) -> None:
    for spec in SPECS.values():
        columns = [r[1] for r in db.execute(f"PRAGMA table_info({spec.source_table})")]
        assert columns == spec.field_names


def test_stored_types_follow_the_specs(db: sqlite3.Connection) -> None:
    expected = {"int": {"integer"}, "string": {"text"}, "double": {"real"}, "datetime": {"text"}}
    for spec in SPECS.values():
        for f in spec.fields:
            q = f'SELECT DISTINCT typeof("{f.name}") FROM {spec.source_table}'
            assert {r[0] for r in db.execute(q)} == expected[f.type], (spec.table, f.name)
            if f.type == "datetime":
                values = _column(db, spec.source_table, f.name)
                assert all(DATETIME_TEXT.match(v) for v in values), f.name


@pytest.mark.parametrize(
    ("column", "sentinel"),
    [
        ("title", sentinels.NO_TITLE),
        ("description", sentinels.NO_DESCRIPTION[0]),
        ("description", sentinels.NO_DESCRIPTION[1]),
        ("description", sentinels.NO_DESCRIPTION[2]),
        ("poster_name", sentinels.USER_INFO_ERROR),
        ("follower_count", sentinels.USER_INFO_ERROR),
        ("tag_list", sentinels.NO_TAGS),
        ("image_src", sentinels.IMAGE_SRC_ERROR),
    ],
)
def test_each_sentinel_at_a_few_percent(db: sqlite3.Connection, column: str, sentinel: str) -> None:
    rate = _rate(_column(db, "pinterest_data", column), sentinel)
    assert 0.005 <= rate <= 0.06, f"{column}={sentinel!r} in {rate:.2%} of rows"


@pytest.mark.parametrize("column", ["title", "description", "poster_name", "tag_list"])
def test_some_empty_strings(db: sqlite3.Connection, column: str) -> None:
    assert 0.001 <= _rate(_column(db, "pinterest_data", column), "") <= 0.02


def test_literal_sentinel_texts() -> None:
    # The cleaning rules match these exact strings (DESIGN section 4).
    assert sentinels.NO_TAGS == "N,o, ,T,a,g,s, ,A,v,a,i,l,a,b,l,e"
    assert sentinels.NO_DESCRIPTION == (
        "No description available Story format",
        "No description available",
        "Untitled",
    )
    assert (sentinels.NO_TITLE, sentinels.USER_INFO_ERROR, sentinels.IMAGE_SRC_ERROR) == (
        "No Title Data Available",
        "User Info Error",
        "Image src error.",
    )


def test_follower_counts_plain_k_and_m(db: sqlite3.Connection) -> None:
    counts = [
        c
        for c in _column(db, "pinterest_data", "follower_count")
        if c not in ("", sentinels.USER_INFO_ERROR)
    ]
    pattern = re.compile(r"^\d+(\.\d)?[kM]?$")
    assert all(pattern.match(c) for c in counts)
    kinds = Counter("M" if c.endswith("M") else "k" if c.endswith("k") else "plain" for c in counts)
    assert min(kinds.values()) / len(counts) >= 0.03, kinds
    assert any(re.match(r"^\d\.\d[kM]$", c) for c in counts), "no decimal counts like 1.5k"


def test_the_same_person_under_several_ind(db: sqlite3.Connection) -> None:
    people = Counter(
        db.execute("SELECT first_name, last_name, age, date_joined FROM user_data").fetchall()
    )
    repeated = [n for n in people.values() if n > 1]
    assert len(repeated) >= ROWS * 0.05
    assert max(repeated) >= 3


def test_categories_and_save_locations(db: sqlite3.Connection) -> None:
    rows = db.execute("SELECT category, save_location, is_image_or_video FROM pinterest_data")
    rows = rows.fetchall()
    assert {r[0] for r in rows} == DESIGN_CATEGORIES
    assert all(r[1] == f"Local save in /data/{r[0]}" for r in rows)
    assert {r[2] for r in rows} == {"image", "video", "multi-video(story page format)"}


def test_many_real_countries(db: sqlite3.Connection) -> None:
    countries = set(_column(db, "geolocation_data", "country"))
    assert len(countries) >= 100
    assert {"United States of America", "India", "Brazil", "Germany"} <= countries


def test_coordinates_are_valid(db: sqlite3.Connection) -> None:
    lat, lon = (
        _column(db, "geolocation_data", "latitude"),
        _column(db, "geolocation_data", "longitude"),
    )
    assert all(-90 <= v <= 90 for v in lat)
    assert all(-180 <= v < 180 for v in lon)


def test_timestamps_and_join_dates_in_range(db: sqlite3.Connection) -> None:
    posts = _column(db, "geolocation_data", "timestamp")
    joins = _column(db, "user_data", "date_joined")
    assert posts[0] >= "2015-01-01 00:00:00" and posts[-1] <= "2022-12-31 23:59:59"
    assert joins[0] >= "2015-01-01 00:00:00" and joins[-1] <= "2020-12-31 23:59:59"
    years = {dt.datetime.fromisoformat(t).year for t in posts}
    assert years == set(range(2015, 2023))
    assert {dt.datetime.fromisoformat(t).year for t in joins} == set(range(2015, 2021))


def test_ages_18_to_80_with_a_few_outliers(db: sqlite3.Connection) -> None:
    ages = _column(db, "user_data", "age")
    outliers = [a for a in ages if not 18 <= a <= 80]
    assert 0 < len(outliers) <= 0.02 * len(ages)
    assert any(a < 18 for a in outliers) and any(a > 80 for a in outliers)
    inside = [a for a in ages if 18 <= a <= 80]
    assert min(inside) == 18 and max(inside) >= 75


def test_unique_ids_are_distinct_uuid4(db: sqlite3.Connection) -> None:
    ids = _column(db, "pinterest_data", "unique_id")
    assert len(set(ids)) == len(ids)
    assert all(uuid.UUID(i).version == 4 for i in ids)


def test_read_rows_in_index_order_with_datetimes(tmp_path: Path) -> None:
    path = _seed(tmp_path / "s.db", 50, 1)
    engine = source.check_source(f"sqlite:///{path}")
    rows = list(source.read_rows(engine, "geo", count=10, chunk=3))
    engine.dispose()
    assert [r["ind"] for r in rows] == list(range(10))
    assert all(isinstance(r["timestamp"], dt.datetime) for r in rows)


def test_missing_source_database_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(source.SourceError, match="emulator seed"):
        source.check_source(f"sqlite:///{tmp_path / 'nothing.db'}")
    assert not (tmp_path / "nothing.db").exists()


def test_other_files_are_kept_when_seeding(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE keep_me (x INTEGER)")
    _seed(path, 10, 1)
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"keep_me", "pinterest_data", "geolocation_data", "user_data"} <= tables
