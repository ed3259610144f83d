"""The live workers, merged from three sources as the Java orchestrator's WorkerDirectory does
(docs/protocol.md, "Discovery", "Heartbeat", "Redis keys"): replies to
``$SRV.PING.sluice-worker``, heartbeats on ``sluice.heartbeat.*`` and, when a Redis client is
given, the registry hashes ``sluice:worker:<workerId>``. A worker is live while any source
reported it within :data:`LEASE`."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Collection

from google.protobuf.message import DecodeError
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg

from .v1 import events_pb2, worker_pb2

try:
    from redis.exceptions import RedisError
except ImportError:  # without the redis extra there is no registry to read
    class RedisError(Exception):  # type: ignore[no-redef]
        pass

log = logging.getLogger("sluice.discovery")

#: As the worker's registry lease: silence this long means the worker is gone.
LEASE = 5.0
REFRESH_INTERVAL = 1.0
SERVICE_NAME = "sluice-worker"
REGISTRY_PREFIX = "sluice:worker:"


@dataclass(frozen=True)
class WorkerInfo:
    """What discovery knows of one live worker; ``seen_by`` holds "registry", "service" and/or
    "heartbeat": the sources that reported it within the lease. A ``draining`` worker takes no
    new routers (docs/protocol.md, "Draining")."""

    worker_id: str
    host: str
    announced_ip: str
    pid: int
    started_at_ms: int
    load: worker_pb2.WorkerLoad
    seen_by: frozenset[str]
    draining: bool = False

    @property
    def routers_and_transports(self) -> int:
        """The placement weight, as the Java orchestrator's."""
        return self.load.routers + self.load.transports


@dataclass
class _Entry:
    worker_id: str
    host: str = ""
    announced_ip: str = ""
    pid: int = 0
    started_at_ms: int = 0
    load: worker_pb2.WorkerLoad = field(default_factory=worker_pb2.WorkerLoad)
    draining: bool = False
    seen: dict[str, float] = field(default_factory=dict)

    def live_sources(self, now: float) -> frozenset[str]:
        return frozenset(source for source, at in self.seen.items() if now - at < LEASE)


def registry_worker_id(key: str) -> str | None:
    """The worker id of a lease key; None for ``sluice:worker:<id>:transports`` and others."""
    if not key.startswith(REGISTRY_PREFIX):
        return None
    worker_id = key[len(REGISTRY_PREFIX):]
    return worker_id if worker_id and ":" not in worker_id else None


def _number(fields: dict[str, str], name: str, kind: Callable[[str], Any] = int) -> Any:
    try:
        return kind(fields.get(name, "0").strip())
    except ValueError:
        return kind("0")


