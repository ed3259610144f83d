"""The Quart backend over a real WebSocket, in front of a real worker (docs/signaling.md): join
tokens, permissions and ownership checked before any worker call, produce and consume with the
RTP parameters of the shared conformance vectors (schemas/testdata), worker events relayed to
the owning peer, and leaving (by request or by closing the socket) told to the others."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import jwt

from app import sign_join_token
from conftest import JOIN_SECRET, REPO, WEB_DIR, Connect, SignalingClient

VECTORS = REPO / "schemas" / "testdata"


def vector(name: str) -> Any:
    return json.loads(Path(VECTORS / f"{name}.json").read_text())


def new_room() -> str:
    return "room-" + uuid.uuid4().hex[:8]


async def joined(connect: Connect, room: str, user: str, permissions: list[str]) -> tuple[SignalingClient, Any]:
    client = await connect()
    data = await client.request("join", {"roomId": room, "token": sign_join_token(JOIN_SECRET, user, room,
                                                                                   permissions)})
    return client, data


async def publish(client: SignalingClient, kind: str, parameters: str) -> tuple[str, str]:
    """A send transport, connected with a browser's DTLS parameters, and one producer on it."""
    transport = await client.request("createWebRtcTransport", {"direction": "send"})
    await client.request("connectTransport", {"transportId": transport["id"],
                                              "dtlsParameters": vector("dtls_parameters_browser")})
    produced = await client.request("produce", {"transportId": transport["id"], "kind": kind,
                                                "rtpParameters": vector(parameters)})
    return transport["id"], produced["id"]


async def test_join_tokens_are_verified_before_anything_else(connect: Connect) -> None:
    room = new_room()
    client = await connect()
    expired = jwt.encode({"sub": "eve", "room": room, "permissions": [], "exp": int(time.time()) - 60},
                         JOIN_SECRET, algorithm="HS256")
    no_expiry = jwt.encode({"sub": "eve", "room": room, "permissions": []}, JOIN_SECRET, algorithm="HS256")
    unsigned = jwt.encode({"sub": "eve", "room": room, "permissions": [], "exp": int(time.time()) + 60},
                          None, algorithm="none")
    bad_permissions = sign_join_token(JOIN_SECRET, "eve", room, ["screen"])

    assert await client.error("createWebRtcTransport", {"direction": "send"}) == "FAILED_PRECONDITION"
    other_secret = sign_join_token("another-secret-also-longer-than-32-bytes", "eve", room, ["audio"])
    for token in (other_secret, expired, no_expiry, unsigned, bad_permissions, "not.a.jwt"):
        assert await client.error("join", {"roomId": room, "token": token}) == "PERMISSION_DENIED"
    assert await client.error("join", {"roomId": room, "token": sign_join_token(
        JOIN_SECRET, "eve", "another-room", ["audio"])}) == "PERMISSION_DENIED"
    assert await client.error("join", {"roomId": room}) == "INVALID_ARGUMENT"

    data = await client.request("join", {"roomId": room, "token": sign_join_token(JOIN_SECRET, "eve", room, [])})
    assert data["userId"] == "eve" and data["permissions"] == [] and data["producers"] == []
    assert await client.error("join", {"roomId": room, "token": sign_join_token(
        JOIN_SECRET, "eve", room, [])}) == "FAILED_PRECONDITION"
    # A viewer may consume but opens no send transport.
    assert await client.error("createWebRtcTransport", {"direction": "send"}) == "PERMISSION_DENIED"


