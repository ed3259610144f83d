package io.sluice.worker.control.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.ParameterValue;
import io.sluice.api.v1.RtcpFeedback;
import io.sluice.api.v1.RtcpParameters;
import io.sluice.api.v1.RtpCapabilities;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpEncodingParameters;
import io.sluice.api.v1.RtpHeaderExtension;
import io.sluice.api.v1.RtpHeaderExtensionDirection;
import io.sluice.api.v1.RtpHeaderExtensionParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.api.v1.RtxParameters;
import io.sluice.worker.router.SluiceException;
import io.sluice.worker.router.ortc.Ortc;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The API's RTP messages survive a trip through the router's records unchanged, presence and order included. */
class RtpParametersMapperTest {

    private static final ParameterValue NUMBER = ParameterValue.newBuilder().setIntValue(1).build();
    private static final ParameterValue TEXT = ParameterValue.newBuilder().setStringValue("42e01f").build();
    private static final ParameterValue NO_VALUE = ParameterValue.getDefaultInstance();

    @Test
    void rtpParametersWithEveryFieldSetRoundTrip() {
        RtpParameters parameters = RtpParameters.newBuilder()
                .setMid("0")
                .addCodecs(RtpCodecParameters.newBuilder().setMimeType("video/H264").setPayloadType(102)
                        .setClockRate(90000)
                        .putParameters("profile-level-id", TEXT)
                        .putParameters("packetization-mode", NUMBER)
                        .putParameters("no-value", NO_VALUE)
                        .addRtcpFeedback(RtcpFeedback.newBuilder().setType("nack").setParameter("pli")))
                .addCodecs(RtpCodecParameters.newBuilder().setMimeType("audio/opus").setPayloadType(111)
                        .setClockRate(48000).setChannels(2))
                .addHeaderExtensions(RtpHeaderExtensionParameters.newBuilder().setUri("urn:ietf:params:rtp-hdrext:sdes:mid")
                        .setId(4).setEncrypt(true).putParameters("x", NUMBER))
                .addEncodings(RtpEncodingParameters.newBuilder().setSsrc(0xcafe_f00d).setRid("r0")
                        .setCodecPayloadType(102).setRtx(RtxParameters.newBuilder().setSsrc(0xffff_fffe))
                        .setDtx(true).setScalabilityMode("L1T3").setMaxBitrate(0x8000_0000))
                .addEncodings(RtpEncodingParameters.newBuilder().setRid("r1").setRtx(RtxParameters.getDefaultInstance()))
                .setRtcp(RtcpParameters.newBuilder().setCname("cname").setReducedSize(false))
                .setMsid("stream track")
                .build();

        assertThat(RtpParametersMapper.toProto(RtpParametersMapper.toDomain(parameters))).isEqualTo(parameters);
    }

    @Test
    void absentRtcpAndAbsentReducedSizeStayAbsent() {
        RtpParameters withoutRtcp = RtpParameters.newBuilder()
                .addCodecs(RtpCodecParameters.newBuilder().setMimeType("video/VP8").setPayloadType(96).setClockRate(90000))
                .build();
        RtpParameters withoutReducedSize = withoutRtcp.toBuilder()
                .setRtcp(RtcpParameters.newBuilder().setCname("c"))
                .build();

        assertThat(RtpParametersMapper.toDomain(withoutRtcp).rtcp()).isNull();
        assertThat(RtpParametersMapper.toProto(RtpParametersMapper.toDomain(withoutRtcp))).isEqualTo(withoutRtcp);
        assertThat(RtpParametersMapper.toDomain(withoutReducedSize).rtcp().reducedSize()).isNull();
        assertThat(RtpParametersMapper.toProto(RtpParametersMapper.toDomain(withoutReducedSize)))
                .isEqualTo(withoutReducedSize);
    }

