"""Discovery of worker processes by $SRV.PING, heartbeats and the Redis registry; placement on
the least-loaded worker; the CLI."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from typing import Callable

import pytest

from conftest import free_port, stop, tool, wait_reachable, wait_until_discovered
from media import MEDIA_CODECS
from sluice import Sluice, UnavailableError


async def until(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.1)

    await asyncio.wait_for(poll(), timeout)


def info_of(sluice: Sluice, worker_id: str):  # type: ignore[no-untyped-def]
    return next((w for w in sluice.directory.live_workers() if w.worker_id == worker_id), None)


async def test_a_worker_is_seen_by_every_source(sluice: Sluice, worker_process) -> None:  # type: ignore[no-untyped-def]
    def seen_by_all() -> bool:
        info = info_of(sluice, worker_process.worker_id)
        return info is not None and info.seen_by == {"registry", "service", "heartbeat"}

    await until(seen_by_all)

    info = info_of(sluice, worker_process.worker_id)
    assert info.host and info.announced_ip == "127.0.0.1" and info.pid == worker_process.process.pid


async def test_placement_picks_the_least_loaded_of_two_processes_and_forgets_a_stopped_one(
        sluice: Sluice, worker_process, start_worker) -> None:  # type: ignore[no-untyped-def]
    busy = sluice.worker(worker_process.worker_id)
    routers = [await busy.create_router(MEDIA_CODECS) for _ in range(3)]
    second = start_worker()
    try:
        await wait_until_discovered(sluice, second.worker_id)
        await until(lambda: info_of(sluice, busy.id).routers_and_transports >= 3
                    and info_of(sluice, second.worker_id) is not None
                    and "heartbeat" in info_of(sluice, second.worker_id).seen_by)

        first_pick = await sluice.least_loaded_worker()
        second_pick = await sluice.least_loaded_worker()
        placed = await first_pick.create_router(MEDIA_CODECS, room_id="placed")

        assert (first_pick.id, second_pick.id) == (second.worker_id, second.worker_id)
        assert placed.id in (await sluice.worker(second.worker_id).dump()).router_ids
    finally:
        second.stop()
        for router in routers:
            await router.close()

    await until(lambda: info_of(sluice, second.worker_id) is None, timeout=30)
    assert info_of(sluice, busy.id) is not None


async def test_a_draining_worker_is_never_chosen_and_its_process_exits_once_empty(
        sluice: Sluice, worker_process, start_worker) -> None:  # type: ignore[no-untyped-def]
    draining = start_worker()
    await wait_until_discovered(sluice, draining.worker_id)
    try:
        worker = sluice.worker(draining.worker_id)
        router = await worker.create_router(MEDIA_CODECS, room_id="draining")

        assert await worker.drain() == 1
        assert await worker.drain() == 1  # idempotent
        await until(lambda: info_of(sluice, draining.worker_id) is not None
                    and info_of(sluice, draining.worker_id).draining)
        with pytest.raises(UnavailableError):
            await worker.create_router(MEDIA_CODECS)
        # However idle it looks, placement takes the other one.
        picks = {(await sluice.least_loaded_worker()).id for _ in range(3)}
        assert picks == {worker_process.worker_id}

        await router.close()
        assert await asyncio.to_thread(draining.process.wait, 60) == 0
    finally:
        draining.stop()


def run_cli(*args: str, deadline: float) -> subprocess.CompletedProcess[str]:
    """``python -m sluice ... --deadline``; one that overruns its deadline (plus room for the
    interpreter's start on a busy machine) fails with TimeoutExpired."""
    return subprocess.run([sys.executable, "-m", "sluice", *args, "--deadline", str(deadline)],
                          capture_output=True, text=True, timeout=deadline + 30)


async def test_cli_lists_workers_and_routers(nats_url: str, redis_url: str, sluice: Sluice,
                                             worker_process) -> None:  # type: ignore[no-untyped-def]
    router = await sluice.worker(worker_process.worker_id).create_router(MEDIA_CODECS, room_id="cli-room")
    try:
        def cli(*args: str) -> str:
            done = run_cli(*args, "--nats-url", nats_url, "--redis-url", redis_url, "--wait", "30",
                           "--timeout", "30", deadline=90)
            assert done.returncode == 0, done.stderr
            return done.stdout

        workers = await asyncio.to_thread(cli, "workers")
        routers = await asyncio.to_thread(cli, "routers", "--worker", worker_process.worker_id)
    finally:
        await router.close()

    assert worker_process.worker_id in workers
    assert router.id in routers and "cli-room" in routers


async def test_the_cli_ends_within_its_deadline_when_nothing_answers() -> None:
    port = free_port()
    empty_nats = subprocess.Popen([tool("nats-server"), "-a", "127.0.0.1", "-p", str(port)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_reachable(port, empty_nats, "nats-server")
        no_nats = await asyncio.to_thread(lambda: run_cli(
            "workers", "--nats-url", f"nats://127.0.0.1:{free_port()}", deadline=5))
        no_worker = await asyncio.to_thread(lambda: run_cli(
            "routers", "--nats-url", f"nats://127.0.0.1:{port}", "--redis-url", f"redis://127.0.0.1:{free_port()}",
            "--wait", "2", deadline=8))
    finally:
        stop(empty_nats)

    assert no_nats.returncode == 1 and "not reachable" in no_nats.stderr
    assert no_worker.returncode == 1 and "no worker found" in no_worker.stderr