async def test_a_publishes_b_consumes_and_is_told_when_a_leaves(connect: Connect) -> None:
    room = new_room()
    alice, alice_joined = await joined(connect, room, "alice", ["audio"])
    bob, bob_joined = await joined(connect, room, "bob", [])
    capabilities = await bob.request("getRouterRtpCapabilities")
    assert {codec["mimeType"] for codec in capabilities["codecs"]} >= {"audio/opus", "video/VP8", "video/H264"}

    alice_transport, producer_id = await publish(alice, "audio", "produce_opus")
    announced = await bob.notification("newProducer")
    assert announced == {"producerId": producer_id, "peerId": alice_joined["peerId"], "kind": "audio"}

    receiving = await bob.request("createWebRtcTransport", {"direction": "recv"})
    assert receiving["iceParameters"]["iceLite"] is True and receiving["iceCandidates"]
    assert receiving["dtlsParameters"]["role"] == "auto"
    consumed = await bob.request("consume", {"transportId": receiving["id"], "producerId": producer_id,
                                             "rtpCapabilities": capabilities})
    assert consumed["producerId"] == producer_id and consumed["kind"] == "audio"
    assert consumed["type"] == "simple" and consumed["producerPaused"] is False
    assert [codec["mimeType"] for codec in consumed["rtpParameters"]["codecs"]] == ["audio/opus"]
    assert consumed["rtpParameters"]["encodings"][0]["ssrc"] > 0
    assert set(consumed["score"]) == {"score", "producerScore", "producerScores"}
    await bob.request("resumeConsumer", {"consumerId": consumed["id"]})

    # A producer's pause reaches its consumers' peer as the worker's producerpause event.
    await alice.request("pauseProducer", {"producerId": producer_id})
    assert await bob.notification("consumerPaused") == {"consumerId": consumed["id"], "producerPaused": True}
    await alice.request("resumeProducer", {"producerId": producer_id})
    assert await bob.notification("consumerResumed") == {"consumerId": consumed["id"], "producerPaused": False}

    await alice.request("leave")
    assert await bob.notification("producerClosed") == {"producerId": producer_id}
    assert await bob.notification("consumerClosed") == {"consumerId": consumed["id"], "producerId": producer_id}
    assert await bob.notification("peerLeft") == {"peerId": alice_joined["peerId"]}
    assert await bob.error("resumeConsumer", {"consumerId": consumed["id"]}) == "NOT_FOUND"
    assert await alice.error("produce", {"transportId": alice_transport, "kind": "audio",
                                         "rtpParameters": vector("produce_opus")}) == "FAILED_PRECONDITION"
    assert bob_joined["producers"] == []


async def test_peers_touch_only_what_they_own_and_what_their_token_allows(connect: Connect) -> None:
    room = new_room()
    alice, _ = await joined(connect, room, "alice", ["audio"])
    bob, bob_joined = await joined(connect, room, "bob", ["audio"])
    alice_transport, producer_id = await publish(alice, "audio", "produce_opus")
    alice_recv = await alice.request("createWebRtcTransport", {"direction": "recv"})
    capabilities = await bob.request("getRouterRtpCapabilities")
    bob_recv = await bob.request("createWebRtcTransport", {"direction": "recv"})
    consumed = await bob.request("consume", {"transportId": bob_recv["id"], "producerId": producer_id,
                                             "rtpCapabilities": capabilities})

    # Another peer's ids answer exactly as unknown ones.
    dtls = vector("dtls_parameters_browser")
    assert await bob.error("connectTransport", {"transportId": alice_transport, "dtlsParameters": dtls}) == "NOT_FOUND"
    assert await bob.error("produce", {"transportId": alice_transport, "kind": "audio",
                                       "rtpParameters": vector("produce_opus")}) == "NOT_FOUND"
    assert await bob.error("consume", {"transportId": alice_recv["id"], "producerId": producer_id,
                                       "rtpCapabilities": capabilities}) == "NOT_FOUND"
    assert await bob.error("restartIce", {"transportId": alice_transport}) == "NOT_FOUND"
    assert await bob.error("closeProducer", {"producerId": producer_id}) == "NOT_FOUND"
    assert await bob.error("pauseProducer", {"producerId": producer_id}) == "NOT_FOUND"
    assert await alice.error("pauseConsumer", {"consumerId": consumed["id"]}) == "NOT_FOUND"
    assert await alice.error("setPreferredLayers", {"consumerId": consumed["id"], "spatialLayer": 0}) == "NOT_FOUND"

    # Direction, kind and data are checked before the worker is asked.
    assert await alice.error("produce", {"transportId": alice_recv["id"], "kind": "audio",
                                         "rtpParameters": vector("produce_opus")}) == "FAILED_PRECONDITION"
    assert await alice.error("produce", {"transportId": alice_transport, "kind": "video",
                                         "rtpParameters": vector("produce_vp8")}) == "PERMISSION_DENIED"
    assert await alice.error("consume", {"transportId": alice_transport, "producerId": producer_id,
                                         "rtpCapabilities": capabilities}) == "FAILED_PRECONDITION"
    assert await bob.error("consume", {"transportId": bob_recv["id"], "producerId": str(uuid.uuid4()),
                                       "rtpCapabilities": capabilities}) == "NOT_FOUND"
    assert await alice.error("produce", {"transportId": alice_transport, "kind": "audio",
                                         "rtpParameters": {"codecs": "opus"}}) == "INVALID_ARGUMENT"
    assert await bob.error("setPreferredLayers", {"consumerId": consumed["id"], "spatialLayer": -1}) \
        == "INVALID_ARGUMENT"
    assert await bob.error("createWebRtcTransport", {"direction": "sideways"}) == "INVALID_ARGUMENT"
    assert await bob.error("consume", {"transportId": bob_recv["id"], "producerId": producer_id}) \
        == "INVALID_ARGUMENT"
    assert await alice.error("connectTransport", {"transportId": alice_transport}) == "INVALID_ARGUMENT"
    assert await bob.error("noSuchMethod") == "NOT_FOUND"
    # The worker's own code comes through: a simple consumer has no layers to prefer.
    assert await bob.error("setPreferredLayers", {"consumerId": consumed["id"], "spatialLayer": 0}) \
        == "FAILED_PRECONDITION"

    # Nothing above broke what each owns.
    await bob.request("resumeConsumer", {"consumerId": consumed["id"]})
    await alice.request("closeProducer", {"producerId": producer_id})
    assert await bob.notification("producerClosed") == {"producerId": producer_id}
    assert await bob.notification("consumerClosed") == {"consumerId": consumed["id"], "producerId": producer_id}
    assert bob_joined["peerId"]


