"""The shape every Terraform module must have (DESIGN section 9)."""

from __future__ import annotations

import pytest

from tests.terraform.hcl import (
    MODULE_FILES,
    MODULES,
    MODULES_DIR,
    TF_ROOT,
    all_tf_files,
    blocks,
    config_dirs,
    internal_modules,
    labelled,
    parse,
)

EXPECTED_MODULES = {
    "names",
    "network",
    "storage",
    "msk",
    "msk_connect",
    "rest_proxy",
    "api_gateway",
    "kinesis",
    "mwaa",
    "databricks_access",
}

DIRS = config_dirs()
DIR_IDS = [d.relative_to(TF_ROOT.parent).as_posix() for d in DIRS]


def test_every_module_of_the_design_exists() -> None:
    assert set(MODULES) >= EXPECTED_MODULES, f"missing modules: {EXPECTED_MODULES - set(MODULES)}"


@pytest.mark.parametrize("module", MODULES)
def test_module_has_the_five_files(module: str) -> None:
    missing = [f for f in MODULE_FILES if not (MODULES_DIR / module / f).is_file()]
    assert not missing, f"module {module} lacks {missing}"


@pytest.mark.parametrize("directory", DIRS, ids=DIR_IDS)
def test_readme_holds_the_terraform_docs_markers(directory) -> None:
    """make tf-docs writes the inputs and outputs between them; make tf-check fails when stale."""
    readme = (directory / "README.md").read_text()
    begin, end = readme.find("<!-- BEGIN_TF_DOCS -->"), readme.find("<!-- END_TF_DOCS -->")
    assert 0 <= begin < end, f"{directory}/README.md has no terraform-docs markers"
    makefile = (TF_ROOT.parent / "Makefile").read_text()
    relative = directory.relative_to(TF_ROOT.parent).as_posix()
    assert directory.parent == MODULES_DIR or relative in makefile, f"TF_DOCS_DIRS lacks {relative}"


@pytest.mark.parametrize("directory", DIRS, ids=DIR_IDS)
def test_every_variable_is_typed_and_described(directory) -> None:
    variables = [(name, body) for _, b in blocks(directory, "variable") for name, body in b.items()]
    assert variables, f"{directory} declares no variables"
    for name, body in variables:
        assert "type" in body, f"variable {name} in {directory} has no type"
        description = body.get("description", "")
        assert len(description.strip()) >= 10, f"variable {name} in {directory} has no description"


@pytest.mark.parametrize("directory", DIRS, ids=DIR_IDS)
def test_every_output_is_described(directory) -> None:
    outputs = [(name, body) for _, b in blocks(directory, "output") for name, body in b.items()]
    assert outputs, f"{directory} declares no outputs"
    for name, body in outputs:
        assert body.get("description", "").strip(), (
            f"output {name} in {directory} has no description"
        )


@pytest.mark.parametrize("directory", DIRS, ids=DIR_IDS)
def test_versions_pin_terraform_and_the_aws_provider(directory) -> None:
    terraform = parse(directory / "versions.tf")["terraform"][0]
    # 1.9: variable validations read the shared log_retention_days.json (path.module).
    assert terraform.get("required_version") == ">= 1.9.0", directory
    providers = terraform.get("required_providers", [{}])[0]
    if directory.name == "names":
        assert not providers, "the names module creates nothing and needs no provider"
        return
    assert providers["aws"]["source"] == "hashicorp/aws", directory
    # 5.100 is the offline mirror tf-check validates with; 6.x is what CI and users get.
    assert providers["aws"]["version"] == ">= 5.100, < 7.0", directory


@pytest.mark.parametrize("directory", DIRS, ids=DIR_IDS)
def test_variables_are_declared_only_in_variables_tf(directory) -> None:
    for path, _ in blocks(directory, "variable"):
        assert path.name == "variables.tf", f"variable declared in {path}"
    for path, _ in blocks(directory, "output"):
        assert path.name == "outputs.tf", f"output declared in {path}"


def test_root_composes_every_module() -> None:
    used = {
        body["source"].removeprefix("./modules/")
        for _, b in blocks(TF_ROOT, "module")
        for body in b.values()
    }
    assert used == set(MODULES) - internal_modules()


def test_internal_modules_are_few_and_known() -> None:
    """Shared building blocks of the modules; the root never calls them itself."""
    assert internal_modules() == {"kms_key", "private_bucket"}
    assert not internal_modules() & EXPECTED_MODULES


@pytest.mark.parametrize("directory", DIRS, ids=DIR_IDS)
def test_every_kms_key_comes_from_the_kms_key_module(directory) -> None:
    """One key resource, one key policy skeleton: modules ask kms_key for theirs."""
    if directory == MODULES_DIR / "kms_key":
        assert set(labelled(directory, "resource", "aws_kms_key")) == {"this"}
        return
    own = labelled(directory, "resource", "aws_kms_key")
    assert not own, f"{directory} creates its own KMS key"


def test_root_outputs_what_users_need() -> None:
    outputs = {name: body for _, b in blocks(TF_ROOT, "output") for name, body in b.items()}
    for name in (
        "api_invoke_url",
        "api_key",
        "data_bucket",
        "topics",
        "stream_names",
        "msk_bootstrap_brokers_iam",
        "mwaa_environment_name",
        "mwaa_dag_bucket",
    ):
        assert name in outputs, f"root output {name} missing"
    assert outputs["api_key"].get("sensitive") is True


