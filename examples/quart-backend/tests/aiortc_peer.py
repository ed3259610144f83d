"""aiortc (PyPI), a WebRTC stack that no one here wrote, driven through the backend's signaling
(docs/signaling.md) the way mediasoup-client drives a browser.

aiortc speaks SDP, the backend mediasoup's parameters, so this module translates, as
mediasoup-client's handlers do for browsers:

- Sending: aiortc's offer gives the RTP parameters of each track (its payload types, SSRCs,
  header extension ids, CNAME and mid) for ``produce``, and its DTLS fingerprint for
  ``connectTransport``; the answer is written from the transport the worker made (ICE-lite, its
  candidates, its fingerprint, ``a=setup:passive``: aiortc is the DTLS client).
- Receiving: the capabilities for ``consume`` come from an offer aiortc makes to receive; the
  worker's side is then written as the offer (one m-section per consumer, with the consumer's
  payload types, SSRCs and extension ids), and aiortc's answer gives the fingerprint.

Only what the tests need: UDP candidates, one transport per direction (BUNDLE), no simulcast."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import aioice.ice
from aiortc import MediaStreamTrack, RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError
from aiortc.sdp import MediaDescription, SessionDescription

from conftest import SignalingClient

#: No STUN or TURN server: the peers meet on loopback (aiortc would otherwise ask a public one).
LOOPBACK_ONLY = RTCConfiguration(iceServers=[])


def gather_on_loopback_only() -> None:
    """aioice leaves 127.0.0.1 out of its host candidates, and the tests' network is loopback
    only (the worker listens on 127.0.0.1): gather there and nowhere else."""
    aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]  # type: ignore[assignment]


def fingerprints_of(description: SessionDescription) -> list[dict[str, str]]:
    media = description.media[0]
    assert media.dtls is not None
    return [{"algorithm": f.algorithm, "value": f.value} for f in media.dtls.fingerprints]


def _codec_json(codec: Any) -> dict[str, Any]:
    """An aiortc codec of an SDP as mediasoup's RtpCodecParameters."""
    value: dict[str, Any] = {
        "mimeType": codec.mimeType, "payloadType": codec.payloadType, "clockRate": codec.clockRate,
        "parameters": dict(codec.parameters),
        "rtcpFeedback": [{"type": fb.type, "parameter": fb.parameter or ""} for fb in codec.rtcpFeedback],
    }
    if codec.channels:
        value["channels"] = codec.channels
    return value


def _chosen_codecs(media: MediaDescription, mime_type: str) -> list[Any]:
    """The first codec of ``mime_type`` in the m-section and its RTX (``apt``), if any."""
    codec = next(c for c in media.rtp.codecs if c.mimeType.lower() == mime_type.lower())
    rtx = [c for c in media.rtp.codecs if c.mimeType.lower().endswith("/rtx")
           and str(c.parameters.get("apt")) == str(codec.payloadType)]
    return [codec, *rtx[:1]]


# ---- Writing the worker's side of the SDP

def _session_lines(mids: list[str]) -> list[str]:
    return ["v=0", "o=- 1 1 IN IP4 0.0.0.0", "s=-", "t=0 0", "a=ice-lite",
            f"a=group:BUNDLE {' '.join(mids)}", "a=msid-semantic:WMS *"]


def _transport_lines(transport: dict[str, Any], setup: str) -> list[str]:
    """ICE (RFC 8839 §5) and DTLS (RFC 8842 §5) attributes of the worker's transport."""
    ice = transport["iceParameters"]
    lines = ["c=IN IP4 127.0.0.1", f"a=ice-ufrag:{ice['usernameFragment']}", f"a=ice-pwd:{ice['password']}"]
    for candidate in transport["iceCandidates"]:
        if candidate["protocol"] == "udp":
            lines.append(f"a=candidate:{candidate['foundation']} 1 udp {candidate['priority']} "
                         f"{candidate.get('address') or candidate['ip']} {candidate['port']} typ host")
    lines.append("a=end-of-candidates")
    # mediasoup-client gives a browser only the last fingerprint; any of them identifies the worker.
    fingerprint = transport["dtlsParameters"]["fingerprints"][-1]
    lines += [f"a=fingerprint:{fingerprint['algorithm']} {fingerprint['value']}", f"a=setup:{setup}",
              "a=rtcp-mux", "a=rtcp-rsize"]
    return lines


