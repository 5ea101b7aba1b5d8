"""Serve the body of a configured gateway response, as AWS does (LocalStack 2026.3.0 does not).

LocalStack applies a gateway response's status code but always answers `{"message": "..."}`
(its handler leaves responseTemplates as a TODO). The contract's INVALID_API_KEY response says how
to send `x-api-key`; this patch returns a configured `application/json` template when it is
static text (no `$`: LocalStack's own defaults are `$context` templates and stay as they were).
Imported by sitecustomize.py in LocalStack's interpreter only.
"""

from __future__ import annotations

from typing import Any

try:
    from localstack.services.apigateway.next_gen.execute_api.gateway_response import (
        get_gateway_response_or_default,
    )
    from localstack.services.apigateway.next_gen.execute_api.handlers import gateway_exception
except ImportError:  # not LocalStack's interpreter, or its layout moved: leave it alone
    gateway_exception = None


def _with_template(original: Any) -> Any:
    def create_exception_response(self: Any, exception: Any, context: Any) -> Any:
        response = original(self, exception, context)
        configured = get_gateway_response_or_default(
            exception.type, context.deployment.rest_api.gateway_responses
        )
        template = (configured.get("responseTemplates") or {}).get("application/json")
        if response is not None and template and "$" not in template:
            response.set_data(template)
        return response

    return create_exception_response


if gateway_exception is not None:
    handler = gateway_exception.GatewayExceptionHandler
    handler.create_exception_response = _with_template(handler.create_exception_response)
