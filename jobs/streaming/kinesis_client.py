"""boto3 access to Kinesis for the `kinesis` source: credentials, shard listing, polling.

Credentials, in the order Databricks' source uses them: explicit keys, then `roleArn` (STS
assume-role, refreshed before it expires), then the default chain (instance profile, environment).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

import boto3
from botocore.config import Config
from botocore.credentials import RefreshableCredentials
from botocore.exceptions import ClientError

from jobs.streaming import kinesis_offsets as off
from jobs.streaming.kinesis_options import SourceOptions

T = TypeVar("T")

THROTTLE_CODES = frozenset(
    {"ProvisionedThroughputExceededException", "LimitExceededException", "ThrottlingException"}
)
EXPIRED_CODE = "ExpiredIteratorException"

# botocore retries connection errors; throttling is ours (backoff below), so keep its count low.
_BOTO_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=10)


class Throttled(RuntimeError):
    """Kinesis kept throttling after every backoff attempt."""


def make_client(opts: SourceOptions) -> Any:
    session = boto3.Session(
        aws_access_key_id=opts.access_key,
        aws_secret_access_key=opts.secret_key,
        aws_session_token=opts.session_token,
        region_name=opts.region,
    )
    if opts.role_arn:
        session = _assume_role_session(session, opts)
    return session.client("kinesis", endpoint_url=opts.endpoint_url, config=_BOTO_CONFIG)


def _assume_role_session(base: boto3.Session, opts: SourceOptions) -> boto3.Session:
    sts = base.client("sts", endpoint_url=opts.endpoint_url, config=_BOTO_CONFIG)
    args: dict[str, Any] = {"RoleArn": opts.role_arn, "RoleSessionName": opts.role_session_name}
    if opts.role_external_id:
        args["ExternalId"] = opts.role_external_id

    def fetch() -> dict[str, str]:
        creds = sts.assume_role(**args)["Credentials"]
        return {
            "access_key": creds["AccessKeyId"],
            "secret_key": creds["SecretAccessKey"],
            "token": creds["SessionToken"],
            "expiry_time": creds["Expiration"].isoformat(),
        }

    credentials = RefreshableCredentials.create_from_metadata(
        metadata=fetch(), refresh_using=fetch, method="sts-assume-role"
    )
    core = base._session  # botocore session: the documented way to plug in refreshable creds
    core._credentials = credentials
    return boto3.Session(botocore_session=core, region_name=opts.region)


def error_code(exc: BaseException) -> str:
    return exc.response.get("Error", {}).get("Code", "") if isinstance(exc, ClientError) else ""


def with_backoff(
    call: Callable[[], T],
    attempts: int = 8,
    base_s: float = 0.1,
    cap_s: float = 5.0,
) -> T:
    """Retry a throttled call with exponential backoff and full jitter, then raise Throttled."""
    for attempt in range(attempts):
        try:
            return call()
        except ClientError as exc:
            if error_code(exc) not in THROTTLE_CODES:
                raise
            if attempt == attempts - 1:
                raise Throttled(f"Kinesis throttled {attempts} times in a row: {exc}") from exc
            time.sleep(random.uniform(0, min(cap_s, base_s * 2**attempt)))
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Shard:
    stream: str
    shard_id: str
    parents: tuple[str, ...]


def list_shards(client: Any, stream: str) -> list[Shard]:
    """Every shard Kinesis still holds for `stream`, open or closed, in id order."""
    shards: list[Shard] = []
    args: dict[str, Any] = {"StreamName": stream}
    while True:
        page: dict[str, Any] = with_backoff(partial(client.list_shards, **args))
        for s in page["Shards"]:
            parents = tuple(
                p for p in (s.get("ParentShardId"), s.get("AdjacentParentShardId")) if p
            )
            shards.append(Shard(stream, s["ShardId"], parents))
        token = page.get("NextToken")
        if not token:
            return sorted(shards, key=lambda s: s.shard_id)
        args = {"NextToken": token}


@dataclass
class Poll:
    records: list[dict[str, Any]]
    fetched: int
    """Records Kinesis returned, before the AT_TIMESTAMP filter."""
    next_token: str
    """Position after this poll: AFTER:<last sequence>, CLOSED, or the unchanged start."""
    behind_ms: int
    closed: bool


class ShardPoller:
    """GetRecords on one shard from a position token, keeping its iterator between polls.

    An expired iterator is re-acquired from the last position; throttling backs off. The iterator
    is reused only while the position it was opened for is still the one asked for.
    """

    def __init__(self, client: Any, stream: str, shard_id: str, min_period_s: float) -> None:
        self.client, self.stream, self.shard_id = client, stream, shard_id
        self.min_period_s = min_period_s
        self._token: str | None = None
        self._iterator: str | None = None
        self._last_call = 0.0

    def poll(self, token: str, limit: int) -> Poll:
        if token == off.CLOSED:
            return Poll([], 0, token, 0, True)
        for _ in range(3):
            iterator = self._iterator if self._token == token else self._open(token)
            self._pace()
            try:
                get = partial(self.client.get_records, ShardIterator=iterator, Limit=limit)
                resp: dict[str, Any] = with_backoff(get)
            except ClientError as exc:
                if error_code(exc) != EXPIRED_CODE:
                    raise
                self._token = None  # expired: open a new iterator at the same position
                continue
            return self._advance(token, resp)
        raise RuntimeError(f"{self.stream}/{self.shard_id}: shard iterator keeps expiring")

    def _open(self, token: str) -> str:
        args = off.iterator_args(token)
        resp = with_backoff(
            lambda: self.client.get_shard_iterator(
                StreamName=self.stream, ShardId=self.shard_id, **args
            )
        )
        return str(resp["ShardIterator"])

    def _advance(self, token: str, resp: dict[str, Any]) -> Poll:
        fetched = resp.get("Records", [])
        records = fetched
        since = off.timestamp_of(token)
        if since is not None:
            # AT_TIMESTAMP can arrive in whole seconds (older botocore sends integer epoch
            # seconds; newer sends microseconds) or be matched coarsely by an engine: drop what
            # is older, so the start is exact and a re-read drops the same records.
            records = [r for r in fetched if arrival_ms(r) >= since]
        nxt = resp.get("NextShardIterator")
        closed = nxt is None
        new_token = off.after(records[-1]["SequenceNumber"]) if records else token
        if closed:
            new_token = off.CLOSED
        self._token, self._iterator = (None, None) if closed else (new_token, nxt)
        behind = int(resp.get("MillisBehindLatest", 0) or 0)
        return Poll(records, len(fetched), new_token, behind, closed)

    def _pace(self) -> None:
        # Kinesis allows 5 GetRecords per second per shard: keep calls min_period_s apart.
        wait = self._last_call + self.min_period_s - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._last_call = time.monotonic()


def arrival_ms(record: dict[str, Any]) -> int:
    arrival = record["ApproximateArrivalTimestamp"]
    if isinstance(arrival, dt.datetime):
        return int(arrival.timestamp() * 1000)
    return int(float(arrival) * 1000)


def to_row(stream: str, shard_id: str, record: dict[str, Any]) -> tuple[Any, ...]:
    """A Kinesis record as a row of the source's schema."""
    arrival = record["ApproximateArrivalTimestamp"]
    if isinstance(arrival, dt.datetime):
        arrival = arrival.astimezone(dt.UTC)
    return (
        record["PartitionKey"],
        bytes(record["Data"]),
        stream,
        shard_id,
        record["SequenceNumber"],
        arrival,
    )
