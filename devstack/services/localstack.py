"""LocalStack (S3, Kinesis, API Gateway, IAM) on the host, in its own Python 3.13 venv."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

import requests

from devstack.config import HOST, LOCALSTACK_PORT, REPO_ROOT, StackError
from devstack.say import Say
from devstack.services.base import Service

VENV = REPO_ROOT / ".venv-localstack"
REQUIREMENTS = (
    "localstack-core[runtime]==2026.3.0",
    # Known-good pins for 2026.3.0 on the host (newer releases of these break it).
    "cbor2<6",
    "pyopenssl==25.3.0",
    "localstack-twisted==25.5.0",
)
SERVICES = "s3,kinesis,apigateway,iam,sts,kms,logs"
# Kinesis engines: the project's in-process one (devstack_kinesis in SITE_DIR), or LocalStack's
# default, npm kinesis-local (kinesis-mock), whose cost per record grows with the stream.
KINESIS_ENGINES = ("inprocess", "kinesis-mock")
KINESIS_ENGINE_VERSION = "0.5.2"  # npm kinesis-local, LocalStack 2026.3.0's default
LOOPBACK_JS = Path(__file__).with_name("loopback.js")
SITE_DIR = Path(__file__).with_name("localstack_site")  # its sitecustomize.py


def kinesis_engine() -> str:
    """DEVSTACK_KINESIS_ENGINE: which Kinesis engine LocalStack runs (default inprocess)."""
    engine = os.environ.get("DEVSTACK_KINESIS_ENGINE", "").strip() or KINESIS_ENGINES[0]
    if engine not in KINESIS_ENGINES:
        raise StackError(
            f"DEVSTACK_KINESIS_ENGINE must be one of {', '.join(KINESIS_ENGINES)}, got {engine!r}"
        )
    return engine


def find_python313() -> str:
    """pyenv's 3.13 (as the project documents), else a python3.13 on PATH."""
    root = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    found = sorted(glob.glob(os.path.join(root, "versions", "3.13.*", "bin", "python")))
    if found:
        return found[-1]
    on_path = shutil.which("python3.13")
    if on_path:
        return on_path
    raise StackError("LocalStack needs Python 3.13: install it with `pyenv install 3.13`")


class LocalStack(Service):
    name = "localstack"
    ports = (LOCALSTACK_PORT,)

    @property
    def root(self) -> Path:
        """LocalStack's FILESYSTEM_ROOT: its state, caches and lazily installed engines."""
        return self.settings.home / "localstack"

    @property
    def python(self) -> Path:
        return VENV / "bin" / "python"

    @property
    def kinesis_local(self) -> Path:
        # Where LocalStack's NodePackageInstaller puts kinesis-local under FILESYSTEM_ROOT.
        lib = self.root / "var" / "lib" / "localstack" / "lib"
        return lib / "kinesis-local" / KINESIS_ENGINE_VERSION / "node_modules" / "kinesis-local"

    def install(self, say: Say) -> None:
        stamp = VENV / ".devstack-requirements"
        wanted = "\n".join(REQUIREMENTS)
        if not (stamp.exists() and stamp.read_text() == wanted and self.python.exists()):
            say(f"installing LocalStack into {VENV.name} (a few minutes, once)")
            if not self.python.exists():
                _run([find_python313(), "-m", "venv", str(VENV)], "create the LocalStack venv")
            pip = [str(self.python), "-m", "pip", "install", "--quiet"]
            _run([*pip, *REQUIREMENTS], "pip install LocalStack")
            stamp.write_text(wanted)
        if kinesis_engine() == "kinesis-mock" and not (self.kinesis_local / "main.js").exists():
            say(f"installing the Kinesis engine (npm kinesis-local {KINESIS_ENGINE_VERSION})")
            code = (
                "from localstack.services.kinesis.packages import kinesismock_package as p; "
                "p.install()"
            )
            _run([str(self.python), "-c", code], "install kinesis-local", env=self.env())

    def command(self) -> list[str]:
        return [str(self.python), "-m", "localstack.runtime.main"]

    def extra_env(self) -> dict[str, str]:
        return {
            # This VM has /.dockerenv, so LocalStack would think it runs in its container image:
            # use host paths (FILESYSTEM_ROOT) and host defaults instead.
            "OVERRIDE_IN_DOCKER": "0",
            "FILESYSTEM_ROOT": str(self.root),
            # The twisted gateway ignores an IPv4 host and binds 0.0.0.0; it honours IPv6 ones,
            # and the IPv4-mapped loopback accepts connections to 127.0.0.1 only.
            "GATEWAY_LISTEN": f"[::ffff:{HOST}]:{LOCALSTACK_PORT}",
            "LOCALSTACK_HOST": f"{HOST}:{LOCALSTACK_PORT}",
            "DNS_ADDRESS": "0",  # no DNS server (it would listen on 0.0.0.0:53)
            "SERVICES": SERVICES,
            # Load them while Kafka boots rather than on the first call (S3 alone takes ~7 s).
            "EAGER_SERVICE_LOADING": "1",
            "SKIP_SSL_CERT_DOWNLOAD": "1",
            "DISABLE_EVENTS": "1",
            **self.kinesis_env(),
        }

    @staticmethod
    def kinesis_env() -> dict[str, str]:
        if kinesis_engine() == "inprocess":
            # The provider plugin in SITE_DIR (devstack_kinesis-1.0.dist-info/entry_points.txt).
            return {"PROVIDER_OVERRIDE_KINESIS": "inprocess"}
        return {
            # kinesis-local listens on all interfaces with no setting for it: bind it to loopback.
            "NODE_OPTIONS": f"--require {LOOPBACK_JS}",
            "KINESIS_MOCK_VERSION": KINESIS_ENGINE_VERSION,
            # State does not outlive the process (community edition), so skip kinesis-local's
            # periodic JSON snapshot of every record: it costs CPU on every put.
            "KINESIS_PERSISTENCE": "0",
        }

    def env(self) -> dict[str, str]:
        env = super().env()
        # LocalStack is the endpoint; don't point its own AWS clients at itself twice.
        env.pop("AWS_ENDPOINT_URL", None)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SITE_DIR), env.get("PYTHONPATH")]))
        return env

    def healthy(self) -> bool:
        r = requests.get(f"http://{HOST}:{LOCALSTACK_PORT}/_localstack/health", timeout=2)
        if r.status_code != 200:
            return False
        services = r.json().get("services", {})
        return all(services.get(s) in ("available", "running") for s in SERVICES.split(","))


def _run(cmd: list[str], what: str, env: dict[str, str] | None = None) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        raise StackError(f"failed to {what} (exit {proc.returncode}):\n{tail}")
