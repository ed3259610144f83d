package io.sluice.worker.control.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sluice.api.v1.DtlsFingerprint;
import io.sluice.api.v1.DtlsParameters;
import io.sluice.api.v1.DtlsRole;
import io.sluice.api.v1.NumSctpStreams;
import io.sluice.api.v1.PortRange;
import io.sluice.api.v1.RouterCreatePlainTransportRequest;
import io.sluice.api.v1.RouterCreateWebRtcTransportRequest;
import io.sluice.api.v1.SrtpCryptoSuite;
import io.sluice.api.v1.SrtpParameters;
import io.sluice.api.v1.TransportListenInfo;
import io.sluice.api.v1.TransportProtocol;
import io.sluice.api.v1.TransportTuple;
import io.sluice.worker.ice.TransportTuple.Protocol;
import io.sluice.worker.router.IceCandidate;
import io.sluice.worker.router.ListenInfo;
import io.sluice.worker.router.RemoteDtlsParameters;
import io.sluice.worker.router.SctpOptions;
import io.sluice.worker.router.SluiceException;
import io.sluice.worker.router.TupleInfo;
import io.sluice.worker.srtp.SrtpProfile;
import org.junit.jupiter.api.Test;

/** The transports' requests in and tuples and candidates out, with the API's defaults and its unknown enum values. */
class TransportMapperTest {

    @Test
    void aListenInfoKeepsItsUint32PortsUnsignedAndItsRangeOnlyWhenGiven() {
        ListenInfo mapped = ListenInfoMapper.toDomain(TransportListenInfo.newBuilder()
                .setProtocol(TransportProtocol.TCP).setIp("127.0.0.1").setAnnouncedAddress("media.example")
                .setPort(-1).setPortRange(PortRange.newBuilder().setMin(40000).setMax(-2)).build());

        assertThat(mapped).isEqualTo(new ListenInfo(Protocol.TCP, "127.0.0.1", "media.example", 0xFFFF_FFFFL,
                new ListenInfo.PortBounds(40000, 0xFFFF_FFFEL)));
        assertThat(ListenInfoMapper.toDomain(TransportListenInfo.getDefaultInstance()))
                .as("no protocol is neither UDP nor TCP: the router refuses it where it must")
                .isEqualTo(new ListenInfo(null, "", "", 0, null));
    }

    @Test
    void unsetEnableFlagsMeanTrueAndSetOnesAreKept() {
        var defaults = TransportMapper.toDomain(RouterCreateWebRtcTransportRequest.newBuilder().setRouterId("r").build());
        var udpOnly = TransportMapper.toDomain(RouterCreateWebRtcTransportRequest.newBuilder().setRouterId("r")
                .setEnableTcp(false).setPreferUdp(true).build());

        assertThat(defaults.enableUdp()).isTrue();
        assertThat(defaults.enableTcp()).isTrue();
        assertThat(defaults.listenInfos()).isEmpty();
        assertThat(udpOnly.enableTcp()).isFalse();
        assertThat(udpOnly.preferUdp()).isTrue();
    }

    @Test
    void sctpOptionsAreMappedUncheckedAndAbsentWithoutEnableSctp() {
        var plain = TransportMapper.toDomain(RouterCreateWebRtcTransportRequest.newBuilder().setRouterId("r").build());
        var defaults = TransportMapper.toDomain(RouterCreateWebRtcTransportRequest.newBuilder().setRouterId("r")
                .setEnableSctp(true).build());
        var given = TransportMapper.toDomain(RouterCreateWebRtcTransportRequest.newBuilder().setRouterId("r")
                .setEnableSctp(true).setNumSctpStreams(NumSctpStreams.newBuilder().setOs(0).setMis(-1))
                .setMaxSctpMessageSize(-1).build());

        assertThat(plain.sctp()).isNull();
        assertThat(defaults.sctp()).isEqualTo(new SctpOptions(null, null, null));
        assertThat(given.sctp()).isEqualTo(new SctpOptions(0L, 0xFFFF_FFFFL, 0xFFFF_FFFFL));
    }

