"""Protobuf messages to and from the JSON that mediasoup-client sends and expects.

The mapping is the one written down in docs/protocol.md ("mediasoup-client JSON") and checked
against the shared vectors in ``schemas/testdata/`` by this package's tests and by the Java
tests of ``io.sluice.api.json``: enums as mediasoup's lower-case strings (``"video"``,
``"udp"``, ``"auto"``), codec parameters as plain numbers or strings (never protobuf JSON's
``{"intValue": "1"}``), 64-bit values as JSON numbers, optional fields left out when unset.

``to_client_json(message)`` takes any supported message; ``from_client_json(MessageType, json)``
reads one, raising :class:`~sluice.errors.ClientJsonError` with the path of a bad value.
Unknown members are ignored, as mediasoup-client adds some (``active``, ``scaleResolutionDownBy``).
"""

from __future__ import annotations

import json as _json
from typing import Any, Callable, Mapping, TypeVar

from google.protobuf.message import Message

from ._json_reader import JsonObject, integral, is_number
from .errors import ClientJsonError
from .v1 import (
    consumer_pb2,
    producer_pb2,
    rtp_parameters_pb2 as rtp,
    rtp_stream_pb2,
    transport_pb2,
)

M = TypeVar("M", bound=Message)

_KIND_NAMES: dict[rtp.MediaKind, str] = {rtp.AUDIO: "audio", rtp.VIDEO: "video"}
_KINDS = {name: value for value, name in _KIND_NAMES.items()}
_DIRECTION_NAMES = {
    rtp.SENDRECV: "sendrecv",
    rtp.SENDONLY: "sendonly",
    rtp.RECVONLY: "recvonly",
    rtp.INACTIVE: "inactive",
}
_DIRECTIONS = {name: value for value, name in _DIRECTION_NAMES.items()}
_ROLE_NAMES = {transport_pb2.CLIENT: "client", transport_pb2.SERVER: "server"}
_ROLES = {"auto": transport_pb2.AUTO, "client": transport_pb2.CLIENT, "server": transport_pb2.SERVER}


def canonical(value: Any) -> str:
    """The canonical text of a JSON value: keys sorted, no spaces (how the vectors compare)."""
    return _json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def kind_name(kind: int) -> str:
    return "audio" if kind == rtp.AUDIO else "video"


def kind_of(name: str, path: str = "kind") -> rtp.MediaKind:
    if name not in _KINDS:
        raise ClientJsonError(path, f'kind is "audio" or "video", not "{name}"')
    return _KINDS[name]


def ice_state_name(state: int) -> str:
    """mediasoup's iceState: "new", "connected", "completed", "disconnected", "closed"."""
    return _state_name(transport_pb2.IceState.Name(state), "ICE_")


def dtls_state_name(state: int) -> str:
    """mediasoup's dtlsState: "new", "connecting", "connected", "failed", "closed"."""
    return _state_name(transport_pb2.DtlsState.Name(state), "DTLS_")


def _state_name(enum_name: str, prefix: str) -> str:
    if not enum_name.startswith(prefix) or enum_name.endswith("UNSPECIFIED"):
        return "unknown"
    return enum_name[len(prefix):].lower()


# ---- protobuf to JSON


def _parameters_to_json(parameters: Mapping[str, rtp.ParameterValue]) -> dict[str, Any]:
    json: dict[str, Any] = {}
    for name in sorted(parameters):
        value = parameters[name]
        which = value.WhichOneof("value")
        json[name] = value.int_value if which == "int_value" else value.string_value
    return json


def _feedback_to_json(feedback: Any) -> list[dict[str, Any]]:
    return [{"type": entry.type, "parameter": entry.parameter} for entry in feedback]


def _codec_capability_to_json(codec: rtp.RtpCodecCapability) -> dict[str, Any]:
    json: dict[str, Any] = {}
    if codec.kind in _KIND_NAMES:
        json["kind"] = _KIND_NAMES[codec.kind]
    json["mimeType"] = codec.mime_type
    if codec.HasField("preferred_payload_type"):
        json["preferredPayloadType"] = codec.preferred_payload_type
    json["clockRate"] = codec.clock_rate
    if codec.HasField("channels"):
        json["channels"] = codec.channels
    json["parameters"] = _parameters_to_json(codec.parameters)
    json["rtcpFeedback"] = _feedback_to_json(codec.rtcp_feedback)
    return json