async def test_a_simulcast_consumer_takes_preferred_layers_and_a_closed_socket_is_leave(connect: Connect) -> None:
    room = new_room()
    alice, alice_joined = await joined(connect, room, "alice", ["audio", "video"])
    _, producer_id = await publish(alice, "video", "produce_vp8_simulcast")
    bob, bob_joined = await joined(connect, room, "bob", [])
    assert bob_joined["producers"] == [{"producerId": producer_id, "peerId": alice_joined["peerId"], "kind": "video"}]
    capabilities = await bob.request("getRouterRtpCapabilities")
    receiving = await bob.request("createWebRtcTransport", {"direction": "recv"})
    consumed = await bob.request("consume", {"transportId": receiving["id"], "producerId": producer_id,
                                             "rtpCapabilities": capabilities})
    assert consumed["type"] == "simulcast" and consumed["kind"] == "video"

    layers = await bob.request("setPreferredLayers", {"consumerId": consumed["id"], "spatialLayer": 0})
    assert layers["spatialLayer"] == 0
    assert (await bob.request("setConsumerPriority", {"consumerId": consumed["id"], "priority": 2})) == {"priority": 2}
    stats = await bob.request("getConsumerStats", {"consumerId": consumed["id"]})
    assert stats["consumerId"] == consumed["id"]

    await alice.close()
    assert await bob.notification("producerClosed") == {"producerId": producer_id}
    assert await bob.notification("consumerClosed") == {"consumerId": consumed["id"], "producerId": producer_id}
    assert await bob.notification("peerLeft") == {"peerId": alice_joined["peerId"]}


async def test_the_demo_page_is_served(backend_url: str) -> None:
    page_url = backend_url.replace("ws://", "http://").removesuffix("/ws") + "/"

    def fetch() -> tuple[int, str, bytes]:
        with urllib.request.urlopen(page_url, timeout=30) as response:
            return response.status, response.headers["Content-Type"], response.read()

    status, content_type, body = await asyncio.to_thread(fetch)

    assert status == 200 and content_type.startswith("text/html")
    assert body == (WEB_DIR / "index.html").read_bytes()
