"""aiortc as a second real WebRTC peer, through the backend's signaling and a real worker:
Opus and VP8 from an aiortc sender reach an aiortc receiver, which decodes them. The stack
on both ends is not Chromium's and not ours: ICE (aioice, full agent against the worker's ICE
lite), DTLS-SRTP, RTP/RTCP, libvpx and libopus are aiortc's."""

from __future__ import annotations

import asyncio
import uuid
from typing import Awaitable, Callable

import pytest
from aiortc import AudioStreamTrack, VideoStreamTrack

from aiortc_peer import AiortcReceiver, AiortcSender, gather_on_loopback_only
from app import sign_join_token
from conftest import JOIN_SECRET, Connect, SignalingClient

#: aiortc's test tracks: 640x480 video at 30 fps, 20 ms audio frames (50 per second).
VIDEO_FRAMES = 30
AUDIO_FRAMES = 100


@pytest.fixture(autouse=True)
def loopback_candidates() -> None:
    gather_on_loopback_only()


async def until(condition: Callable[[], bool], timeout: float = 60) -> None:
    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.1)

    await asyncio.wait_for(poll(), timeout)


async def joined(connect: Connect, room: str, user: str, permissions: list[str]) -> SignalingClient:
    client = await connect()
    await client.request("join", {"roomId": room, "token": sign_join_token(JOIN_SECRET, user, room, permissions)})
    return client


async def closing(*closers: Callable[[], Awaitable[None]]) -> None:
    for close in closers:
        await close()


async def test_an_aiortc_sender_reaches_an_aiortc_receiver_through_the_worker(connect: Connect) -> None:
    room = "aiortc-" + uuid.uuid4().hex[:8]
    alice = await joined(connect, room, "alice", ["audio", "video"])
    bob = await joined(connect, room, "bob", [])
    sender, receiver = AiortcSender(alice), AiortcReceiver(bob)
    try:
        await sender.publish([AudioStreamTrack(), VideoStreamTrack()], await alice.request("getRouterRtpCapabilities"))
        announced = {(await bob.notification("newProducer"))["kind"] for _ in range(2)}
        assert announced == {"audio", "video"}

        consumers = await receiver.consume([sender.producer_ids["audio"], sender.producer_ids["video"]])
        assert [c["rtpParameters"]["codecs"][0]["mimeType"] for c in consumers] == ["audio/opus", "video/VP8"]

        await until(lambda: receiver.received.get("video") is not None
                    and receiver.received["video"].frames >= VIDEO_FRAMES
                    and receiver.received.get("audio") is not None
                    and receiver.received["audio"].frames >= AUDIO_FRAMES)
        video = receiver.received["video"]
        assert (video.width, video.height) == (640, 480)
        assert sender.pc.connectionState == receiver.pc.connectionState == "connected"

        # The worker's own count agrees: it received the sender's packets and forwarded them.
        producer_stats = await alice.request("getProducerStats", {"producerId": sender.producer_ids["video"]})
        consumer_stats = await bob.request("getConsumerStats", {"consumerId": consumers[1]["id"]})
        assert producer_stats["packetsReceived"] > 0 and consumer_stats["packetsSent"] > 0
    finally:
        await closing(receiver.close, sender.close)
