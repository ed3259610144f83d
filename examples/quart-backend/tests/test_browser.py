"""The demo page (mediasoup-client 3.24.1, unchanged) in Debian's Chromium against this backend and
a real worker: A publishes the fake camera as VP8 and the fake microphone as Opus, B decodes both
(frames decoded and audio packets counted by the browser's getStats). Marked ``browser``: it runs
only in scripts/test's browser pass, inside a network namespace with only loopback
(``scripts/test-python browser``)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any, AsyncIterator, Callable

import pytest

from app import create_app, sign_join_token
from chromium import Chromium, require_loopback_only
from conftest import JOIN_SECRET, REPO, served

pytestmark = pytest.mark.browser

#: Where orchestrator-stub's Maven build puts the page with its app.js bundle.
BUILT_WEB_DIR = REPO / "orchestrator-stub" / "target" / "classes" / "web"


@pytest.fixture(scope="module")
async def page_url(nats_url: str, redis_url: str, worker_process: Any) -> AsyncIterator[Callable[..., str]]:
    require_loopback_only()
    if not (BUILT_WEB_DIR / "app.js").is_file():
        raise RuntimeError(f"no demo page bundle in {BUILT_WEB_DIR}: mvn -o -q -pl orchestrator-stub -am package")
    app = create_app(nats_url=nats_url, redis_url=redis_url, join_secret=JOIN_SECRET, web_dir=str(BUILT_WEB_DIR))
    async with served(app) as port:
        def url(room: str, user: str, *permissions: str, query: str = "") -> str:
            token = sign_join_token(JOIN_SECRET, user, room, list(permissions))
            return f"http://127.0.0.1:{port}/?room={room}&token={token}{query}"

        yield url


async def until(page: Chromium, expression: str, timeout: float = 60) -> Any:
    """Polls the page until ``expression`` is truthy, failing at once on a page error."""
    async def poll() -> Any:
        while True:
            errors = await page.evaluate("sluice.state.errors")
            assert errors == [], errors
            value = await page.evaluate(expression)
            if value:
                return value
            await asyncio.sleep(0.2)

    return await asyncio.wait_for(poll(), timeout)


async def test_b_decodes_the_vp8_and_opus_that_a_publishes_through_the_quart_backend(
        page_url: Callable[..., str]) -> None:
    room = "browser-" + uuid.uuid4().hex[:8]
    publisher, viewer = await Chromium.launch(), await Chromium.launch()
    try:
        await publisher.navigate(page_url(room, "alice", "audio", "video", query="&codec=vp8"))
        await until(publisher, "JSON.stringify(sluice.state.producers.map(p => p.kind).sort())"
                               " === '[\"audio\",\"video\"]'")

        await viewer.navigate(page_url(room, "bob"))
        first_frames = await until(viewer, "sluice.framesDecoded()")
        await until(viewer, f"(async () => await sluice.framesDecoded() > {first_frames + 20}"
                            " && await sluice.audioPacketsReceived() > 50)()")

        consumers = await viewer.evaluate("[...sluice.state.consumers.values()].map(e => [e.consumer.kind,"
                                          " e.consumer.rtpParameters.codecs[0].mimeType]).sort()")
        assert consumers == [["audio", "audio/opus"], ["video", "video/VP8"]]
        assert await viewer.evaluate("document.querySelectorAll('#videos video').length") == 1
        assert await publisher.evaluate("sluice.state.errors") == []
    finally:
        await viewer.close()
        await publisher.close()
