"""The nine answers of DESIGN section 8, declared once: file name, title and columns.

The batch job writes each as `<results>/<key>.csv` with exactly these columns; the run's report and
console read the same files by the same names.
"""

from __future__ import annotations

from dataclasses import dataclass

POST_YEARS = (2018, 2022)
"""Question 5: post years, inclusive."""
JOIN_YEARS = (2015, 2020)
"""Questions 9-11: joining years, inclusive."""

_POSTED = f"{POST_YEARS[0]}-{POST_YEARS[1]}"
_JOINED = f"{JOIN_YEARS[0]}-{JOIN_YEARS[1]}"


@dataclass(frozen=True)
class Answer:
    key: str
    title: str
    columns: tuple[str, ...]
    """The answer's columns, in order: the last one is the measure, the others name a row."""

    @property
    def file_name(self) -> str:
        return f"{self.key}.csv"

    @property
    def labels(self) -> tuple[str, ...]:
        """The columns that name a row (a bar of the report's chart)."""
        return self.columns[:-1]

    @property
    def value(self) -> str:
        """The measured column."""
        return self.columns[-1]


ANSWERS: dict[str, Answer] = {
    a.key: a
    for a in (
        Answer(
            "q4",
            "Most popular category in each country",
            ("country", "category", "category_count"),
        ),
        Answer(
            "q5",
            f"Most popular category each year, {_POSTED}",
            ("post_year", "category", "category_count"),
        ),
        Answer(
            "q6a",
            "User with the most followers in each country",
            ("country", "poster_name", "follower_count"),
        ),
        Answer(
            "q6b",
            "Country whose top user has the most followers",
            ("country", "follower_count"),
        ),
        Answer(
            "q7",
            "Most popular category per age group",
            ("age_group", "category", "category_count"),
        ),
        Answer(
            "q8",
            "Median follower count per age group",
            ("age_group", "median_follower_count"),
        ),
        Answer(
            "q9",
            f"Users joined per year, {_JOINED}",
            ("post_year", "number_users_joined"),
        ),
        Answer(
            "q10",
            f"Median follower count by joining year, {_JOINED}",
            ("post_year", "median_follower_count"),
        ),
        Answer(
            "q11",
            f"Median follower count by joining year and age group, {_JOINED}",
            ("age_group", "post_year", "median_follower_count"),
        ),
    )
}
"""Every answer by its key, in the order the job computes and the report shows them."""
