"""Worker events (docs/protocol.md, "Events") delivered to the SDK's entities, as callbacks and
as async iterators, with mediasoup's event names derived as docs/protocol.md maps them."""

from __future__ import annotations

import asyncio
import inspect
import logging
from dataclasses import dataclass
from typing import Any, AsyncIterator, Awaitable, Callable, Union

from google.protobuf.message import DecodeError, Message
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg

from . import client_json
from .v1 import consumer_pb2, events_pb2, producer_pb2, transport_pb2

log = logging.getLogger("sluice.events")

EVENT_SUBJECTS = "sluice.event.>"


@dataclass(frozen=True)
class Event:
    """One worker event about one entity.

    ``name`` is the subject's last token (``closed``, ``score``, ``layerschange``...);
    ``mediasoup_name`` the event mediasoup's Node API emits for it, when it has one
    (``transportclose`` for a consumer closed because its transport or router closed...);
    ``body`` the protobuf message; ``data`` its mediasoup-client JSON (a state name for
    ``icestatechange``/``dtlsstatechange``, the score entries, the layers or None...).
    """

    name: str
    mediasoup_name: str | None
    entity: str
    entity_id: str
    router_id: str
    worker_id: str
    seq: int
    timestamp_ms: int
    body: Message
    data: Any


@dataclass(frozen=True)
class MissedEvents:
    """Events of ``worker_id`` numbered ``first_missed..next_seq-1`` never arrived: state may
    have changed unseen; re-read it (``dump()``)."""

    worker_id: str
    first_missed: int
    next_seq: int


EventItem = Union[Event, MissedEvents]
Callback = Callable[[Any], Union[None, Awaitable[None]]]

_TRANSPORT_CLOSE_REASONS = {
    transport_pb2.TransportClosed.ROUTER_CLOSED: "routerclose",
    transport_pb2.TransportClosed.WORKER_CLOSED: "routerclose",
    transport_pb2.TransportClosed.WEBRTC_SERVER_CLOSED: "listenserverclose",
}
_PRODUCER_CLOSE_REASONS = {
    producer_pb2.ProducerClosed.TRANSPORT_CLOSED: "transportclose",
    producer_pb2.ProducerClosed.ROUTER_CLOSED: "transportclose",
}
_CONSUMER_CLOSE_REASONS = {
    consumer_pb2.ConsumerClosed.TRANSPORT_CLOSED: "transportclose",
    consumer_pb2.ConsumerClosed.ROUTER_CLOSED: "transportclose",
}


def mediasoup_name(event: events_pb2.Event) -> str | None:
    """The mediasoup event an Event stands for (docs/protocol.md, "Events and mediasoup's")."""
    body = event.WhichOneof("body")
    if body == "router_closed":
        return "workerclose" if event.router_closed.reason == events_pb2.RouterClosed.WORKER_CLOSED else None
    if body == "transport_closed":
        return _TRANSPORT_CLOSE_REASONS.get(event.transport_closed.reason)
    if body == "producer_closed":
        return _PRODUCER_CLOSE_REASONS.get(event.producer_closed.reason)
    if body == "consumer_closed":
        return _CONSUMER_CLOSE_REASONS.get(event.consumer_closed.reason)
    return {
        "transport_ice_state_changed": "icestatechange",
        "transport_dtls_state_changed": "dtlsstatechange",
        "transport_tuple_changed": "tuple",
        "producer_score": "score",
        "consumer_score": "score",
        "consumer_layers_changed": "layerschange",
        "consumer_producer_closed": "producerclose",
        "consumer_producer_paused": "producerpause",
        "consumer_producer_resumed": "producerresume",
        "data_consumer_data_producer_closed": "dataproducerclose",
        "data_consumer_buffered_amount_low": "bufferedamountlow",
    }.get(body or "")


def _data_of(event: events_pb2.Event) -> tuple[Message, Any]:
    body_name = event.WhichOneof("body")
    body: Any = getattr(event, body_name) if body_name else event
    if body_name == "transport_ice_state_changed":
        return body, client_json.ice_state_name(body.ice_state)
    if body_name == "transport_dtls_state_changed":
        return body, client_json.dtls_state_name(body.dtls_state)
    if body_name == "transport_tuple_changed":
        return body, client_json.to_client_json(body.ice_selected_tuple)
    if body_name in ("producer_score", "consumer_score"):
        return body, client_json.to_client_json(body)
    if body_name == "consumer_layers_changed":
        return body, client_json.layers_to_json(body.layers) if body.HasField("layers") else None
    if body_name == "data_consumer_message":
        from .data import DataMessage
        return body, DataMessage(payload=bytes(body.payload), ppid=body.ppid)
    if body_name and body_name.endswith("_closed") and body_name not in (
            "consumer_producer_closed", "data_consumer_data_producer_closed"):
        return body, type(body).Reason.Name(body.reason)
    return body, None


