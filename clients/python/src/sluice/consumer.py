"""A consumer: a producer's RTP sent out of another transport (mediasoup's Consumer)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._entity import Entity
from .client_json import kind_name, to_client_json
from .events import Event
from .v1 import consumer_pb2

if TYPE_CHECKING:
    from .client import Sluice


class Consumer(Entity):
    """Events: ``producerclose``, ``producerpause``, ``producerresume``, ``score``,
    ``layerschange`` (data: ``{spatialLayer, temporalLayer}`` or None), ``transportclose``,
    ``closed``."""

    entity = "consumer"

    def __init__(
        self,
        sluice: Sluice,
        worker_id: str,
        router_id: str,
        transport_id: str,
        created: consumer_pb2.TransportConsumeResponse,
        paused: bool,
        app_data: dict[str, str],
    ) -> None:
        super().__init__(sluice, worker_id, created.consumer_id, router_id)
        self.created = created
        self.transport_id = transport_id
        self.producer_id = created.producer_id
        self.kind: str = kind_name(created.kind)
        self.rtp_parameters = created.rtp_parameters
        #: "simple", "simulcast" or "svc".
        self.type: str = created.type
        self.paused = paused
        self.producer_paused = created.producer_paused
        self.app_data = app_data
        self.score: dict[str, Any] = to_client_json(created.score)
        self.preferred_layers: consumer_pb2.ConsumerLayers | None = (
            created.preferred_layers if created.HasField("preferred_layers") else None
        )
        self.current_layers: consumer_pb2.ConsumerLayers | None = None
        self.priority = 1

    def to_client_json(self) -> dict[str, Any]:
        """``{id, producerId, kind, rtpParameters}`` for mediasoup-client's ``transport.consume``."""
        return to_client_json(self.created)

    async def pause(self) -> None:
        await self._request("pause", consumer_pb2.ConsumerPauseRequest(consumer_id=self.id),
                            consumer_pb2.ConsumerPauseResponse)
        self.paused = True

    async def resume(self) -> None:
        await self._request("resume", consumer_pb2.ConsumerResumeRequest(consumer_id=self.id),
                            consumer_pb2.ConsumerResumeResponse)
        self.paused = False

    async def request_key_frame(self) -> None:
        await self._request("requestKeyFrame", consumer_pb2.ConsumerRequestKeyFrameRequest(consumer_id=self.id),
                            consumer_pb2.ConsumerRequestKeyFrameResponse)

    async def set_preferred_layers(
        self, spatial_layer: int, temporal_layer: int | None = None
    ) -> consumer_pb2.ConsumerLayers:
        """The layers in effect (clamped to the producer's); FailedPreconditionError for a simple consumer."""
        layers = consumer_pb2.ConsumerLayers(spatial_layer=spatial_layer)
        if temporal_layer is not None:
            layers.temporal_layer = temporal_layer
        reply = await self._request(
            "setPreferredLayers",
            consumer_pb2.ConsumerSetPreferredLayersRequest(consumer_id=self.id, preferred_layers=layers),
            consumer_pb2.ConsumerSetPreferredLayersResponse,
        )
        self.preferred_layers = reply.preferred_layers
        return reply.preferred_layers

    async def set_priority(self, priority: int) -> int:
        reply = await self._request(
            "setPriority",
            consumer_pb2.ConsumerSetPriorityRequest(consumer_id=self.id, priority=priority),
            consumer_pb2.ConsumerSetPriorityResponse,
        )
        self.priority = reply.priority
        return reply.priority

    async def close(self) -> None:
        if self.closed:
            return
        await self._request("close", consumer_pb2.ConsumerCloseRequest(consumer_id=self.id),
                            consumer_pb2.ConsumerCloseResponse)
        self._forget()

    async def dump(self) -> consumer_pb2.ConsumerDumpResponse:
        return await self._request("dump", consumer_pb2.ConsumerDumpRequest(consumer_id=self.id),
                                   consumer_pb2.ConsumerDumpResponse)

    async def get_stats(self) -> consumer_pb2.ConsumerStats:
        reply = await self._request("getStats", consumer_pb2.ConsumerGetStatsRequest(consumer_id=self.id),
                                    consumer_pb2.ConsumerGetStatsResponse)
        return reply.stats

    def _apply(self, event: Event) -> None:
        if event.name == "producerpause":
            self.producer_paused = True
        elif event.name == "producerresume":
            self.producer_paused = False
        elif event.name == "score":
            self.score = event.data
        elif event.name == "layerschange":
            body = event.body
            self.current_layers = body.layers if body.HasField("layers") else None  # type: ignore[attr-defined]
