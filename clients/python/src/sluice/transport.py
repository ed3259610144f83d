"""Transports (mediasoup's WebRtcTransport and PlainTransport) and what they share:
``produce``, ``consume``, ``get_stats`` and ``close``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

from ._entity import Entity, app_data
from .client_json import coerce, kind_of, to_client_json
from .consumer import Consumer
from .events import Event
from .producer import Producer
from .v1 import (
    consumer_pb2,
    plain_transport_pb2 as plain_pb2,
    producer_pb2,
    rtp_parameters_pb2 as rtp,
    transport_pb2,
)

if TYPE_CHECKING:
    from .client import Sluice

RtpParametersLike = rtp.RtpParameters | Mapping[str, Any]
RtpCapabilitiesLike = rtp.RtpCapabilities | Mapping[str, Any]


class Transport(Entity):
    entity = "transport"

    async def produce(
        self,
        kind: str,
        rtp_parameters: RtpParametersLike,
        *,
        paused: bool = False,
        app_data: dict[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> Producer:
        """transport.produce: ``kind`` "audio" or "video"; ``rtp_parameters`` as protobuf or as
        mediasoup-client's JSON (what the browser's ``produce`` event gives)."""
        parameters = coerce(rtp.RtpParameters, rtp_parameters, "rtpParameters")
        request = producer_pb2.TransportProduceRequest(
            transport_id=self.id, kind=kind_of(kind), rtp_parameters=parameters, paused=paused,
            app_data=_app_data(app_data),
        )
        created = await self._create("transport", "produce", request, producer_pb2.TransportProduceResponse,
                                     idempotency_key)
        producer = Producer(self._sluice, self.worker_id, self.router_id, self.id, created, request.kind,
                            parameters, paused, dict(app_data or {}))
        self._adopt(producer)
        return producer

    async def consume(
        self,
        producer_id: str,
        rtp_capabilities: RtpCapabilitiesLike,
        *,
        paused: bool = False,
        preferred_layers: consumer_pb2.ConsumerLayers | Mapping[str, Any] | None = None,
        app_data: dict[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> Consumer:
        """transport.consume: ``producer_id``'s RTP as an endpoint with ``rtp_capabilities``
        (``device.rtpCapabilities``) decodes it. mediasoup-client's ``consume`` takes
        ``consumer.to_client_json()``."""
        request = consumer_pb2.TransportConsumeRequest(
            transport_id=self.id, producer_id=producer_id,
            rtp_capabilities=coerce(rtp.RtpCapabilities, rtp_capabilities, "rtpCapabilities"), paused=paused,
            app_data=_app_data(app_data),
        )
        if preferred_layers is not None:
            request.preferred_layers.CopyFrom(coerce(consumer_pb2.ConsumerLayers, preferred_layers, "preferredLayers"))
        created = await self._create("transport", "consume", request, consumer_pb2.TransportConsumeResponse,
                                     idempotency_key)
        consumer = Consumer(self._sluice, self.worker_id, self.router_id, self.id, created, paused,
                            dict(app_data or {}))
        self._adopt(consumer)
        return consumer

    async def get_stats(self) -> transport_pb2.TransportStats:
        reply = await self._request("getStats", transport_pb2.TransportGetStatsRequest(transport_id=self.id),
                                    transport_pb2.TransportGetStatsResponse, entity="transport")
        return reply.stats

    async def close(self) -> None:
        """Closes the transport; its producers and consumers close first."""
        if self.closed:
            return
        await self._request("close", transport_pb2.TransportCloseRequest(transport_id=self.id),
                            transport_pb2.TransportCloseResponse, entity="transport")
        self._forget()


def _app_data(entries: dict[str, str] | None) -> Any:
    return app_data(entries)


class WebRtcTransport(Transport):
    """ICE-lite + DTLS-SRTP for one browser. Events: ``icestatechange``, ``dtlsstatechange``,
    ``tuple``, ``routerclose``, ``listenserverclose``, ``closed``."""

    def __init__(self, sluice: Sluice, worker_id: str, router_id: str,
                 info: transport_pb2.WebRtcTransportInfo, app_data: dict[str, str]) -> None:
        super().__init__(sluice, worker_id, info.id, router_id)
        self.info = info
        self.app_data = app_data
        self.ice_parameters = info.ice_parameters
        self.ice_candidates = list(info.ice_candidates)
        self.dtls_parameters = info.dtls_parameters
        self.ice_state: str = "new"
        self.dtls_state: str = "new"
        self.ice_selected_tuple: transport_pb2.TransportTuple | None = None

    def to_client_json(self) -> dict[str, Any]:
        """``{id, iceParameters, iceCandidates, dtlsParameters}`` for ``device.createSendTransport``
        / ``createRecvTransport``."""
        options = transport_pb2.WebRtcTransportInfo()
        options.CopyFrom(self.info)
        options.ice_parameters.CopyFrom(self.ice_parameters)
        return to_client_json(options)

    async def connect(self, dtls_parameters: transport_pb2.DtlsParameters | Mapping[str, Any]) -> str:
        """transport.connect with the remote's DTLS parameters (mediasoup-client's ``connect``
        event gives them as JSON); returns the role Sluice took, "client" or "server"."""
        request = transport_pb2.TransportConnectRequest(
            transport_id=self.id, dtls_parameters=coerce(transport_pb2.DtlsParameters, dtls_parameters, "dtlsParameters"))
        reply = await self._request("connect", request, transport_pb2.TransportConnectResponse)
        return transport_pb2.DtlsRole.Name(reply.dtls_local_role).lower()

    async def restart_ice(self) -> transport_pb2.IceParameters:
        """New local ICE credentials, to give to the remote (``transport.restartIce``)."""
        reply = await self._request("restartIce", transport_pb2.TransportRestartIceRequest(transport_id=self.id),
                                    transport_pb2.TransportRestartIceResponse)
        self.ice_parameters = reply.ice_parameters
        return reply.ice_parameters

    async def dump(self) -> transport_pb2.TransportDumpResponse:
        return await self._request("dump", transport_pb2.TransportDumpRequest(transport_id=self.id),
                                   transport_pb2.TransportDumpResponse)

    def _apply(self, event: Event) -> None:
        if event.name == "icestatechange":
            self.ice_state = event.data
        elif event.name == "dtlsstatechange":
            self.dtls_state = event.data
        elif event.name == "tuplechange":
            self.ice_selected_tuple = event.body.ice_selected_tuple  # type: ignore[attr-defined]


class PlainTransport(Transport):
    """Plain RTP/RTCP (optionally SRTP with keys given here) for ffmpeg, GStreamer, recorders."""

    def __init__(self, sluice: Sluice, worker_id: str, router_id: str,
                 info: plain_pb2.PlainTransportInfo, app_data: dict[str, str]) -> None:
        super().__init__(sluice, worker_id, info.id, router_id)
        self.app_data = app_data
        self._set_info(info)

    def _set_info(self, info: plain_pb2.PlainTransportInfo) -> None:
        self.info = info
        self.tuple = info.tuple
        self.rtcp_tuple = info.rtcp_tuple if info.HasField("rtcp_tuple") else None
        self.rtcp_mux = info.rtcp_mux
        self.comedia = info.comedia
        self.srtp_parameters = info.srtp_parameters if info.HasField("srtp_parameters") else None

    async def connect(
        self,
        ip: str = "",
        port: int = 0,
        rtcp_port: int = 0,
        srtp_parameters: plain_pb2.SrtpParameters | None = None,
    ) -> plain_pb2.PlainTransportInfo:
        """plainTransport.connect: where to send (ignored with comedia) and the peer's SRTP key."""
        request = plain_pb2.PlainTransportConnectRequest(transport_id=self.id, ip=ip, port=port, rtcp_port=rtcp_port)
        if srtp_parameters is not None:
            request.srtp_parameters.CopyFrom(srtp_parameters)
        reply = await self._request("connect", request, plain_pb2.PlainTransportConnectResponse,
                                    entity="plainTransport")
        self._set_info(reply.transport)
        return reply.transport

    async def dump(self) -> plain_pb2.PlainTransportDumpResponse:
        return await self._request("dump", plain_pb2.PlainTransportDumpRequest(transport_id=self.id),
                                   plain_pb2.PlainTransportDumpResponse, entity="plainTransport")

    async def close(self) -> None:
        if self.closed:
            return
        await self._request("close", plain_pb2.PlainTransportCloseRequest(transport_id=self.id),
                            plain_pb2.PlainTransportCloseResponse, entity="plainTransport")
        self._forget()