class EventStream:
    """An entity's events as an async iterator; it ends after the entity's ``closed`` event.
    Leave it early with ``close()`` (or ``async with``) so it stops queueing."""

    def __init__(self, emitter: Emitter) -> None:
        self._emitter = emitter
        self._queue: asyncio.Queue[EventItem | None] = asyncio.Queue()
        self._done = False

    def _put(self, item: EventItem | None) -> None:
        self._queue.put_nowait(item)

    def __aiter__(self) -> AsyncIterator[EventItem]:
        return self

    async def __anext__(self) -> EventItem:
        if self._done:
            raise StopAsyncIteration
        item = await self._queue.get()
        if item is None:
            self.close()
            raise StopAsyncIteration
        return item

    async def next(self, timeout: float) -> EventItem:
        """The next item within ``timeout`` seconds (asyncio.TimeoutError otherwise)."""
        return await asyncio.wait_for(self.__anext__(), timeout)

    def close(self) -> None:
        self._done = True
        self._emitter._streams.discard(self)

    async def __aenter__(self) -> EventStream:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.close()


class Emitter:
    """Callbacks by event name (Sluice's or mediasoup's, and ``missedevents``) and streams."""

    def __init__(self) -> None:
        self._callbacks: dict[str, list[Callback]] = {}
        self._streams: set[EventStream] = set()

    def on(self, name: str, callback: Callback) -> None:
        """Calls ``callback(event)`` (a function or a coroutine function) on each ``name`` event."""
        self._callbacks.setdefault(name, []).append(callback)

    def off(self, name: str, callback: Callback) -> None:
        callbacks = self._callbacks.get(name, [])
        if callback in callbacks:
            callbacks.remove(callback)

    def events(self) -> EventStream:
        """A new async iterator of this entity's events from now on."""
        stream = EventStream(self)
        self._streams.add(stream)
        return stream

    def _emit(self, item: EventItem, names: list[str]) -> None:
        for stream in list(self._streams):
            stream._put(item)
        for name in names:
            for callback in list(self._callbacks.get(name, [])):
                try:
                    result = callback(item)
                    if inspect.isawaitable(result):
                        asyncio.ensure_future(result)
                except Exception:  # one failing callback must not stop the others
                    log.exception("event callback for %r failed", name)

    def _end_streams(self) -> None:
        for stream in list(self._streams):
            stream._put(None)


class EventTarget(Emitter):
    """What the hub delivers to: an entity with an id, a worker and a closed state."""

    id: str
    worker_id: str

    def _on_event(self, event: Event) -> None:
        raise NotImplementedError


class EventHub:
    """One subscription to every worker's events (``sluice.event.>``), so that each worker's
    sequence is seen whole and a gap detected; events go to the live entity with their id."""

    def __init__(self, nc: NatsClient) -> None:
        self._nc = nc
        self._targets: dict[str, EventTarget] = {}
        self._last_seq: dict[str, int] = {}
        self._subscription: Any = None
        self.global_emitter = Emitter()

    async def start(self) -> None:
        self._subscription = await self._nc.subscribe(EVENT_SUBJECTS, cb=self._on_message)

    async def stop(self) -> None:
        if self._subscription is not None:
            await self._subscription.unsubscribe()
            self._subscription = None

    def register(self, target: EventTarget) -> None:
        self._targets[target.id] = target

    def unregister(self, target: EventTarget) -> None:
        if self._targets.get(target.id) is target:
            del self._targets[target.id]

    async def _on_message(self, msg: Msg) -> None:
        event = events_pb2.Event()
        try:
            event.ParseFromString(msg.data)
        except DecodeError as error:
            log.warning("undecodable event on %s: %s", msg.subject, error)
            return
        self._check_sequence(event)
        tokens = msg.subject.split(".")
        if len(tokens) != 6:
            return
        _, _, router_id, entity, entity_id, name = tokens
        body, data = _data_of(event)
        item = Event(
            name=name,
            mediasoup_name=mediasoup_name(event),
            entity=entity,
            entity_id=entity_id,
            router_id=router_id,
            worker_id=event.worker_id,
            seq=event.seq,
            timestamp_ms=event.timestamp_ms,
            body=body,
            data=data,
        )
        self.global_emitter._emit(item, [name])
        target = self._targets.get(entity_id)
        if target is not None:
            target._on_event(item)

    def _check_sequence(self, event: events_pb2.Event) -> None:
        last = self._last_seq.get(event.worker_id)
        self._last_seq[event.worker_id] = event.seq
        # A sequence lower than the last one is a restarted worker process: a new sequence.
        if last is None or event.seq <= last + 1:
            return
        missed = MissedEvents(event.worker_id, last + 1, event.seq)
        self.global_emitter._emit(missed, ["missedevents"])
        for target in list(self._targets.values()):
            if target.worker_id == event.worker_id:
                target._emit(missed, ["missedevents"])
