"""`python -m devstack run`: flags and Make variables, run folders and the `latest` link."""

from __future__ import annotations

from pathlib import Path

import pytest

from devstack.run.cli import main
from devstack.run.options import DEFAULT_ROWS, parse
from devstack.run.rundir import new_run_dir


def test_defaults_and_make_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ROWS", "RATE", "BATCH", "KEEP_UP", "DATETIMES"):
        monkeypatch.delenv(name, raising=False)
    opts = parse([])
    assert (opts.rows, opts.rate, opts.batch, opts.keep_up) == (DEFAULT_ROWS, 0.0, 500, False)
    assert opts.datetimes == "mix"
    monkeypatch.setenv("ROWS", "300")
    monkeypatch.setenv("RATE", "50")
    monkeypatch.setenv("BATCH", "100")
    monkeypatch.setenv("KEEP_UP", "1")
    monkeypatch.setenv("DATETIMES", "isoformat")
    opts = parse([])
    assert (opts.rows, opts.rate, opts.batch, opts.keep_up) == (300, 50.0, 100, True)
    assert opts.datetimes == "isoformat"
    assert parse(["--rows", "7"]).rows == 7  # a flag beats the variable


@pytest.mark.parametrize(
    "argv",
    [
        ["--rows", "abc"],
        ["--rows", "0"],
        ["--rate", "-1"],
        ["--batch", "501"],
        ["--datetimes", "x"],
    ],
)
def test_bad_values_are_one_line_errors(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("python -m devstack run: error:")
    assert "Traceback" not in "".join(err)


def test_bad_make_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ROWS", "many")
    with pytest.raises(SystemExit):
        parse([])
    assert "--rows: expected an integer, got 'many'" in capsys.readouterr().err
    monkeypatch.delenv("ROWS")
    monkeypatch.setenv("DATETIMES", "epoch")
    with pytest.raises(SystemExit):
        parse([])
    assert "--datetimes: one of str, isoformat, mix, got 'epoch'" in capsys.readouterr().err


def test_run_dirs_are_unique_and_latest_follows(tmp_path: Path) -> None:
    first = new_run_dir(tmp_path)
    second = new_run_dir(tmp_path)
    assert first != second and (first / "results").is_dir()
    assert (tmp_path / "latest").resolve() == second.resolve()
