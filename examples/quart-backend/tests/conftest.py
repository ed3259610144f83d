"""The Quart backend served by Hypercorn on a free loopback port, in front of the real processes
the SDK's tests start (nats-server, redis-server, a Sluice worker: clients/python/tests/conftest.py,
whose fixtures are reused here as they are), and a WebSocket client speaking docs/signaling.md."""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import itertools
import json
import sys
from pathlib import Path
from typing import Any, AsyncIterator, Awaitable, Callable

import pytest
import websockets
from hypercorn.asyncio import serve
from hypercorn.config import Config

EXAMPLE = Path(__file__).resolve().parents[1]
REPO = EXAMPLE.parents[1]
sys.path.insert(0, str(EXAMPLE))

_spec = importlib.util.spec_from_file_location("sluice_sdk_fixtures", REPO / "clients/python/tests/conftest.py")
assert _spec is not None and _spec.loader is not None
sdk_fixtures = importlib.util.module_from_spec(_spec)
sys.modules["sluice_sdk_fixtures"] = sdk_fixtures
_spec.loader.exec_module(sdk_fixtures)

nats_url = sdk_fixtures.nats_url
redis_url = sdk_fixtures.redis_url
java = sdk_fixtures.java
worker_jar = sdk_fixtures.worker_jar
start_worker = sdk_fixtures.start_worker
sluice = sdk_fixtures.sluice
worker_process = sdk_fixtures.worker_process

JOIN_SECRET = "a-test-join-secret-of-more-than-32-bytes"
#: The demo page's sources (the app.js bundle is only in the Maven build's output).
WEB_DIR = REPO / "orchestrator-stub" / "src" / "main" / "resources" / "web"


@contextlib.asynccontextmanager
async def served(app: Any) -> AsyncIterator[int]:
    """Serves the Quart app with Hypercorn on a free loopback port until the block ends."""
    port = sdk_fixtures.free_port()
    config = Config()
    config.bind = [f"127.0.0.1:{port}"]
    config.graceful_timeout = 5
    stopping = asyncio.Event()
    server = asyncio.ensure_future(serve(app, config, shutdown_trigger=stopping.wait))  # type: ignore[arg-type]

    async def reachable() -> None:
        while True:
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                return
            except OSError:
                if server.done():
                    server.result()
                await asyncio.sleep(0.05)

    await asyncio.wait_for(reachable(), 30)
    try:
        yield port
    finally:
        stopping.set()
        await asyncio.wait_for(server, 30)


@pytest.fixture(scope="session")
async def backend_url(nats_url: str, redis_url: str, worker_process: Any) -> AsyncIterator[str]:
    """ws:// of the backend's signaling WebSocket, once a worker has been discovered."""
    from app import create_app

    app = create_app(nats_url=nats_url, redis_url=redis_url, join_secret=JOIN_SECRET, web_dir=str(WEB_DIR))
    async with served(app) as port:
        yield f"ws://127.0.0.1:{port}/ws"


class SignalingClient:
    """A browser's side of docs/signaling.md: requests awaited by id, notifications queued."""

    def __init__(self, socket: Any) -> None:
        self.socket = socket
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._notifications: list[dict[str, Any]] = []
        self._arrived = asyncio.Event()
        self._reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        async for raw in self.socket:
            message = json.loads(raw)
            if message.get("notification"):
                self._notifications.append(message)
                self._arrived.set()
            elif message.get("id") in self._pending:
                self._pending.pop(message["id"]).set_result(message)

    async def call(self, method: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        """The whole response (``ok``, and ``data`` or ``error``)."""
        request_id = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        await self.socket.send(json.dumps({"request": True, "id": request_id, "method": method, "data": data or {}}))
        return await asyncio.wait_for(future, 60)  # a busy machine is slow

    async def request(self, method: str, data: dict[str, Any] | None = None) -> Any:
        """The response's data; fails the test on an error response."""
        response = await self.call(method, data)
        assert response["ok"], f"{method}: {response['error']}"
        return response["data"]

    async def error(self, method: str, data: dict[str, Any] | None = None) -> str:
        """The code of the error response the request must get."""
        response = await self.call(method, data)
        assert not response["ok"], f"{method} succeeded: {response['data']}"
        return str(response["error"]["code"])

    async def notification(self, method: str, matches: Callable[[dict[str, Any]], bool] = lambda data: True,
                           timeout: float = 30) -> dict[str, Any]:
        """Takes the first notification ``method`` whose data ``matches``, waiting for it; the
        others stay for later calls (the worker's events and the backend's own notifications
        may arrive in either order)."""
        async def wait() -> dict[str, Any]:
            while True:
                for message in self._notifications:
                    if message["method"] == method and matches(message["data"]):
                        self._notifications.remove(message)
                        return dict(message["data"])
                self._arrived.clear()
                await self._arrived.wait()

        return await asyncio.wait_for(wait(), timeout)

    async def close(self) -> None:
        await self.socket.close()
        self._reader.cancel()


Connect = Callable[[], Awaitable[SignalingClient]]


@pytest.fixture
async def connect(backend_url: str) -> AsyncIterator[Connect]:
    """Opens signaling WebSockets; those still open are closed after the test."""
    opened: list[SignalingClient] = []

    async def open_client() -> SignalingClient:
        client = SignalingClient(await websockets.connect(backend_url))
        opened.append(client)
        return client

    yield open_client
    for client in opened:
        await client.close()