def _header_extension_to_json(extension: rtp.RtpHeaderExtension) -> dict[str, Any]:
    json: dict[str, Any] = {}
    if extension.kind in _KIND_NAMES:
        json["kind"] = _KIND_NAMES[extension.kind]
    json["uri"] = extension.uri
    json["preferredId"] = extension.preferred_id
    json["preferredEncrypt"] = extension.preferred_encrypt
    if extension.direction in _DIRECTION_NAMES:
        json["direction"] = _DIRECTION_NAMES[extension.direction]
    return json


def _capabilities_to_json(capabilities: rtp.RtpCapabilities) -> dict[str, Any]:
    return {
        "codecs": [_codec_capability_to_json(codec) for codec in capabilities.codecs],
        "headerExtensions": [_header_extension_to_json(e) for e in capabilities.header_extensions],
    }


def _encoding_to_json(encoding: rtp.RtpEncodingParameters) -> dict[str, Any]:
    json: dict[str, Any] = {}
    if encoding.HasField("ssrc"):
        json["ssrc"] = encoding.ssrc
    if encoding.rid:
        json["rid"] = encoding.rid
    if encoding.HasField("codec_payload_type"):
        json["codecPayloadType"] = encoding.codec_payload_type
    if encoding.HasField("rtx"):
        json["rtx"] = {"ssrc": encoding.rtx.ssrc}
    if encoding.dtx:
        json["dtx"] = True
    if encoding.scalability_mode:
        json["scalabilityMode"] = encoding.scalability_mode
    if encoding.HasField("max_bitrate"):
        json["maxBitrate"] = encoding.max_bitrate
    return json


def _parameters_msg_to_json(parameters: rtp.RtpParameters) -> dict[str, Any]:
    json: dict[str, Any] = {}
    if parameters.mid:
        json["mid"] = parameters.mid
    codecs = []
    for codec in parameters.codecs:
        codec_json: dict[str, Any] = {
            "mimeType": codec.mime_type,
            "payloadType": codec.payload_type,
            "clockRate": codec.clock_rate,
        }
        if codec.HasField("channels"):
            codec_json["channels"] = codec.channels
        codec_json["parameters"] = _parameters_to_json(codec.parameters)
        codec_json["rtcpFeedback"] = _feedback_to_json(codec.rtcp_feedback)
        codecs.append(codec_json)
    json["codecs"] = codecs
    json["headerExtensions"] = [
        {"uri": e.uri, "id": e.id, "encrypt": e.encrypt, "parameters": _parameters_to_json(e.parameters)}
        for e in parameters.header_extensions
    ]
    json["encodings"] = [_encoding_to_json(encoding) for encoding in parameters.encodings]
    if parameters.HasField("rtcp"):
        rtcp: dict[str, Any] = {}
        if parameters.rtcp.cname:
            rtcp["cname"] = parameters.rtcp.cname
        if parameters.rtcp.HasField("reduced_size"):
            rtcp["reducedSize"] = parameters.rtcp.reduced_size
        json["rtcp"] = rtcp
    if parameters.msid:
        json["msid"] = parameters.msid
    return json


def _ice_parameters_to_json(ice: transport_pb2.IceParameters) -> dict[str, Any]:
    return {"usernameFragment": ice.username_fragment, "password": ice.password, "iceLite": ice.ice_lite}


def _ice_candidate_to_json(candidate: transport_pb2.IceCandidate) -> dict[str, Any]:
    tcp = candidate.protocol == transport_pb2.TCP
    json: dict[str, Any] = {
        "foundation": candidate.foundation,
        "priority": candidate.priority,
        # mediasoup-client 3.x reads "address"; older releases read "ip": both are given.
        "ip": candidate.address,
        "address": candidate.address,
        "protocol": "tcp" if tcp else "udp",
        "port": candidate.port,
        "type": candidate.type or "host",
    }
    if tcp:
        # RFC 6544 §4.5: the worker only accepts connections.
        json["tcpType"] = candidate.tcp_type or "passive"
    return json


def _dtls_parameters_to_json(dtls: transport_pb2.DtlsParameters) -> dict[str, Any]:
    return {
        "role": _ROLE_NAMES.get(dtls.role, "auto"),
        "fingerprints": [{"algorithm": f.algorithm, "value": f.value} for f in dtls.fingerprints],
    }


