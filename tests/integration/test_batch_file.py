"""The batch job end to end on file:// input made by the emulator's generator (no services).

The input is dirty like what public clients send: datetimes as str() and isoformat() text mixed,
duplicate deliveries, and three malformed lines per table. Answers are checked against a
plain-Python computation over the same generated rows.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import secrets
import statistics
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from contracts.answers import ANSWERS
from contracts.names import TABLES, Names
from emulator.api import write_landed
from emulator.generate import Generator, as_dicts
from jobs.batch.__main__ import main
from jobs.common.cleaning import EVENT_KEYS
from jobs.common.schemas import CLEAN_SCHEMAS
from jobs.common.tables import Tables
from tests.oracle import answers

EVENTS = 3000
DUPLICATES = 40
SEED = 11
NAMES = Names("0a1b2c3d4e5f")
# The three: a truncated line, a line that is not JSON, a JSON array.
MALFORMED = ['{"index": 1, "unique_id": "trunc', "not json", "[1, 2, 3]"]


@pytest.fixture(scope="module")
def run(spark: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("batch")
    landed = write_landed(
        root / "landing",
        NAMES,
        EVENTS,
        seed=SEED,
        per_file=700,
        duplicates=DUPLICATES,
        datetimes="mix",
        extra_lines=MALFORMED,
    )
    argv = [
        "--input",
        (root / "landing").as_uri(),
        "--output",
        (root / "tables").as_uri(),
        "--results",
        str(root / "results"),
        "--pipeline-id",
        NAMES.pipeline_id,
    ]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(argv) == 0
    summary = json.loads((root / "results" / "batch-summary.json").read_text())
    return {"root": root, "landed": landed, "summary": summary, "stdout": out.getvalue()}


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="") as f:
        header, *rows = list(csv.reader(f))
    return header, rows


def test_every_answer_file_has_the_design_header(run: dict[str, Any]) -> None:
    for name, answer in ANSWERS.items():
        header, rows = read_csv(run["root"] / "results" / answer.file_name)
        assert header == list(answer.columns)
        assert rows, name
        keys = [row[: 2 if name == "q11" else 1] for row in rows]
        assert keys == sorted(keys, key=lambda k: [int(v) if v.isdigit() else v for v in k])


def test_tables_hold_each_event_once(spark: Any, run: dict[str, Any]) -> None:
    landed = EVENTS + DUPLICATES + len(MALFORMED)
    assert run["landed"] == dict.fromkeys(TABLES, landed)
    assert run["summary"]["landed"] == dict.fromkeys(TABLES, landed)
    assert run["summary"]["cleaned"] == dict.fromkeys(TABLES, EVENTS)
    for table in TABLES:
        df = spark.read.format("delta").load((run["root"] / "tables" / NAMES.table(table)).as_uri())
        assert df.columns == CLEAN_SCHEMAS[table].fieldNames()
        assert df.count() == EVENTS
        assert df.filter(df[EVENT_KEYS[table]].isNull()).count() == 0, table


def test_malformed_lines_are_counted_and_shown_with_their_object(run: dict[str, Any]) -> None:
    summary = run["summary"]
    assert summary["malformed"] == dict.fromkeys(TABLES, len(MALFORMED))
    assert summary["unparseable"] == dict.fromkeys(TABLES, 0)  # str and isoformat both parse
    for table in TABLES:
        examples = summary["quality"][table]["malformed"]["examples"]
        lines = [e["line"] for e in examples]
        assert set(lines) <= set(MALFORMED) and len(set(lines)) == len(lines) >= 2, lines
        topic = NAMES.topic(table)
        assert all(f"/topics/{topic}/partition=0/{topic}+0+" in e["where"] for e in examples)
    # Which examples are kept depends on a hash of line and object path (the tmp folder), so the
    # test checks that each kept one is printed, not that a given line is kept.
    assert "(malformed line)" in run["stdout"]
    for table in TABLES:
        for e in summary["quality"][table]["malformed"]["examples"]:
            assert repr(e["line"]) in run["stdout"], (table, e)
    assert summary["failed"] is None


def oracle() -> dict[str, Any]:
    """The same rows the landing was made from, as plain Python dicts."""
    pins, geos, users = Generator(SEED).batch(EVENTS)
    return {
        "pin": as_dicts("pin", pins),
        "geo": as_dicts("geo", geos),
        "user": as_dicts("user", users),
    }


def followers(text: str) -> int | None:
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([kM]?)", text)
    if not m or (not m.group(2) and "." in m.group(1)):
        return None
    return int(float(m.group(1)) * {"": 1, "k": 1000, "M": 1_000_000}[m.group(2)] + 1e-6)


def test_q4_matches_plain_python(run: dict[str, Any]) -> None:
    rows = oracle()
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for p, g in zip(rows["pin"], rows["geo"], strict=True):
        counts[g["country"]][p["category"]] += 1
    expected = []
    for country in sorted(counts):
        category, n = min(counts[country].items(), key=lambda kv: (-kv[1], kv[0]))
        expected.append([country, category, str(n)])
    assert read_csv(run["root"] / "results" / "q4.csv")[1] == expected


def test_all_nine_answers_match_plain_python(run: dict[str, Any]) -> None:
    rows = oracle()
    expected = answers(rows["pin"], rows["geo"], rows["user"])
    for name in ANSWERS:
        assert read_csv(run["root"] / "results" / f"{name}.csv")[1] == expected[name], name


def test_q9_matches_plain_python(run: dict[str, Any]) -> None:
    people = {
        (u["first_name"] + " " + u["last_name"], u["age"], u["date_joined"])
        for u in oracle()["user"]
    }
    per_year = Counter(joined.year for _, _, joined in people if 2015 <= joined.year <= 2020)
    expected = [[str(y), str(per_year[y])] for y in sorted(per_year)]
    assert read_csv(run["root"] / "results" / "q9.csv")[1] == expected
    assert sum(per_year.values()) < EVENTS  # people do repeat: the distinct count matters


def test_q10_matches_plain_python(run: dict[str, Any]) -> None:
    rows = oracle()
    per_year: dict[int, list[int]] = defaultdict(list)
    for p, u in zip(rows["pin"], rows["user"], strict=True):
        n = followers(p["follower_count"])
        if n is not None and 2015 <= u["date_joined"].year <= 2020:
            per_year[u["date_joined"].year].append(n)
    expected = [[str(y), str(float(statistics.median(per_year[y])))] for y in sorted(per_year)]
    assert read_csv(run["root"] / "results" / "q10.csv")[1] == expected


def test_missing_input_is_one_line_and_exit_2(
    spark: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--input", str(tmp_path / "nothing"), "--output", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "nothing landed for pin" in err


def test_catalog_needs_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--input", "/x", "--catalog", "main", "--results", "/r"]) == 2
    assert "--catalog and --schema go together" in capsys.readouterr().err


def test_catalog_target_writes_managed_tables(spark: Any) -> None:
    schema = f"batch_test_{secrets.token_hex(4)}"  # the local warehouse outlives the session
    target = Tables(catalog="spark_catalog", schema=schema).target(NAMES, "geo")
    df = spark.createDataFrame([(1, "Peru", [1.0, 2.0], None)], CLEAN_SCHEMAS["geo"])
    target.replace(df)
    assert target.sql_name == f"`spark_catalog`.`{schema}`.`0a1b2c3d4e5f_geo_table`"
    assert [r.country for r in target.read(spark).collect()] == ["Peru"]
    assert spark.catalog.tableExists(f"spark_catalog.{schema}.0a1b2c3d4e5f_geo_table")
    spark.sql(f"DROP SCHEMA spark_catalog.{schema} CASCADE")


def junk_dates(landing: Path) -> int:
    """Every user's date_joined as a client might garble it; returns the users changed."""
    changed = 0
    for path in landing.rglob(f"{NAMES.topic('user')}+*.json"):
        rows = [json.loads(line) for line in path.read_text().splitlines()]
        for row in rows:
            row["date_joined"] = row["date_joined"].replace("-", "/")
        path.write_text("".join(json.dumps(r) + "\n" for r in rows))
        changed += len(rows)
    return changed


