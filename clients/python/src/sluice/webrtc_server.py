"""A WebRTC server: one UDP and one TCP port shared by many WebRTC transports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._entity import Entity
from .v1 import transport_pb2

if TYPE_CHECKING:
    from .client import Sluice


class WebRtcServer(Entity):
    """Closing it closes every transport using it (they emit ``listenserverclose``)."""

    entity = "webRtcServer"

    def __init__(self, sluice: Sluice, worker_id: str,
                 created: transport_pb2.WorkerCreateWebRtcServerResponse) -> None:
        super().__init__(sluice, worker_id, created.webrtc_server_id)
        self.local_tuples = list(created.local_tuples)

    async def dump(self) -> transport_pb2.WebRtcServerDumpResponse:
        return await self._request("dump", transport_pb2.WebRtcServerDumpRequest(webrtc_server_id=self.id),
                                   transport_pb2.WebRtcServerDumpResponse)

    async def close(self) -> None:
        if self.closed:
            return
        await self._request("close", transport_pb2.WebRtcServerCloseRequest(webrtc_server_id=self.id),
                            transport_pb2.WebRtcServerCloseResponse)
        self._forget()
