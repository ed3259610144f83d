package io.sluice.worker.router.ortc;

import io.sluice.worker.testsupport.ApiOrtc;
import io.sluice.api.v1.RtcpParameters;
import io.sluice.api.v1.RtpCapabilities;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpEncodingParameters;
import io.sluice.api.v1.RtpHeaderExtensionParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.worker.router.SluiceException;
import java.util.List;

/** Router capabilities and producer parameters shaped as mediasoup-client sends them from Chromium. */
final class ProducerFixtures {

    private ProducerFixtures() {}

    /** opus 100, VP8 101 (rtx 102), VP9 103 (rtx 104), H264 42e01f mode 1 105 (rtx 106), AV1 107 (rtx 108). */
    static RtpCapabilities router() throws SluiceException {
        return ApiOrtc.generateRouterRtpCapabilities(List.of(
                MediaCodecs.opus(), MediaCodecs.vp8(), MediaCodecs.vp9(0), MediaCodecs.h264("42e01f", 1),
                MediaCodecs.av1()));
    }

    static RtpCodecParameters.Builder codec(String mimeType, int payloadType, int clockRate) {
        return RtpCodecParameters.newBuilder().setMimeType(mimeType).setPayloadType(payloadType).setClockRate(clockRate);
    }

    static RtpCodecParameters rtx(int payloadType, int apt) {
        return codec("video/rtx", payloadType, 90000).putParameters("apt", MediaCodecs.number(apt)).build();
    }

    static RtpHeaderExtensionParameters extension(String uri, int id) {
        return RtpHeaderExtensionParameters.newBuilder().setUri(uri).setId(id).build();
    }

    /** Chromium's VP8 with three simulcast encodings: browser payload types and extension ids, rids, no SSRCs. */
    static RtpParameters simulcastVp8() {
        return RtpParameters.newBuilder()
                .setMid("0")
                .addCodecs(codec("video/VP8", 96, 90000)
                        .addRtcpFeedback(ApiOrtc.api(SupportedRtpCapabilities.GOOG_REMB))
                        .addRtcpFeedback(ApiOrtc.api(SupportedRtpCapabilities.TRANSPORT_CC))
                        .addRtcpFeedback(ApiOrtc.api(SupportedRtpCapabilities.CCM_FIR))
                        .addRtcpFeedback(ApiOrtc.api(SupportedRtpCapabilities.NACK))
                        .addRtcpFeedback(ApiOrtc.api(SupportedRtpCapabilities.NACK_PLI)))
                .addCodecs(rtx(97, 96))
                .addHeaderExtensions(extension(RtpHeaderExtensionUris.MID, 4))
                .addHeaderExtensions(extension(RtpHeaderExtensionUris.RTP_STREAM_ID, 10))
                .addHeaderExtensions(extension(RtpHeaderExtensionUris.REPAIRED_RTP_STREAM_ID, 11))
                .addHeaderExtensions(extension(RtpHeaderExtensionUris.ABS_SEND_TIME, 2))
                .addHeaderExtensions(extension(RtpHeaderExtensionUris.TRANSPORT_WIDE_CC_01, 3))
                .addHeaderExtensions(extension(RtpHeaderExtensionUris.VIDEO_ORIENTATION, 13))
                .addHeaderExtensions(extension(RtpHeaderExtensionUris.TOFFSET, 14))
                .addEncodings(RtpEncodingParameters.newBuilder().setRid("r0").setScalabilityMode("L1T3").setMaxBitrate(100_000))
                .addEncodings(RtpEncodingParameters.newBuilder().setRid("r1").setScalabilityMode("L1T3").setMaxBitrate(300_000))
                .addEncodings(RtpEncodingParameters.newBuilder().setRid("r2").setScalabilityMode("L1T3").setMaxBitrate(900_000))
                .setRtcp(RtcpParameters.newBuilder().setCname("chromium-cname").setReducedSize(true))
                .setMsid("stream-1 track-1")
                .build();
    }

    /** Chromium's Opus with one SSRC-identified encoding. */
    static RtpParameters opus() {
        return RtpParameters.newBuilder()
                .setMid("1")
                .addCodecs(codec("audio/opus", 111, 48000).setChannels(2)
                        .putParameters("minptime", MediaCodecs.number(10))
                        .putParameters("useinbandfec", MediaCodecs.number(1))
                        .addRtcpFeedback(ApiOrtc.api(SupportedRtpCapabilities.TRANSPORT_CC)))
                .addHeaderExtensions(extension(RtpHeaderExtensionUris.SSRC_AUDIO_LEVEL, 1))
                .addHeaderExtensions(extension(RtpHeaderExtensionUris.MID, 4))
                .addEncodings(RtpEncodingParameters.newBuilder().setSsrc(0xcafe_f00d).setDtx(true))
                .setRtcp(RtcpParameters.newBuilder().setCname("chromium-cname"))
                .build();
    }
}
