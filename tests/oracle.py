"""DESIGN sections 7 and 8 in plain Python, from source rows (tests only).

An independent reading, sharing no code with the Spark jobs: `cleaned` is the row a curated table
must hold for a source row; `answers` the rows the batch job's CSV files must hold (as text, as
csv.reader returns them). Source rows are what `emulator.source.read_rows` returns (datetimes as
datetime objects, naive UTC).
"""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

Rows = list[list[str]]
PIN_MISSING = {"", "User Info Error"}  # poster_name and follower_count sentinels
PIN_SENTINELS: dict[str, set[str]] = {
    "title": {"No Title Data Available"},
    "description": {
        "No description available Story format",
        "No description available",
        "Untitled",
    },
    "poster_name": {"User Info Error"},
    "tag_list": {"N,o, ,T,a,g,s, ,A,v,a,i,l,a,b,l,e"},
    "image_src": {"Image src error."},
}


def _text_value(row: dict, column: str) -> str | None:
    value = row[column]
    return None if value in ("", None) or value in PIN_SENTINELS.get(column, ()) else value


def cleaned(table: str, row: dict) -> dict[str, Any]:
    """The curated row (DESIGN section 7) for one source row, in the table's column order."""
    if table == "geo":
        return {
            "ind": row["ind"],
            "country": row["country"],
            "coordinates": [row["latitude"], row["longitude"]],
            "timestamp": row["timestamp"],
        }
    if table == "user":
        return {
            "ind": row["ind"],
            "user_name": _name(row),
            "age": row["age"],
            "date_joined": row["date_joined"],
        }
    path = re.search(r"(/.*)$", row["save_location"] or "")
    text = {c: _text_value(row, c) for c in row}
    return {
        "ind": row["index"],
        "unique_id": text["unique_id"],
        "title": text["title"],
        "description": text["description"],
        "follower_count": followers(row["follower_count"]),
        "poster_name": text["poster_name"],
        "tag_list": text["tag_list"],
        "is_image_or_video": text["is_image_or_video"],
        "image_src": text["image_src"],
        "save_location": path.group(1) if path else None,
        "category": text["category"],
    }


def followers(text: Any) -> int | None:
    """'437' -> 437, '1.5k' -> 1500, '6M' -> 6000000; sentinels and junk -> None."""
    if not isinstance(text, str):
        return None
    if re.fullmatch(r"[0-9]+", text):
        return int(text)
    m = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?)([kM])", text)
    if not m:
        return None
    return int(Decimal(m.group(1)) * (1000 if m.group(2) == "k" else 1_000_000))


def age_group(age: int | None) -> str | None:
    if age is None or age < 18:
        return None
    return "18-24" if age <= 24 else "25-35" if age <= 35 else "36-50" if age <= 50 else "50+"


def _most_popular(pairs: Iterable[tuple[Any, str | None]]) -> list[tuple[Any, str, int]]:
    """(group, category) -> one (group, category, count) per group: most, then smaller name."""
    counts: dict[Any, Counter[str]] = defaultdict(Counter)
    for group, category in pairs:
        if group is not None and category not in (None, ""):
            counts[group][category] += 1
    out = []
    for group in sorted(counts):
        category, n = min(counts[group].items(), key=lambda kv: (-kv[1], kv[0]))
        out.append((group, category, n))
    return out


def _medians(pairs: Iterable[tuple[Any, int | None]]) -> list[tuple[Any, float]]:
    values: dict[Any, list[int]] = defaultdict(list)
    for group, n in pairs:
        if group is not None and n is not None:
            values[group].append(n)
    return [(g, float(statistics.median(values[g]))) for g in sorted(values)]


def _name(u: dict) -> str | None:
    if u["first_name"] is None or u["last_name"] is None:
        return None
    return f"{u['first_name']} {u['last_name']}"


def _text(rows: Iterable[Iterable[Any]]) -> Rows:
    return [[str(v) for v in row] for row in rows]


def answers(pins: list[dict], geos: list[dict], users: list[dict]) -> dict[str, Rows]:
    """Every answer's CSV rows (header excluded), keyed like the files: q4 ... q11."""
    geo = {g["ind"]: g for g in geos}
    user = {u["ind"]: u for u in users}
    pin_geo = [(p, geo[p["index"]]) for p in pins if p["index"] in geo]
    events = []  # (category, follower count, age group, joining year) per posting event
    for p in pins:
        u = user.get(p["index"])
        if u is None:
            continue
        joined = u["date_joined"].year if u["date_joined"] else None
        events.append((p["category"], followers(p["follower_count"]), age_group(u["age"]), joined))

    q6a = {}
    for p, g in pin_geo:
        n, name = followers(p["follower_count"]), p["poster_name"]
        if g["country"] is None or name in PIN_MISSING or name is None or n is None:
            continue
        best = q6a.get(g["country"])
        if best is None or (-n, name) < (-best[1], best[0]):
            q6a[g["country"]] = (name, n)
    q6a_rows = [(c, name, n) for c, (name, n) in sorted(q6a.items())]
    q6b_rows = [min(((c, n) for c, _, n in q6a_rows), key=lambda cn: (-cn[1], cn[0]))][:1]

    people = {(_name(u), u["age"], u["date_joined"]) for u in users if u["date_joined"] is not None}
    joined = Counter(d.year for _, _, d in people if 2015 <= d.year <= 2020)
    in_join_years = [e for e in events if e[3] is not None and 2015 <= e[3] <= 2020]
    return {
        "q4": _text(_most_popular((g["country"], p["category"]) for p, g in pin_geo)),
        "q5": _text(
            _most_popular(
                (g["timestamp"].year, p["category"])
                for p, g in pin_geo
                if g["timestamp"] and 2018 <= g["timestamp"].year <= 2022
            )
        ),
        "q6a": _text(q6a_rows),
        "q6b": _text(q6b_rows),
        "q7": _text(_most_popular((e[2], e[0]) for e in events)),
        "q8": _text(_medians((e[2], e[1]) for e in events)),
        "q9": _text(sorted(joined.items())),
        "q10": _text(_medians((e[3], e[1]) for e in in_join_years)),
        "q11": _text(
            (group, year, m)
            for (group, year), m in _medians(
                ((e[2], e[3]) if e[2] else None, e[1]) for e in in_join_years
            )
        ),
    }