def _codec_lines(codecs: list[dict[str, Any]]) -> list[str]:
    """rtpmap, fmtp and rtcp-fb (RFC 8866 §6.6, RFC 4585 §4.2) of mediasoup codec parameters."""
    lines = []
    for codec in codecs:
        name = codec["mimeType"].split("/", 1)[1]
        channels = f"/{codec['channels']}" if codec.get("channels", 1) > 1 else ""
        lines.append(f"a=rtpmap:{codec['payloadType']} {name}/{codec['clockRate']}{channels}")
        if codec.get("parameters"):
            fmtp = ";".join(f"{key}={value}" for key, value in codec["parameters"].items())
            lines.append(f"a=fmtp:{codec['payloadType']} {fmtp}")
        for feedback in codec.get("rtcpFeedback", []):
            parameter = f" {feedback['parameter']}" if feedback.get("parameter") else ""
            lines.append(f"a=rtcp-fb:{codec['payloadType']} {feedback['type']}{parameter}")
    return lines


# ---- Sending

@dataclass
class AiortcSender:
    """Publishes aiortc tracks through the backend: one send transport, one producer per track."""

    signaling: SignalingClient
    pc: RTCPeerConnection = field(default_factory=lambda: RTCPeerConnection(LOOPBACK_ONLY))
    producer_ids: dict[str, str] = field(default_factory=dict)

    async def publish(self, tracks: list[MediaStreamTrack], router_capabilities: dict[str, Any]) -> None:
        for track in tracks:
            self.pc.addTransceiver(track, direction="sendonly")
        await self.pc.setLocalDescription(await self.pc.createOffer())
        offer = SessionDescription.parse(self.pc.localDescription.sdp)

        transport = await self.signaling.request("createWebRtcTransport", {"direction": "send"})
        # Connected before the answer is applied, so the worker knows the fingerprint when
        # aiortc's DTLS ClientHello arrives.
        await self.signaling.request("connectTransport", {
            "transportId": transport["id"],
            "dtlsParameters": {"role": "client", "fingerprints": fingerprints_of(offer)}})

        answer = _session_lines([str(media.rtp.muxId) for media in offer.media])
        for media in offer.media:
            codecs = [_codec_json(c) for c in _chosen_codecs(media, _MIME_TYPES[media.kind])]
            extensions = _supported_extensions(media, router_capabilities)
            produced = await self.signaling.request("produce", {
                "transportId": transport["id"], "kind": media.kind,
                "rtpParameters": _produce_parameters(media, codecs, extensions)})
            self.producer_ids[media.kind] = produced["id"]
            answer += [f"m={media.kind} 7 UDP/TLS/RTP/SAVPF {' '.join(str(c['payloadType']) for c in codecs)}",
                       *_transport_lines(transport, setup="passive"), "a=recvonly", f"a=mid:{media.rtp.muxId}",
                       *[f"a=extmap:{e['id']} {e['uri']}" for e in extensions], *_codec_lines(codecs)]
        await self.pc.setRemoteDescription(RTCSessionDescription("\r\n".join(answer) + "\r\n", "answer"))

    async def close(self) -> None:
        await self.pc.close()


_MIME_TYPES = {"audio": "audio/opus", "video": "video/VP8"}


def _supported_extensions(media: MediaDescription, router_capabilities: dict[str, Any]) -> list[dict[str, Any]]:
    """The header extensions of aiortc's offer that the router knows for this kind."""
    known = {e["uri"] for e in router_capabilities["headerExtensions"] if e["kind"] == media.kind}
    return [{"uri": e.uri, "id": e.id, "encrypt": False, "parameters": {}}
            for e in media.rtp.headerExtensions if e.uri in known]


def _produce_parameters(media: MediaDescription, codecs: list[dict[str, Any]],
                        extensions: list[dict[str, Any]]) -> dict[str, Any]:
    """mediasoup's RtpParameters of what aiortc will send in this m-section."""
    ssrcs = [s.ssrc for s in media.ssrc]
    rtx_ssrc = next((group.items[1] for group in media.ssrc_group if group.semantic == "FID"), None)
    encoding: dict[str, Any] = {"ssrc": ssrcs[0]}
    if rtx_ssrc is not None and len(codecs) > 1:
        encoding["rtx"] = {"ssrc": int(rtx_ssrc)}
    return {"mid": str(media.rtp.muxId), "codecs": codecs, "headerExtensions": extensions,
            "encodings": [encoding], "rtcp": {"cname": media.ssrc[0].cname or "", "reducedSize": True}}


# ---- Receiving

