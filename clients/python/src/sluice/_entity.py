"""What every SDK entity shares: its worker, its events, its closed state."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from google.protobuf.message import Message

from .errors import EntityClosedError
from .events import Event, EventTarget

if TYPE_CHECKING:
    from .client import Sluice

R = TypeVar("R", bound=Message)


class Entity(EventTarget):
    """A worker-side object addressed by id on one worker. ``closed`` turns true when it is
    closed through the SDK, when its worker says so (its ``closed`` event), or when something it
    belongs to closed; its methods then raise :class:`EntityClosedError`."""

    #: The entity token of its subjects (``sluice.<workerId>.<entity>.<method>``).
    entity: str = ""

    def __init__(self, sluice: Sluice, worker_id: str, entity_id: str, router_id: str = "") -> None:
        super().__init__()
        self._sluice = sluice
        self.id = entity_id
        self.worker_id = worker_id
        self.router_id = router_id
        self.closed = False
        self._children: list[Entity] = []
        sluice._hub.register(self)

    def __repr__(self) -> str:
        state = " closed" if self.closed else ""
        return f"<{type(self).__name__} {self.id} on {self.worker_id}{state}>"

    async def _request(
        self, method: str, request: Message, response_type: type[R], *, entity: str | None = None
    ) -> R:
        self._check_open()
        return await self._sluice._requester.request(
            self.worker_id, entity or self.entity, method, request, response_type
        )

    async def _create(
        self, entity: str, method: str, request: Message, response_type: type[R], idempotency_key: str | None
    ) -> R:
        self._check_open()
        return await self._sluice._requester.create(
            self.worker_id, entity, method, request, response_type, idempotency_key=idempotency_key
        )

    def _check_open(self) -> None:
        if self.closed:
            raise EntityClosedError(f"{type(self).__name__} {self.id} is closed")

    def _adopt(self, child: Entity) -> None:
        self._children = [c for c in self._children if not c.closed]
        self._children.append(child)

    def _mark_closed(self) -> None:
        """Closed here and in everything it holds; they still receive their own ``closed``
        events from the worker (mediasoup's ``transportclose``...), which end their streams."""
        if self.closed:
            return
        self.closed = True
        for child in self._children:
            child._mark_closed()

    def _apply(self, event: Event) -> None:
        """Updates the entity's state from one of its events, before callbacks see it."""

    def _on_event(self, event: Event) -> None:
        self._apply(event)
        names = [event.name]
        if event.mediasoup_name is not None and event.mediasoup_name != event.name:
            names.insert(0, event.mediasoup_name)
        self._emit(event, names)
        if event.name == "closed":
            self._mark_closed()
            self._sluice._hub.unregister(self)
            self._end_streams()

    def _forget(self) -> None:
        """After a successful close request: closed now, its streams end at its ``closed`` event."""
        self._mark_closed()


def app_data(entries: dict[str, str] | None) -> Any:
    from .v1 import common_pb2

    return common_pb2.AppData(entries=entries or {})