def test_an_unparseable_column_fails_the_job_in_one_line_naming_it(
    spark: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_landed(tmp_path / "in", NAMES, 60, seed=3, per_file=100)
    assert junk_dates(tmp_path / "in") == 60
    argv = ["--input", str(tmp_path / "in"), "--output", str(tmp_path / "out")]

    assert main(argv) == 3
    out, err = capsys.readouterr()
    assert err.count("\n") == 1, err
    assert "user.date_joined: 60 of 60 values unparseable (100.0%)" in err
    assert "--max-bad-fraction 1%" in err
    summary = json.loads((tmp_path / "out" / "batch-summary.json").read_text())
    assert summary["unparseable"] == {"pin": 0, "geo": 0, "user": 60}
    assert summary["quality"]["user"]["unparseable"]["date_joined"]["count"] == 60
    assert summary["failed"] and "user.date_joined" in summary["failed"]
    assert not (tmp_path / "out" / "q9.csv").exists()  # no answers from data this dirty
    assert "date_joined" in out  # the printed table of problems

    # A looser limit lets it through; the nulls stay counted.
    assert main([*argv, "--max-bad-fraction", "1"]) == 0
    summary = json.loads((tmp_path / "out" / "batch-summary.json").read_text())
    assert summary["unparseable"]["user"] == 60 and summary["failed"] is None
    assert read_csv(tmp_path / "out" / "q9.csv")[1] == []


def test_max_bad_fraction_must_be_a_fraction(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as e:
        main(["--input", "x", "--output", "y", "--max-bad-fraction", "5"])
    assert e.value.code == 2
    assert "a fraction from 0 to 1, got '5'" in capsys.readouterr().err
