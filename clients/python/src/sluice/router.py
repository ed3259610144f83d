"""A router: one room's media on one worker (mediasoup's Router)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Mapping

from ._entity import Entity, app_data as _app_data
from .client_json import coerce, to_client_json
from .errors import InvalidArgumentError
from .data import DirectTransport
from .transport import PlainTransport, WebRtcTransport
from .v1 import (
    consumer_pb2,
    direct_transport_pb2,
    plain_transport_pb2 as plain_pb2,
    router_pb2,
    rtp_parameters_pb2 as rtp,
    transport_pb2,
)

if TYPE_CHECKING:
    from .client import Sluice
    from .webrtc_server import WebRtcServer

ListenInfoLike = transport_pb2.TransportListenInfo | Mapping[str, Any]


def _listen_info(value: ListenInfoLike) -> transport_pb2.TransportListenInfo:
    """A listen info as protobuf, or as mediasoup's ``{protocol, ip, announcedAddress, port}``."""
    if isinstance(value, transport_pb2.TransportListenInfo):
        return value
    protocol = str(value.get("protocol", "udp")).lower()
    info = transport_pb2.TransportListenInfo(
        protocol=transport_pb2.TCP if protocol == "tcp" else transport_pb2.UDP,
        ip=value.get("ip", ""),
        announced_address=value.get("announcedAddress", value.get("announcedIp", "")) or "",
        port=value.get("port", 0) or 0,
    )
    port_range = value.get("portRange")
    if port_range:
        info.port_range.min = port_range["min"]
        info.port_range.max = port_range["max"]
    return info


class Router(Entity):
    """Events: ``workerclose`` (its worker shut down), ``closed``."""

    entity = "router"

    def __init__(self, sluice: Sluice, worker_id: str, router_id: str,
                 rtp_capabilities: rtp.RtpCapabilities, room_id: str = "") -> None:
        super().__init__(sluice, worker_id, router_id, router_id)
        self.rtp_capabilities = rtp_capabilities
        self.room_id = room_id

    def rtp_capabilities_json(self) -> dict[str, Any]:
        """The capabilities as mediasoup-client's ``device.load({routerRtpCapabilities})`` takes them."""
        return to_client_json(self.rtp_capabilities)

    async def get_rtp_capabilities(self) -> rtp.RtpCapabilities:
        reply = await self._request("getRtpCapabilities",
                                    router_pb2.RouterGetRtpCapabilitiesRequest(router_id=self.id),
                                    router_pb2.RouterGetRtpCapabilitiesResponse)
        self.rtp_capabilities = reply.rtp_capabilities
        return reply.rtp_capabilities

    async def dump(self) -> router_pb2.RouterDumpResponse:
        return await self._request("dump", router_pb2.RouterDumpRequest(router_id=self.id),
                                   router_pb2.RouterDumpResponse)

    async def close(self) -> None:
        """Closes the router and everything in it (they emit ``routerclose``/``transportclose``)."""
        if self.closed:
            return
        await self._request("close", router_pb2.RouterCloseRequest(router_id=self.id), router_pb2.RouterCloseResponse)
        self._forget()

    async def can_consume(self, producer_id: str,
                          rtp_capabilities: rtp.RtpCapabilities | Mapping[str, Any]) -> bool:
        reply = await self._request(
            "canConsume",
            consumer_pb2.RouterCanConsumeRequest(router_id=self.id, producer_id=producer_id,
                                                 rtp_capabilities=coerce(rtp.RtpCapabilities, rtp_capabilities, "rtpCapabilities")),
            consumer_pb2.RouterCanConsumeResponse)
        return reply.can_consume

    async def create_webrtc_transport(
        self,
        *,
        listen_infos: Iterable[ListenInfoLike] = (),
        webrtc_server: WebRtcServer | None = None,
        enable_udp: bool | None = None,
        enable_tcp: bool | None = None,
        prefer_udp: bool = False,
        prefer_tcp: bool = False,
        initial_available_outgoing_bitrate: int | None = None,
        user_id: str = "",
        app_data: dict[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> WebRtcTransport:
        """router.createWebRtcTransport; ``user_id`` goes into the Redis user-to-transport mappings."""
        request = transport_pb2.RouterCreateWebRtcTransportRequest(
            router_id=self.id,
            listen_infos=[_listen_info(info) for info in listen_infos],
            webrtc_server_id=webrtc_server.id if webrtc_server is not None else "",
            prefer_udp=prefer_udp,
            prefer_tcp=prefer_tcp,
            user_id=user_id,
            app_data=_app_data(app_data),
        )
        if enable_udp is not None:
            request.enable_udp = enable_udp
        if enable_tcp is not None:
            request.enable_tcp = enable_tcp
        if initial_available_outgoing_bitrate is not None:
            request.initial_available_outgoing_bitrate = initial_available_outgoing_bitrate
        reply = await self._create("router", "createWebRtcTransport", request,
                                   transport_pb2.RouterCreateWebRtcTransportResponse, idempotency_key)
        transport = WebRtcTransport(self._sluice, self.worker_id, self.id, reply.transport, dict(app_data or {}))
        self._adopt(transport)
        if webrtc_server is not None:
            webrtc_server._adopt(transport)
        return transport

    async def create_plain_transport(
        self,
        *,
        listen_info: ListenInfoLike | None = None,
        rtcp_listen_info: ListenInfoLike | None = None,
        rtcp_mux: bool | None = None,
        comedia: bool = False,
        enable_srtp: bool = False,
        srtp_crypto_suite: str | None = None,
        user_id: str = "",
        app_data: dict[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> PlainTransport:
        """router.createPlainTransport; ``srtp_crypto_suite`` by name, e.g. "AES_CM_128_HMAC_SHA1_80"."""
        if srtp_crypto_suite is not None and srtp_crypto_suite not in plain_pb2.SrtpCryptoSuite.keys():
            raise InvalidArgumentError(f"unknown SRTP crypto suite {srtp_crypto_suite!r}", "srtp_crypto_suite")
        request = plain_pb2.RouterCreatePlainTransportRequest(
            router_id=self.id, comedia=comedia, enable_srtp=enable_srtp, user_id=user_id,
            app_data=_app_data(app_data), srtp_crypto_suite=srtp_crypto_suite,
        )
        if listen_info is not None:
            request.listen_info.CopyFrom(_listen_info(listen_info))
        if rtcp_listen_info is not None:
            request.rtcp_listen_info.CopyFrom(_listen_info(rtcp_listen_info))
        if rtcp_mux is not None:
            request.rtcp_mux = rtcp_mux
        reply = await self._create("router", "createPlainTransport", request,
                                   plain_pb2.RouterCreatePlainTransportResponse, idempotency_key)
        transport = PlainTransport(self._sluice, self.worker_id, self.id, reply.transport, dict(app_data or {}))
        self._adopt(transport)
        return transport

    async def create_direct_transport(
        self,
        *,
        max_message_size: int | None = None,
        app_data: dict[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> DirectTransport:
        """router.createDirectTransport (mediasoup's): data producers and consumers the backend drives."""
        request = direct_transport_pb2.RouterCreateDirectTransportRequest(router_id=self.id,
                                                                         app_data=_app_data(app_data))
        if max_message_size is not None:
            request.max_message_size = max_message_size
        reply = await self._create("router", "createDirectTransport", request,
                                   direct_transport_pb2.RouterCreateDirectTransportResponse, idempotency_key)
        transport = DirectTransport(self._sluice, self.worker_id, reply.transport, dict(app_data or {}))
        self._adopt(transport)
        return transport
