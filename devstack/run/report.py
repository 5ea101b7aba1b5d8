"""The run report: one self-contained HTML file (charts embedded as base64 PNGs).

It shows the reconciliation, each of the nine answers as a table and a chart, and the stage
timings of one `python -m devstack run`.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display on servers and in CI

import matplotlib.pyplot as plt
import pandas as pd

from contracts.answers import ANSWERS, Answer

MAX_BARS = 25
"""Longer answers (one row per country) show their top rows in the chart; the table keeps all."""

_CSS = """
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:.9em}
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:right}
th{background:#f3f3f3} td:first-child,th:first-child{text-align:left}
.ok{color:#1a7f37;font-weight:bold} .bad{color:#cf222e;font-weight:bold}
.scroll{max-height:24em;overflow:auto;display:inline-block}
img{max-width:100%}
"""


def write_report(run_dir: Path, reconciliation: dict[str, Any]) -> Path:
    """Write `report.html` in the run folder and return its path."""
    parts = [
        f"<h1>Pinterest pipeline run {html.escape(str(reconciliation.get('run', '')))}</h1>",
        _summary(reconciliation),
        "<h2>Reconciliation</h2>",
        _reconciliation_tables(reconciliation),
        "<h2>Answers</h2>",
    ]
    results = run_dir / "results"
    for answer in ANSWERS.values():
        parts.append(_answer_section(answer, results / answer.file_name))
    parts += ["<h2>Stage timings</h2>", _timings_section(reconciliation.get("timings", {}))]
    doc = (
        "<!doctype html><html><head><meta charset='utf-8'><title>Pipeline run report</title>"
        f"<style>{_CSS}</style></head><body>{''.join(parts)}</body></html>"
    )
    out = run_dir / "report.html"
    out.write_text(doc, encoding="utf-8")
    return out


def _summary(rec: dict[str, Any]) -> str:
    ok = rec.get("ok", False)
    verdict = "<span class='ok'>exact</span>" if ok else "<span class='bad'>NOT exact</span>"
    failed = [c for c in rec.get("checks", []) if not c["ok"]]
    items = "".join(
        f"<li>{html.escape(c['name'])}: {html.escape(c['detail'])}</li>" for c in failed
    )
    pipeline = html.escape(str(rec.get("pipeline_id")))
    checks = len(rec.get("checks", []))
    return (
        f"<p>Rows per table: {rec.get('rows')}; pipeline id <code>{pipeline}</code>. "
        f"Reconciliation: {verdict} ({checks} checks).</p>" + (f"<ul>{items}</ul>" if items else "")
    )


def _reconciliation_tables(rec: dict[str, Any]) -> str:
    rows = []
    for path, tables in rec.get("paths", {}).items():
        for table, r in tables.items():
            rows.append(
                {
                    "path": path,
                    "table": table,
                    "posted": r["posted"],
                    "acknowledged": r["acknowledged"],
                    "landed": f"{r['landed']} {r['landed_unit']}",
                    "duplicates dropped": r["duplicates"],
                    "cleaned rows": r["cleaned"],
                    "sentinel rows kept with nulls": r["rows_with_nulls"],
                    "malformed lines": r.get("malformed", 0),
                    "unparseable values": r.get("unparseable", 0),
                }
            )
    if not rows:
        return "<p>No reconciliation.</p>"
    return pd.DataFrame(rows).to_html(index=False, border=0) + _explanation()


def _explanation() -> str:
    return (
        "<p>landed &minus; duplicates dropped = cleaned rows = posted: duplicate deliveries "
        "(retries) are dropped by their event key (pin <code>unique_id</code>, geo and user "
        "<code>ind</code>); "
        "rows with sentinel values are kept, with nulls in place of the sentinels; "
        "malformed lines (not a JSON object of the record) and unparseable values (neither "
        "valid nor a sentinel) are counted by the jobs and must be 0.</p>"
    )


def _answer_section(q: Answer, csv: Path) -> str:
    head = f"<h3>{q.key}: {html.escape(q.title)}</h3>"
    if not csv.exists():
        return head + f"<p class='bad'>missing: {html.escape(csv.name)}</p>"
    frame = pd.read_csv(csv)
    table = f"<div class='scroll'>{frame.to_html(index=False, border=0)}</div>"
    if frame.empty:
        return head + table + "<p>No rows.</p>"
    return head + _img(_answer_chart(q, frame)) + table


def _answer_chart(q: Answer, frame: pd.DataFrame) -> bytes:
    if q.key == "q11":
        return _lines_by_group(frame, q)
    # Long answers (per country) show their largest values; short ones keep the file's order
    # (years and age groups read best in order).
    top = (
        frame.sort_values(q.value, ascending=False).head(MAX_BARS)
        if len(frame) > MAX_BARS
        else frame
    )
    labels = top[list(q.labels)].astype(str).agg(" / ".join, axis=1)
    fig, ax = plt.subplots(figsize=(9, max(2.0, 0.3 * len(top) + 1)))
    ax.barh(labels[::-1], top[q.value][::-1], color="#e60023")
    ax.set_xlabel(q.value)
    suffix = f" (top {MAX_BARS} of {len(frame)})" if len(frame) > MAX_BARS else ""
    ax.set_title(q.title + suffix)
    return _png(fig)


def _lines_by_group(frame: pd.DataFrame, q: Answer) -> bytes:
    fig, ax = plt.subplots(figsize=(9, 4))
    for group, part in frame.groupby("age_group"):
        part = part.sort_values("post_year")
        ax.plot(part["post_year"], part[q.value], marker="o", label=str(group))
    ax.set_xlabel("post_year")
    ax.set_ylabel(q.value)
    ax.set_title(q.title)
    ax.legend(title="age_group")
    return _png(fig)


def _timings_section(timings: dict[str, float]) -> str:
    if not timings:
        return "<p>No timings.</p>"
    frame = pd.DataFrame(
        {"stage": list(timings), "seconds": [round(v, 1) for v in timings.values()]}
    )
    fig, ax = plt.subplots(figsize=(9, max(2.0, 0.35 * len(frame) + 1)))
    ax.barh(frame["stage"][::-1], frame["seconds"][::-1], color="#555")
    ax.set_xlabel("seconds")
    total = f"<p>Total: {sum(timings.values()):.1f} s</p>"
    return frame.to_html(index=False, border=0) + total + _img(_png(fig))


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png", dpi=90)
    plt.close(fig)
    return buf.getvalue()


def _img(png: bytes) -> str:
    return f"<img alt='chart' src='data:image/png;base64,{base64.b64encode(png).decode()}'>"
