"""Data from and to the backend (docs/protocol.md, "Data from and to the backend"): mediasoup's
DirectTransport, DataProducer and DataConsumer, without SCTP: ``data_producer.send`` puts a
message into the router, a direct data consumer emits ``message`` for each one it gets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ._entity import Entity, app_data
from .errors import InvalidArgumentError
from .v1 import data_pb2, direct_transport_pb2, transport_pb2

if TYPE_CHECKING:
    from .client import Sluice

#: Payload protocol identifiers of WebRTC data channels (RFC 8831 §8).
PPID_TEXT = 51
PPID_BINARY = 53


@dataclass(frozen=True)
class DataMessage:
    """One message of a direct data consumer: ``ppid`` 51 (text, UTF-8) or 53 (binary)."""

    payload: bytes
    ppid: int

    @property
    def text(self) -> str:
        return self.payload.decode("utf-8")


class DataProducer(Entity):
    """Events: ``closed``. ``type`` is "direct" (the backend sends) or "sctp" (an endpoint sends)."""

    entity = "dataProducer"

    def __init__(self, sluice: Sluice, worker_id: str, router_id: str, info: data_pb2.DataProducerInfo) -> None:
        super().__init__(sluice, worker_id, info.id, router_id)
        self.transport_id = info.transport_id
        self.type = info.type
        self.label = info.label
        self.protocol = info.protocol
        self.paused = info.paused

    async def send(self, message: str | bytes, ppid: int | None = None) -> None:
        """dataProducer.send: a ``str`` goes as text (PPID 51), ``bytes`` as binary (53), as
        mediasoup's ``send(message, ppid)``; refused over the direct transport's max message size."""
        if isinstance(message, str):
            payload, default = message.encode("utf-8"), PPID_TEXT
        else:
            payload, default = bytes(message), PPID_BINARY
        chosen = default if ppid is None else ppid
        if chosen not in (PPID_TEXT, PPID_BINARY):
            raise InvalidArgumentError(f"ppid {chosen} is neither 51 (text) nor 53 (binary)", "ppid")
        await self._request("send", data_pb2.DataProducerSendRequest(
            data_producer_id=self.id, payload=payload, ppid=chosen), data_pb2.DataProducerSendResponse)

    async def pause(self) -> None:
        await self._request("pause", data_pb2.DataProducerPauseRequest(data_producer_id=self.id),
                            data_pb2.DataProducerPauseResponse)
        self.paused = True

    async def resume(self) -> None:
        await self._request("resume", data_pb2.DataProducerResumeRequest(data_producer_id=self.id),
                            data_pb2.DataProducerResumeResponse)
        self.paused = False

    async def get_stats(self) -> data_pb2.DataProducerStats:
        reply = await self._request("getStats", data_pb2.DataProducerGetStatsRequest(data_producer_id=self.id),
                                    data_pb2.DataProducerGetStatsResponse)
        return reply.stats

    async def close(self) -> None:
        if self.closed:
            return
        await self._request("close", data_pb2.DataProducerCloseRequest(data_producer_id=self.id),
                            data_pb2.DataProducerCloseResponse)
        self._forget()


class DataConsumer(Entity):
    """Events: ``message`` (data: a :class:`DataMessage`, direct data consumers only),
    ``dataproducerclose``, ``closed``."""

    entity = "dataConsumer"

    def __init__(self, sluice: Sluice, worker_id: str, router_id: str, info: data_pb2.DataConsumerInfo) -> None:
        super().__init__(sluice, worker_id, info.id, router_id)
        self.transport_id = info.transport_id
        self.data_producer_id = info.data_producer_id
        self.type = info.type
        self.label = info.label
        self.protocol = info.protocol

    async def get_stats(self) -> data_pb2.DataConsumerStats:
        reply = await self._request("getStats", data_pb2.DataConsumerGetStatsRequest(data_consumer_id=self.id),
                                    data_pb2.DataConsumerGetStatsResponse)
        return reply.stats

    async def close(self) -> None:
        if self.closed:
            return
        await self._request("close", data_pb2.DataConsumerCloseRequest(data_consumer_id=self.id),
                            data_pb2.DataConsumerCloseResponse)
        self._forget()


class DirectTransport(Entity):
    """router.createDirectTransport's transport (mediasoup's DirectTransport). Events: ``closed``."""

    entity = "transport"

    def __init__(self, sluice: Sluice, worker_id: str, info: direct_transport_pb2.DirectTransportInfo,
                 app_data_entries: dict[str, str]) -> None:
        super().__init__(sluice, worker_id, info.id, info.router_id)
        self.max_message_size = info.max_message_size
        self.app_data = app_data_entries

    async def produce_data(self, *, label: str = "", protocol: str = "", paused: bool = False,
                           app_data_entries: dict[str, str] | None = None,
                           idempotency_key: str | None = None) -> DataProducer:
        """transport.produceData: a data producer the backend sends on (``send``)."""
        request = data_pb2.TransportProduceDataRequest(transport_id=self.id, label=label, protocol=protocol,
                                                      paused=paused, app_data=app_data(app_data_entries))
        reply = await self._create("transport", "produceData", request, data_pb2.TransportProduceDataResponse,
                                   idempotency_key)
        producer = DataProducer(self._sluice, self.worker_id, self.router_id, reply.data_producer)
        self._adopt(producer)
        return producer

    async def consume_data(self, data_producer_id: str, *, paused: bool = False,
                           app_data_entries: dict[str, str] | None = None,
                           idempotency_key: str | None = None) -> DataConsumer:
        """transport.consumeData: the data producer's messages, as ``message`` events."""
        request = data_pb2.TransportConsumeDataRequest(transport_id=self.id, data_producer_id=data_producer_id,
                                                      paused=paused, app_data=app_data(app_data_entries))
        reply = await self._create("transport", "consumeData", request, data_pb2.TransportConsumeDataResponse,
                                   idempotency_key)
        consumer = DataConsumer(self._sluice, self.worker_id, self.router_id, reply.data_consumer)
        self._adopt(consumer)
        return consumer

    async def close(self) -> None:
        if self.closed:
            return
        await self._request("close", transport_pb2.TransportCloseRequest(transport_id=self.id),
                            transport_pb2.TransportCloseResponse)
        self._forget()
