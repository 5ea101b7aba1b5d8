"""Confluent REST Proxy error codes and the exception that carries them to the client."""

from __future__ import annotations

TOPIC_NOT_FOUND = 40401
PARTITION_NOT_FOUND = 40402
UNPROCESSABLE = 422
KEY_SCHEMA_MISSING = 42201
VALUE_SCHEMA_MISSING = 42202
INVALID_SCHEMA = 42205
INTERNAL = 50001
KAFKA_ERROR = 50002
KAFKA_RETRIABLE = 50003


class ProxyError(Exception):
    """An error answered as `{"error_code": N, "message": "..."}` with an HTTP status."""

    def __init__(self, status: int, error_code: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error_code = error_code
        self.message = message

    def body(self) -> dict[str, object]:
        return {"error_code": self.error_code, "message": self.message}


def unprocessable(message: str, error_code: int = UNPROCESSABLE) -> ProxyError:
    return ProxyError(422, error_code, message)


def topic_not_found() -> ProxyError:
    return ProxyError(404, TOPIC_NOT_FOUND, "Topic not found.")


def partition_not_found() -> ProxyError:
    return ProxyError(404, PARTITION_NOT_FOUND, "Partition not found.")


def http_error(status: int, reason: str) -> ProxyError:
    """Generic HTTP errors, worded like Jersey's (Confluent answers e.g. 'HTTP 404 Not Found')."""
    return ProxyError(status, status, f"HTTP {status} {reason}")
