"""A signaling backend in Quart: the browser's WebSocket protocol of docs/signaling.md (the same
as the orchestrator stub's, so its demo page works against either), driving Sluice workers
through the Python SDK. Join tokens are JWTs (HS256, with an expiry) signed by the application
that authenticates users; permissions and ownership are checked before any worker call.

Run: ``JOIN_SECRET=... NATS_URL=nats://127.0.0.1:4222 python app.py`` (see README.md)."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable

import jwt
from quart import Quart, Response, send_from_directory, websocket

from layer_policy import KNOWN_NETWORKS
from room_store import RoomStore
from rooms import NoWorkerError, OwnedTransport, Peer, Room, Rooms
from sluice import (
    ClientJsonError,
    Consumer,
    EntityClosedError,
    NoRespondersError,
    Producer,
    RequestError,
    RequestTimeoutError,
    Sluice,
    to_client_json,
)

log = logging.getLogger("quart_backend")

PERMISSIONS = ("audio", "video")


class SignalingError(Exception):
    """An error answered to the browser with its code (docs/signaling.md, "Messages")."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def denied(message: str) -> SignalingError:
    return SignalingError("PERMISSION_DENIED", message)


def not_found(message: str) -> SignalingError:
    return SignalingError("NOT_FOUND", message)


def precondition(message: str) -> SignalingError:
    return SignalingError("FAILED_PRECONDITION", message)


def invalid(message: str) -> SignalingError:
    return SignalingError("INVALID_ARGUMENT", message)


# ---- Join tokens

def sign_join_token(secret: str, user_id: str, room_id: str, permissions: list[str],
                    ttl_seconds: int = 3600) -> str:
    """What the application that authenticates users gives each of them for one room."""
    claims = {"sub": user_id, "room": room_id, "permissions": permissions, "exp": int(time.time()) + ttl_seconds}
    return jwt.encode(claims, secret, algorithm="HS256")


@dataclass(frozen=True)
class JoinToken:
    user_id: str
    room_id: str
    permissions: list[str]


def verify_join_token(token: str, secret: str) -> JoinToken:
    """HS256 only (never "none" or a key-confusion algorithm); ``exp`` is required and enforced."""
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], options={"require": ["exp", "sub", "room"]})
    except jwt.InvalidTokenError as error:
        raise denied(f"invalid join token: {error}") from None
    permissions = claims.get("permissions", [])
    if not isinstance(permissions, list) or not all(p in PERMISSIONS for p in permissions):
        raise denied("invalid join token: permissions are a list of audio, video")
    return JoinToken(str(claims["sub"]), str(claims["room"]), permissions)


# ---- Request data

def text(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value:
        raise invalid(f"{name}: expected a non-empty string")
    return value


def json_object(data: dict[str, Any], name: str) -> dict[str, Any]:
    """A mediasoup-client object; the SDK's from_client_json checks its members."""
    value = data.get(name)
    if not isinstance(value, dict):
        raise invalid(f"{name}: expected an object")
    return value


def optional_int(data: dict[str, Any], name: str, low: int, high: int) -> int | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise invalid(f"{name}: expected an integer from {low} to {high}")
    return value


def network(data: dict[str, Any], required: bool) -> str | None:
    """The browser's ``network`` (navigator.connection.effectiveType), for the layer policy."""
    value = data.get("network")
    if value is None and not required:
        return None
    if value not in KNOWN_NETWORKS:
        raise invalid(f"network: expected one of {', '.join(sorted(KNOWN_NETWORKS))}")
    return str(value)


def required_int(data: dict[str, Any], name: str, low: int, high: int) -> int:
    value = optional_int(data, name, low, high)
    if value is None:
        raise invalid(f"{name}: expected an integer from {low} to {high}")
    return value


# ---- One browser's session

Handler = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]


