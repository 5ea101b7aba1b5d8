"""IAM statements name their resources: no "*" where a name is known."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import hcl2
import pytest

from tests.terraform.hcl import _OPTIONS, all_tf_files, config_dirs, labelled, parse

# Actions IAM grants only on "*" (no resource-level permissions), with where they are used.
RESOURCELESS_ACTIONS = {
    "kinesis:ListStreams",  # GET /streams (API Gateway)
    "logs:DescribeLogGroups",  # MWAA execution role
    "s3:GetAccountPublicAccessBlock",  # MWAA execution role
    "cloudwatch:PutMetricData",  # MWAA execution role
}


def statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Plain and dynamic statements of an aws_iam_policy_document."""
    found = list(document.get("statement", []))
    for dynamic in document.get("dynamic", []):
        found += [d["content"][0] for name, d in dynamic.items() if name == "statement"]
    return found


def key_policy_documents(parsed: list[dict[str, Any]]) -> set[str]:
    """Names of the policy documents used as KMS key policies (there "*" means the key)."""
    names = set()
    for tree in parsed:
        for block in tree.get("resource", []):
            for key in block.get("aws_kms_key", {}).values():
                ref = key.get("policy", "")
                if ref.startswith("${data.aws_iam_policy_document."):
                    names.add(ref.split(".")[2])
    return names


def violations(parsed: list[dict[str, Any]]) -> list[str]:
    """Statements with a "*" resource that is neither a key policy nor a resourceless action."""
    key_docs = key_policy_documents(parsed)
    found = []
    for tree in parsed:
        for block in tree.get("data", []):
            for name, doc in block.get("aws_iam_policy_document", {}).items():
                if name in key_docs:
                    continue
                for st in statements(doc):
                    if "*" not in st.get("resources", []) or st.get("effect") == "Deny":
                        continue
                    extra = set(st.get("actions", [])) - RESOURCELESS_ACTIONS
                    if extra:
                        found.append(f"{name}: {sorted(extra)} on *")
    return found


def parsed_dir(directory: Path) -> list[dict[str, Any]]:
    return [parse(f) for f in sorted(directory.glob("*.tf"))]


@pytest.mark.parametrize("directory", config_dirs(), ids=lambda d: d.name)
def test_no_star_resource_where_a_name_is_known(directory: Path) -> None:
    assert violations(parsed_dir(directory)) == []


def test_every_policy_is_a_checked_document() -> None:
    """Policies are aws_iam_policy_document data sources (checked above), never inline JSON."""
    policy_args = {"policy", "assume_role_policy", "inline_policy"}
    for f in all_tf_files():
        for block in parse(f).get("resource", []):
            for type_, resources in block.items():
                for name, body in resources.items():
                    for arg in policy_args & set(body):
                        value = body[arg]
                        assert isinstance(value, str), f"{f}: {type_}.{name}.{arg}"
                        assert value.startswith("${data.aws_iam_policy_document."), (
                            f"{f}: {type_}.{name}.{arg} is not a policy document"
                        )


def test_policy_attachments_are_aws_managed_or_absent() -> None:
    """No customer managed policy with its own rules slips past the document check."""
    for directory in config_dirs():
        attachments = labelled(directory, "resource", "aws_iam_role_policy_attachment")
        for name, body in attachments.items():
            assert ":iam::aws:policy/" in body["policy_arn"], f"{directory}: {name}"


def test_the_check_catches_a_star_resource() -> None:
    bad = hcl2.loads(
        """
        data "aws_iam_policy_document" "bad" {
          statement {
            actions   = ["s3:GetObject", "kinesis:ListStreams"]
            resources = ["*"]
          }
        }
        data "aws_iam_policy_document" "ok" {
          statement {
            actions   = ["kinesis:ListStreams"]
            resources = ["*"]
          }
          dynamic "statement" {
            for_each = [1]
            content {
              actions   = ["s3:PutObject"]
              resources = ["*"]
            }
          }
        }
        """,
        serialization_options=_OPTIONS,
    )
    assert violations([bad]) == ["bad: ['s3:GetObject'] on *", "ok: ['s3:PutObject'] on *"]


def test_the_check_accepts_key_policies_only_when_a_key_uses_them() -> None:
    text = """
        data "aws_iam_policy_document" "key" {
          statement {
            actions   = ["kms:*"]
            resources = ["*"]
          }
        }
        %s
    """
    key = 'resource "aws_kms_key" "k" {\n policy = data.aws_iam_policy_document.key.json\n}'
    with_key = hcl2.loads(text % key, serialization_options=_OPTIONS)
    without_key = hcl2.loads(text % "", serialization_options=_OPTIONS)
    assert violations([with_key]) == []
    assert violations([without_key]) == ["key: ['kms:*'] on *"]
