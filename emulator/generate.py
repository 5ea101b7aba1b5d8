"""Synthetic, dirty source rows (DESIGN section 4), deterministic for a seed.

One `random.Random(seed)` drives everything and rows are drawn in index order, so the same seed
gives the same rows, and the first N rows do not depend on how many rows follow.
"""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect
from collections.abc import Callable, Iterator, Sequence
from itertools import accumulate, combinations
from typing import Any

from contracts import sentinels
from contracts.names import TABLES
from contracts.records import SPECS, DatetimeStyle, to_wire
from emulator import vocab

Row = tuple[Any, ...]
"""One source row: values in the order of its record spec's fields."""

# Rates of dirty values, per column (fractions of rows).
P_NO_TITLE = 0.025
P_NO_DESCRIPTION = 0.012  # each of the three description sentinels
P_USER_INFO_ERROR = 0.025
P_NO_TAGS = 0.025
P_IMAGE_SRC_ERROR = 0.02
P_EMPTY = 0.005  # empty string, in title, description, poster_name and tag_list each
P_AGE_OUTLIER = 0.006
# How often an event reuses someone already seen: the same person under several ind values.
P_SAME_USER = 0.3
P_SAME_POSTER = 0.6

POST_START = dt.datetime(2015, 1, 1)
POST_END = dt.datetime(2022, 12, 31, 23, 59, 59)
JOIN_START = dt.datetime(2015, 1, 1)
JOIN_END = dt.datetime(2020, 12, 31, 23, 59, 59)


class _Weighted:
    """Weighted choice with precomputed cumulative weights (fast, and stable across versions)."""

    def __init__(self, items: Sequence[Any], weights: Sequence[int]) -> None:
        self.items = list(items)
        self.cum = list(accumulate(weights))
        self.total = self.cum[-1]

    def pick(self, rnd: Callable[[], float]) -> Any:
        return self.items[bisect(self.cum, rnd() * self.total)]


def _pick(rnd: Callable[[], float], seq: Sequence[Any]) -> Any:
    """Uniform choice from one random() draw: several times faster than Random.choice."""
    return seq[int(rnd() * len(seq))]


_CATEGORIES = _Weighted(list(vocab.CATEGORIES), [w for w, _, _ in vocab.CATEGORIES.values()])
_MEDIA = _Weighted(vocab.MEDIA_TYPES, vocab.MEDIA_WEIGHTS)
_COUNTRIES = _Weighted(vocab.COUNTRIES, [c[3] for c in vocab.COUNTRIES])
# Every tag list a pin of a category can carry: 2 to 5 of its tags, in vocabulary order.
_TAG_LISTS = {
    category: [",".join(c) for k in range(2, 6) for c in combinations(tags, k)]
    for category, (_, _, tags) in vocab.CATEGORIES.items()
}
_AGE_OUTLIERS = (*range(12, 18), *range(81, 100))
# Reuse people and posters only once a few exist, so the first rows are not one person.
MIN_POOL = 50


