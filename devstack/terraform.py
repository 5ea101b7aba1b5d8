"""The local stack's AWS resources: `terraform apply` of terraform/envs/local to LocalStack.

Terraform is the only code that creates them (DESIGN section 5). Its state, provider install and
the fingerprint of the last apply live in <DEVSTACK_HOME>/terraform/; its full output goes to
<DEVSTACK_HOME>/logs/terraform.log; a failure is one line naming what failed and that log.

LocalStack keeps nothing across restarts, so a state applied to an earlier LocalStack process
describes resources that are gone: it is dropped and everything is applied again. While the same
LocalStack runs and nothing Terraform reads changed (code, contract, variables), the last apply
stands and `up` skips Terraform (`devstack up --apply` runs it anyway, e.g. to repair drift).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import subprocess
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from devstack.config import AWS_REGION, REPO_ROOT, Settings, StackError
from devstack.say import Say

ROOT = REPO_ROOT / "terraform" / "envs" / "local"
MODULES = REPO_ROOT / "terraform" / "modules"
CONTRACT = REPO_ROOT / "contracts" / "openapi.yaml"
# The AWS provider as a filesystem mirror (this machine image has one; the Makefile's default).
DEFAULT_PLUGIN_DIR = "/opt/tf-plugins"


@dataclass(frozen=True)
class Outputs:
    """What the emulators, the jobs and the tests need, from `terraform output -json`."""

    api_id: str
    api_url: str
    api_key: str
    bucket: str
    streams: dict[str, str]
    kinesis_role_arn: str

    @classmethod
    def parse(cls, raw: dict[str, Any]) -> Outputs:
        try:
            value = {name: item["value"] for name, item in raw.items()}
            return cls(
                api_id=value["api_id"],
                api_url=value["api_invoke_url"],
                api_key=value["api_key"],
                bucket=value["data_bucket"],
                streams=dict(value["stream_names"]),
                kinesis_role_arn=value["kinesis_role_arn"],
            )
        except (KeyError, TypeError) as exc:
            raise StackError(f"terraform output lacks {exc}: run `make up`") from None


def binary() -> str:
    """terraform, else OpenTofu (TF_BIN names either; `make tf-tools` builds tofu when needed)."""
    cached = REPO_ROOT / ".devstack" / "cache" / "bin" / "tofu"
    for candidate in (os.environ.get("TF_BIN", ""), "terraform", "tofu", str(cached)):
        if candidate and (found := shutil.which(candidate)):
            return found
    raise StackError(
        "no terraform (nor OpenTofu) found: install terraform, or run `make up`, which builds "
        "OpenTofu into .devstack/cache/bin when terraform is missing"
    )


def local_api_key(settings: Settings) -> str:
    """This machine's API key: random, made once, kept in the state folder (never in the repo),
    so API_KEY stays the same across restarts of the stack."""
    path = settings.home / "api-key"
    if not path.exists():
        settings.home.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(16))
    return path.read_text().strip()


class Terraform:
    """terraform init/apply/plan/output of the local root, with this stack's settings."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.dir = settings.home / "terraform"
        self.state = self.dir / "terraform.tfstate"
        self.data_dir = self.dir / ".terraform"  # TF_DATA_DIR: providers, modules, backend
        self.log = settings.logs / "terraform.log"
        self._applied = self.dir / "applied"  # "<LocalStack instance> <fingerprint>"
        self._instance = self.dir / "localstack-instance"  # the LocalStack the state describes

    # ---- configuration -------------------------------------------------------------------

    def variables(self) -> dict[str, str]:
        s = self.settings
        return {
            "pipeline_id": s.names.pipeline_id,
            "localstack_endpoint": s.aws_endpoint,
            "rest_proxy_uri": s.rest_proxy_uri,
            "aws_region": AWS_REGION,
            "shard_count": str(s.shards),
            "api_key": local_api_key(s),
        }

    def env(self) -> dict[str, str]:
        env = dict(os.environ, **self.settings.aws_env())
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
            env.pop(name, None)  # LocalStack's dummy credentials only; endpoints come from vars
        env.update(
            {
                "TF_DATA_DIR": str(self.data_dir),
                "TF_IN_AUTOMATION": "1",
                "TF_INPUT": "0",
                "CHECKPOINT_DISABLE": "1",
            }
        )
        env.update({f"TF_VAR_{k}": v for k, v in self.variables().items()})
        return env

    def fingerprint(self) -> str:
        """Everything an apply depends on but LocalStack: the code, the contract, the inputs."""
        digest = hashlib.sha256()
        files = [*sorted(ROOT.glob("*.tf")), *sorted(MODULES.rglob("*.tf")), CONTRACT]
        for path in files:
            digest.update(str(path.relative_to(REPO_ROOT)).encode() + b"\0" + path.read_bytes())
        variables = self.variables()
        variables["api_key"] = hashlib.sha256(variables["api_key"].encode()).hexdigest()
        digest.update(json.dumps([binary(), variables], sort_keys=True).encode())
        return digest.hexdigest()[:32]

    # ---- commands ------------------------------------------------------------------------

    def init(self, say: Say) -> None:
        """terraform init (provider from TF_PLUGIN_DIR when it exists); once per configuration."""
        plugin_dir = os.environ.get("TF_PLUGIN_DIR", DEFAULT_PLUGIN_DIR)
        mirror = Path(plugin_dir).is_dir()
        args = ["init", "-input=false", "-no-color", "-reconfigure"]
        args += [f"-backend-config=path={self.state}"]
        if mirror:
            args.append(f"-plugin-dir={Path(plugin_dir).resolve()}")
        stamp_value = json.dumps([binary(), args, _digest(sorted(ROOT.glob("*.tf")))])
        stamp = self.data_dir / "devstack-init"
        if stamp.exists() and stamp.read_text() == stamp_value:
            return
        say("terraform init of terraform/envs/local")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        result = self._run(args)
        if result.returncode != 0:
            where = f"mirror TF_PLUGIN_DIR={plugin_dir}" if mirror else "the registry"
            raise StackError(
                f"terraform init failed (AWS provider from {where}): "
                f"{_text_error(result.stderr + result.stdout)}; log: {self.log}"
            )
        stamp.write_text(stamp_value)

    def apply(
        self,
        instance: str,
        say: Say,
        *,
        force: bool = False,
        changing: threading.Event | None = None,
    ) -> str:
        """Apply the local root to the LocalStack process `instance`; returns what was done.

        `changing` is set once Terraform starts changing resources (its CPU-heavy start is over
        and the provider's waits begin), or when the apply ends without changes or fails."""
        try:
            return self._apply(instance, say, force, changing or threading.Event())
        finally:
            if changing is not None:
                changing.set()

    def _apply(self, instance: str, say: Say, force: bool, changing: threading.Event) -> str:
        self._drop_state_of_another(instance, say)
        wanted = f"{instance} {self.fingerprint()}"
        if not force and self.state.exists() and _read(self._applied) == wanted:
            return "unchanged since the last apply to this LocalStack (force one: --apply)"
        self._require_localstack()
        self.init(say)
        self._instance.write_text(instance)
        self._applied.unlink(missing_ok=True)
        say(f"terraform apply of terraform/envs/local (log: {self.log})")
        started = time.monotonic()
        cmd = [binary(), f"-chdir={ROOT}", "apply", "-auto-approve", "-input=false", "-json"]
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("a") as log:
            log.write(f"\n==== {time.strftime('%F %T')} {' '.join(cmd)}\n")
            log.flush()
            proc = subprocess.Popen(
                cmd, stdout=subprocess.PIPE, stderr=log, text=True, env=self.env(), cwd=REPO_ROOT
            )
            assert proc.stdout is not None
            report = _follow(proc.stdout, log, changing)
            code = proc.wait()
        if code != 0:
            raise StackError(self._apply_error(report))
        self._applied.write_text(wanted)
        took = time.monotonic() - started
        return f"{report.summary} in {took:.1f}s{report.slowest()}"

    def plan_exit_code(self) -> int:
        """`terraform plan -detailed-exitcode`: 0 no changes, 2 changes, 1 error."""
        return self._run(["plan", "-detailed-exitcode", "-input=false", "-no-color"]).returncode

    def outputs(self) -> Outputs:
        result = self._run(["output", "-json", "-no-color"], log=False)
        raw = json.loads(result.stdout or "{}") if result.returncode == 0 else {}
        if not raw:
            raise StackError("the stack has no Terraform outputs yet: run `make up`")
        return Outputs.parse(raw)

    def state_list(self) -> list[str]:
        result = self._run(["state", "list"], log=False)
        if result.returncode != 0:
            raise StackError(f"terraform state list failed: {_text_error(result.stderr)}")
        return result.stdout.split()

    def resources(self) -> dict[str, dict[str, Any]]:
        """Every managed resource in the state: address -> attribute values (`show -json`)."""
        result = self._run(["show", "-json", "-no-color"], log=False)
        if result.returncode != 0:
            raise StackError(f"terraform show failed: {_text_error(result.stderr)}")
        found: dict[str, dict[str, Any]] = {}
        pending = [json.loads(result.stdout).get("values", {}).get("root_module", {})]
        while pending:
            module = pending.pop()
            pending.extend(module.get("child_modules", []))
            for res in module.get("resources", []):
                if res.get("mode") == "managed":
                    found[res["address"]] = res.get("values", {})
        return found

    def applied_to(self) -> str | None:
        """The LocalStack instance the state describes (None without a state)."""
        return _read(self._instance) if self.state.exists() else None

    def forget(self) -> None:
        """Delete the state, the provider install and the fingerprints (`make down-clean`)."""
        shutil.rmtree(self.dir, ignore_errors=True)

    # ---- helpers -------------------------------------------------------------------------

    def _run(self, args: list[str], log: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = [binary(), f"-chdir={ROOT}", *args]
        result = subprocess.run(
            cmd, capture_output=True, text=True, env=self.env(), cwd=REPO_ROOT, check=False
        )
        if log:
            self.log.parent.mkdir(parents=True, exist_ok=True)
            with self.log.open("a") as fh:
                fh.write(f"\n==== {time.strftime('%F %T')} {' '.join(cmd)}\n")
                fh.write(result.stdout + result.stderr)
        return result

    def _drop_state_of_another(self, instance: str, say: Say) -> None:
        if self.state.exists() and _read(self._instance) != instance:
            say("LocalStack was restarted: its resources are gone, applying them anew")
            for path in (self.state, self.state.with_name(self.state.name + ".backup")):
                path.unlink(missing_ok=True)

    def _require_localstack(self) -> None:
        if not _answers(self.settings.aws_endpoint):
            raise StackError(
                f"LocalStack does not answer at {self.settings.aws_endpoint}: terraform apply "
                "not run (start the stack with `make up`)"
            )

    def _apply_error(self, report: _Report) -> str:
        if not _answers(self.settings.aws_endpoint):
            return (
                f"terraform apply failed: LocalStack stopped answering at "
                f"{self.settings.aws_endpoint}; log: {self.log}"
            )
        if not report.errors:
            return f"terraform apply failed; log: {self.log}"
        address, summary = report.errors[0]
        where = f" at {address}" if address else ""
        more = f" (and {len(report.errors) - 1} more)" if len(report.errors) > 1 else ""
        hint = ""
        if "already" in summary.lower() and "exist" in summary.lower():
            hint = (
                " (LocalStack holds resources this state does not know, made before or by hand: "
                "`make down && make up` restarts it empty)"
            )
        return f"terraform apply failed{where}: {summary}{more}{hint}; log: {self.log}"


@dataclass
class _Report:
    """What an apply's JSON stream said: errors, the summary, each resource's seconds."""

    errors: list[tuple[str, str]]
    summary: str
    seconds: dict[str, int]

    def slowest(self) -> str:
        address = max(self.seconds, key=lambda a: self.seconds[a], default="")
        return (
            f" (slowest: {address} {self.seconds[address]}s)"
            if address and self.seconds[address]
            else ""
        )


def _follow(lines: Iterable[str], log: IO[str], changing: threading.Event) -> _Report:
    """Read `terraform -json` lines: write them readable to the log, collect the report; set
    `changing` at the first change of a resource (reads of data sources are not changes)."""
    report = _Report(errors=[], summary="applied", seconds={})
    for line in lines:
        try:
            event = json.loads(line)
        except ValueError:
            log.write(line)
            continue
        log.write(f"{event.get('@timestamp', '')} {event.get('@message', '')}\n")
        kind = event.get("type")
        if kind == "diagnostic":
            diag = event.get("diagnostic", {})
            if diag.get("detail"):
                log.write(f"    {diag['detail']}\n")
            if diag.get("severity") == "error":
                summary = " ".join(str(diag.get("summary", "")).split())[:300]
                report.errors.append((diag.get("address", ""), summary))
        elif kind == "apply_start" and event.get("hook", {}).get("action") != "read":
            changing.set()
        elif kind == "apply_complete":
            hook = event.get("hook", {})
            report.seconds[hook["resource"]["addr"]] = int(hook.get("elapsed_seconds", 0))
        elif kind == "change_summary":
            changes = event.get("changes", {})
            report.summary = ", ".join(
                f"{changes.get(k, 0)} {word}"
                for k, word in (("add", "added"), ("change", "changed"), ("remove", "destroyed"))
            )
        log.flush()
    return report


def _text_error(output: str) -> str:
    """The first `Error: ...` of terraform's text output, with its first paragraph of detail."""
    lines = [ln.strip(" │╷╵") for ln in output.splitlines()]
    for i, line in enumerate(lines):
        if line.startswith("Error: "):
            rest = lines[i + 1 :]
            while rest and not rest[0]:
                rest.pop(0)
            detail = rest[: rest.index("")] if "" in rest else rest
            return " ".join(f"{line[7:]}: {' '.join(detail)}".split()).rstrip(": ")[:400]
    return " ".join(output.split())[-300:] or "no output"


def _answers(endpoint: str) -> bool:
    import requests  # the CLI's other commands need not pay for it

    try:
        return requests.get(f"{endpoint}/_localstack/health", timeout=3).status_code == 200
    except requests.RequestException:
        return False


def _read(path: Path) -> str | None:
    try:
        return path.read_text().strip()
    except OSError:
        return None


def _digest(paths: list[Path]) -> str:
    return hashlib.sha256(b"".join(p.read_bytes() for p in paths)).hexdigest()[:16]