def _transport_options_to_json(transport: transport_pb2.WebRtcTransportInfo) -> dict[str, Any]:
    """``{id, iceParameters, iceCandidates, dtlsParameters}`` for ``device.createSendTransport``."""
    return {
        "id": transport.id,
        "iceParameters": _ice_parameters_to_json(transport.ice_parameters),
        "iceCandidates": [_ice_candidate_to_json(c) for c in transport.ice_candidates],
        "dtlsParameters": _dtls_parameters_to_json(transport.dtls_parameters),
    }


def _tuple_to_json(tuple_: transport_pb2.TransportTuple) -> dict[str, Any]:
    return {
        "localAddress": tuple_.local_address,
        "localPort": tuple_.local_port,
        "remoteAddress": tuple_.remote_address,
        "remotePort": tuple_.remote_port,
        "protocol": "tcp" if tuple_.protocol == transport_pb2.TCP else "udp",
    }


def layers_to_json(layers: consumer_pb2.ConsumerLayers | None) -> dict[str, Any]:
    """``{spatialLayer, temporalLayer}``: temporalLayer null when unset, both null for None."""
    if layers is None:
        return {"spatialLayer": None, "temporalLayer": None}
    return {
        "spatialLayer": layers.spatial_layer,
        "temporalLayer": layers.temporal_layer if layers.HasField("temporal_layer") else None,
    }


def _consumer_score_to_json(score: consumer_pb2.ConsumerScore) -> dict[str, Any]:
    return {"score": score.score, "producerScore": score.producer_score, "producerScores": list(score.producer_scores)}


def _producer_score_to_json(score: producer_pb2.ProducerScore) -> list[dict[str, Any]]:
    entries = []
    for stream in score.scores:
        entry: dict[str, Any] = {"encodingIdx": stream.encoding_idx, "ssrc": stream.ssrc}
        if stream.rid:
            entry["rid"] = stream.rid
        entry["score"] = stream.score
        entries.append(entry)
    return entries


def _stream_stats_to_json(stream: rtp_stream_pb2.RtpStreamStats) -> dict[str, Any]:
    json: dict[str, Any] = {"type": stream.type, "timestamp": stream.timestamp_ms, "ssrc": stream.ssrc}
    if stream.rtx_ssrc:
        json["rtxSsrc"] = stream.rtx_ssrc
    if stream.rid:
        json["rid"] = stream.rid
    json.update(
        kind=kind_name(stream.kind),
        mimeType=stream.mime_type,
        packetCount=stream.packet_count,
        byteCount=stream.byte_count,
        packetsLost=stream.packets_lost,
        fractionLost=stream.fraction_lost,
        packetsDiscarded=stream.packets_discarded,
        packetsRetransmitted=stream.packets_retransmitted,
        packetsRepaired=stream.packets_repaired,
        nackCount=stream.nack_count,
        nackPacketCount=stream.nack_packet_count,
        pliCount=stream.pli_count,
        firCount=stream.fir_count,
        score=stream.score,
        bitrate=stream.bitrate,
        roundTripTime=stream.round_trip_time,
        jitter=stream.jitter,
    )
    return json


def _consumer_stats_to_json(stats: consumer_pb2.ConsumerStats) -> dict[str, Any]:
    return {
        "consumerId": stats.consumer_id,
        "timestamp": stats.timestamp_ms,
        "packetsSent": stats.packets_sent,
        "bytesSent": stats.bytes_sent,
        "keyFrameRequestsReceived": stats.key_frame_requests_received,
        "currentLayers": layers_to_json(stats.current_layers if stats.HasField("current_layers") else None),
        "streams": [_stream_stats_to_json(stream) for stream in stats.streams],
    }


def _producer_stats_to_json(stats: producer_pb2.ProducerStats) -> dict[str, Any]:
    return {
        "producerId": stats.producer_id,
        "timestamp": stats.timestamp_ms,
        "packetsReceived": stats.packets_received,
        "bytesReceived": stats.bytes_received,
        "keyFrameRequestsSent": stats.key_frame_requests_sent,
        "streams": [_stream_stats_to_json(stream) for stream in stats.streams],
    }


def _consume_reply_to_json(reply: consumer_pb2.TransportConsumeResponse) -> dict[str, Any]:
    """``{id, producerId, kind, rtpParameters}``: what mediasoup-client's ``transport.consume`` takes."""
    return {
        "id": reply.consumer_id,
        "producerId": reply.producer_id,
        "kind": kind_name(reply.kind),
        "rtpParameters": _parameters_msg_to_json(reply.rtp_parameters),
    }


