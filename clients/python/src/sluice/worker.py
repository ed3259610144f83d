"""A worker: one event loop of a Sluice process, addressed by its worker id."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Mapping

from ._entity import app_data as _app_data
from .client_json import coerce
from .router import ListenInfoLike, Router, _listen_info
from .v1 import rtp_parameters_pb2 as rtp, transport_pb2, worker_pb2
from .webrtc_server import WebRtcServer

if TYPE_CHECKING:
    from .client import Sluice
    from .discovery import WorkerInfo

CodecLike = rtp.RtpCodecCapability | Mapping[str, Any]


class Worker:
    """Methods of one worker; ``info`` is what discovery last knew of it (None when made by id)."""

    def __init__(self, sluice: Sluice, worker_id: str, info: WorkerInfo | None = None) -> None:
        self._sluice = sluice
        self.id = worker_id
        self.info = info

    def __repr__(self) -> str:
        return f"<Worker {self.id}>"

    async def dump(self) -> worker_pb2.WorkerDumpResponse:
        return await self._sluice._requester.request(self.id, "worker", "dump", worker_pb2.WorkerDumpRequest(),
                                                     worker_pb2.WorkerDumpResponse)

    async def drain(self) -> int:
        """worker.drain: the worker takes no new routers (discovery then reports it
        ``draining`` and placement skips it); its process exits once its workers are drained and
        empty. Answers the routers still open. Idempotent."""
        reply = await self._sluice._requester.request(self.id, "worker", "drain", worker_pb2.WorkerDrainRequest(),
                                                      worker_pb2.WorkerDrainResponse)
        return reply.routers

    async def get_resource_usage(self) -> worker_pb2.WorkerGetResourceUsageResponse:
        return await self._sluice._requester.request(self.id, "worker", "getResourceUsage",
                                                     worker_pb2.WorkerGetResourceUsageRequest(),
                                                     worker_pb2.WorkerGetResourceUsageResponse)

    async def create_router(
        self,
        media_codecs: Iterable[CodecLike],
        *,
        room_id: str = "",
        app_data: dict[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> Router:
        """worker.createRouter; codecs as protobuf or as mediasoup's ``mediaCodecs`` entries
        (``{"kind": "audio", "mimeType": "audio/opus", "clockRate": 48000, "channels": 2}``)."""
        request = worker_pb2.WorkerCreateRouterRequest(
            media_codecs=[coerce(rtp.RtpCodecCapability, codec, f"mediaCodecs[{index}]")
                          for index, codec in enumerate(media_codecs)],
            room_id=room_id,
            app_data=_app_data(app_data),
        )
        reply = await self._sluice._requester.create(self.id, "worker", "createRouter", request,
                                                     worker_pb2.WorkerCreateRouterResponse,
                                                     idempotency_key=idempotency_key)
        return Router(self._sluice, self.id, reply.router_id, reply.rtp_capabilities, room_id)

    def router(self, router_id: str) -> Router:
        """A handle on a router this worker already has (made elsewhere, e.g. found in Redis)."""
        return Router(self._sluice, self.id, router_id, rtp.RtpCapabilities())

    async def create_webrtc_server(
        self,
        listen_infos: Iterable[ListenInfoLike],
        *,
        app_data: dict[str, str] | None = None,
    ) -> WebRtcServer:
        request = transport_pb2.WorkerCreateWebRtcServerRequest(
            listen_infos=[_listen_info(info) for info in listen_infos], app_data=_app_data(app_data))
        reply = await self._sluice._requester.request(self.id, "worker", "createWebRtcServer", request,
                                                      transport_pb2.WorkerCreateWebRtcServerResponse)
        return WebRtcServer(self._sluice, self.id, reply)
