"""A producer: RTP an endpoint sends into a transport (mediasoup's Producer)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._entity import Entity
from .client_json import kind_name
from .events import Event
from .v1 import producer_pb2, rtp_parameters_pb2

if TYPE_CHECKING:
    from .client import Sluice


class Producer(Entity):
    """Events: ``score`` (data: mediasoup's score entries), ``transportclose``, ``closed``."""

    entity = "producer"

    def __init__(
        self,
        sluice: Sluice,
        worker_id: str,
        router_id: str,
        transport_id: str,
        created: producer_pb2.TransportProduceResponse,
        kind: int,
        rtp_parameters: rtp_parameters_pb2.RtpParameters,
        paused: bool,
        app_data: dict[str, str],
    ) -> None:
        super().__init__(sluice, worker_id, created.producer_id, router_id)
        self.transport_id = transport_id
        self.kind: str = kind_name(kind)
        #: "simple", "simulcast" or "svc".
        self.type: str = created.type
        self.rtp_parameters = rtp_parameters
        self.paused = paused
        self.app_data = app_data
        self.score: list[dict[str, Any]] = []

    async def pause(self) -> None:
        await self._request("pause", producer_pb2.ProducerPauseRequest(producer_id=self.id),
                            producer_pb2.ProducerPauseResponse)
        self.paused = True

    async def resume(self) -> None:
        await self._request("resume", producer_pb2.ProducerResumeRequest(producer_id=self.id),
                            producer_pb2.ProducerResumeResponse)
        self.paused = False

    async def close(self) -> None:
        """producer.close; its consumers get ``producerclose``, then ``closed``."""
        if self.closed:
            return
        await self._request("close", producer_pb2.ProducerCloseRequest(producer_id=self.id),
                            producer_pb2.ProducerCloseResponse)
        self._forget()

    async def dump(self) -> producer_pb2.ProducerDumpResponse:
        return await self._request("dump", producer_pb2.ProducerDumpRequest(producer_id=self.id),
                                   producer_pb2.ProducerDumpResponse)

    async def get_stats(self) -> producer_pb2.ProducerStats:
        reply = await self._request("getStats", producer_pb2.ProducerGetStatsRequest(producer_id=self.id),
                                    producer_pb2.ProducerGetStatsResponse)
        return reply.stats

    def _apply(self, event: Event) -> None:
        if event.name == "score":
            self.score = event.data
