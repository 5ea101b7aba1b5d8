"""The run report is one self-contained HTML file: every answer as a table and a chart."""

from __future__ import annotations

import re
from pathlib import Path

from contracts.answers import ANSWERS
from devstack.run.report import write_report

CSV = {
    "q4": "country,category,category_count\nAlbania,art,3\nChile,travel,2\n",
    "q5": "post_year,category,category_count\n2018,art,4\n2019,quotes,5\n",
    "q6a": "country,poster_name,follower_count\nAlbania,Ann Lee,26000\n",
    "q6b": "country,follower_count\nAlbania,26000\n",
    "q7": "age_group,category,category_count\n18-24,art,7\n50+,finance,2\n",
    "q8": "age_group,median_follower_count\n18-24,1200.5\n",
    "q9": "post_year,number_users_joined\n2015,3\n2016,4\n",
    "q10": "post_year,median_follower_count\n2015,100.0\n",
    "q11": "age_group,post_year,median_follower_count\n18-24,2015,10.0\n18-24,2016,12.0\n"
    "25-35,2015,30.0\n",
}


def test_report_embeds_everything(tmp_path: Path) -> None:
    (tmp_path / "results").mkdir()
    for key, text in CSV.items():
        (tmp_path / "results" / f"{key}.csv").write_text(text)
    rec = {
        "run": "20250101-000000",
        "rows": 10,
        "pipeline_id": "0a1b2c3d4e5f",
        "ok": True,
        "checks": [{"name": "batch/pin: x", "ok": True, "detail": "1 (expected 1)"}],
        "paths": {
            "batch": {
                "pin": {
                    "posted": 10,
                    "acknowledged": 10,
                    "landed": 11,
                    "landed_unit": "S3 records",
                    "duplicates": 1,
                    "cleaned": 10,
                    "rows_with_nulls": 2,
                }
            }
        },
        "timings": {"stack": 1.5, "seed": 0.2},
    }
    html = write_report(tmp_path, rec).read_text()
    assert html.count("data:image/png;base64,") == len(ANSWERS) + 1  # + timings chart
    for q in ANSWERS.values():
        assert f"<h3>{q.key}:" in html
    assert "Albania" in html and "S3 records" in html and "exact" in html
    # Self-contained: no links to files or hosts.
    assert not re.search(r"(src|href)=['\"](?!data:)", html)


def test_missing_answer_is_flagged(tmp_path: Path) -> None:
    (tmp_path / "results").mkdir()
    html = write_report(tmp_path, {"ok": False, "checks": [], "paths": {}}).read_text()
    assert "missing: q4.csv" in html and "NOT exact" in html


def test_reconciliation_counts_are_integers_with_one_landed_column(tmp_path: Path) -> None:
    (tmp_path / "results").mkdir()

    def row(landed: int, unit: str) -> dict[str, object]:
        return {
            "posted": 11153,
            "acknowledged": 11153,
            "landed": landed,
            "landed_unit": unit,
            "duplicates": landed - 11153,
            "cleaned": 11153,
            "rows_with_nulls": 1200,
            "malformed": 0,
            "unparseable": 0,
        }

    rec = {
        "ok": True,
        "checks": [],
        "paths": {
            "batch": {"pin": row(11155, "S3 records")},
            "stream": {"pin": row(11153, "Kinesis records")},
        },
    }
    html = write_report(tmp_path, rec).read_text()
    table = html[html.index("<h2>Reconciliation</h2>") : html.index("<h2>Answers</h2>")]
    assert not re.search(r"\d\.0\b", table), "a count printed as a float"
    assert table.count("<th>landed") == 1
    assert ">11155 S3 records<" in table and ">11153 Kinesis records<" in table
    assert ">11153<" in table and ">1200<" in table
