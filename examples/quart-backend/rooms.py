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

from layer_policy import LayerCeilings
from room_store import RoomAssignment, RoomStore
from sluice import (
    Consumer,
    Event,
    NoRespondersError,
    NotFoundError,
    Producer,
    RequestError,
    Router,
    Sluice,
    WebRtcTransport,
)

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

#: Heartbeats come every second; one this late makes the worker suspect (then probed).
SUSPECT_AFTER = 1.5
PROBE_TIMEOUT = 1.0
WATCH_INTERVAL = 0.5
RECLAIM_INTERVAL = 1.0
#: How long a join waits for a live worker before answering UNAVAILABLE.
PLACEMENT_WAIT = 3.0


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
    #: The browser's network (``join``/``setNetwork``), read by the layer policy.
    network: str | None = None
    transports: dict[str, OwnedTransport] = field(default_factory=dict)
    producers: dict[str, Producer] = field(default_factory=dict)
    consumers: dict[str, Consumer] = field(default_factory=dict)
    ceilings: LayerCeilings = field(default_factory=LayerCeilings)
    left: bool = False
    #: The room's router went away (``reconnect`` was sent): only ``join`` is answered now.
    room_lost: bool = False

    def may_produce(self, kind: str) -> bool:
        return kind in self.permissions

    def notify(self, method: str, data: dict[str, Any]) -> None:
        """Queues a notification; a peer that left gets none."""
        if not self.left:
            message = json.dumps({"notification": True, "method": method, "data": data})
            asyncio.ensure_future(self.send(message))


class Room:
    """The peers of one room and the producers they publish, on one router."""

    def __init__(self, assignment: RoomAssignment, router: Router) -> None:
        self.room_id = assignment.room_id
        self.assignment = assignment
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
        peer.ceilings.forget(consumer.id)
        if peer.consumers.pop(consumer.id, None) is not None:
            peer.notify("consumerClosed", {"consumerId": consumer.id, "producerId": consumer.producer_id})


class NoWorkerError(Exception):
    """No live worker can take the room (the browser retries ``join``: UNAVAILABLE)."""


