package io.sluice.bench.load;

import io.nats.client.Connection;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.PlainTransportConnectRequest;
import io.sluice.api.v1.PlainTransportConnectResponse;
import io.sluice.api.v1.PlainTransportInfo;
import io.sluice.api.v1.RouterCreatePlainTransportRequest;
import io.sluice.api.v1.RouterCreatePlainTransportResponse;
import io.sluice.api.v1.RouterDumpRequest;
import io.sluice.api.v1.RouterDumpResponse;
import io.sluice.api.v1.RtcpParameters;
import io.sluice.api.v1.RtpCapabilities;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpEncodingParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.api.v1.SrtpCryptoSuite;
import io.sluice.api.v1.SrtpParameters;
import io.sluice.api.v1.TransportConsumeRequest;
import io.sluice.api.v1.TransportConsumeResponse;
import io.sluice.api.v1.TransportListenInfo;
import io.sluice.api.v1.TransportProduceRequest;
import io.sluice.api.v1.TransportProduceResponse;
import io.sluice.api.v1.WorkerCreateRouterRequest;
import io.sluice.api.v1.WorkerCreateRouterResponse;
import io.sluice.orchestrator.client.SluiceRequester;
import io.sluice.worker.srtp.SrtpProfile;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Builds the fan-out on the worker over NATS, as an orchestrator would: a router with VP8, a
 * comedia SRTP plain transport with a VP8 producer, and SRTP plain transports each connected to
 * one local receiver and consuming the producer. Requests go out in batches to keep setup short.
 */
final class FanOutTopology {

    private static final int BATCH = 100;
    private static final SrtpProfile PROFILE = SrtpProfile.AES128_CM_HMAC_SHA1_80;

    private final SluiceRequester requester;
    private final String workerId;
    private final SecureRandom random = new SecureRandom();
    private String routerId;
    private RtpCapabilities capabilities;
    private String producerId;
    private InetSocketAddress producerAddress;
    private int consumers;

    FanOutTopology(Connection connection, String workerId) {
        this.requester = new SluiceRequester(connection, Duration.ofSeconds(30));
        this.workerId = workerId;
    }

    /** Creates the router, the producer's transport and the producer; returns the key to send with. */
    byte[] createProducer() throws Exception {
        routerId = call("worker", "createRouter", WorkerCreateRouterRequest.newBuilder()
                .addMediaCodecs(RtpCodecCapability.newBuilder().setKind(MediaKind.VIDEO).setMimeType("video/VP8")
                        .setClockRate(90000))
                .setRoomId("fanout").build(), WorkerCreateRouterResponse.parser()).getRouterId();
        capabilities = call("router", "dump", RouterDumpRequest.newBuilder().setRouterId(routerId).build(),
                RouterDumpResponse.parser()).getRtpCapabilities();
        PlainTransportInfo sending = createTransport(true).get(30, TimeUnit.SECONDS);
        byte[] senderKey = randomKey();
        call("plainTransport", "connect", PlainTransportConnectRequest.newBuilder().setTransportId(sending.getId())
                .setSrtpParameters(srtpParameters(senderKey)).build(), PlainTransportConnectResponse.parser());
        producerId = call("transport", "produce", TransportProduceRequest.newBuilder()
                .setTransportId(sending.getId()).setKind(MediaKind.VIDEO)
                .setRtpParameters(RtpParameters.newBuilder()
                        .addCodecs(RtpCodecParameters.newBuilder().setMimeType("video/VP8")
                                .setPayloadType(PacedSender.PAYLOAD_TYPE).setClockRate(90000))
                        .addEncodings(RtpEncodingParameters.newBuilder().setSsrc(PacedSender.SSRC))
                        .setRtcp(RtcpParameters.newBuilder().setCname("fanout")))
                .build(), TransportProduceResponse.parser()).getProducerId();
        producerAddress = new InetSocketAddress("127.0.0.1", sending.getTuple().getLocalPort());
        return senderKey;
    }

    InetSocketAddress producerAddress() {
        return producerAddress;
    }

    /** Adds consumers (transport, receiver, connect, consume) until there are {@code target}. */
    void growTo(int target, ConsumerReceivers receivers) throws Exception {
        long start = System.nanoTime();
        int added = target - consumers;
        while (consumers < target) {
            int batch = Math.min(BATCH, target - consumers);
            List<CompletableFuture<PlainTransportInfo>> transports = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                transports.add(createTransport(false));
            }
            List<CompletableFuture<?>> pending = new ArrayList<>();
            for (CompletableFuture<PlainTransportInfo> future : transports) {
                PlainTransportInfo transport = future.get(30, TimeUnit.SECONDS);
                int receiverPort = receivers.add(
                        new InetSocketAddress("127.0.0.1", transport.getTuple().getLocalPort()), PROFILE,
                        Base64.getDecoder().decode(transport.getSrtpParameters().getKeyBase64()));
                // The receiver sends nothing; any well-formed key serves for its direction.
                pending.add(request("plainTransport", "connect", PlainTransportConnectRequest.newBuilder()
                        .setTransportId(transport.getId()).setIp("127.0.0.1").setPort(receiverPort)
                        .setSrtpParameters(srtpParameters(randomKey())).build(), PlainTransportConnectResponse.parser())
                        .thenCompose(connected -> request("transport", "consume", TransportConsumeRequest.newBuilder()
                                .setTransportId(transport.getId()).setProducerId(producerId)
                                .setRtpCapabilities(capabilities).build(), TransportConsumeResponse.parser())));
            }
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            consumers += batch;
        }
        if (added > 0) {
            System.out.printf("  (added %d consumers in %.1f s)%n", added, (System.nanoTime() - start) / 1e9);
        }
    }

    private CompletableFuture<PlainTransportInfo> createTransport(boolean comedia) {
        return request("router", "createPlainTransport", RouterCreatePlainTransportRequest.newBuilder()
                .setRouterId(routerId).setListenInfo(TransportListenInfo.newBuilder().setIp("127.0.0.1"))
                .setComedia(comedia).setEnableSrtp(true).setSrtpCryptoSuite(SrtpCryptoSuite.AES_CM_128_HMAC_SHA1_80)
                .build(), RouterCreatePlainTransportResponse.parser())
                .thenApply(RouterCreatePlainTransportResponse::getTransport);
    }

    private byte[] randomKey() {
        byte[] keyAndSalt = new byte[PROFILE.keyLength() + PROFILE.saltLength()];
        random.nextBytes(keyAndSalt);
        return keyAndSalt;
    }

    private static SrtpParameters srtpParameters(byte[] keyAndSalt) {
        return SrtpParameters.newBuilder().setCryptoSuite(SrtpCryptoSuite.AES_CM_128_HMAC_SHA1_80)
                .setKeyBase64(Base64.getEncoder().encodeToString(keyAndSalt)).build();
    }

    private <T extends com.google.protobuf.MessageLite> CompletableFuture<T> request(String entity, String method,
            com.google.protobuf.MessageLite message, com.google.protobuf.Parser<T> parser) {
        return requester.request(workerId, entity, method, message, parser, null);
    }

    private <T extends com.google.protobuf.MessageLite> T call(String entity, String method,
            com.google.protobuf.MessageLite message, com.google.protobuf.Parser<T> parser) throws Exception {
        return request(entity, method, message, parser).get(30, TimeUnit.SECONDS);
    }
}
