"""Bring the whole local stack up or down, in dependency order."""

from __future__ import annotations

import contextlib
import fcntl
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, wait

from devstack import proc, resources
from devstack.config import HOST, Settings, StackError
from devstack.say import Say
from devstack.services.base import Service
from devstack.services.kafka import Kafka
from devstack.services.localstack import LocalStack
from devstack.services.rest_proxy import RestProxy
from devstack.services.s3_sink import S3Sink
from devstack.terraform import Outputs, Terraform


def services(settings: Settings) -> list[Service]:
    """Every service, in start order (stop in reverse)."""
    return [LocalStack(settings), Kafka(settings), RestProxy(settings), S3Sink(settings)]


@contextlib.contextmanager
def locked(settings: Settings) -> Iterator[None]:
    """One `up`/`down`/`install` at a time per state folder (several users share one stack)."""
    settings.home.mkdir(parents=True, exist_ok=True)
    with (settings.home / "stack.lock").open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        yield


def running(settings: Settings) -> list[str]:
    """The services of ours that run now (by their pidfiles)."""
    return [s.name for s in services(settings) if proc.alive(s.pidfile)]


def install(settings: Settings, say: Say) -> None:
    for service in services(settings):
        service.install(say)
    Terraform(settings).init(say)


def up(settings: Settings, say: Say, *, apply: bool = False) -> Outputs:
    """Start what is not running and apply the AWS resources; `apply` forces a Terraform run."""
    started = time.monotonic()
    localstack, kafka, rest_proxy, sink = services(settings)
    terraform = Terraform(settings)
    for service in (localstack, kafka, rest_proxy, sink):
        service.install(say)
    # Terraform applies as soon as LocalStack answers. Its start is CPU-heavy, its end mostly the
    # provider's fixed waits (Kinesis streams: 20 s): Kafka and the rest start in those.
    fresh_localstack = _start(localstack, say)
    terraform.init(say)
    _wait(localstack, settings, say, fresh_localstack)
    changing = threading.Event()
    with ThreadPoolExecutor(max_workers=1) as pool:
        applying = pool.submit(
            terraform.apply, _instance(localstack), say, force=apply, changing=changing
        )
        try:
            changing.wait()
            if applying.done() and applying.exception() is not None:
                raise StackError(str(applying.exception()))  # fail before starting the rest
            fresh_kafka = _start(kafka, say)
            _wait(kafka, settings, say, fresh_kafka)
            for topic in resources.ensure_topics(settings):
                say(f"created topic {topic} ({settings.partitions} partitions)")
            for service in (rest_proxy, sink):
                fresh = _start(service, say)
                _wait(service, settings, say, fresh)
        finally:
            wait([applying])  # never leave terraform running behind a failure
    say(f"AWS resources (terraform): {applying.result()}")
    outputs = terraform.outputs()
    say(f"stack up in {time.monotonic() - started:.1f}s")
    return outputs


def down(settings: Settings, say: Say, *, clean: bool = False) -> int:
    """Stop our processes; `clean` also deletes the Terraform state and Kafka's data."""
    stopped = 0
    for service in reversed(services(settings)):
        if proc.stop(service.pidfile):
            say(f"stopped {service.name}")
            stopped += 1
    if not stopped:
        say("nothing of ours was running")
    if clean:
        Terraform(settings).forget()
        shutil.rmtree(Kafka(settings).workdir, ignore_errors=True)
        say(f"deleted the Terraform state and Kafka's data under {settings.home}")
    return stopped


def _instance(localstack: Service) -> str:
    """Which LocalStack process runs (pid and start time): a Terraform state belongs to one."""
    rec = proc.alive(localstack.pidfile)
    if rec is None:
        raise StackError("localstack is not running (no live pidfile): run `make up` again")
    return f"{rec.pid}:{rec.start_ticks}"


def _start(service: Service, say: Say) -> bool:
    """Launch unless our process already runs. True if launched now."""
    if proc.alive(service.pidfile):
        return False
    for port in service.ports:
        if _port_busy(port):
            raise StackError(
                f"{service.name}: port {port} is in use by a process devstack did not start; "
                "stop it or free the port"
            )
    service.prepare(say)
    say(f"starting {service.name}")
    proc.launch(
        service.command(),
        pidfile=service.pidfile,
        log=service.log,
        env=service.env(),
        cwd=service.settings.home,
    )
    return True


def _wait(service: Service, settings: Settings, say: Say, fresh: bool) -> None:
    waited = proc.wait_healthy(
        service.name,
        service.healthy,
        timeout=settings.timeout,
        pidfile=service.pidfile,
        log=service.log,
    )
    state = f"healthy after {waited:.1f}s" if fresh else "already running"
    say(f"{service.name} {state} ({service.address})")


def _port_busy(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((HOST, port)) == 0
