"""A small Databricks REST API double on 127.0.0.1 for tests (standard library only).

It answers the calls the Airflow provider and databricks-sdk make: Jobs API 2.2 (runs/submit,
run-now, runs/get, runs/get-output, jobs/create, jobs/reset, jobs/list), the Files API (Unity
Catalog volumes) and workspace import. Every request is recorded so tests can assert on the
bodies. Both the Airflow venv (tests/dags) and the project venv (tests/unit) use it.
"""

from __future__ import annotations

import base64
import json
import threading
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

TOKEN = "dapi-fake-token"


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    body: Any


@dataclass
class FakeRun:
    run_id: int
    outcome: str  # the result_state the run ends with: SUCCESS or FAILED
    spec: dict[str, Any]
    polls: int = 0


@dataclass
class FakeState:
    outcomes: list[str]
    running_polls: int
    requests: list[Recorded] = field(default_factory=list)
    runs: dict[int, FakeRun] = field(default_factory=dict)
    jobs: dict[int, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def new_run(self, spec: dict[str, Any]) -> FakeRun:
        # Runs take the scripted outcomes in order; the last one repeats.
        index = min(len(self.runs), len(self.outcomes) - 1)
        run = FakeRun(run_id=1000 + len(self.runs), outcome=self.outcomes[index], spec=spec)
        self.runs[run.run_id] = run
        return run


class FakeJobsAPI:
    """Start with `with FakeJobsAPI(outcomes=[...]) as api:`; `api.port`, `api.requests`."""

    def __init__(self, outcomes: list[str] | None = None, running_polls: int = 2) -> None:
        self.state = FakeState(outcomes=outcomes or ["SUCCESS"], running_polls=running_polls)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self.state))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def requests(self) -> list[Recorded]:
        return list(self.state.requests)

    def calls(self, method: str, path: str) -> list[Recorded]:
        return [r for r in self.state.requests if r.method == method and r.path == path]

    def __enter__(self) -> FakeJobsAPI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def _handler_for(state: FakeState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            pass

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def do_PUT(self) -> None:
            self._serve("PUT")

        def do_HEAD(self) -> None:
            self._serve("HEAD")

        def _serve(self, method: str) -> None:
            parts = urlsplit(self.path)
            path = unquote(parts.path)
            query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = _decode(raw, self.headers.get("Content-Type", ""))
            with state.lock:
                state.requests.append(Recorded(method, path, query, body))
                if path == "/.well-known/databricks-config":  # the SDK's unauthenticated probe
                    status, answer = 200, {}
                elif self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    status, answer = 401, _error("UNAUTHENTICATED", "invalid access token")
                else:
                    try:
                        status, answer = _route(state, method, path, query, body, raw)
                    except (KeyError, ValueError, TypeError) as e:  # a malformed request
                        status, answer = 400, _error("INVALID_PARAMETER_VALUE", repr(e))
            self._reply(status, answer)

        def _reply(self, status: int, answer: dict[str, Any]) -> None:
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

    return Handler


def _decode(raw: bytes, content_type: str) -> Any:
    if raw and "json" in content_type:
        return json.loads(raw)
    if raw and content_type.startswith("multipart/form-data"):
        # workspace import: form fields plus the file part, returned as {name: bytes}
        message = BytesParser(policy=policy.default).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + raw
        )
        return {
            part.get_param("name", header="content-disposition"): part.get_payload(decode=True)
            for part in message.iter_parts()
        }
    return raw


def _error(code: str, message: str) -> dict[str, Any]:
    return {"error_code": code, "message": message}


def _route(
    state: FakeState, method: str, path: str, query: dict[str, str], body: Any, raw: bytes
) -> tuple[int, dict[str, Any]]:
    if method == "POST" and path == "/api/2.2/jobs/runs/submit":
        return 200, {"run_id": state.new_run(body).run_id}
    if method == "POST" and path == "/api/2.2/jobs/run-now":
        job = state.jobs.get(int(body["job_id"]))
        if job is None:
            return 400, _error("INVALID_PARAMETER_VALUE", f"Job {body['job_id']} does not exist.")
        return 200, {"run_id": state.new_run(job).run_id}
    if method == "GET" and path == "/api/2.2/jobs/runs/get":
        return _get_run(state, int(query["run_id"]))
    if method == "GET" and path == "/api/2.2/jobs/runs/get-output":
        return 200, {"error": "ValueError: scripted failure", "metadata": {}}
    if path.startswith("/api/2.2/jobs/") and path.rsplit("/", 1)[1] in ("create", "reset", "list"):
        return _jobs(state, path.rsplit("/", 1)[1], query, body)
    if method == "PUT" and path.startswith("/api/2.0/fs/files/"):
        state.files[path.removeprefix("/api/2.0/fs/files")] = raw
        return 200, {}
    if path.startswith("/api/2.0/fs/directories/") or path == "/api/2.0/workspace/mkdirs":
        return 200, {}
    if method == "POST" and path == "/api/2.0/workspace/import":
        if isinstance(body, dict) and isinstance(body.get("path"), bytes):  # multipart form
            state.files[body["path"].decode()] = body["content"]
        else:
            state.files[body["path"]] = base64.b64decode(body["content"])
        return 200, {}
    return 404, _error("ENDPOINT_NOT_FOUND", f"No API found for '{method} {path}'")


def _get_run(state: FakeState, run_id: int) -> tuple[int, dict[str, Any]]:
    run = state.runs.get(run_id)
    if run is None:
        return 400, _error("INVALID_PARAMETER_VALUE", f"Run {run_id} does not exist.")
    run.polls += 1
    if run.polls <= state.running_polls:
        run_state: dict[str, Any] = {"life_cycle_state": "RUNNING", "state_message": ""}
    else:
        run_state = {
            "life_cycle_state": "TERMINATED",
            "result_state": run.outcome,
            "state_message": "" if run.outcome == "SUCCESS" else "Task failed",
        }
    task_key = (run.spec.get("tasks") or [{}])[0].get("task_key", "task")
    return 200, {
        "run_id": run_id,
        "job_id": 1,
        "run_page_url": f"http://127.0.0.1/#job/1/run/{run_id}",
        "state": run_state,
        "tasks": [{"task_key": task_key, "run_id": run_id + 5000, "state": run_state}],
    }


def _jobs(
    state: FakeState, action: str, query: dict[str, str], body: Any
) -> tuple[int, dict[str, Any]]:
    if action == "create":
        job_id = 1 + len(state.jobs)
        state.jobs[job_id] = body
        return 200, {"job_id": job_id}
    if action == "reset":
        job_id = int(body["job_id"])
        if job_id not in state.jobs:
            return 400, _error("INVALID_PARAMETER_VALUE", f"Job {job_id} does not exist.")
        state.jobs[job_id] = body["new_settings"]
        return 200, {}
    name = query.get("name")
    found = [
        {"job_id": job_id, "settings": settings}
        for job_id, settings in state.jobs.items()
        if name is None or settings.get("name") == name
    ]
    return 200, {"jobs": found, "has_more": False}
