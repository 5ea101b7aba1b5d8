"""HTTP layer of the REST proxy: routes, body limits, JSON errors, one log line per request."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from confluent_kafka import KafkaException
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from devstack.rest_proxy import errors, payload
from devstack.rest_proxy.backend import Backend, Delivery, TopicInfo

log = logging.getLogger("devstack.rest_proxy")

DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class ProxySettings:
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES


def create_app(backend: Backend, settings: ProxySettings | None = None) -> ASGIApp:
    """The ASGI application, wrapped in the guard that logs and answers every failure as JSON."""
    conf = settings or ProxySettings()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        backend.close()  # graceful shutdown: deliver what is queued
        log.info("producer flushed, stopped")

    app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.backend = backend
    app.state.settings = conf
    app.add_api_route("/", root, methods=["GET"])
    app.add_api_route("/health", health, methods=["GET"])
    app.add_api_route("/topics", list_topics, methods=["GET"])
    app.add_api_route("/topics/{topic}", get_topic, methods=["GET"])
    app.add_api_route("/topics/{topic}", produce_to_topic, methods=["POST"])
    app.add_api_route(
        "/topics/{topic}/partitions/{partition}", produce_to_partition, methods=["POST"]
    )
    app.add_exception_handler(errors.ProxyError, _proxy_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
    return Guard(app)


def reply(content: Any, status: int = 200) -> Response:
    return JSONResponse(content, status_code=status, media_type=payload.RESPONSE_TYPE)


async def root(request: Request) -> Response:
    return reply({})


async def health(request: Request) -> Response:
    """Readiness: 200 once the broker answers a metadata request."""
    try:
        await _backend(request).ping()
    except Exception as exc:
        return reply({"error_code": errors.KAFKA_ERROR, "message": f"Kafka error: {exc}"}, 503)
    return reply({"status": "ok"})


async def list_topics(request: Request) -> Response:
    return reply(await _backend(request).topic_names())


async def get_topic(request: Request) -> Response:
    backend = _backend(request)
    info = await _existing_topic(backend, request.path_params["topic"])
    configs = await backend.topic_configs(info.name)
    return reply({"name": info.name, "configs": configs, "partitions": _describe(info)})


async def produce_to_topic(request: Request) -> Response:
    return await _produce(request, None)


async def produce_to_partition(request: Request) -> Response:
    raw = request.path_params["partition"]
    if not raw.isdigit():  # Jersey's {partition: int} does not match, hence a plain 404
        raise errors.http_error(404, "Not Found")
    return await _produce(request, int(raw))


async def _produce(request: Request, path_partition: int | None) -> Response:
    fmt = payload.embedded_format(request.headers.get("content-type"))
    body = await read_body(request, request.app.state.settings.max_body_bytes)
    records = payload.parse_request(body, fmt, path_partition)
    request.state.records = len(records)
    backend = _backend(request)
    info = await _existing_topic(backend, request.path_params["topic"])
    wanted = {r.partition for r in records if r.partition is not None}
    if any(p >= len(info.partitions) for p in wanted):
        raise errors.partition_not_found()
    deliveries = await backend.produce(info.name, records)
    return _produce_response(deliveries)


def _produce_response(deliveries: list[Delivery]) -> Response:
    """Confluent's answer: 200 with one entry per record, failed ones carrying their error.

    When no record at all was stored the answer is a 500 (the first record's 50002/50003, the
    offsets still listed), so a client that only reads the status retries, and duplicates
    nothing by doing so. A partial failure stays a 200, as in Confluent, so that clients retry
    exactly the records whose `error_code` is set.
    """
    body: dict[str, Any] = {
        "key_schema_id": None,
        "value_schema_id": None,
        "offsets": [
            {
                "partition": d.partition,
                "offset": d.offset,
                "error_code": d.error_code,
                "error": d.error,
            }
            for d in deliveries
        ],
    }
    failed = [d for d in deliveries if d.error_code is not None]
    if not failed or len(failed) < len(deliveries):
        return reply(body)
    body["error_code"] = failed[0].error_code
    body["message"] = f"Kafka error: no record was stored: {failed[0].error}"
    return reply(body, 500)


async def read_body(request: Request, limit: int) -> bytes:
    """The body, or a 413 as soon as it is known to exceed `limit` (header or streamed size)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(int(declared), limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(size, limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(size: int, limit: int) -> errors.ProxyError:
    return errors.ProxyError(
        413, 413, f"HTTP 413 Payload Too Large: body of {size}+ bytes exceeds {limit} bytes"
    )


def _backend(request: Request) -> Backend:
    backend: Backend = request.app.state.backend
    return backend


async def _existing_topic(backend: Backend, name: str) -> TopicInfo:
    info = await backend.topic(name)
    if info is None:
        raise errors.topic_not_found()
    return info


def _describe(info: TopicInfo) -> list[dict[str, Any]]:
    return [
        {
            "partition": p.partition,
            "leader": p.leader,
            "replicas": [
                {"broker": b, "leader": b == p.leader, "in_sync": b in p.in_sync}
                for b in p.replicas
            ],
        }
        for p in info.partitions
    ]


async def _proxy_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, errors.ProxyError)
    return reply(exc.body(), exc.status)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    reason = {404: "Not Found", 405: "Method Not Allowed"}.get(exc.status_code, str(exc.detail))
    response = reply(errors.http_error(exc.status_code, reason).body(), exc.status_code)
    if exc.headers:
        response.headers.update(exc.headers)  # e.g. Allow on a 405
    return response


async def _unexpected(request: Request, exc: Exception) -> Response:
    code = errors.KAFKA_ERROR if isinstance(exc, KafkaException) else errors.INTERNAL
    prefix = "Kafka error" if code == errors.KAFKA_ERROR else "Internal server error"
    return reply({"error_code": code, "message": f"{prefix}: {type(exc).__name__}: {exc}"}, 500)


class Guard:
    """Outermost ASGI layer: strips a gateway prefix, logs each request, contains every crash.

    Starlette answers an unhandled exception through `_unexpected` and then re-raises it; the
    guard logs it as one JSON line (traceback in a field) instead of letting uvicorn print it.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope = dict(scope, state=dict(scope.get("state", {})))
        received, path = scope["path"], strip_prefix(scope["path"])
        if path != received:
            scope["path"], scope["raw_path"] = path, path.encode()
        started = time.perf_counter()
        status: list[int] = []

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception:
            log.error("unhandled error", exc_info=True, extra={"fields": {"path": path}})
            if not status:
                await _send_500(watch)
        finally:
            fields = {
                "method": scope["method"],
                "path": path,
                "status": status[0] if status else None,
                "records": scope["state"].get("records"),
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            }
            if received != path:
                fields["received_path"] = received
            log.info("request", extra={"fields": fields})


def strip_prefix(path: str) -> str:
    """Drop whatever a gateway put before `/topics` (a stage, `/restapis/<id>/<stage>/...`).

    Kafka topic names cannot contain '/', so the leftmost place where a whole API path starts
    and runs to the end is the API's own `/topics`.
    """
    found = _API_PATH.search(path)
    return found.group(0) if found else path


_API_PATH = re.compile(r"/topics(?:/[^/]+(?:/partitions/[^/]+)?)?/?$")


async def _send_500(send: Send) -> None:
    body = json.dumps({"error_code": errors.INTERNAL, "message": "Internal server error"}).encode()
    headers = [(b"content-type", payload.RESPONSE_TYPE.encode())]
    await send({"type": "http.response.start", "status": 500, "headers": headers})
    await send({"type": "http.response.body", "body": body})