def test_root_ships_examples_for_tfvars_and_backend() -> None:
    tfvars = (TF_ROOT / "terraform.tfvars.example").read_text()
    assert "pipeline_id" in tfvars
    backend = (TF_ROOT / "backend.tf.example").read_text()
    # Fully commented: it must not configure a backend until a user copies it.
    code = [ln for ln in backend.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    assert not code, f"backend.tf.example has live lines: {code}"
    assert 'backend "s3"' in backend and "use_lockfile" in backend and "dynamodb_table" in backend


def test_security_essentials() -> None:
    """The few settings the issue names explicitly, checked where they live."""
    msk = labelled(MODULES_DIR / "msk", "resource", "aws_msk_cluster")["this"]
    auth = msk["client_authentication"][0]
    assert auth["sasl"][0]["iam"] is True and auth["unauthenticated"] is False
    transit = msk["encryption_info"][0]["encryption_in_transit"][0]
    assert transit == {"client_broker": "TLS", "in_cluster": True}
    assert "encryption_at_rest_kms_key_arn" in msk["encryption_info"][0]
    assert msk["logging_info"][0]["broker_logs"][0]["cloudwatch_logs"][0]["enabled"] is True

    host = labelled(MODULES_DIR / "rest_proxy", "resource", "aws_instance")["this"]
    assert host["metadata_options"][0]["http_tokens"] == "required"
    assert host["root_block_device"][0]["encrypted"] is True
    assert host["associate_public_ip_address"] is False

    mwaa = labelled(MODULES_DIR / "mwaa", "resource", "aws_mwaa_environment")["this"]
    assert mwaa["webserver_access_mode"] == "PRIVATE_ONLY"
    logs = mwaa["logging_configuration"][0]
    assert len(logs) == 5 and all(v[0]["enabled"] is True for v in logs.values())

    streams = labelled(MODULES_DIR / "kinesis", "resource", "aws_kinesis_stream")["this"]
    assert streams["encryption_type"] == '${var.kms_encryption ? "KMS" : "NONE"}'
    kinesis_vars = {
        n: b for _, blk in blocks(MODULES_DIR / "kinesis", "variable") for n, b in blk.items()
    }
    assert kinesis_vars["kms_encryption"]["default"] is True  # off only on LocalStack

    # Both buckets (data, DAG source) are private_bucket modules.
    for module in ("storage", "mwaa"):
        sources = [
            b["source"] for _, blk in blocks(MODULES_DIR / module, "module") for b in blk.values()
        ]
        assert "../private_bucket" in sources, f"{module} builds its bucket without private_bucket"
    bucket = MODULES_DIR / "private_bucket"
    pab = labelled(bucket, "resource", "aws_s3_bucket_public_access_block")
    (block,) = pab.values()
    assert all(block[k] is True for k in ("block_public_acls", "block_public_policy"))
    assert all(block[k] is True for k in ("ignore_public_acls", "restrict_public_buckets"))
    (v,) = labelled(bucket, "resource", "aws_s3_bucket_versioning").values()
    assert v["versioning_configuration"][0]["status"] == "Enabled"


def test_mwaa_airflow_version_matches_the_dag_tests() -> None:
    """MWAA runs the Airflow version the DAG tests run (AIRFLOW_VERSION in the Makefile)."""
    import re

    makefile = (TF_ROOT.parent / "Makefile").read_text()
    pinned = re.search(r"^AIRFLOW_VERSION\s*\?=\s*(\S+)", makefile, re.M)
    assert pinned, "Makefile pins no AIRFLOW_VERSION"
    root_vars = {n: b for _, blk in blocks(TF_ROOT, "variable") for n, b in blk.items()}
    module_vars = {
        n: b for _, blk in blocks(MODULES_DIR / "mwaa", "variable") for n, b in blk.items()
    }
    assert root_vars["mwaa_airflow_version"]["default"] == pinned.group(1)
    assert module_vars["airflow_version"]["default"] == pinned.group(1)


def test_every_checkov_skip_carries_its_reason() -> None:
    import re

    skips = 0
    for f in all_tf_files():
        for line in f.read_text().splitlines():
            if "checkov:skip" in line:
                skips += 1
                reason = re.fullmatch(r"\s*#checkov:skip=CKV2?_AWS_\d+:\S.{15,}", line)
                assert reason, f"{f}: {line}"
    assert skips > 0


def test_mwaa_requirements_file_pins_the_same_airflow() -> None:
    """The requirements.txt Terraform uploads has MWAA's --constraint line for that version."""
    root_vars = {n: b for _, blk in blocks(TF_ROOT, "variable") for n, b in blk.items()}
    path = (TF_ROOT / root_vars["mwaa_requirements_path"]["default"]).resolve()
    assert path.is_file(), path
    version = root_vars["mwaa_airflow_version"]["default"]
    first = path.read_text().splitlines()[0]
    assert first.startswith("--constraint") and f"constraints-{version}/" in first, first


LOG_RETENTION = MODULES_DIR / "log_retention_days.json"


def test_log_retention_periods_are_one_list() -> None:
    """CloudWatch Logs' retention periods: one JSON list that every retention variable reads."""
    import json

    periods = json.loads(LOG_RETENTION.read_text())
    assert periods == sorted(set(periods)) and {1, 365, 3653} <= set(periods)
    readers = []
    for directory in DIRS:
        for _, block in blocks(directory, "variable"):
            for name, body in block.items():
                if "retention_days" not in name:
                    continue
                (rule,) = body["validation"]
                relative = "modules/" if directory == TF_ROOT else "../"
                shared = f'jsondecode(file("${{path.module}}/{relative}log_retention_days.json"))'
                assert shared in rule["condition"], f"{directory.name}.{name} keeps its own list"
                readers.append(f"{directory.name}.{name}")
    assert len(readers) >= 5, readers  # the root, network, msk, msk_connect, api_gateway
    for path in all_tf_files():
        assert "3653" not in path.read_text(), f"{path} repeats the retention list"