class Generator:
    """Draws events in index order: event i is row i of pin, geo and user."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.rnd = self.rng.random
        self.index = 0
        self.people: list[tuple[str, str, int, dt.datetime]] = []
        self.posters: list[tuple[str, str]] = []

    def batch(self, n: int) -> tuple[list[Row], list[Row], list[Row]]:
        """The next n events as (pin rows, geo rows, user rows)."""
        pins, geos, users = [], [], []
        for _ in range(n):
            i = self.index
            pins.append(self.pin(i))
            geos.append(self.geo(i))
            users.append(self.user(i))
            self.index += 1
        return pins, geos, users

    def pin(self, i: int) -> Row:
        rnd = self.rnd
        category = _CATEGORIES.pick(rnd)
        _, nouns, tags = vocab.CATEGORIES[category]
        noun, adj = _pick(rnd, nouns), _pick(rnd, vocab.ADJECTIVES)
        poster_name, follower_count = self._poster()
        image_src = self._image_src()
        return (
            i,  # index
            _uuid4(self.rng.getrandbits(128)),  # unique_id
            self._title(noun, adj),
            self._description(noun, adj, tags),
            poster_name,
            follower_count,
            self._tags(category),
            _MEDIA.pick(rnd),  # is_image_or_video
            image_src,
            int(image_src != sentinels.IMAGE_SRC_ERROR and rnd() < 0.97),  # downloaded
            f"Local save in /data/{category}",  # save_location
            category,
        )

    def geo(self, i: int) -> Row:
        rng = self.rng
        country, lat, lon, _ = _COUNTRIES.pick(self.rnd)
        return (
            i,  # ind
            _between(self.rnd, POST_START, POST_END),  # timestamp
            round(max(-90.0, min(90.0, rng.gauss(lat, 2.5))), 6),  # latitude
            round((rng.gauss(lon, 3.5) + 180.0) % 360.0 - 180.0, 6),  # longitude
            country,
        )

    def user(self, i: int) -> Row:
        rnd = self.rnd
        if len(self.people) >= MIN_POOL and rnd() < P_SAME_USER:
            first, last, age, joined = _pick(rnd, self.people)
        else:
            first, last = _pick(rnd, vocab.FIRST_NAMES), _pick(rnd, vocab.LAST_NAMES)
            age, joined = _age(rnd), _between(rnd, JOIN_START, JOIN_END)
            self.people.append((first, last, age, joined))
        return (i, first, last, age, joined)

    def _title(self, noun: str, adj: str) -> str:
        rnd = self.rnd
        r = rnd()
        if r < P_NO_TITLE:
            return sentinels.NO_TITLE
        if r < P_NO_TITLE + P_EMPTY:
            return ""
        template = _pick(rnd, vocab.TITLE_TEMPLATES)
        n, year = 5 + int(rnd() * 46), 2015 + int(rnd() * 8)
        return str(template.format(n=n, adj=adj, noun=noun, year=year))

    def _description(self, noun: str, adj: str, tags: Sequence[str]) -> str:
        rnd = self.rnd
        r = rnd()
        slot = int(r / P_NO_DESCRIPTION)
        if slot < len(sentinels.NO_DESCRIPTION):
            return sentinels.NO_DESCRIPTION[slot]
        if r < P_NO_DESCRIPTION * len(sentinels.NO_DESCRIPTION) + P_EMPTY:
            return ""
        template = _pick(rnd, vocab.DESCRIPTION_TEMPLATES)
        n, tag = 5 + int(rnd() * 46), _pick(rnd, tags)
        return str(
            template.format(
                n=n, adj=adj, noun=noun, adj_l=adj.lower(), noun_l=noun.lower(), tag=tag
            )
        )

    def _poster(self) -> tuple[str, str]:
        rnd = self.rnd
        r = rnd()
        if r < P_USER_INFO_ERROR:
            return sentinels.USER_INFO_ERROR, sentinels.USER_INFO_ERROR
        if r < P_USER_INFO_ERROR + P_EMPTY:
            return "", follower_count(rnd)
        if len(self.posters) >= MIN_POOL and rnd() < P_SAME_POSTER:
            return _pick(rnd, self.posters)
        poster = (_poster_name(rnd), follower_count(rnd))
        self.posters.append(poster)
        return poster

    def _tags(self, category: str) -> str:
        r = self.rnd()
        if r < P_NO_TAGS:
            return sentinels.NO_TAGS
        if r < P_NO_TAGS + P_EMPTY:
            return ""
        return str(_pick(self.rnd, _TAG_LISTS[category]))

    def _image_src(self) -> str:
        rnd = self.rnd
        if rnd() < P_IMAGE_SRC_ERROR:
            return sentinels.IMAGE_SRC_ERROR
        h = f"{self.rng.getrandbits(128):032x}"
        ext = "png" if rnd() < 0.15 else "jpg"
        return f"https://i.pinimg.com/originals/{h[:2]}/{h[2:4]}/{h[4:6]}/{h}.{ext}"


def follower_count(rnd: Callable[[], float]) -> str:
    """A count as Pinterest shows it: "437", "26k", "1.5k", "6M", "2.3M".

    10 to 10M, skewed to small accounts: about half plain numbers, 40% k and 10% M.
    """
    n = int(10 ** (1 + 6 * rnd() ** 1.5))
    if n < 1000:
        return str(n)
    value, suffix = (n / 1000, "k") if n < 1_000_000 else (n / 1_000_000, "M")
    if value < 10 and rnd() < 0.5:
        return f"{int(value * 10) / 10:.1f}".removesuffix(".0") + suffix
    return f"{int(value)}{suffix}"


def _poster_name(rnd: Callable[[], float]) -> str:
    r = rnd()
    person = f"{_pick(rnd, vocab.FIRST_NAMES)} {_pick(rnd, vocab.LAST_NAMES)}"
    if r < 0.6:
        return person
    brand = f"{_pick(rnd, vocab.BRAND_WORDS)} {_pick(rnd, vocab.BRAND_WORDS)}"
    return brand if r < 0.85 else f"{person} | {brand}"


def _age(rnd: Callable[[], float]) -> int:
    if rnd() < P_AGE_OUTLIER:
        return int(_pick(rnd, _AGE_OUTLIERS))
    # Triangular on [18, 81) with its mode at 27: most users are young adults.
    u, low, high, mode = rnd(), 18.0, 81.0, 27.0
    c = (mode - low) / (high - low)
    if u < c:
        return int(low + ((high - low) * (mode - low) * u) ** 0.5)
    return int(high - ((high - low) * (high - mode) * (1 - u)) ** 0.5)


def _between(rnd: Callable[[], float], start: dt.datetime, end: dt.datetime) -> dt.datetime:
    span = int((end - start).total_seconds()) + 1
    return start + dt.timedelta(seconds=int(rnd() * span))


_UUID_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID_SET = (0x4000 << 64) | (0x8000 << 48)


def _uuid4(bits: int) -> str:
    """A version-4 UUID string from 128 random bits (uuid4() would not follow the seed).

    Sets the version and variant bits as uuid.UUID(int=bits, version=4) does, without
    building the object: a fifth of the cost, on every pin.
    """
    h = f"{(bits & _UUID_CLEAR) | _UUID_SET:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def as_dicts(table: str, rows: Sequence[Row]) -> list[dict[str, Any]]:
    """Rows of one event table (pin, geo, user) as dicts keyed by the spec's field names."""
    names = SPECS[table].field_names
    return [dict(zip(names, row, strict=True)) for row in rows]


WireRows = dict[str, list[dict[str, Any]]]
"""Per table (pin, geo, user), rows as clients send them (contracts.records.to_wire)."""


def wire_events(
    events: int, seed: int, datetimes: DatetimeStyle = "str", chunk: int = 20_000
) -> Iterator[WireRows]:
    """The first `events` events of the seed in wire form, at most `chunk` events at a time."""
    generator = Generator(seed)
    done = 0
    while done < events:
        n = min(chunk, events - done)
        batch = generator.batch(n)
        yield {
            table: [to_wire(SPECS[table], row, datetimes) for row in as_dicts(table, rows)]
            for table, rows in zip(TABLES, batch, strict=True)
        }
        done += n
