"""The one line of an error worth showing a user (no JVM stack trace)."""

from __future__ import annotations

MAX_CHARS = 500


def one_line(e: BaseException) -> str:
    """The line of an error that says what went wrong.

    A Py4J error's first line only names the JVM call ("An error occurred while calling o83.json");
    the Java exception and its message follow on the line that starts with ": ".
    """
    lines = [line.strip() for line in str(e).strip().splitlines() if line.strip()]
    for line in lines:
        if line.startswith(": "):
            return line[2:][:MAX_CHARS]
    return lines[0][:MAX_CHARS] if lines else type(e).__name__