_WRITERS: dict[str, Callable[[Any], Any]] = {
    "sluice.v1.RtpCapabilities": _capabilities_to_json,
    "sluice.v1.RtpCodecCapability": _codec_capability_to_json,
    "sluice.v1.RtpHeaderExtension": _header_extension_to_json,
    "sluice.v1.RtpParameters": _parameters_msg_to_json,
    "sluice.v1.RtpEncodingParameters": _encoding_to_json,
    "sluice.v1.IceParameters": _ice_parameters_to_json,
    "sluice.v1.IceCandidate": _ice_candidate_to_json,
    "sluice.v1.DtlsParameters": _dtls_parameters_to_json,
    "sluice.v1.WebRtcTransportInfo": _transport_options_to_json,
    "sluice.v1.TransportTuple": _tuple_to_json,
    "sluice.v1.ConsumerLayers": layers_to_json,
    "sluice.v1.ConsumerScore": _consumer_score_to_json,
    "sluice.v1.ProducerScore": _producer_score_to_json,
    "sluice.v1.RtpStreamStats": _stream_stats_to_json,
    "sluice.v1.ConsumerStats": _consumer_stats_to_json,
    "sluice.v1.ProducerStats": _producer_stats_to_json,
    "sluice.v1.TransportConsumeResponse": _consume_reply_to_json,
}


def to_client_json(message: Message) -> Any:
    """The mediasoup-client JSON of a message (a dict, or a list for a producer's score)."""
    writer = _WRITERS.get(message.DESCRIPTOR.full_name)
    if writer is None:
        raise TypeError(f"no mediasoup-client JSON for {message.DESCRIPTOR.full_name}")
    return writer(message)


# ---- JSON to protobuf


def _parameters_from_json(owner: JsonObject, member: str) -> dict[str, rtp.ParameterValue]:
    values: dict[str, rtp.ParameterValue] = {}
    parameters = owner.optional_object(member)
    if parameters is None:
        return values
    for name, value, path in parameters.members():
        if isinstance(value, str):
            values[name] = rtp.ParameterValue(string_value=value)
        elif is_number(value):
            values[name] = rtp.ParameterValue(int_value=integral(value, path))
        else:
            raise ClientJsonError(path, "a codec parameter is a string or a number")
    return values


def _feedback_from_json(json: Any, path: str) -> rtp.RtcpFeedback:
    feedback = JsonObject(json, path)
    message = rtp.RtcpFeedback(type=feedback.required_string("type"))
    parameter = feedback.optional_string("parameter")
    if parameter is not None:
        message.parameter = parameter
    return message


def _codec_capability_from_json(json: Any, path: str = "") -> rtp.RtpCodecCapability:
    codec = JsonObject(json, path)
    message = rtp.RtpCodecCapability(
        mime_type=codec.required_string("mimeType"), clock_rate=codec.required_uint32("clockRate")
    )
    kind = codec.optional_string("kind")
    if kind is not None:
        message.kind = kind_of(kind, codec.path("kind"))
    preferred = codec.optional_uint32("preferredPayloadType")
    if preferred is not None:
        message.preferred_payload_type = preferred
    channels = codec.optional_uint32("channels")
    if channels is not None:
        message.channels = channels
    for name, value in _parameters_from_json(codec, "parameters").items():
        message.parameters[name].CopyFrom(value)
    for element, element_path in codec.elements("rtcpFeedback"):
        message.rtcp_feedback.append(_feedback_from_json(element, element_path))
    return message


def _header_extension_from_json(json: Any, path: str) -> rtp.RtpHeaderExtension:
    extension = JsonObject(json, path)
    message = rtp.RtpHeaderExtension(
        uri=extension.required_string("uri"), preferred_id=extension.required_uint32("preferredId")
    )
    kind = extension.optional_string("kind")
    if kind is not None:
        message.kind = kind_of(kind, extension.path("kind"))
    encrypt = extension.optional_boolean("preferredEncrypt")
    if encrypt is not None:
        message.preferred_encrypt = encrypt
    direction = extension.optional_string("direction")
    if direction is not None:
        if direction not in _DIRECTIONS:
            raise ClientJsonError(extension.path("direction"), f'unknown direction "{direction}"')
        message.direction = _DIRECTIONS[direction]
    return message


