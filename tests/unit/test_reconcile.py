"""The reconciliation arithmetic: every equation holds on exact counts and each one can fail."""

from __future__ import annotations

from collections import Counter

import pytest

from devstack.run.reconcile import SourceFacts, TableCounts, reconcile_table, summarize, verify

KEYS = {str(i) for i in range(10)}


def counts(**over: object) -> TableCounts:
    base: dict[str, object] = {
        "posted": 10,
        "acknowledged": 10,
        "landed_keys": Counter({k: 1 for k in KEYS} | {"3": 2}),  # one duplicate delivery
        "cleaned_keys": Counter({k: 1 for k in KEYS}),
        "rows_with_nulls": 2,
    }
    base.update(over)
    return TableCounts(**base)  # type: ignore[arg-type]


def test_exact_run_adds_up() -> None:
    row = reconcile_table("batch", "pin", counts(), SourceFacts(KEYS, 2))
    assert (row.landed, row.duplicates, row.cleaned) == (11, 1, 10)
    assert all(c.ok for c in row.checks)
    assert len(row.checks) == 11
    assert [c.name for c in row.checks[-2:]] == [
        "batch/pin: malformed lines = 0",
        "batch/pin: unparseable values = 0",
    ]
    summary = summarize({"batch": {"pin": row}})
    assert summary["ok"] is True
    assert summary["paths"]["batch"]["pin"]["landed_unit"] == "S3 records"
    assert verify(summary) == []


@pytest.mark.parametrize(
    ("over", "failing"),
    [
        ({"acknowledged": 9}, "acknowledged = posted"),
        ({"landed_keys": Counter({k: 1 for k in KEYS - {"4"}})}, "nothing lost"),
        ({"landed_keys": Counter({k: 1 for k in KEYS | {"x"}})}, "nothing foreign"),
        ({"cleaned_keys": Counter({k: 1 for k in KEYS} | {"5": 2})}, "each event once"),
        ({"cleaned_keys": Counter({k: 1 for k in KEYS - {"6"}})}, "cleaned = posted"),
        ({"rows_with_nulls": 1}, "sentinel rows kept with nulls"),
        ({"malformed": 3}, "malformed lines = 0"),
        ({"unparseable": {"timestamp": 2, "latitude": 0}}, "unparseable values = 0"),
    ],
)
def test_each_mismatch_is_named(over: dict[str, object], failing: str) -> None:
    row = reconcile_table("stream", "geo", counts(**over), SourceFacts(KEYS, 2))
    bad = [c.name for c in row.checks if not c.ok]
    assert any(failing in name for name in bad), bad
    summary = summarize({"stream": {"geo": row}})
    assert summary["ok"] is False
    assert verify(summary)


def test_verify_rechecks_the_json_alone() -> None:
    summary = summarize(
        {"batch": {"pin": reconcile_table("batch", "pin", counts(), SourceFacts(KEYS, 2))}}
    )
    summary["paths"]["batch"]["pin"]["cleaned"] = 9  # tampered file: equations no longer hold
    assert any("landed - duplicates != cleaned" in p for p in verify(summary))


def test_unparseable_check_names_the_columns() -> None:
    over = {"unparseable": {"ind": 0, "timestamp": 300, "latitude": 1}}
    row = reconcile_table("stream", "geo", counts(**over), SourceFacts(KEYS, 2))
    [check] = [c for c in row.checks if not c.ok]
    assert check.detail == "301 (expected 0): timestamp 300, latitude 1"
    assert row.unparseable_columns == {"timestamp": 300, "latitude": 1}
    assert any("301 unparseable values" in p for p in verify(summarize({"stream": {"geo": row}})))
