"""Codecs and RTP parameters as mediasoup's API and mediasoup-client write them."""

MEDIA_CODECS = [
    {"kind": "audio", "mimeType": "audio/opus", "clockRate": 48000, "channels": 2},
    {"kind": "video", "mimeType": "video/VP8", "clockRate": 90000},
]

# What mediasoup-client's produce() gives for an Opus track (the browser's payload type and ids).
OPUS_PRODUCER_PARAMETERS = {
    "mid": "0",
    "codecs": [{"mimeType": "audio/opus", "payloadType": 111, "clockRate": 48000, "channels": 2,
                "parameters": {"minptime": 10, "useinbandfec": 1},
                "rtcpFeedback": [{"type": "transport-cc", "parameter": ""}]}],
    "headerExtensions": [{"uri": "urn:ietf:params:rtp-hdrext:sdes:mid", "id": 4, "encrypt": False,
                          "parameters": {}}],
    "encodings": [{"ssrc": 11111111, "dtx": False}],
    "rtcp": {"cname": "python-test", "reducedSize": True},
}

VP8_PRODUCER_PARAMETERS = {
    "mid": "1",
    "codecs": [
        {"mimeType": "video/VP8", "payloadType": 96, "clockRate": 90000, "parameters": {},
         "rtcpFeedback": [{"type": "nack", "parameter": ""}, {"type": "nack", "parameter": "pli"}]},
        {"mimeType": "video/rtx", "payloadType": 97, "clockRate": 90000, "parameters": {"apt": 96},
         "rtcpFeedback": []},
    ],
    "headerExtensions": [],
    "encodings": [{"ssrc": 22222222, "rtx": {"ssrc": 22222223}}],
    "rtcp": {"cname": "python-test"},
}

# mediasoup-client's three simulcast encodings (rid, no SSRC).
VP8_SIMULCAST_PARAMETERS = {
    "mid": "2",
    "codecs": VP8_PRODUCER_PARAMETERS["codecs"],
    "headerExtensions": [
        {"uri": "urn:ietf:params:rtp-hdrext:sdes:mid", "id": 4, "encrypt": False, "parameters": {}},
        {"uri": "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id", "id": 10, "encrypt": False, "parameters": {}},
        {"uri": "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id", "id": 11, "encrypt": False,
         "parameters": {}},
    ],
    "encodings": [{"rid": "r0", "scalabilityMode": "L1T3", "maxBitrate": 100000, "active": True},
                  {"rid": "r1", "scalabilityMode": "L1T3", "maxBitrate": 300000, "active": True},
                  {"rid": "r2", "scalabilityMode": "L1T3", "maxBitrate": 900000, "active": True}],
    "rtcp": {"cname": "python-simulcast"},
}