class Session:
    """One WebSocket: ``join`` first, then requests about what this peer owns."""

    def __init__(self, rooms: Rooms, secret: str, send: Callable[[str], Awaitable[None]]) -> None:
        self.rooms = rooms
        self.secret = secret
        self.send = send
        self.peer: Peer | None = None
        self.room: Room | None = None
        self.handlers: dict[str, Handler] = {
            "getRouterRtpCapabilities": self.get_router_rtp_capabilities,
            "createWebRtcTransport": self.create_webrtc_transport,
            "connectTransport": self.connect_transport,
            "restartIce": self.restart_ice,
            "produce": self.produce,
            "pauseProducer": self.pause_producer,
            "resumeProducer": self.resume_producer,
            "closeProducer": self.close_producer,
            "getProducerStats": self.get_producer_stats,
            "consume": self.consume,
            "resumeConsumer": self.resume_consumer,
            "pauseConsumer": self.pause_consumer,
            "setPreferredLayers": self.set_preferred_layers,
            "setConsumerPriority": self.set_consumer_priority,
            "setNetwork": self.set_network,
            "getConsumerStats": self.get_consumer_stats,
            "leave": self.leave,
        }

    async def on_text(self, raw: str | bytes) -> None:
        request_id: Any = None
        try:
            message = json.loads(raw)
            if not isinstance(message, dict):
                raise invalid("expected {request: true, id, method, data}")
            request_id = message.get("id")
            method, data = message.get("method"), message.get("data", {})
            if message.get("request") is not True or request_id is None or not isinstance(method, str) \
                    or not isinstance(data, dict):
                raise invalid("expected {request: true, id, method, data}")
            result = await self.handle(method, data)
            await self.send(json.dumps({"response": True, "id": request_id, "ok": True, "data": result}))
        except Exception as error:
            code, text_ = error_of(error)
            await self.send(json.dumps({"response": True, "id": request_id, "ok": False,
                                        "error": {"code": code, "message": text_}}))

    async def handle(self, method: str, data: dict[str, Any]) -> dict[str, Any]:
        if method == "join":
            return await self.join(data)
        peer = self.peer
        if peer is None or peer.left:
            raise precondition(f"{method} before join")
        if peer.room_lost:
            raise precondition("the room moved: join again")
        handler = self.handlers.get(method)
        if handler is None:
            raise not_found(f"unknown method {method}")
        result = await handler(data)
        if peer.room_lost:
            # Completed for the router the room just left: the browser is joining again.
            raise precondition("the room moved")
        return result

    async def join(self, data: dict[str, Any]) -> dict[str, Any]:
        """The first join, or a join again after ``reconnect`` (the peer keeps its id)."""
        if self.peer is not None and not self.peer.room_lost:
            raise precondition("already joined")
        room_id = text(data, "roomId")
        token = verify_join_token(text(data, "token"), self.secret)
        if token.room_id != room_id:
            raise denied(f"the token is for room {token.room_id}, not {room_id}")
        peer = Peer(token.user_id, token.permissions, self.send, network=network(data, required=False))
        if self.peer is not None:
            peer.peer_id = self.peer.peer_id
        self.room = await self.rooms.join(room_id, peer)
        self.peer = peer
        log.info("peer %s (user %s) joined room %s", peer.peer_id, peer.user_id, room_id)
        return {"peerId": peer.peer_id, "userId": peer.user_id, "permissions": peer.permissions,
                "producers": [track.to_json() for track in self.room.tracks.values()]}

    # The properties below are only read after join (handle() checks it).

    @property
    def joined(self) -> tuple[Room, Peer]:
        assert self.room is not None and self.peer is not None
        return self.room, self.peer

    async def get_router_rtp_capabilities(self, data: dict[str, Any]) -> dict[str, Any]:
        room, _ = self.joined
        return room.router.rtp_capabilities_json()

    async def create_webrtc_transport(self, data: dict[str, Any]) -> dict[str, Any]:
        room, peer = self.joined
        direction = text(data, "direction")
        if direction not in ("send", "recv"):
            raise invalid("direction: expected send or recv")
        if direction == "send" and not peer.permissions:
            raise denied("the token allows no producing")
        # user_id goes into the worker's Redis user-to-transport mappings.
        transport = await room.router.create_webrtc_transport(user_id=peer.user_id)
        room.adopt_transport(peer, transport, sending=direction == "send")
        return transport.to_client_json()

    def owned_transport(self, data: dict[str, Any]) -> OwnedTransport:
        _, peer = self.joined
        transport_id = text(data, "transportId")
        owned = peer.transports.get(transport_id)
        if owned is None:
            # Another peer's transport looks exactly like an unknown one: no probing of ids.
            raise not_found(f"no transport {transport_id} of this peer")
        return owned

    def owned_producer(self, data: dict[str, Any]) -> Producer:
        _, peer = self.joined
        producer_id = text(data, "producerId")
        producer = peer.producers.get(producer_id)
        if producer is None:
            raise not_found(f"no producer {producer_id} of this peer")
        return producer

    def owned_consumer(self, data: dict[str, Any]) -> Consumer:
        _, peer = self.joined
        consumer_id = text(data, "consumerId")
        consumer = peer.consumers.get(consumer_id)
        if consumer is None:
            raise not_found(f"no consumer {consumer_id} of this peer")
        return consumer

    async def connect_transport(self, data: dict[str, Any]) -> dict[str, Any]:
        owned = self.owned_transport(data)
        await owned.transport.connect(json_object(data, "dtlsParameters"))
        return {}

    async def restart_ice(self, data: dict[str, Any]) -> dict[str, Any]:
        owned = self.owned_transport(data)
        return {"iceParameters": to_client_json(await owned.transport.restart_ice())}

    async def produce(self, data: dict[str, Any]) -> dict[str, Any]:
        room, peer = self.joined
        owned = self.owned_transport(data)
        kind = text(data, "kind")
        if kind not in PERMISSIONS:
            raise invalid(f"kind: expected audio or video, not {kind}")
        if not owned.sending:
            raise precondition("produce on a recv transport")
        if not peer.may_produce(kind):
            raise denied(f"the token does not allow {kind}")
        producer = await owned.transport.produce(kind, json_object(data, "rtpParameters"))
        room.adopt_producer(peer, producer)
        return {"id": producer.id}

    async def pause_producer(self, data: dict[str, Any]) -> dict[str, Any]:
        await self.owned_producer(data).pause()
        return {}

    async def resume_producer(self, data: dict[str, Any]) -> dict[str, Any]:
        await self.owned_producer(data).resume()
        return {}

    async def close_producer(self, data: dict[str, Any]) -> dict[str, Any]:
        room, peer = self.joined
        producer = self.owned_producer(data)
        await producer.close()
        room.producer_closed(peer, producer.id)
        return {}

    async def get_producer_stats(self, data: dict[str, Any]) -> dict[str, Any]:
        stats: dict[str, Any] = to_client_json(await self.owned_producer(data).get_stats())
        return stats

    async def consume(self, data: dict[str, Any]) -> dict[str, Any]:
        room, peer = self.joined
        owned = self.owned_transport(data)
        if owned.sending:
            raise precondition("consume on a send transport")
        producer_id = text(data, "producerId")
        if producer_id not in room.tracks:
            raise not_found(f"no producer {producer_id} in this room")
        # Paused: the browser resumes once its consumer exists, so the first key frame is not lost.
        consumer = await owned.transport.consume(producer_id, json_object(data, "rtpCapabilities"),
                                                paused=True)
        room.adopt_consumer(peer, consumer)
        peer.ceilings.track(consumer)
        if peer.network is not None:
            await peer.ceilings.apply(consumer, peer.network)
        response = consumer.to_client_json()
        response.update(producerPaused=consumer.producer_paused, type=consumer.type, score=consumer.score)
        if consumer.preferred_layers is not None:
            response["preferredLayers"] = to_client_json(consumer.preferred_layers)
        return response

    async def resume_consumer(self, data: dict[str, Any]) -> dict[str, Any]:
        await self.owned_consumer(data).resume()
        return {}

    async def pause_consumer(self, data: dict[str, Any]) -> dict[str, Any]:
        await self.owned_consumer(data).pause()
        return {}

    async def set_preferred_layers(self, data: dict[str, Any]) -> dict[str, Any]:
        _, peer = self.joined
        consumer = self.owned_consumer(data)
        spatial = required_int(data, "spatialLayer", 0, 255)
        temporal = optional_int(data, "temporalLayer", 0, 255)
        # The layer policy holds a peer on a slow network at the low spatial layer.
        layers: dict[str, Any] = to_client_json(await peer.ceilings.ask(consumer, peer.network, spatial, temporal))
        return layers

    async def set_network(self, data: dict[str, Any]) -> dict[str, Any]:
        """The browser's network changed: its layered consumers follow the layer policy."""
        _, peer = self.joined
        peer.network = network(data, required=True)
        preferred: dict[str, Any] = {}
        for consumer_id in peer.ceilings.tracked():
            consumer = peer.consumers.get(consumer_id)
            layers = await peer.ceilings.apply(consumer, peer.network) if consumer is not None else None
            if layers is not None:
                preferred[consumer_id] = to_client_json(layers)
        return {"network": peer.network, "preferredLayers": preferred}

    async def set_consumer_priority(self, data: dict[str, Any]) -> dict[str, Any]:
        consumer = self.owned_consumer(data)
        return {"priority": await consumer.set_priority(required_int(data, "priority", 1, 255))}

    async def get_consumer_stats(self, data: dict[str, Any]) -> dict[str, Any]:
        stats: dict[str, Any] = to_client_json(await self.owned_consumer(data).get_stats())
        return stats

    async def leave(self, data: dict[str, Any] | None = None) -> dict[str, Any]:
        if self.room is not None and self.peer is not None:
            await self.rooms.leave(self.room, self.peer)
            log.info("peer %s left room %s", self.peer.peer_id, self.room.room_id)
        return {}