def _capabilities_from_json(json: Any, path: str = "") -> rtp.RtpCapabilities:
    root = JsonObject(json, path)
    message = rtp.RtpCapabilities()
    for element, element_path in root.elements("codecs"):
        message.codecs.append(_codec_capability_from_json(element, element_path))
    for element, element_path in root.elements("headerExtensions"):
        message.header_extensions.append(_header_extension_from_json(element, element_path))
    return message


def _encoding_from_json(json: Any, path: str = "") -> rtp.RtpEncodingParameters:
    encoding = JsonObject(json, path)
    message = rtp.RtpEncodingParameters()
    ssrc = encoding.optional_uint32("ssrc")
    if ssrc is not None:
        message.ssrc = ssrc
    rid = encoding.optional_string("rid")
    if rid is not None:
        message.rid = rid
    payload_type = encoding.optional_uint32("codecPayloadType")
    if payload_type is not None:
        message.codec_payload_type = payload_type
    rtx = encoding.optional_object("rtx")
    if rtx is not None:
        message.rtx.ssrc = rtx.required_uint32("ssrc")
    dtx = encoding.optional_boolean("dtx")
    if dtx is not None:
        message.dtx = dtx
    mode = encoding.optional_string("scalabilityMode")
    if mode is not None:
        message.scalability_mode = mode
    max_bitrate = encoding.optional_uint32("maxBitrate")
    if max_bitrate is not None:
        message.max_bitrate = max_bitrate
    return message


def _parameters_msg_from_json(json: Any, path: str = "") -> rtp.RtpParameters:
    root = JsonObject(json, path)
    message = rtp.RtpParameters()
    mid = root.optional_string("mid")
    if mid is not None:
        message.mid = mid
    root.require_array("codecs")
    for element, element_path in root.elements("codecs"):
        codec = JsonObject(element, element_path)
        codec_message = message.codecs.add(
            mime_type=codec.required_string("mimeType"),
            payload_type=codec.required_uint32("payloadType"),
            clock_rate=codec.required_uint32("clockRate"),
        )
        channels = codec.optional_uint32("channels")
        if channels is not None:
            codec_message.channels = channels
        for name, value in _parameters_from_json(codec, "parameters").items():
            codec_message.parameters[name].CopyFrom(value)
        for feedback, feedback_path in codec.elements("rtcpFeedback"):
            codec_message.rtcp_feedback.append(_feedback_from_json(feedback, feedback_path))
    for element, element_path in root.elements("headerExtensions"):
        extension = JsonObject(element, element_path)
        extension_message = message.header_extensions.add(
            uri=extension.required_string("uri"), id=extension.required_uint32("id")
        )
        encrypt = extension.optional_boolean("encrypt")
        if encrypt is not None:
            extension_message.encrypt = encrypt
        for name, value in _parameters_from_json(extension, "parameters").items():
            extension_message.parameters[name].CopyFrom(value)
    for element, element_path in root.elements("encodings"):
        message.encodings.append(_encoding_from_json(element, element_path))
    rtcp = root.optional_object("rtcp")
    if rtcp is not None:
        message.rtcp.SetInParent()
        cname = rtcp.optional_string("cname")
        if cname is not None:
            message.rtcp.cname = cname
        reduced_size = rtcp.optional_boolean("reducedSize")
        if reduced_size is not None:
            message.rtcp.reduced_size = reduced_size
    msid = root.optional_string("msid")
    if msid is not None:
        message.msid = msid
    return message


def _dtls_parameters_from_json(json: Any, path: str = "") -> transport_pb2.DtlsParameters:
    """The browser's DTLS parameters from mediasoup-client's transport ``connect`` event."""
    dtls = JsonObject(json, path)
    role = dtls.optional_string("role")
    role = "auto" if role is None else role
    if role not in _ROLES:
        raise ClientJsonError(dtls.path("role"), f'unknown role "{role}"')
    message = transport_pb2.DtlsParameters(role=_ROLES[role])
    dtls.require_array("fingerprints")
    for element, element_path in dtls.elements("fingerprints"):
        fingerprint = JsonObject(element, element_path)
        message.fingerprints.add(
            algorithm=fingerprint.required_string("algorithm"), value=fingerprint.required_string("value")
        )
    if not message.fingerprints:
        raise ClientJsonError(dtls.path("fingerprints"), "expected at least one fingerprint")
    return message


