"""Rooms across workers and Redis, with real processes: placement on the least-loaded worker, the
room assignment in Redis (restored by a second backend, written again after a Redis restart), a
worker's death or drain turned into ``reconnect`` and a join again on the same socket; and the
layer policy (a peer on 3G held at the low spatial layer)."""

from __future__ import annotations

import asyncio
import inspect
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any, Awaitable, Callable

import redis.asyncio as redis_asyncio
import websockets

from app import create_app
from conftest import JOIN_SECRET, WEB_DIR, SignalingClient, Connect, sdk_fixtures, served
from rooms import MEDIA_CODECS
from sluice import NoRespondersError, Sluice
from test_signaling import joined, publish


def new_room() -> str:
    return "room-" + uuid.uuid4().hex[:8]


async def until(condition: Callable[[], Any], timeout: float = 60) -> None:
    """Polls ``condition`` (a function answering a bool, or an awaitable of one) until true."""
    async def poll() -> None:
        while True:
            value = condition()
            if inspect.isawaitable(value):
                value = await value
            if value:
                return
            await asyncio.sleep(0.2)

    await asyncio.wait_for(poll(), timeout)


async def stored(redis: Any, room: str) -> dict[str, str]:
    return {k.decode(): v.decode() for k, v in (await redis.hgetall(f"sluice:room:{room}")).items()}


async def routers_of_room(sluice: Sluice, room: str) -> list[str]:
    """Every router of every live worker that belongs to ``room`` (router.dump's room id)."""
    found = []
    for worker in await sluice.workers():
        try:
            router_ids = (await worker.dump()).router_ids
        except NoRespondersError:  # a worker another test killed, until its lease runs out
            continue
        for router_id in router_ids:
            if (await worker.router(router_id).dump()).room_id == room:
                found.append(router_id)
    return found


# ---- Placement, Redis, a worker's death

async def test_a_room_goes_to_the_least_loaded_worker_and_moves_when_that_worker_dies(
        connect: Connect, sluice: Sluice, worker_process: Any, start_worker: Any, redis_url: str) -> None:
    redis = redis_asyncio.from_url(redis_url)
    busy = sluice.worker(worker_process.worker_id)
    ballast = [await busy.create_router(MEDIA_CODECS, room_id="ballast") for _ in range(3)]
    spare = start_worker()
    try:
        def info(worker_id: str) -> Any:
            return next((w for w in sluice.directory.live_workers() if w.worker_id == worker_id), None)

        # The backend hears the same heartbeats as this test's client.
        await until(lambda: info(spare.worker_id) is not None and "heartbeat" in info(spare.worker_id).seen_by
                    and info(busy.id).routers_and_transports >= 3
                    and info(spare.worker_id).routers_and_transports == 0)
        room = new_room()
        alice, alice_joined = await joined(connect, room, "alice", ["audio"])
        placed = await stored(redis, room)
        assert placed["worker_id"] == spare.worker_id
        assert placed["router_id"] in (await sluice.worker(spare.worker_id).dump()).router_ids
        assert int(placed["created_at_ms"]) > 0

        await publish(alice, "audio", "produce_opus")
        bob, _ = await joined(connect, room, "bob", [])

        killed_at = time.monotonic()
        spare.process.kill()  # a crash: no goodbye on NATS or in Redis

        moved = {"reason": "workerDied", "roomId": room}
        assert await alice.notification("reconnect") == moved
        assert await bob.notification("reconnect") == moved
        print(f"worker killed to reconnect sent: {(time.monotonic() - killed_at) * 1000:.0f} ms")
        assert await alice.error("createWebRtcTransport", {"direction": "send"}) == "FAILED_PRECONDITION"

        # Join again on the same socket: same peer, the room on the live worker, Redis rewritten.
        rejoined = await alice.request("join", {"roomId": room, "token": _token("alice", room, ["audio"])})
        assert rejoined["peerId"] == alice_joined["peerId"] and rejoined["producers"] == []
        moved_to = await stored(redis, room)
        assert moved_to["worker_id"] == busy.id and moved_to["router_id"] != placed["router_id"]
        _, producer_id = await publish(alice, "audio", "produce_opus")
        bob_again = await bob.request("join", {"roomId": room, "token": _token("bob", room, [])})
        assert [p["producerId"] for p in bob_again["producers"]] == [producer_id]

        # The last peer out closes the room's router and releases its assignment.
        await alice.request("leave")
        await bob.request("leave")
        await until(lambda: _is_empty(stored(redis, room)))
    finally:
        spare.stop()
        for router in ballast:
            await router.close()
        await redis.aclose()


async def test_a_room_leaves_a_draining_worker_whose_process_then_exits(
        connect: Connect, sluice: Sluice, worker_process: Any, start_worker: Any, redis_url: str) -> None:
    redis = redis_asyncio.from_url(redis_url)
    busy = sluice.worker(worker_process.worker_id)
    ballast = [await busy.create_router(MEDIA_CODECS, room_id="ballast") for _ in range(3)]
    draining = start_worker()
    try:
        def info(worker_id: str) -> Any:
            return next((w for w in sluice.directory.live_workers() if w.worker_id == worker_id), None)

        await until(lambda: info(draining.worker_id) is not None and "heartbeat" in info(draining.worker_id).seen_by
                    and info(busy.id).routers_and_transports >= 3
                    and info(draining.worker_id).routers_and_transports == 0)
        room = new_room()
        alice, alice_joined = await joined(connect, room, "alice", ["audio"])
        assert (await stored(redis, room))["worker_id"] == draining.worker_id

        assert await sluice.worker(draining.worker_id).drain() == 1

        assert await alice.notification("reconnect") == {"reason": "workerDraining", "roomId": room}
        rejoined = await alice.request("join", {"roomId": room, "token": _token("alice", room, ["audio"])})
        assert rejoined["peerId"] == alice_joined["peerId"]
        assert (await stored(redis, room))["worker_id"] == busy.id
        # The backend closed the room's old router: the drained worker's process ends by itself.
        assert await asyncio.to_thread(draining.process.wait, 60) == 0
        await alice.request("leave")
    finally:
        draining.stop()
        for router in ballast:
            await router.close()
        await redis.aclose()