def error_of(error: Exception) -> tuple[str, str]:
    """The signaling error code and message of a failure: ours, the worker's own code, or INTERNAL."""
    if isinstance(error, SignalingError):
        return error.code, str(error)
    if isinstance(error, RequestError):
        return error.code, error.message
    if isinstance(error, (ClientJsonError, json.JSONDecodeError)):
        return "INVALID_ARGUMENT", str(error)
    if isinstance(error, EntityClosedError):
        return "NOT_FOUND", str(error)
    if isinstance(error, (NoRespondersError, RequestTimeoutError, NoWorkerError)):
        return "UNAVAILABLE", str(error)
    log.exception("request failed", exc_info=error)
    return "INTERNAL", "internal error"


# ---- The application

def create_app(*, nats_url: str, join_secret: str, redis_url: str | None = None,
               web_dir: str | None = None) -> Quart:
    """``redis_url`` adds the worker registry to discovery; ``web_dir`` serves the demo page
    (``index.html`` and the ``app.js`` bundle that orchestrator-stub's build makes)."""
    if not join_secret:
        raise ValueError("a join secret is required")
    app = Quart(__name__)
    state: dict[str, Any] = {}

    @app.before_serving
    async def connect() -> None:
        sluice = state["sluice"] = await Sluice.connect(nats_url, redis_url=redis_url)
        # With Redis, room assignments are shared with other backends and outlive a restart.
        rooms = state["rooms"] = Rooms(sluice, RoomStore(sluice.redis) if sluice.redis is not None else None)
        state["watch"] = asyncio.ensure_future(rooms.watch())

    @app.after_serving
    async def disconnect() -> None:
        state["watch"].cancel()
        await state["sluice"].close()

    @app.websocket("/ws")
    async def signaling() -> None:
        session = Session(state["rooms"], join_secret, websocket.send)
        try:
            while True:
                await session.on_text(await websocket.receive())
        finally:
            # The socket closed (or the server stops): that is leave.
            await session.leave()

    if web_dir is not None:
        @app.route("/")
        async def page() -> Response:
            return await send_from_directory(web_dir, "index.html")

        @app.route("/app.js")
        async def script() -> Response:
            return await send_from_directory(web_dir, "app.js")

    return app


def app_from_environment() -> Quart:
    default_web = Path(__file__).resolve().parents[2] / "orchestrator-stub" / "target" / "classes" / "web"
    return create_app(
        nats_url=os.environ.get("NATS_URL", "nats://127.0.0.1:4222"),
        join_secret=os.environ.get("JOIN_SECRET", ""),
        redis_url=os.environ.get("REDIS_URL") or None,
        web_dir=os.environ.get("WEB_DIR", str(default_web)),
    )


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    app_from_environment().run(host=os.environ.get("HTTP_HOST", "127.0.0.1"),
                               port=int(os.environ.get("HTTP_PORT", "3000")))