def _ice_parameters_from_json(json: Any, path: str = "") -> transport_pb2.IceParameters:
    ice = JsonObject(json, path)
    message = transport_pb2.IceParameters(
        username_fragment=ice.required_string("usernameFragment"), password=ice.required_string("password")
    )
    lite = ice.optional_boolean("iceLite")
    if lite is not None:
        message.ice_lite = lite
    return message


def _ice_candidate_from_json(json: Any, path: str = "") -> transport_pb2.IceCandidate:
    candidate = JsonObject(json, path)
    address = candidate.optional_string("address")
    if address is None:
        address = candidate.required_string("ip")
    protocol = candidate.required_string("protocol")
    if protocol not in ("udp", "tcp"):
        raise ClientJsonError(candidate.path("protocol"), f'protocol is "udp" or "tcp", not "{protocol}"')
    message = transport_pb2.IceCandidate(
        foundation=candidate.required_string("foundation"),
        priority=candidate.required_uint32("priority"),
        address=address,
        protocol=transport_pb2.TCP if protocol == "tcp" else transport_pb2.UDP,
        port=candidate.required_uint32("port"),
        type=candidate.required_string("type"),
    )
    tcp_type = candidate.optional_string("tcpType")
    if tcp_type is not None:
        message.tcp_type = tcp_type
    return message


def _transport_options_from_json(json: Any, path: str = "") -> transport_pb2.WebRtcTransportInfo:
    options = JsonObject(json, path)
    message = transport_pb2.WebRtcTransportInfo(id=options.required_string("id"))
    ice = options.optional_object("iceParameters")
    if ice is None:
        raise ClientJsonError(options.path("iceParameters"), "missing")
    message.ice_parameters.CopyFrom(_ice_parameters_from_json(json["iceParameters"], options.path("iceParameters")))
    options.require_array("iceCandidates")
    for element, element_path in options.elements("iceCandidates"):
        message.ice_candidates.append(_ice_candidate_from_json(element, element_path))
    if options.optional_object("dtlsParameters") is None:
        raise ClientJsonError(options.path("dtlsParameters"), "missing")
    message.dtls_parameters.CopyFrom(
        _dtls_parameters_from_json(json["dtlsParameters"], options.path("dtlsParameters"))
    )
    return message


def _layers_from_json(json: Any, path: str = "") -> consumer_pb2.ConsumerLayers:
    layers = JsonObject(json, path)
    message = consumer_pb2.ConsumerLayers(spatial_layer=layers.required_uint32("spatialLayer"))
    temporal = layers.optional_uint32("temporalLayer")
    if temporal is not None:
        message.temporal_layer = temporal
    return message


_READERS: dict[str, Callable[[Any, str], Any]] = {
    "sluice.v1.RtpCapabilities": _capabilities_from_json,
    "sluice.v1.RtpCodecCapability": _codec_capability_from_json,
    "sluice.v1.RtpParameters": _parameters_msg_from_json,
    "sluice.v1.RtpEncodingParameters": _encoding_from_json,
    "sluice.v1.IceParameters": _ice_parameters_from_json,
    "sluice.v1.IceCandidate": _ice_candidate_from_json,
    "sluice.v1.DtlsParameters": _dtls_parameters_from_json,
    "sluice.v1.WebRtcTransportInfo": _transport_options_from_json,
    "sluice.v1.ConsumerLayers": _layers_from_json,
}


def from_client_json(message_type: type[M], json: Any, path: str = "") -> M:
    """Reads mediasoup-client JSON (a parsed value, or its text) into ``message_type``; errors
    name the bad value's path below ``path``."""
    reader = _READERS.get(message_type.DESCRIPTOR.full_name)
    if reader is None:
        raise TypeError(f"no mediasoup-client JSON reader for {message_type.DESCRIPTOR.full_name}")
    if isinstance(json, (str, bytes)):
        try:
            json = _json.loads(json)
        except ValueError as error:
            raise ClientJsonError("", f"not JSON: {error}") from None
    message: M = reader(json, path)
    return message


def coerce(message_type: type[M], value: M | Mapping[str, Any], path: str = "") -> M:
    """A message given as itself or as mediasoup-client JSON (what the SDK's methods accept)."""
    if isinstance(value, message_type):
        return value
    if isinstance(value, Message):
        raise TypeError(f"expected {message_type.DESCRIPTOR.full_name}, got {value.DESCRIPTOR.full_name}")
    return from_client_json(message_type, value, path)