async def test_a_second_backend_finds_the_room_in_redis_and_a_restarted_redis_gets_it_back(
        nats_url: str, sluice: Sluice, worker_process: Any, tmp_path: Path) -> None:
    private = PrivateRedis(tmp_path)
    redis = redis_asyncio.from_url(private.url)
    room = new_room()
    clients: list[SignalingClient] = []
    try:
        async with backend(nats_url, private.url) as first, backend(nats_url, private.url) as second:
            try:
                alice = await open_client(first, clients)
                await alice.request("join", {"roomId": room, "token": _token("alice", room, ["audio"])})
                placed = await stored(redis, room)
                assert placed

                carol = await open_client(second, clients)
                await carol.request("join", {"roomId": room, "token": _token("carol", room, [])})
                assert await stored(redis, room) == placed
                assert await routers_of_room(sluice, room) == [placed["router_id"]]

                # Without persistence a restarted Redis is empty: the backends claim the room again.
                await redis.aclose()
                private.restart()
                redis = redis_asyncio.from_url(private.url)
                assert not await stored(redis, room)
                await until(lambda: _names(stored(redis, room), placed), timeout=30)
            finally:
                for client in clients:
                    await client.close()
    finally:
        await redis.aclose()
        private.stop()


# ---- The layer policy

async def test_a_peer_on_3g_is_held_at_the_low_spatial_layer(connect: Connect) -> None:
    room = new_room()
    alice, _ = await joined(connect, room, "alice", ["video"])
    _, producer_id = await publish(alice, "video", "produce_vp8_simulcast")

    bob = await connect()
    await bob.request("join", {"roomId": room, "token": _token("bob", room, []), "network": "3g"})
    carol, _ = await joined(connect, room, "carol", [])
    bob_consumer = await consume(bob, producer_id)
    carol_consumer = await consume(carol, producer_id)

    assert bob_consumer["type"] == "simulcast" and bob_consumer["preferredLayers"]["spatialLayer"] == 0
    highest = carol_consumer["preferredLayers"]["spatialLayer"]
    assert highest == 2  # three encodings, and carol's network is not known to be slow
    assert (await bob.request("setPreferredLayers", {"consumerId": bob_consumer["id"], "spatialLayer": 1}))[
        "spatialLayer"] == 0

    # Faster again: back to what bob asked for; slow again: down to 0.
    faster = await bob.request("setNetwork", {"network": "4g"})
    assert faster["preferredLayers"][bob_consumer["id"]]["spatialLayer"] == 1
    slower = await bob.request("setNetwork", {"network": "3g"})
    assert slower["preferredLayers"][bob_consumer["id"]]["spatialLayer"] == 0
    # Networks other than the Network Information API's effective types are refused.
    assert await bob.error("setNetwork", {"network": "5g"}) == "INVALID_ARGUMENT"
    viewer = await connect()
    assert await viewer.error("join", {"roomId": room, "token": _token("dave", room, []),
                                       "network": "wifi"}) == "INVALID_ARGUMENT"


async def consume(client: SignalingClient, producer_id: str) -> Any:
    capabilities = await client.request("getRouterRtpCapabilities")
    transport = await client.request("createWebRtcTransport", {"direction": "recv"})
    return await client.request("consume", {"transportId": transport["id"], "producerId": producer_id,
                                            "rtpCapabilities": capabilities})


# ---- Helpers

def _token(user: str, room: str, permissions: list[str]) -> str:
    from app import sign_join_token

    return sign_join_token(JOIN_SECRET, user, room, permissions)


async def _is_empty(value: Awaitable[Any]) -> bool:
    return not await value


async def _names(value: Awaitable[dict[str, str]], assignment: dict[str, str]) -> bool:
    """The stored hash names the same worker and router (``created_at_ms`` is the claim's)."""
    fields = await value
    return all(fields.get(key) == assignment[key] for key in ("worker_id", "router_id"))


def backend(nats_url: str, redis_url: str) -> Any:
    """One more backend process-in-a-task, served on its own port (its own SDK connection)."""
    return served(create_app(nats_url=nats_url, redis_url=redis_url, join_secret=JOIN_SECRET, web_dir=str(WEB_DIR)))


async def open_client(port: int, opened: list[SignalingClient]) -> SignalingClient:
    client = SignalingClient(await websockets.connect(f"ws://127.0.0.1:{port}/ws"))
    opened.append(client)
    return client


class PrivateRedis:
    """A redis-server of this test alone, without persistence, restartable on the same port."""

    def __init__(self, workdir: Path) -> None:
        self.port = sdk_fixtures.free_port()
        self.url = f"redis://127.0.0.1:{self.port}"
        self._workdir = workdir
        self._process = self._start()

    def _start(self) -> subprocess.Popen[bytes]:
        process = subprocess.Popen([sdk_fixtures.tool("redis-server"), "--bind", "127.0.0.1", "--port",
                                    str(self.port), "--save", "", "--appendonly", "no", "--dir", str(self._workdir)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        sdk_fixtures.wait_reachable(self.port, process, "redis-server")
        return process

    def restart(self) -> None:
        sdk_fixtures.stop(self._process)
        self._process = self._start()

    def stop(self) -> None:
        sdk_fixtures.stop(self._process)