    @Test
    void thePeersDtlsRoleMapsAndAnUnknownOneIsRefused() throws Exception {
        DtlsParameters client = DtlsParameters.newBuilder().setRole(DtlsRole.CLIENT)
                .addFingerprints(DtlsFingerprint.newBuilder().setAlgorithm("sha-256").setValue("AB:CD")).build();

        RemoteDtlsParameters mapped = TransportMapper.toDomain(client);

        assertThat(mapped.role()).isEqualTo(RemoteDtlsParameters.Role.CLIENT);
        assertThat(mapped.fingerprints()).containsExactly(new RemoteDtlsParameters.Fingerprint("sha-256", "AB:CD"));
        assertThat(TransportMapper.toDomain(DtlsParameters.getDefaultInstance()).role())
                .isEqualTo(RemoteDtlsParameters.Role.AUTO);
        SluiceException unknown = catchThrowableOfType(SluiceException.class,
                () -> TransportMapper.toDomain(DtlsParameters.newBuilder().setRoleValue(9).build()));
        assertThat(unknown.code()).isEqualTo(SluiceException.Code.INVALID_ARGUMENT);
        assertThat(unknown.getMessage()).isEqualTo("unknown DTLS role UNRECOGNIZED");
    }

    @Test
    void aPlainTransportsSuiteDefaultsToAesCmSha1_80AndAnUnknownOneIsRefused() throws Exception {
        var options = PlainTransportMapper.toDomain(RouterCreatePlainTransportRequest.newBuilder().setEnableSrtp(true)
                .build());
        var key = PlainTransportMapper.toDomain(SrtpParameters.newBuilder()
                .setCryptoSuite(SrtpCryptoSuite.AEAD_AES_256_GCM).setKeyBase64("a2V5").build(), "srtp_parameters");

        assertThat(options.srtpProfile()).isEqualTo(SrtpProfile.AES128_CM_HMAC_SHA1_80);
        assertThat(options.rtcpMux()).as("rtcp_mux unset").isTrue();
        assertThat(options.rtcpListenInfo()).isNull();
        assertThat(key.profile()).isEqualTo(SrtpProfile.AEAD_AES_256_GCM);
        assertThat(PlainTransportMapper.toProto(key.profile())).isEqualTo(SrtpCryptoSuite.AEAD_AES_256_GCM);
        assertThat(PlainTransportMapper.toDomain(RouterCreatePlainTransportRequest.newBuilder()
                .setSrtpCryptoSuiteValue(99).build()).srtpProfile())
                .as("the suite is read only with enable_srtp").isNull();
        SluiceException unknown = catchThrowableOfType(SluiceException.class, () -> PlainTransportMapper.toDomain(
                RouterCreatePlainTransportRequest.newBuilder().setEnableSrtp(true).setSrtpCryptoSuiteValue(99).build()));
        assertThat(unknown.field()).isEqualTo("srtp_crypto_suite");
    }

    @Test
    void aTupleLeavesAnUnknownEndUnset() {
        TransportTuple localOnly = TransportMapper.toProto(new TupleInfo(Protocol.UDP, "127.0.0.1", 40000, null, 0));
        TransportTuple both = TransportMapper.toProto(new TupleInfo(Protocol.TCP, "127.0.0.1", 40000, "127.0.0.2", 5000));

        assertThat(localOnly).isEqualTo(TransportTuple.newBuilder().setProtocol(TransportProtocol.UDP)
                .setLocalAddress("127.0.0.1").setLocalPort(40000).build());
        assertThat(both.getRemoteAddress()).isEqualTo("127.0.0.2");
        assertThat(both.getRemotePort()).isEqualTo(5000);
        assertThat(both.getProtocol()).isEqualTo(TransportProtocol.TCP);
    }

    @Test
    void aCandidatesUint32PriorityAndTcpTypeGoOnTheWire() {
        long priority = (64L << 24) + (11_000L << 8) + 255;
        var candidate = TransportMapper.toProto(new IceCandidate("tcpcandidate", priority, "127.0.0.1", Protocol.TCP,
                40000, "host", "passive"));

        assertThat(Integer.toUnsignedLong(candidate.getPriority())).isEqualTo(priority);
        assertThat(candidate.getProtocol()).isEqualTo(TransportProtocol.TCP);
        assertThat(candidate.getTcpType()).isEqualTo("passive");
        assertThat(candidate.getType()).isEqualTo("host");
    }
}
