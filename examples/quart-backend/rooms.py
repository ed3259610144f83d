"""Rooms and peers of the signaling backend (docs/signaling.md): which router a room lives on,
who is in it, what each peer owns, and the worker events relayed to the peer owning the entity.

Everything here runs on the application's one asyncio loop, so plain dicts need no locks."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

from sluice import Consumer, Event, Producer, Router, Sluice, WebRtcTransport

log = logging.getLogger("quart_backend.rooms")

#: The routers' codecs, as mediasoup's demo and the orchestrator stub (OrchestratorMain.DEFAULT_MEDIA_CODECS).
MEDIA_CODECS: list[dict[str, Any]] = [
    {"kind": "audio", "mimeType": "audio/opus", "clockRate": 48000, "channels": 2},
    {"kind": "video", "mimeType": "video/VP8", "clockRate": 90000},
    {"kind": "video", "mimeType": "video/VP9", "clockRate": 90000, "parameters": {"profile-id": 0}},
    {"kind": "video", "mimeType": "video/VP9", "clockRate": 90000, "parameters": {"profile-id": 2}},
    {"kind": "video", "mimeType": "video/H264", "clockRate": 90000,
     "parameters": {"packetization-mode": 1, "profile-level-id": "4d0032", "level-asymmetry-allowed": 1}},
    {"kind": "video", "mimeType": "video/H264", "clockRate": 90000,
     "parameters": {"packetization-mode": 1, "profile-level-id": "42e01f", "level-asymmetry-allowed": 1}},
]

Send = Callable[[str], Awaitable[None]]


@dataclass
class PublishedTrack:
    producer_id: str
    peer_id: str
    kind: str

    def to_json(self) -> dict[str, str]:
        return {"producerId": self.producer_id, "peerId": self.peer_id, "kind": self.kind}


@dataclass
class OwnedTransport:
    transport: WebRtcTransport
    sending: bool


@dataclass
class Peer:
    """One browser's WebSocket after ``join``: what its token allows and what it owns. Another
    peer's ids are simply absent from these dicts, so they answer NOT_FOUND like unknown ids."""

    user_id: str
    permissions: list[str]
    send: Send
    peer_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    transports: dict[str, OwnedTransport] = field(default_factory=dict)
    producers: dict[str, Producer] = field(default_factory=dict)
    consumers: dict[str, Consumer] = field(default_factory=dict)
    left: bool = False

    def may_produce(self, kind: str) -> bool:
        return kind in self.permissions

    def notify(self, method: str, data: dict[str, Any]) -> None:
        """Queues a notification; a peer that left gets none."""
        if not self.left:
            message = json.dumps({"notification": True, "method": method, "data": data})
            asyncio.ensure_future(self.send(message))


