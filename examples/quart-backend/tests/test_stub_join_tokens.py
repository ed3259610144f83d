"""Interop: the orchestrator stub (a real stub process in front of the real worker) accepts the
join tokens this backend signs with PyJWT (``app.sign_join_token``), and refuses the expired and
replayed ones, as docs/signaling.md says: any backend signs the stub's tokens with a stock JWT
library."""

from __future__ import annotations

import glob
import os
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any, AsyncIterator, Iterator

import jwt
import pytest
import websockets

import app
from conftest import REPO, SignalingClient, sdk_fixtures

STUB_SECRET = "stub-interop-" + uuid.uuid4().hex


@pytest.fixture(scope="module")
def stub_url(nats_url: str, redis_url: str, java: Any, worker_process: Any,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    jars = glob.glob(str(REPO / "orchestrator-stub" / "target" / "sluice-orchestrator-stub-*-all.jar"))
    if not jars:
        raise RuntimeError("no stub jar: build it with `mvn -o -q -pl orchestrator-stub -am package -DskipTests`")
    port = sdk_fixtures.free_port()
    env = dict(os.environ, NATS_URL=nats_url, REDIS_URL=redis_url, JOIN_SECRET=STUB_SECRET, HTTP_PORT=str(port),
               HTTP_HOST="127.0.0.1", LOG_LEVEL="warn")
    log: Path = tmp_path_factory.mktemp("stub") / "stub.log"
    process = subprocess.Popen([java.executable, *java.options, "-jar", jars[0]], env=env,
                               stdout=open(log, "wb"), stderr=subprocess.STDOUT)
    try:
        sdk_fixtures.wait_reachable(port, process, "orchestrator stub", timeout=60)
        yield f"ws://127.0.0.1:{port}/ws"
    finally:
        sdk_fixtures.stop(process)


@pytest.fixture
async def stub(stub_url: str) -> AsyncIterator[Any]:
    opened: list[SignalingClient] = []

    async def open_client() -> SignalingClient:
        client = SignalingClient(await websockets.connect(stub_url))
        opened.append(client)
        return client

    yield open_client
    for client in opened:
        await client.close()


async def test_the_stub_accepts_a_pyjwt_token_and_refuses_expired_and_replayed_ones(stub: Any) -> None:
    token = app.sign_join_token(STUB_SECRET, "pia", "interop-room", ["audio"])
    expired = jwt.encode({"sub": "pia", "room": "interop-room", "permissions": [], "exp": int(time.time()) - 300},
                         STUB_SECRET, algorithm="HS256")
    once = jwt.encode({"sub": "pia", "room": "interop-room", "permissions": [], "exp": int(time.time()) + 300,
                       "jti": uuid.uuid4().hex}, STUB_SECRET, algorithm="HS256")

    joined = await (await stub()).request("join", {"roomId": "interop-room", "token": token})
    refused = await (await stub()).call("join", {"roomId": "interop-room", "token": expired})
    first = await (await stub()).call("join", {"roomId": "interop-room", "token": once})
    replayed = await (await stub()).call("join", {"roomId": "interop-room", "token": once})

    assert joined["userId"] == "pia" and joined["permissions"] == ["audio"]
    assert refused["error"]["code"] == "PERMISSION_DENIED" and "expired" in refused["error"]["message"]
    assert first["ok"]
    assert replayed["error"]["code"] == "PERMISSION_DENIED" and "replayed" in replayed["error"]["message"]
