"""Terraform names equal contracts/names.py: evaluated by terraform itself, for several ids."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from contracts.names import API_STAGE, TABLES, Names
from tests.terraform.hcl import MODULES_DIR, TF_ROOT, all_tf_files, blocks, console

IDS = ["0a1b2c3d4e5f", "ab-cd", "x0-y1-z2", "abcd", "a" * 32]


@pytest.fixture(scope="module")
def names_module(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # A copy, so that terraform never writes next to the sources.
    target = tmp_path_factory.mktemp("names")
    for f in (MODULES_DIR / "names").glob("*.tf"):
        shutil.copy(f, target)
    return target


def evaluate(module: Path, pipeline_id: str) -> dict:
    expression = (
        "jsonencode({tables = local.tables, topics = local.topics, streams = local.streams,"
        " bucket = local.bucket, topics_regex = local.topics_regex, api_stage = local.api_stage})"
    )
    return json.loads(console(expression, module, f"-var=pipeline_id={pipeline_id}"))


@pytest.mark.parametrize("pipeline_id", IDS)
def test_terraform_names_equal_contract_names(names_module: Path, pipeline_id: str) -> None:
    names = Names(pipeline_id)
    got = evaluate(names_module, pipeline_id)
    assert got["tables"] == list(TABLES)
    assert got["topics"] == {t: names.topic(t) for t in TABLES}
    assert got["streams"] == {t: names.stream(t) for t in TABLES}
    assert got["bucket"] == names.bucket
    assert got["topics_regex"] == names.topics_regex
    assert got["api_stage"] == API_STAGE


@pytest.mark.parametrize("pipeline_id", IDS)
def test_topics_regex_matches_exactly_the_pipeline_topics(
    names_module: Path, pipeline_id: str
) -> None:
    regex = re.compile(evaluate(names_module, pipeline_id)["topics_regex"])
    names = Names(pipeline_id)
    assert all(regex.fullmatch(t) for t in names.topics)
    assert not regex.fullmatch(f"{pipeline_id}.pins")
    assert not regex.fullmatch(f"{pipeline_id}Xpin")
    assert not regex.fullmatch(f"other-{pipeline_id}.pin")


@pytest.mark.parametrize("bad_id", ["AB", "ab", "-abc", "abc-", "a_b_c", "a" * 33])
def test_terraform_rejects_ids_the_contract_rejects(names_module: Path, bad_id: str) -> None:
    with pytest.raises(ValueError):
        Names(bad_id)
    with pytest.raises(AssertionError, match="pipeline_id"):
        evaluate(names_module, bad_id)


def test_root_validates_pipeline_id_like_the_names_module() -> None:
    def condition(directory: Path) -> str:
        return next(
            body["pipeline_id"]["validation"][0]["condition"]
            for _, body in blocks(directory, "variable")
            if "pipeline_id" in body
        )

    assert condition(TF_ROOT) == condition(MODULES_DIR / "names")


def test_no_module_spells_a_pipeline_name_itself() -> None:
    """Topic, stream and bucket names come from module.names, never from a literal."""
    patterns = [r"streaming-\$\{", r"user-\$\{[^}]*\}-bucket", r"\}\.(pin|geo|user)\b"]
    offenders = []
    for f in all_tf_files():
        if f.parent.name == "names":
            continue
        text = f.read_text()
        offenders += [f"{f}: {p}" for p in patterns if re.search(p, text)]
    assert not offenders


def test_root_wires_the_names_module_into_every_named_input() -> None:
    modules = {n: b for _, blk in blocks(TF_ROOT, "module") for n, b in blk.items()}
    expected = {
        ("storage", "bucket"): "${module.names.bucket}",
        ("kinesis", "streams"): "${module.names.streams}",
        ("rest_proxy", "topics"): "${module.names.topics}",
        ("msk_connect", "topics"): "${module.names.topics}",
        ("msk_connect", "topics_regex"): "${module.names.topics_regex}",
        ("msk_connect", "connector_name"): "${module.names.connector}",
        ("msk_connect", "plugin_name"): "${module.names.plugin}",
        ("api_gateway", "stage_name"): "${module.names.api_stage}",
    }
    for (module, arg), value in expected.items():
        assert modules[module][arg] == value, f"module.{module}.{arg}"


def test_names_module_passes_terraform_validate(names_module: Path) -> None:
    """The one module without a provider can be validated offline."""
    import os
    import subprocess

    from tests.terraform.hcl import tf_binary

    env = dict(os.environ, TF_IN_AUTOMATION="1", CHECKPOINT_DISABLE="1")
    for command in (["init", "-backend=false", "-input=false"], ["validate", "-no-color"]):
        result = subprocess.run(
            [tf_binary(), *command],
            cwd=names_module,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
    assert "Success" in result.stdout