async def receive_capabilities() -> dict[str, Any]:
    """aiortc's RTP capabilities in mediasoup's form (``device.rtpCapabilities``), read from an
    offer it makes to receive audio and video, as mediasoup-client reads a browser's."""
    pc = RTCPeerConnection(LOOPBACK_ONLY)
    try:
        pc.addTransceiver("audio", direction="recvonly")
        pc.addTransceiver("video", direction="recvonly")
        offer = SessionDescription.parse((await pc.createOffer()).sdp)
    finally:
        await pc.close()
    codecs, extensions = [], []
    for media in offer.media:
        for codec in media.rtp.codecs:
            capability = {"kind": media.kind, **_codec_json(codec)}
            capability["preferredPayloadType"] = capability.pop("payloadType")
            codecs.append(capability)
        extensions += [{"kind": media.kind, "uri": e.uri, "preferredId": e.id, "preferredEncrypt": False,
                        "direction": "sendrecv"} for e in media.rtp.headerExtensions]
    return {"codecs": codecs, "headerExtensions": extensions}


@dataclass
class ReceivedTrack:
    kind: str
    frames: int = 0
    width: int = 0
    height: int = 0


@dataclass
class AiortcReceiver:
    """Consumes producers through the backend with aiortc: one receive transport, one consumer
    per producer, and counts the frames aiortc decodes."""

    signaling: SignalingClient
    pc: RTCPeerConnection = field(default_factory=lambda: RTCPeerConnection(LOOPBACK_ONLY))
    received: dict[str, ReceivedTrack] = field(default_factory=dict)
    _readers: list[asyncio.Task[None]] = field(default_factory=list)

    async def consume(self, producer_ids: list[str]) -> list[dict[str, Any]]:
        transport = await self.signaling.request("createWebRtcTransport", {"direction": "recv"})
        capabilities = await receive_capabilities()
        consumers = [await self.signaling.request("consume", {
            "transportId": transport["id"], "producerId": producer_id, "rtpCapabilities": capabilities})
            for producer_id in producer_ids]

        self.pc.on("track", self._on_track)
        mids = [str(index) for index in range(len(consumers))]
        offer = _session_lines(mids)
        for mid, consumer in zip(mids, consumers):
            offer += _consumer_section(mid, consumer, transport)
        await self.pc.setRemoteDescription(RTCSessionDescription("\r\n".join(offer) + "\r\n", "offer"))
        await self.pc.setLocalDescription(await self.pc.createAnswer())
        answer = SessionDescription.parse(self.pc.localDescription.sdp)
        # aiortc answers an actpass offer as the DTLS client (a=setup:active).
        await self.signaling.request("connectTransport", {
            "transportId": transport["id"],
            "dtlsParameters": {"role": "client", "fingerprints": fingerprints_of(answer)}})
        for consumer in consumers:
            await self.signaling.request("resumeConsumer", {"consumerId": consumer["id"]})
        return consumers

    def _on_track(self, track: MediaStreamTrack) -> None:
        received = self.received.setdefault(track.kind, ReceivedTrack(track.kind))
        self._readers.append(asyncio.ensure_future(self._read(track, received)))

    @staticmethod
    async def _read(track: MediaStreamTrack, received: ReceivedTrack) -> None:
        try:
            while True:
                frame = await track.recv()  # decoded by aiortc (libvpx, libopus)
                received.frames += 1
                received.width = getattr(frame, "width", 0)
                received.height = getattr(frame, "height", 0)
        except MediaStreamError:  # the track ended
            return

    async def close(self) -> None:
        for reader in self._readers:
            reader.cancel()
        await self.pc.close()


def _consumer_section(mid: str, consumer: dict[str, Any], transport: dict[str, Any]) -> list[str]:
    parameters = consumer["rtpParameters"]
    codecs = parameters["codecs"]
    encoding = parameters["encodings"][0]
    cname = parameters["rtcp"]["cname"]
    stream, track = f"stream-{consumer['producerId']}", f"track-{consumer['id']}"
    lines = [f"m={consumer['kind']} 7 UDP/TLS/RTP/SAVPF {' '.join(str(c['payloadType']) for c in codecs)}",
             *_transport_lines(transport, setup="actpass"), "a=sendonly", f"a=mid:{mid}",
             f"a=msid:{stream} {track}",
             *[f"a=extmap:{e['id']} {e['uri']}" for e in parameters["headerExtensions"]], *_codec_lines(codecs)]
    ssrcs = [encoding["ssrc"]]
    if "rtx" in encoding:
        ssrcs.append(encoding["rtx"]["ssrc"])
        lines.append(f"a=ssrc-group:FID {ssrcs[0]} {ssrcs[1]}")
    lines += [f"a=ssrc:{ssrc} cname:{cname}" for ssrc in ssrcs]
    return lines
