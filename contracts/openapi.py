"""Render contracts/openapi.yaml the way Terraform's `templatefile` does.

Only the part of templatefile's language the contract uses: `${name}` interpolations of plain
variable names, the escapes `$${` -> `${` and `%%{` -> `%{`. Anything else (expressions,
`%{ if }` directives) is rejected rather than rendered differently from Terraform.
"""

from __future__ import annotations

import re
from importlib import resources
from typing import Any

VARIABLES: tuple[str, ...] = (
    "aws_region",
    "rest_proxy_uri",
    "connection_type",
    "vpc_link_id",
    "kinesis_role_arn",
)
"""The template variables of openapi.yaml (Terraform passes the same map)."""

# One alternation so that escapes are consumed before interpolations are matched,
# exactly as a left-to-right template scanner would.
_TOKEN = re.compile(r"\$\$\{|%%\{|\$\{(?P<expr>[^}]*)\}|\$\{|%\{")
_NAME = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_-]*)\s*$")


class TemplateError(ValueError):
    """The template or its variables are not what templatefile would accept."""


def template_text() -> str:
    """The raw openapi.yaml template shipped in the contracts package."""
    return resources.files("contracts").joinpath("openapi.yaml").read_text(encoding="utf-8")


def render(variables: dict[str, str], template: str | None = None) -> str:
    """Substitute `variables` into the template (openapi.yaml by default).

    Raises TemplateError naming every variable the template uses but `variables` lacks.
    Extra variables are ignored, as templatefile does.
    """
    text = template_text() if template is None else template
    missing = sorted(set(used_variables(text)) - set(variables))
    if missing:
        raise TemplateError(f"missing template variable(s): {', '.join(missing)}")

    def substitute(m: re.Match[str]) -> str:
        token = m.group(0)
        if token == "$${":
            return "${"
        if token == "%%{":
            return "%{"
        return str(variables[_variable_name(m)])

    return _TOKEN.sub(substitute, text)


def used_variables(template: str) -> list[str]:
    """Names the template interpolates, in order of first use."""
    names: list[str] = []
    for m in _TOKEN.finditer(template):
        if m.group(0) in ("$${", "%%{"):
            continue
        name = _variable_name(m)
        if name not in names:
            names.append(name)
    return names


def _variable_name(m: re.Match[str]) -> str:
    token = m.group(0)
    line = m.string.count("\n", 0, m.start()) + 1
    if token == "%{":
        raise TemplateError(f"line {line}: template directives (%{{ ... }}) are not supported")
    expr = m.group("expr")
    if expr is None:
        raise TemplateError(f"line {line}: unterminated interpolation '${{'")
    name = _NAME.match(expr)
    if name is None:
        raise TemplateError(
            f"line {line}: only plain variable names may be interpolated, got {token!r}"
        )
    return name.group(1)


def gateway_responses(document: str) -> dict[str, dict[str, Any]]:
    """The `x-amazon-apigateway-gateway-responses` of a rendered document, by response type.

    Each value holds PutGatewayResponse's fields (statusCode, responseTemplates, ...): what a
    stack whose import skips the extension (LocalStack) applies after importing the body.
    """
    import yaml  # only where the document is applied

    spec = yaml.safe_load(document) or {}
    return dict(spec.get("x-amazon-apigateway-gateway-responses") or {})
