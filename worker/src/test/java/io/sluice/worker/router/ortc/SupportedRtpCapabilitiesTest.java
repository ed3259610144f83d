package io.sluice.worker.router.ortc;

import io.sluice.worker.testsupport.ApiOrtc;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.RtcpFeedback;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.api.v1.RtpHeaderExtension;
import java.util.List;
import org.junit.jupiter.api.Test;

class SupportedRtpCapabilitiesTest {

    @Test
    void rfc3551_section6_listsMediasoupsCodecsWithTheirStaticPayloadTypes() {
        List<String> rows = ApiOrtc.api(SupportedRtpCapabilities.get()).getCodecsList().stream()
                .map(SupportedRtpCapabilitiesTest::row)
                .toList();
        assertThat(rows).containsExactly(
                "audio audio/opus 48000/2 pt=- {}",
                "audio audio/multiopus 48000/4 pt=- {channel_mapping=0,1,2,3, coupled_streams=2, num_streams=2}",
                "audio audio/multiopus 48000/6 pt=- {channel_mapping=0,4,1,2,3,5, coupled_streams=2, num_streams=4}",
                "audio audio/multiopus 48000/8 pt=- {channel_mapping=0,6,1,2,3,4,5,7, coupled_streams=3, num_streams=5}",
                "audio audio/PCMU 8000/1 pt=0 {}",
                "audio audio/PCMA 8000/1 pt=8 {}",
                "audio audio/ISAC 32000/1 pt=- {}",
                "audio audio/ISAC 16000/1 pt=- {}",
                "audio audio/G722 8000/1 pt=9 {}",
                "audio audio/iLBC 8000/1 pt=- {}",
                "audio audio/SILK 24000/1 pt=- {}",
                "audio audio/SILK 16000/1 pt=- {}",
                "audio audio/SILK 12000/1 pt=- {}",
                "audio audio/SILK 8000/1 pt=- {}",
                "audio audio/CN 32000/1 pt=13 {}",
                "audio audio/CN 16000/1 pt=13 {}",
                "audio audio/CN 8000/1 pt=13 {}",
                "audio audio/telephone-event 48000/1 pt=- {}",
                "audio audio/telephone-event 32000/1 pt=- {}",
                "audio audio/telephone-event 16000/1 pt=- {}",
                "audio audio/telephone-event 8000/1 pt=- {}",
                "video video/VP8 90000/- pt=- {}",
                "video video/VP9 90000/- pt=- {}",
                "video video/H264 90000/- pt=- {level-asymmetry-allowed=1}",
                "video video/AV1 90000/- pt=- {}");
    }

    @Test
    void videoCodecsGetNackPliFirRembAndTransportCc() {
        for (RtpCodecCapability codec : ApiOrtc.api(SupportedRtpCapabilities.get()).getCodecsList()) {
            List<String> feedback = codec.getRtcpFeedbackList().stream().map(SupportedRtpCapabilitiesTest::feedback).toList();
            if (codec.getKind() == MediaKind.VIDEO) {
                assertThat(feedback).as(codec.getMimeType())
                        .containsExactly("nack", "nack pli", "ccm fir", "goog-remb", "transport-cc");
            } else if (codec.getMimeType().endsWith("opus")) {
                assertThat(feedback).as(codec.getMimeType()).containsExactly("nack", "transport-cc");
            } else if (codec.getMimeType().equals("audio/CN") || codec.getMimeType().equals("audio/telephone-event")) {
                assertThat(feedback).as(codec.getMimeType()).isEmpty();
            } else {
                assertThat(feedback).as(codec.getMimeType()).containsExactly("transport-cc");
            }
        }
    }

    @Test
    void headerExtensionsHaveMediasoupsIdsAndDirections() {
        List<String> rows = ApiOrtc.api(SupportedRtpCapabilities.get()).getHeaderExtensionsList().stream()
                .map(SupportedRtpCapabilitiesTest::row)
                .toList();
        assertThat(rows).containsExactly(
                "1 AUDIO SENDRECV urn:ietf:params:rtp-hdrext:sdes:mid",
                "1 VIDEO SENDRECV urn:ietf:params:rtp-hdrext:sdes:mid",
                "2 VIDEO RECVONLY urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id",
                "3 VIDEO RECVONLY urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id",
                "4 AUDIO SENDRECV http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
                "4 VIDEO SENDRECV http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
                "5 AUDIO RECVONLY http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
                "5 VIDEO SENDRECV http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
                "6 AUDIO SENDRECV urn:ietf:params:rtp-hdrext:ssrc-audio-level",
                "7 VIDEO RECVONLY https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension",
                "8 VIDEO SENDRECV urn:3gpp:video-orientation",
                "9 VIDEO SENDRECV urn:ietf:params:rtp-hdrext:toffset",
                "10 AUDIO SENDRECV http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time",
                "10 VIDEO SENDRECV http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time",
                "11 AUDIO SENDRECV http://www.webrtc.org/experiments/rtp-hdrext/playout-delay",
                "11 VIDEO SENDRECV http://www.webrtc.org/experiments/rtp-hdrext/playout-delay");
        assertThat(ApiOrtc.api(SupportedRtpCapabilities.get()).getHeaderExtensionsList())
                .noneMatch(RtpHeaderExtension::getPreferredEncrypt);
    }

    static String row(RtpCodecCapability codec) {
        return (codec.getKind() == MediaKind.AUDIO ? "audio " : "video ") + codec.getMimeType() + " "
                + codec.getClockRate() + "/" + (codec.hasChannels() ? codec.getChannels() : "-")
                + " pt=" + (codec.hasPreferredPayloadType() ? codec.getPreferredPayloadType() : "-")
                + " " + new java.util.TreeMap<>(codec.getParametersMap()).entrySet().stream()
                        .map(e -> e.getKey() + "=" + (e.getValue().hasIntValue()
                                ? String.valueOf(e.getValue().getIntValue())
                                : e.getValue().getStringValue()))
                        .toList().toString().replace('[', '{').replace(']', '}');
    }

    private static String row(RtpHeaderExtension extension) {
        return extension.getPreferredId() + " " + extension.getKind() + " " + extension.getDirection() + " "
                + extension.getUri();
    }

    static String feedback(RtcpFeedback feedback) {
        return feedback.getParameter().isEmpty() ? feedback.getType() : feedback.getType() + " " + feedback.getParameter();
    }
}
