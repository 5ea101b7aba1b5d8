"""`python -m devstack install|up|down|status|logs|env`: the local stack (DESIGN section 5)."""

from __future__ import annotations

import argparse
import sys

from devstack.config import Settings, StackError
from devstack.say import to_stderr


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m devstack",
        description="The local stack: LocalStack (S3, Kinesis, API Gateway), Kafka, the Kafka "
        "REST proxy and the S3 sink, all on 127.0.0.1, state under $DEVSTACK_HOME (.devstack).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("install", help="install what the stack needs (cached; idempotent)")
    up = sub.add_parser(
        "up", help="install, start every service, terraform apply the AWS resources (no-op if up)"
    )
    up.add_argument(
        "--apply",
        action="store_true",
        help="run terraform apply even when nothing changed since the last one (repairs drift)",
    )
    down = sub.add_parser("down", help="stop the services devstack started (by pid)")
    down.add_argument(
        "--clean",
        action="store_true",
        help="also delete the local state: the Terraform state and Kafka's data (topics, records)",
    )
    sub.add_parser("status", help="health, end offsets, S3 objects/records, Kinesis records")
    logs = sub.add_parser("logs", help="tail the services' logs")
    logs.add_argument(
        "service", nargs="?", help="localstack, kafka, rest_proxy, s3_sink or terraform"
    )
    logs.add_argument("-n", "--lines", type=int, default=40, help="lines per log (default 40)")
    logs.add_argument("-f", "--follow", action="store_true", help="follow one service's log")
    sub.add_parser("env", help="print `export NAME=value` lines for the running stack")
    sub.add_parser("run", help="the whole pipeline offline (`python -m devstack run --help`)")
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> int:
    from devstack import envvars, logs, stack, status

    settings = Settings.from_env()
    if args.command == "install":
        with stack.locked(settings):
            stack.install(settings, to_stderr)
        to_stderr("installed")
    elif args.command == "up":
        with stack.locked(settings):
            outputs = stack.up(settings, to_stderr, apply=args.apply)
        print(f"API invoke URL: {outputs.api_url}")
        print('environment:    eval "$(python -m devstack env)"')
    elif args.command == "down":
        with stack.locked(settings):
            stack.down(settings, to_stderr, clean=args.clean)
    elif args.command == "status":
        return 0 if status.report(settings, print) else 1
    elif args.command == "logs":
        logs.show(settings, args.service, args.lines, args.follow)
    elif args.command == "env":
        print("\n".join(envvars.export_lines(envvars.variables(settings))))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["run"]:  # the whole pipeline, devstack/run/ (its own flags and --help)
        from devstack.run.cli import main as run_main

        return run_main(argv[1:])
    args = parse_args(argv)
    try:
        return run(args)
    except StackError as exc:
        print(f"devstack: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("devstack: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `devstack status | head`
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