class WorkerDirectory:
    def __init__(self, nc: NatsClient, redis: Any = None, clock: Callable[[], float] = time.monotonic) -> None:
        self._nc = nc
        self._redis = redis
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._subscriptions: list[Any] = []
        self._inbox = ""
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._inbox = self._nc.new_inbox()
        self._subscriptions.append(await self._nc.subscribe("sluice.heartbeat.*", cb=self._on_heartbeat))
        self._subscriptions.append(await self._nc.subscribe(self._inbox, cb=self._on_ping_reply))
        self._task = asyncio.create_task(self._refresh_forever())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        for subscription in self._subscriptions:
            await subscription.unsubscribe()
        self._subscriptions.clear()

    async def refresh(self) -> list[WorkerInfo]:
        """Pings the service (replies are merged as they arrive) and reads the registry."""
        await self._nc.publish(f"$SRV.PING.{SERVICE_NAME}", b"", reply=self._inbox)
        if self._redis is not None:
            try:
                await self._read_registry()
            except (OSError, RedisError) as error:  # Redis away: heartbeats and pings still count
                log.warning("worker registry not read: %s", error)
        return self.live_workers()

    def live_workers(self) -> list[WorkerInfo]:
        """The live workers, least recently started first."""
        now = self._clock()
        live = []
        for entry in self._entries.values():
            sources = entry.live_sources(now)
            if sources:
                live.append(WorkerInfo(entry.worker_id, entry.host, entry.announced_ip, entry.pid,
                                       entry.started_at_ms, entry.load, sources, entry.draining))
        return sorted(live, key=lambda info: (info.started_at_ms, info.worker_id))

    def heartbeat_age(self, worker_id: str) -> float | None:
        """Seconds since the worker's last heartbeat (they come every second), None when none
        came within the lease: a worker that falls silent can be probed long before its lease
        runs out (docs/protocol.md, "Failure detection")."""
        entry = self._entries.get(worker_id)
        at = entry.seen.get("heartbeat") if entry is not None else None
        if at is None or self._clock() - at >= LEASE:
            return None
        return self._clock() - at

    def least_loaded(self, exclude: Collection[str] = ()) -> WorkerInfo | None:
        """The live worker with the fewest routers and transports (then the idlest loop), never a
        draining one, leaving out the ``exclude`` ids (workers the caller found dead before their
        lease ran out)."""
        live = [info for info in self.live_workers() if not info.draining and info.worker_id not in exclude]
        if not live:
            return None
        return min(live, key=lambda w: (w.routers_and_transports, w.load.loop_utilization, w.worker_id))

    def note_router_created(self, worker_id: str) -> None:
        """Counts a new router into the worker's load until its next heartbeat, so rooms placed
        in a burst spread instead of all taking the worker that looked idlest a second ago."""
        entry = self._entries.get(worker_id)
        if entry is not None:
            load = worker_pb2.WorkerLoad()
            load.CopyFrom(entry.load)
            load.routers += 1
            entry.load = load

    async def wait_for_workers(self, count: int = 1, timeout: float = 10.0) -> list[WorkerInfo]:
        """Refreshes until at least ``count`` workers are live (asyncio.TimeoutError otherwise)."""
        async def poll() -> list[WorkerInfo]:
            while True:
                live = await self.refresh()
                if len(live) >= count:
                    return live
                await asyncio.sleep(0.1)

        return await asyncio.wait_for(poll(), timeout)

    async def _refresh_forever(self) -> None:
        while True:
            try:
                await self.refresh()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # NATS reconnecting: the next round pings again
                log.warning("worker discovery refresh failed: %s", error)
            self._expire()
            await asyncio.sleep(REFRESH_INTERVAL)

    def _expire(self) -> None:
        now = self._clock()
        for worker_id in [w for w, e in self._entries.items() if not e.live_sources(now)]:
            del self._entries[worker_id]

    def _entry(self, worker_id: str) -> _Entry:
        return self._entries.setdefault(worker_id, _Entry(worker_id))

    async def _read_registry(self) -> None:
        async for key in self._redis.scan_iter(match=REGISTRY_PREFIX + "*", count=256):
            key = key.decode() if isinstance(key, bytes) else key
            worker_id = registry_worker_id(key)
            if worker_id is None:
                continue
            raw = await self._redis.hgetall(key)
            # Empty: the lease expired between SCAN and HGETALL.
            if raw:
                self._on_registry_entry(worker_id, {_text(k): _text(v) for k, v in raw.items()})

    def _on_registry_entry(self, worker_id: str, fields: dict[str, str]) -> None:
        entry = self._entry(worker_id)
        entry.host = fields.get("host") or entry.host
        entry.announced_ip = fields.get("announced_ip") or entry.announced_ip
        entry.pid = _number(fields, "pid")
        entry.started_at_ms = _number(fields, "started_at_ms")
        if "heartbeat" not in entry.live_sources(self._clock()):
            entry.load = worker_pb2.WorkerLoad(
                routers=_number(fields, "routers"), transports=_number(fields, "transports"),
                producers=_number(fields, "producers"), consumers=_number(fields, "consumers"),
                loop_utilization=_number(fields, "loop_utilization", float))
            entry.draining = fields.get("draining", "0").strip() == "1"
        entry.seen["registry"] = self._clock()

    async def _on_heartbeat(self, msg: Msg) -> None:
        heartbeat = events_pb2.Heartbeat()
        try:
            heartbeat.ParseFromString(msg.data)
        except DecodeError as error:
            log.warning("undecodable heartbeat on %s: %s", msg.subject, error)
            return
        entry = self._entry(heartbeat.worker_id)
        entry.host = heartbeat.host or entry.host
        entry.announced_ip = heartbeat.announced_ip or entry.announced_ip
        entry.load = heartbeat.load
        entry.draining = heartbeat.draining
        entry.seen["heartbeat"] = self._clock()

    async def _on_ping_reply(self, msg: Msg) -> None:
        if not msg.data:
            # NATS' "no responders" status: no worker runs yet.
            return
        try:
            reply = json.loads(msg.data)
        except ValueError:
            log.warning("undecodable $SRV.PING reply")
            return
        metadata = reply.get("metadata") or {}
        if reply.get("name") != SERVICE_NAME or not metadata.get("worker_id"):
            return
        entry = self._entry(metadata["worker_id"])
        entry.host = metadata.get("host") or entry.host
        entry.announced_ip = metadata.get("announced_ip") or entry.announced_ip
        entry.seen["service"] = self._clock()


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


__all__ = ["LEASE", "WorkerDirectory", "WorkerInfo", "registry_worker_id"]
