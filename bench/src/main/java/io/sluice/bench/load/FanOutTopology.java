package io.sluice.bench.load;

import io.nats.client.Connection;
import io.sluice.api.v1.DtlsFingerprint;
import io.sluice.api.v1.DtlsParameters;
import io.sluice.api.v1.DtlsRole;
import io.sluice.api.v1.IceCandidate;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.PipeTransportConnectRequest;
import io.sluice.api.v1.PipeTransportConnectResponse;
import io.sluice.api.v1.PipeTransportConsumeRequest;
import io.sluice.api.v1.PipeTransportInfo;
import io.sluice.api.v1.PipeTransportProduceRequest;
import io.sluice.api.v1.PlainTransportConnectRequest;
import io.sluice.api.v1.PlainTransportConnectResponse;
import io.sluice.api.v1.PlainTransportInfo;
import io.sluice.api.v1.RouterCreatePlainTransportRequest;
import io.sluice.api.v1.RouterCreatePlainTransportResponse;
import io.sluice.api.v1.RouterCreatePipeTransportRequest;
import io.sluice.api.v1.RouterCreatePipeTransportResponse;
import io.sluice.api.v1.RouterDumpRequest;
import io.sluice.api.v1.RouterDumpResponse;
import io.sluice.api.v1.RouterPipeToRouterRequest;
import io.sluice.api.v1.RouterPipeToRouterResponse;
import io.sluice.api.v1.RtcpParameters;
import io.sluice.api.v1.RtpCapabilities;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpEncodingParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.api.v1.SrtpCryptoSuite;
import io.sluice.api.v1.SrtpParameters;
import io.sluice.api.v1.RouterCreateWebRtcTransportRequest;
import io.sluice.api.v1.RouterCreateWebRtcTransportResponse;
import io.sluice.api.v1.TransportConnectRequest;
import io.sluice.api.v1.TransportConnectResponse;
import io.sluice.api.v1.TransportConsumeRequest;
import io.sluice.api.v1.TransportConsumeResponse;
import io.sluice.api.v1.TransportListenInfo;
import io.sluice.api.v1.TransportProtocol;
import io.sluice.api.v1.TransportProduceRequest;
import io.sluice.api.v1.TransportProduceResponse;
import io.sluice.api.v1.WorkerCreateRouterRequest;
import io.sluice.api.v1.WorkerCreateRouterResponse;
import io.sluice.api.v1.WebRtcTransportInfo;
import io.sluice.api.v1.WorkerCreateWebRtcServerRequest;
import io.sluice.api.v1.WorkerCreateWebRtcServerResponse;
import io.sluice.orchestrator.client.SluiceRequester;
import io.sluice.worker.srtp.SrtpProfile;
import io.sluice.worker.srtp.SrtpReceiveContext;
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
 *
 * <p>With {@link WebRtcClients} the consumers are WebRTC transports instead, all on one
 * WebRtcServer's UDP port, each brought up by its client (ICE nomination, {@code transport.connect}
 * as DTLS client, the DTLS handshake) before it consumes; {@value #WEBRTC_BATCH} at a time.
 */
final class FanOutTopology {

    private static final int BATCH = 100;
    private static final int WEBRTC_BATCH = 50;
    /** RFC 7675 §5.1: a browser's consent checks come every 5 s on average. */
    private static final long CONSENT_PERIOD_MILLIS = 5_000;

    private final SluiceRequester requester;
    /** The worker of the consumers' router (the producer's, unless piped elsewhere). */
    private String workerId;
    private final SecureRandom random = new SecureRandom();
    private String routerId;
    private RtpCapabilities capabilities;
    private String producerId;
    private InetSocketAddress producerAddress;
    private int consumers;
    private final WebRtcClients webRtcClients;
    private String webRtcServerId;

    /** SRTP of the plain transports (the producer's, and the consumers' in plain mode). */
    private final SrtpProfile plainProfile;
    private final SrtpCryptoSuite plainSuite;

    /**
     * With {@code webRtcClients} null the consumers are SRTP plain transports. {@code plainProfile}
     * is AES128_CM_HMAC_SHA1_80 or one of the AEAD_AES_*_GCM.
     */
    FanOutTopology(Connection connection, String workerId, WebRtcClients webRtcClients, SrtpProfile plainProfile) {
        this.plainProfile = plainProfile;
        this.plainSuite = switch (plainProfile) {
            case AES128_CM_HMAC_SHA1_80 -> SrtpCryptoSuite.AES_CM_128_HMAC_SHA1_80;
            case AEAD_AES_128_GCM -> SrtpCryptoSuite.AEAD_AES_128_GCM;
            case AEAD_AES_256_GCM -> SrtpCryptoSuite.AEAD_AES_256_GCM;
            default -> throw new IllegalArgumentException("unsupported plain SRTP profile " + plainProfile);
        };
        this.requester = new SluiceRequester(connection, Duration.ofSeconds(30));
        this.workerId = workerId;
        this.webRtcClients = webRtcClients;
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

    /**
     * Moves the consumers to a router of {@code targetWorkerId} (another loop of the process) and
     * pipes the producer there: {@code in-process} by router.pipeToRouter (in memory between the
     * loops), {@code udp} by hand with the low-level methods (a UDP pipe over loopback, no SRTP:
     * the hop's own cost), as a backend without pipeToRouter would.
     */
    void pipeTo(String targetWorkerId, String mode) throws Exception {
        String sourceWorker = workerId;
        String sourceRouter = routerId;
        workerId = targetWorkerId;
        routerId = call("worker", "createRouter", WorkerCreateRouterRequest.newBuilder()
                .addMediaCodecs(RtpCodecCapability.newBuilder().setKind(MediaKind.VIDEO).setMimeType("video/VP8")
                        .setClockRate(90000))
                .setRoomId("fanout").build(), WorkerCreateRouterResponse.parser()).getRouterId();
        capabilities = call("router", "dump", RouterDumpRequest.newBuilder().setRouterId(routerId).build(),
                RouterDumpResponse.parser()).getRtpCapabilities();
        if (mode.equals("in-process")) {
            requester.request(sourceWorker, "router", "pipeToRouter", RouterPipeToRouterRequest.newBuilder()
                    .setRouterId(sourceRouter).setProducerId(producerId).setTargetWorkerId(targetWorkerId)
                    .setTargetRouterId(routerId).build(), RouterPipeToRouterResponse.parser(), null)
                    .get(30, TimeUnit.SECONDS);
            return;
        }
        PipeTransportInfo here = pipeTransport(sourceWorker, sourceRouter);
        PipeTransportInfo there = pipeTransport(targetWorkerId, routerId);
        connectPipe(sourceWorker, here, there);
        connectPipe(targetWorkerId, there, here);
        TransportConsumeResponse pipeConsumer = requester.request(sourceWorker, "pipeTransport", "consume",
                PipeTransportConsumeRequest.newBuilder().setTransportId(here.getId()).setProducerId(producerId).build(),
                TransportConsumeResponse.parser(), null).get(30, TimeUnit.SECONDS);
        call("pipeTransport", "produce", PipeTransportProduceRequest.newBuilder().setTransportId(there.getId())
                .setProducerId(producerId).setKind(pipeConsumer.getKind())
                .setRtpParameters(pipeConsumer.getRtpParameters()).build(), TransportProduceResponse.parser());
    }

    private PipeTransportInfo pipeTransport(String worker, String router) throws Exception {
        return requester.request(worker, "router", "createPipeTransport", RouterCreatePipeTransportRequest
                .newBuilder().setRouterId(router).setListenInfo(TransportListenInfo.newBuilder().setIp("127.0.0.1"))
                .build(), RouterCreatePipeTransportResponse.parser(), null).get(30, TimeUnit.SECONDS).getTransport();
    }

    private void connectPipe(String worker, PipeTransportInfo end, PipeTransportInfo to) throws Exception {
        requester.request(worker, "pipeTransport", "connect", PipeTransportConnectRequest.newBuilder()
                .setTransportId(end.getId()).setIp("127.0.0.1").setPort(to.getTuple().getLocalPort()).build(),
                PipeTransportConnectResponse.parser(), null).get(30, TimeUnit.SECONDS);
    }

    InetSocketAddress producerAddress() {
        return producerAddress;
    }

    /** Adds consumers (transport, receiver, connect, consume) until there are {@code target}. */
    void growTo(int target, ConsumerReceivers receivers) throws Exception {
        long start = System.nanoTime();
        int added = target - consumers;
        if (webRtcClients != null) {
            growWebRtcTo(target, receivers);
        }
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
                        new InetSocketAddress("127.0.0.1", transport.getTuple().getLocalPort()), plainProfile,
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

    /** One consumer brought up: its socket and the keys for what the worker sends on it. */
    private record ReadyConsumer(WebRtcClients.Client client, SrtpReceiveContext srtp) {}

    private void growWebRtcTo(int target, ConsumerReceivers receivers) throws Exception {
        if (webRtcServerId == null) {
            WorkerCreateWebRtcServerResponse server = call("worker", "createWebRtcServer",
                    WorkerCreateWebRtcServerRequest.newBuilder().addListenInfos(TransportListenInfo.newBuilder()
                            .setProtocol(TransportProtocol.UDP).setIp("127.0.0.1")).build(),
                    WorkerCreateWebRtcServerResponse.parser());
            webRtcServerId = server.getWebrtcServerId();
            System.out.printf("  WebRtcServer %s on UDP port %d%n", webRtcServerId,
                    server.getLocalTuplesList().get(0).getLocalPort());
            webRtcClients.startConsent(CONSENT_PERIOD_MILLIS);
        }
        DtlsParameters ourDtls = DtlsParameters.newBuilder().setRole(DtlsRole.CLIENT)
                .addFingerprints(DtlsFingerprint.newBuilder().setAlgorithm("sha-256")
                        .setValue(webRtcClients.fingerprint().value()))
                .build();
        webRtcClients.beginSetup();
        try {
            while (consumers < target) {
                int batch = Math.min(WEBRTC_BATCH, target - consumers);
                List<CompletableFuture<WebRtcTransportInfo>> transports = new ArrayList<>();
                for (int i = 0; i < batch; i++) {
                    transports.add(request("router", "createWebRtcTransport", RouterCreateWebRtcTransportRequest
                            .newBuilder().setRouterId(routerId).setWebrtcServerId(webRtcServerId)
                            .setEnableUdp(true).setEnableTcp(false).setUserId("consumer-" + (consumers + i)).build(),
                            RouterCreateWebRtcTransportResponse.parser())
                            .thenApply(RouterCreateWebRtcTransportResponse::getTransport));
                }
                List<CompletableFuture<ReadyConsumer>> ready = new ArrayList<>();
                for (CompletableFuture<WebRtcTransportInfo> future : transports) {
                    WebRtcTransportInfo transport = future.get(30, TimeUnit.SECONDS);
                    IceCandidate udp = transport.getIceCandidatesList().stream()
                            .filter(candidate -> candidate.getProtocol() == TransportProtocol.UDP).findFirst()
                            .orElseThrow();
                    io.sluice.worker.dtls.DtlsFingerprint workerFingerprint = transport.getDtlsParameters()
                            .getFingerprintsList().stream().filter(f -> f.getAlgorithm().equals("sha-256"))
                            .map(f -> parseFingerprint(f.getValue())).findFirst().orElseThrow();
                    WebRtcClients.Client client = webRtcClients.open(
                            new InetSocketAddress(udp.getAddress(), udp.getPort()),
                            transport.getIceParameters().getUsernameFragment(), transport.getIceParameters().getPassword());
                    ready.add(client.nominate()
                            .thenCompose(selected -> request("transport", "connect", TransportConnectRequest.newBuilder()
                                    .setTransportId(transport.getId()).setDtlsParameters(ourDtls).build(),
                                    TransportConnectResponse.parser()))
                            .thenCompose(connected -> client.handshake(workerFingerprint))
                            .thenCompose(srtp -> request("transport", "consume", TransportConsumeRequest.newBuilder()
                                    .setTransportId(transport.getId()).setProducerId(producerId)
                                    .setRtpCapabilities(capabilities).build(), TransportConsumeResponse.parser())
                                    .thenApply(consumed -> new ReadyConsumer(client, srtp))));
                }
                CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
                for (CompletableFuture<ReadyConsumer> consumer : ready) {
                    receivers.adopt(consumer.get().client().channel, consumer.get().srtp());
                }
                consumers += batch;
            }
        } finally {
            webRtcClients.endSetup();
        }
    }

    private static io.sluice.worker.dtls.DtlsFingerprint parseFingerprint(String value) {
        try {
            return io.sluice.worker.dtls.DtlsFingerprint.parse("sha-256", value);
        } catch (io.sluice.worker.dtls.InvalidFingerprintException e) {
            throw new IllegalStateException(e);
        }
    }

    private CompletableFuture<PlainTransportInfo> createTransport(boolean comedia) {
        return request("router", "createPlainTransport", RouterCreatePlainTransportRequest.newBuilder()
                .setRouterId(routerId).setListenInfo(TransportListenInfo.newBuilder().setIp("127.0.0.1"))
                .setComedia(comedia).setEnableSrtp(true).setSrtpCryptoSuite(plainSuite)
                .build(), RouterCreatePlainTransportResponse.parser())
                .thenApply(RouterCreatePlainTransportResponse::getTransport);
    }

    private byte[] randomKey() {
        byte[] keyAndSalt = new byte[plainProfile.keyLength() + plainProfile.saltLength()];
        random.nextBytes(keyAndSalt);
        return keyAndSalt;
    }

    private SrtpParameters srtpParameters(byte[] keyAndSalt) {
        return SrtpParameters.newBuilder().setCryptoSuite(plainSuite)
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