class Rooms:
    """Places each room on a router of the least-loaded worker when its first peer joins (or
    finds it in the Redis room assignments, placed by another backend or before a restart),
    closes that router when its last peer leaves, and moves the room's peers when the router
    goes away (``reconnect``, docs/signaling.md).

    :meth:`watch` runs for as long as the application serves: it moves rooms off draining
    workers, finds dead workers (a heartbeat
    late by more than :data:`SUSPECT_AFTER`, then a ``worker.dump`` probe that NATS answers "no
    responders", docs/protocol.md "Failure detection") and claims every room in Redis again each
    second, so a Redis that restarted empty gets them back."""

    def __init__(self, sluice: Sluice, store: RoomStore | None = None) -> None:
        self._sluice = sluice
        self._store = store
        self._rooms: dict[str, Room] = {}
        self._placing: dict[str, asyncio.Lock] = {}
        # Found dead before their lease ran out: never chosen again while discovery lists them.
        self._dead: set[str] = set()

    def room(self, room_id: str) -> Room | None:
        return self._rooms.get(room_id)

    async def join(self, room_id: str, peer: Peer) -> Room:
        # One placement per room even when its first peers join at the same moment.
        async with self._placing.setdefault(room_id, asyncio.Lock()):
            room = self._rooms.get(room_id)
            if room is None:
                room = self._rooms[room_id] = await self._place(room_id)
            room.peers[peer.peer_id] = peer
            return room

    async def leave(self, room: Room, peer: Peer) -> None:
        """Closes the peer's transports (the worker closes their producers and consumers with
        them) and tells the others; the last peer out closes the room's router."""
        if peer.left:
            return
        peer.left = True
        room.peers.pop(peer.peer_id, None)
        await _close_transports(peer, _take_transports(peer))
        for producer_id in list(peer.producers):
            room.producer_closed(peer, producer_id)
        peer.consumers.clear()
        for other in room.others(peer):
            other.notify("peerLeft", {"peerId": peer.peer_id})
        if not room.peers and self._rooms.get(room.room_id) is room:
            del self._rooms[room.room_id]
            await self._release(room.assignment)
            try:
                await room.router.close()
            except Exception as error:
                log.warning("room %s: closing router %s: %s", room.room_id, room.router.id, error)

    # ---- Placement

    async def _place(self, room_id: str) -> Room:
        if self._store is not None:
            stored = await self._store.find(room_id)
            if stored is not None:
                router = await self._restore(stored)
                if router is not None:
                    log.info("room %s restored: router %s on worker %s", room_id, router.id, stored.worker_id)
                    return self._open(stored, router)
        try:
            worker = await self._sluice.least_loaded_worker(timeout=PLACEMENT_WAIT, exclude=self._dead)
        except asyncio.TimeoutError:
            raise NoWorkerError(f"no live worker to place room {room_id}") from None
        # A fresh key per placement: a retried create is idempotent, a room placed again gets a new router.
        router = await worker.create_router(MEDIA_CODECS, room_id=room_id,
                                            idempotency_key=f"place-room:{room_id}:{uuid.uuid4()}")
        assignment = RoomAssignment(room_id, worker.id, router.id)
        if self._store is not None:
            standing = await self._store.claim(assignment)
            if standing != assignment:
                # Another backend placed the room meanwhile: its router stands, ours goes.
                log.info("room %s was placed meanwhile as router %s; closing router %s", room_id,
                         standing.router_id, router.id)
                await router.close()
                router = self._sluice.worker(standing.worker_id).router(standing.router_id)
                await router.get_rtp_capabilities()
                assignment = standing
        log.info("room %s placed on router %s of worker %s", room_id, assignment.router_id, assignment.worker_id)
        return self._open(assignment, router)

    async def _restore(self, stored: RoomAssignment) -> Router | None:
        """The stored router when its worker is live and it answers; else the entry is released."""
        live = {info.worker_id for info in self._sluice.directory.live_workers() if not info.draining} - self._dead
        if stored.worker_id in live:
            router = self._sluice.worker(stored.worker_id).router(stored.router_id)
            try:
                await router.get_rtp_capabilities()
                return router
            except NotFoundError:
                pass
        log.info("room %s: its stored router %s on worker %s is gone; placing it again", stored.room_id,
                 stored.router_id, stored.worker_id)
        await self._store_call(self._store.release(stored) if self._store else None)
        return None

    def _open(self, assignment: RoomAssignment, router: Router) -> Room:
        room = Room(assignment, router)
        router.on("closed", lambda event: self._lose(room, "workerClosed" if event.data == "WORKER_CLOSED"
                                                      else "routerClosed"))
        return room

    # ---- Losing a room's router

    def _lose(self, room: Room, reason: str) -> None:
        """Forgets the room and tells every peer to join again, all at once, so that a room never
        splits between an old router and a new one. Peers keep their WebSocket and peer id."""
        if self._rooms.get(room.room_id) is not room:
            return  # closed by its last peer, or lost already
        log.warning("room %s lost its router %s on worker %s (%s)", room.room_id, room.router.id,
                    room.assignment.worker_id, reason)
        del self._rooms[room.room_id]
        asyncio.ensure_future(self._release(room.assignment))
        for peer in list(room.peers.values()):
            peer.notify("reconnect", {"reason": reason, "roomId": room.room_id})
            peer.room_lost = True
            # In case the worker still lives (a closed router has closed them already).
            asyncio.ensure_future(_close_transports(peer, _take_transports(peer)))
            peer.producers.clear()
            peer.consumers.clear()
        room.peers.clear()
        room.tracks.clear()

    async def watch(self) -> None:
        """Finds dead workers and re-claims room assignments until cancelled."""
        next_claim = 0.0
        loop = asyncio.get_running_loop()
        while True:
            try:
                self._leave_draining_workers()
                await self._find_dead_workers()
                if self._store is not None and loop.time() >= next_claim:
                    next_claim = loop.time() + RECLAIM_INTERVAL
                    await self._reclaim()
            except Exception:  # one failed round must not end the watch
                log.exception("room watch round failed")
            await asyncio.sleep(WATCH_INTERVAL)

    def _leave_draining_workers(self) -> None:
        """Moves every room off a draining worker, then closes its old router there, so that the
        worker empties and its process exits (docs/protocol.md, "Draining")."""
        draining = {info.worker_id for info in self._sluice.directory.live_workers() if info.draining}
        for room in [r for r in self._rooms.values() if r.assignment.worker_id in draining]:
            self._lose(room, "workerDraining")
            asyncio.ensure_future(self._close_router(room))

    @staticmethod
    async def _close_router(room: Room) -> None:
        try:
            await room.router.close()
        except Exception as error:
            log.warning("room %s: closing router %s on a draining worker: %s", room.room_id, room.router.id, error)

    async def _find_dead_workers(self) -> None:
        directory = self._sluice.directory
        listed = {info.worker_id for info in directory.live_workers()}
        # A dead worker's id heartbeating again, or gone from discovery, is a new process then.
        self._dead = {worker_id for worker_id in self._dead & listed if not self._heartbeating(worker_id)}
        for worker_id in {room.assignment.worker_id for room in self._rooms.values()}:
            if worker_id in listed and self._heartbeating(worker_id):
                continue
            if worker_id in listed and not await self._answers_no_responders(worker_id):
                continue
            self._dead.add(worker_id)
            for room in [r for r in self._rooms.values() if r.assignment.worker_id == worker_id]:
                self._lose(room, "workerDied")

    def _heartbeating(self, worker_id: str) -> bool:
        age = self._sluice.directory.heartbeat_age(worker_id)
        return age is not None and age <= SUSPECT_AFTER

    async def _answers_no_responders(self, worker_id: str) -> bool:
        """The probe: NATS says nothing serves the worker's subjects (a slow reply is not death)."""
        try:
            await asyncio.wait_for(self._sluice.worker(worker_id).dump(), PROBE_TIMEOUT)
        except NoRespondersError:
            return True
        except (asyncio.TimeoutError, RequestError):
            pass
        return False

    async def _reclaim(self) -> None:
        assert self._store is not None
        for room in list(self._rooms.values()):
            standing = await self._store.claim(room.assignment)
            if standing != room.assignment:
                log.warning("room %s: Redis names router %s on worker %s, this backend router %s", room.room_id,
                            standing.router_id, standing.worker_id, room.assignment.router_id)

    async def _release(self, assignment: RoomAssignment) -> None:
        await self._store_call(self._store.release(assignment) if self._store else None)

    @staticmethod
    async def _store_call(call: Awaitable[Any] | None) -> None:
        """A best-effort store update: Redis away must not fail a leave (the next claim round
        or another backend's restore check puts things right)."""
        if call is None:
            return
        try:
            await call
        except Exception as error:
            log.warning("room assignment not updated in Redis: %s", error)


def _take_transports(peer: Peer) -> list[OwnedTransport]:
    owned = list(peer.transports.values())
    peer.transports.clear()
    return owned


async def _close_transports(peer: Peer, owned: list[OwnedTransport]) -> None:
    for entry in owned:
        try:
            await entry.transport.close()
        except Exception as error:  # already gone on the worker: nothing left to close
            log.info("peer %s: closing transport %s: %s", peer.peer_id, entry.transport.id, error)