class Room:
    """The peers of one room and the producers they publish, on one router."""

    def __init__(self, room_id: str, router: Router) -> None:
        self.room_id = room_id
        self.router = router
        self.peers: dict[str, Peer] = {}
        self.tracks: dict[str, PublishedTrack] = {}

    def others(self, peer: Peer) -> list[Peer]:
        return [other for other in self.peers.values() if other is not peer]

    # Entities a peer made: each follows its own worker events, relayed to the peer.

    def adopt_transport(self, peer: Peer, transport: WebRtcTransport, sending: bool) -> None:
        peer.transports[transport.id] = OwnedTransport(transport, sending)
        transport.on("icestatechange", lambda event: peer.notify(
            "transportStateChanged", {"transportId": transport.id, "iceState": event.data}))
        transport.on("dtlsstatechange", lambda event: self._dtls_state(peer, transport.id, event))
        transport.on("closed", lambda event: self._transport_closed_by_worker(peer, transport.id, event))

    def adopt_producer(self, peer: Peer, producer: Producer) -> None:
        peer.producers[producer.id] = producer
        track = PublishedTrack(producer.id, peer.peer_id, producer.kind)
        self.tracks[producer.id] = track
        producer.on("score", lambda event: peer.notify(
            "producerScore", {"producerId": producer.id, "score": event.data}))
        producer.on("closed", lambda event: self._producer_closed_by_worker(peer, producer.id))
        for other in self.others(peer):
            other.notify("newProducer", track.to_json())

    def adopt_consumer(self, peer: Peer, consumer: Consumer) -> None:
        peer.consumers[consumer.id] = consumer
        consumer.on("producerpause", lambda event: peer.notify(
            "consumerPaused", {"consumerId": consumer.id, "producerPaused": True}))
        consumer.on("producerresume", lambda event: peer.notify(
            "consumerResumed", {"consumerId": consumer.id, "producerPaused": False}))
        consumer.on("score", lambda event: peer.notify("consumerScore", {"consumerId": consumer.id, **event.data}))
        consumer.on("layerschange", lambda event: peer.notify(
            "consumerLayersChanged", {"consumerId": consumer.id,
                                      **(event.data or {"spatialLayer": None, "temporalLayer": None})}))
        # "producerclose" comes first, then "closed": whichever arrives tells the peer once.
        consumer.on("producerclose", lambda event: self._consumer_closed(peer, consumer))
        consumer.on("closed", lambda event: self._consumer_closed(peer, consumer))

    def producer_closed(self, peer: Peer, producer_id: str) -> None:
        """A producer of ``peer`` is gone (closeProducer, leave, or the worker): the others are told;
        their consumers of it hear their own ``producerclose`` from the worker."""
        peer.producers.pop(producer_id, None)
        if self.tracks.pop(producer_id, None) is not None:
            for other in self.others(peer):
                other.notify("producerClosed", {"producerId": producer_id})

    def _dtls_state(self, peer: Peer, transport_id: str, event: Event) -> None:
        data = {"transportId": transport_id, "dtlsState": event.data}
        reason = getattr(event.body, "reason", "")
        if reason:
            data["reason"] = reason
        peer.notify("transportStateChanged", data)

    def _transport_closed_by_worker(self, peer: Peer, transport_id: str, event: Event) -> None:
        # Absent when the peer closed it itself (leave): then there is nothing to tell.
        if peer.transports.pop(transport_id, None) is not None:
            peer.notify("transportClosed", {"transportId": transport_id, "reason": event.data})

    def _producer_closed_by_worker(self, peer: Peer, producer_id: str) -> None:
        if producer_id in peer.producers:
            self.producer_closed(peer, producer_id)
            peer.notify("producerClosed", {"producerId": producer_id})

    @staticmethod
    def _consumer_closed(peer: Peer, consumer: Consumer) -> None:
        if peer.consumers.pop(consumer.id, None) is not None:
            peer.notify("consumerClosed", {"consumerId": consumer.id, "producerId": consumer.producer_id})


class Rooms:
    """Places each room on a router of the least-loaded worker when its first peer joins, and
    closes that router when its last peer leaves."""

    def __init__(self, sluice: Sluice) -> None:
        self._sluice = sluice
        self._rooms: dict[str, Room] = {}
        self._placing: dict[str, asyncio.Lock] = {}

    async def join(self, room_id: str, peer: Peer) -> Room:
        # One placement per room even when its first peers join at the same moment.
        async with self._placing.setdefault(room_id, asyncio.Lock()):
            room = self._rooms.get(room_id)
            if room is None:
                worker = await self._sluice.least_loaded_worker()
                router = await worker.create_router(MEDIA_CODECS, room_id=room_id)
                room = self._rooms[room_id] = Room(room_id, router)
                log.info("room %s placed on router %s of worker %s", room_id, router.id, worker.id)
            room.peers[peer.peer_id] = peer
            return room

    async def leave(self, room: Room, peer: Peer) -> None:
        """Closes the peer's transports (the worker closes their producers and consumers with
        them) and tells the others; the last peer out closes the room's router."""
        if peer.left:
            return
        peer.left = True
        room.peers.pop(peer.peer_id, None)
        owned = list(peer.transports.values())
        peer.transports.clear()
        for entry in owned:
            try:
                await entry.transport.close()
            except Exception as error:  # already gone on the worker: nothing left to close
                log.info("peer %s: closing transport %s: %s", peer.peer_id, entry.transport.id, error)
        for producer_id in list(peer.producers):
            room.producer_closed(peer, producer_id)
        peer.consumers.clear()
        for other in room.others(peer):
            other.notify("peerLeft", {"peerId": peer.peer_id})
        if not room.peers and self._rooms.get(room.room_id) is room:
            del self._rooms[room.room_id]
            try:
                await room.router.close()
            except Exception as error:
                log.warning("room %s: closing router %s: %s", room.room_id, room.router.id, error)