    @Test
    void codecParametersKeepTheirOrderAndType() {
        RtpCodecCapability codec = RtpCodecCapability.newBuilder().setMimeType("video/H264").setClockRate(90000)
                .putParameters("z", NUMBER)
                .putParameters("a", TEXT)
                .putParameters("m", NO_VALUE)
                .build();

        var mapped = RtpParametersMapper.toDomain(codec);

        assertThat(mapped.parameters().keySet()).containsExactly("z", "a", "m");
        assertThat(mapped.parameters().get("z").intValue()).isEqualTo(1L);
        assertThat(mapped.parameters().get("a").stringValue()).isEqualTo("42e01f");
        assertThat(mapped.parameters().get("m").hasValue()).isFalse();
        assertThat(mapped.kind()).isNull();
        assertThat(mapped.hasPreferredPayloadType()).isFalse();
        assertThat(RtpParametersMapper.toProto(mapped)).isEqualTo(codec);
    }

    @Test
    void capabilitiesWithEveryFieldSetRoundTrip() {
        RtpCapabilities capabilities = RtpCapabilities.newBuilder()
                .addCodecs(RtpCodecCapability.newBuilder().setKind(MediaKind.AUDIO).setMimeType("audio/opus")
                        .setPreferredPayloadType(100).setClockRate(48000).setChannels(2)
                        .putParameters("useinbandfec", NUMBER)
                        .addRtcpFeedback(RtcpFeedback.newBuilder().setType("transport-cc")))
                .addCodecs(RtpCodecCapability.newBuilder().setKind(MediaKind.VIDEO).setMimeType("video/VP8")
                        .setPreferredPayloadType(0).setClockRate(90000))
                .addHeaderExtensions(RtpHeaderExtension.newBuilder().setKind(MediaKind.VIDEO).setUri("urn:x")
                        .setPreferredId(3).setPreferredEncrypt(true).setDirection(RtpHeaderExtensionDirection.RECVONLY))
                .addHeaderExtensions(RtpHeaderExtension.newBuilder().setUri("urn:y").setPreferredId(4))
                .build();

        assertThat(RtpParametersMapper.toProto(RtpParametersMapper.toDomain(capabilities))).isEqualTo(capabilities);
    }

    @Test
    void aRoutersCapabilitiesRoundTrip() throws SluiceException {
        var capabilities = Ortc.generateRouterRtpCapabilities(RtpParametersMapper.mediaCodecs(List.of(
                RtpCodecCapability.newBuilder().setKind(MediaKind.AUDIO).setMimeType("audio/opus")
                        .setClockRate(48000).setChannels(2).build(),
                RtpCodecCapability.newBuilder().setMimeType("video/H264").setClockRate(90000)
                        .putParameters("profile-level-id", TEXT).putParameters("packetization-mode", NUMBER)
                        .build())));

        assertThat(RtpParametersMapper.toDomain(RtpParametersMapper.toProto(capabilities))).isEqualTo(capabilities);
    }

    @Test
    void aMediaCodecOfAKindTheSchemaDoesNotKnowIsInvalidArgumentNamingItsField() {
        List<RtpCodecCapability> codecs = List.of(
                RtpCodecCapability.newBuilder().setMimeType("audio/opus").setClockRate(48000).build(),
                RtpCodecCapability.newBuilder().setKindValue(7).setMimeType("video/VP8").setClockRate(90000).build());

        SluiceException error = catchThrowableOfType(SluiceException.class, () -> RtpParametersMapper.mediaCodecs(codecs));

        assertThat(error.code()).isEqualTo(SluiceException.Code.INVALID_ARGUMENT);
        assertThat(error.field()).isEqualTo("media_codecs[1].kind");
    }

    @Test
    void unspecifiedKindIsNullAndMapsBack() {
        assertThat(RtpParametersMapper.toDomain(MediaKind.MEDIA_KIND_UNSPECIFIED)).isNull();
        assertThat(RtpParametersMapper.toProto((io.sluice.worker.router.parameters.MediaKind) null))
                .isEqualTo(MediaKind.MEDIA_KIND_UNSPECIFIED);
        for (var kind : io.sluice.worker.router.parameters.MediaKind.values()) {
            assertThat(RtpParametersMapper.toDomain(RtpParametersMapper.toProto(kind))).isEqualTo(kind);
        }
    }
}
