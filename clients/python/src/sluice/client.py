"""The entry point: one NATS connection (and optionally Redis) to every Sluice worker."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Collection

import nats
import nats.errors
from nats.aio.client import Client as NatsClient

from ._requester import DEFAULT_TIMEOUT, Requester
from .discovery import WorkerDirectory, WorkerInfo
from .errors import NatsUnreachableError
from .events import Callback, EventHub
from .worker import Worker

log = logging.getLogger("sluice.client")


class Sluice:
    """Connect with :meth:`connect`; find workers with :meth:`workers` /
    :meth:`least_loaded_worker`; close with :meth:`close` (or ``async with``).

    ``on("missedevents", cb)`` hears of gaps in any worker's event sequence; every entity of
    that worker also gets a :class:`~sluice.events.MissedEvents` in its callbacks and streams.
    """

    def __init__(self, nc: NatsClient, redis: Any = None, *, timeout: float = DEFAULT_TIMEOUT,
                 create_attempts: int = 3, owns_connections: bool = False) -> None:
        self.nc = nc
        self.redis = redis
        self._requester = Requester(nc, timeout, create_attempts)
        self._hub = EventHub(nc)
        self.directory = WorkerDirectory(nc, redis)
        self._owns_connections = owns_connections

    @classmethod
    async def connect(cls, nats_url: str = "nats://127.0.0.1:4222", *, redis_url: str | None = None,
                      timeout: float = DEFAULT_TIMEOUT, create_attempts: int = 3,
                      connect_timeout: float = 10.0, reconnect: bool = True) -> Sluice:
        """Connects to NATS (and to Redis for the worker registry when ``redis_url`` is given,
        which needs the ``redis`` package), subscribes to events and starts discovery.

        The first connection must succeed within ``connect_timeout`` seconds
        (:class:`~sluice.errors.NatsUnreachableError` otherwise); once connected, a lost
        connection is re-established forever unless ``reconnect`` is False. Redis commands
        give up after ``timeout`` seconds."""
        # nats-py retries a first connection forever when reconnecting is allowed without a
        # bound: without this deadline an unreachable server hangs the caller for good.
        nc = NatsClient()
        try:
            await asyncio.wait_for(nc.connect(nats_url, allow_reconnect=reconnect, max_reconnect_attempts=-1,
                                              connect_timeout=max(1, min(int(connect_timeout), 2)),
                                              error_cb=_log_nats_error),
                                   connect_timeout)
        except (asyncio.TimeoutError, OSError, nats.errors.Error) as error:
            cause = nc.last_error or error
            await _abandon(nc)
            raise NatsUnreachableError(nats_url, connect_timeout, cause) from None
        redis = None
        if redis_url is not None:
            import redis.asyncio as redis_asyncio

            redis = redis_asyncio.from_url(redis_url, socket_timeout=timeout, socket_connect_timeout=timeout)
        sluice = cls(nc, redis, timeout=timeout, create_attempts=create_attempts, owns_connections=True)
        await sluice.start()
        return sluice

    async def start(self) -> None:
        await self._hub.start()
        await self.directory.start()

    async def close(self, *, drain_timeout: float = 5.0) -> None:
        """Stops discovery and events; closes the connections :meth:`connect` made, letting NATS
        deliver what is in flight for at most ``drain_timeout`` seconds, so that closing always
        ends, even while NATS is unreachable."""
        await self.directory.stop()
        await self._hub.stop()
        if not self._owns_connections:
            return
        try:
            await asyncio.wait_for(self.nc.drain(), drain_timeout)
        except (asyncio.TimeoutError, nats.errors.Error) as error:
            # Reconnecting (drain refuses) or slow: close without delivering the rest.
            log.info("NATS connection not drained (%s); closing it", type(error).__name__)
        await _abandon(self.nc)
        if self.redis is not None:
            await self.redis.aclose()

    async def __aenter__(self) -> Sluice:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def on(self, name: str, callback: Callback) -> None:
        """Every worker's events named ``name`` (Sluice's name), or ``missedevents``."""
        self._hub.global_emitter.on(name, callback)

    def worker(self, worker_id: str) -> Worker:
        """A worker by id (it need not have been discovered)."""
        found = [info for info in self.directory.live_workers() if info.worker_id == worker_id]
        return Worker(self, worker_id, found[0] if found else None)

    async def workers(self, *, wait_for: int = 0, timeout: float = 10.0) -> list[Worker]:
        """The live workers; with ``wait_for``, waits until at least that many are live."""
        infos = (await self.directory.wait_for_workers(wait_for, timeout) if wait_for
                 else await self.directory.refresh())
        return [Worker(self, info.worker_id, info) for info in infos]

    async def least_loaded_worker(self, *, timeout: float = 10.0, exclude: Collection[str] = ()) -> Worker:
        """The live worker with the fewest routers and transports, leaving out the ``exclude``
        ids; waits up to ``timeout`` seconds for one (asyncio.TimeoutError otherwise). Counts
        the router the caller is about to create (call it once per placement)."""
        async def first() -> WorkerInfo:
            while True:
                await self.directory.refresh()
                chosen = self.directory.least_loaded(exclude)
                if chosen is not None:
                    return chosen
                await asyncio.sleep(0.1)

        chosen = await asyncio.wait_for(first(), timeout)
        self.directory.note_router_created(chosen.worker_id)
        return Worker(self, chosen.worker_id, chosen)


async def _log_nats_error(error: Exception) -> None:
    log.warning("NATS: %s", error or type(error).__name__)


async def _abandon(nc: NatsClient) -> None:
    """Closes a NATS client in whatever state it is (also one whose first connect never ended)."""
    if not nc.is_closed:
        await nc.close()
