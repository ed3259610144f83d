package io.sluice.orchestrator.client;

import io.sluice.api.v1.DtlsParameters;
import io.sluice.api.v1.SctpStreamParameters;
import io.sluice.api.v1.TransportConsumeDataRequest;
import io.sluice.api.v1.TransportConsumeDataResponse;
import io.sluice.api.v1.TransportProduceDataRequest;
import io.sluice.api.v1.TransportProduceDataResponse;
import io.sluice.api.v1.DtlsRole;
import io.sluice.api.v1.IceParameters;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.RtpCapabilities;
import io.sluice.api.v1.RtpParameters;
import io.sluice.api.v1.TransportCloseRequest;
import io.sluice.api.v1.TransportCloseResponse;
import io.sluice.api.v1.TransportConnectRequest;
import io.sluice.api.v1.TransportConnectResponse;
import io.sluice.api.v1.TransportConsumeRequest;
import io.sluice.api.v1.TransportConsumeResponse;
import io.sluice.api.v1.TransportGetStatsRequest;
import io.sluice.api.v1.TransportGetStatsResponse;
import io.sluice.api.v1.TransportProduceRequest;
import io.sluice.api.v1.TransportProduceResponse;
import io.sluice.api.v1.TransportRestartIceRequest;
import io.sluice.api.v1.TransportRestartIceResponse;
import io.sluice.api.v1.TransportStats;
import io.sluice.api.v1.WebRtcTransportInfo;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The methods of one WebRTC transport ({@code sluice.<workerId>.transport.<method>}), as
 * mediasoup's WebRtcTransport. Made by {@link RouterClient#createWebRtcTransport}.
 */
public final class TransportClient {

    private static final String ENTITY = "transport";

    private final SluiceRequester requester;
    private final String workerId;
    private final String routerId;
    private final WebRtcTransportInfo createdInfo;

    TransportClient(SluiceRequester requester, String workerId, String routerId, WebRtcTransportInfo createdInfo) {
        this.requester = Objects.requireNonNull(requester, "requester");
        this.workerId = Objects.requireNonNull(workerId, "workerId");
        this.routerId = Objects.requireNonNull(routerId, "routerId");
        this.createdInfo = Objects.requireNonNull(createdInfo, "createdInfo");
    }

    public String id() {
        return createdInfo.getId();
    }

    public String workerId() {
        return workerId;
    }

    public String routerId() {
        return routerId;
    }

    /** ICE parameters, candidates and DTLS parameters as router.createWebRtcTransport answered. */
    public WebRtcTransportInfo createdInfo() {
        return createdInfo;
    }

    /** transport.connect with the remote's DTLS parameters; completes with the role Sluice took. */
    public CompletableFuture<DtlsRole> connect(DtlsParameters remote) {
        return requester.request(workerId, ENTITY, "connect",
                        TransportConnectRequest.newBuilder().setTransportId(id()).setDtlsParameters(remote).build(),
                        TransportConnectResponse.parser(), null)
                .thenApply(TransportConnectResponse::getDtlsLocalRole);
    }

    /**
     * transport.produce.
     *
     * @param idempotencyKey null, or a key that makes a retry return the first producer
     */
    public CompletableFuture<ProducerClient> produce(MediaKind kind, RtpParameters rtpParameters,
            String idempotencyKey) {
        TransportProduceRequest request = TransportProduceRequest.newBuilder()
                .setTransportId(id())
                .setKind(kind)
                .setRtpParameters(rtpParameters)
                .build();
        return requester.request(workerId, ENTITY, "produce", request, TransportProduceResponse.parser(),
                        idempotencyKey)
                .thenApply(created -> new ProducerClient(requester, workerId, created.getProducerId(), kind));
    }

    /**
     * transport.consume: {@code producerId}'s RTP out of this transport, as what an endpoint with
     * {@code rtpCapabilities} decodes.
     */
    public CompletableFuture<ConsumerClient> consume(String producerId, RtpCapabilities rtpCapabilities,
            boolean paused, String idempotencyKey) {
        TransportConsumeRequest request = TransportConsumeRequest.newBuilder()
                .setTransportId(id())
                .setProducerId(producerId)
                .setRtpCapabilities(rtpCapabilities)
                .setPaused(paused)
                .build();
        return requester.request(workerId, ENTITY, "consume", request, TransportConsumeResponse.parser(),
                        idempotencyKey)
                .thenApply(created -> new ConsumerClient(requester, workerId, producerId, created));
    }

    /**
     * transport.produceData: the endpoint's DataChannel on {@code stream.stream_id} of this
     * transport's SCTP association (created with enableSctp).
     */
    public CompletableFuture<DataProducerClient> produceData(SctpStreamParameters stream, String label,
            String protocol) {
        TransportProduceDataRequest request = TransportProduceDataRequest.newBuilder()
                .setTransportId(id())
                .setSctpStreamParameters(stream)
                .setLabel(label)
                .setProtocol(protocol)
                .build();
        return requester.request(workerId, ENTITY, "produceData", request, TransportProduceDataResponse.parser(),
                        null)
                .thenApply(created -> new DataProducerClient(requester, workerId, created.getDataProducer()));
    }

    /**
     * transport.consumeData: {@code dataProducerId}'s messages out of this transport, on a stream
     * the worker picks, with the data producer's ordering and reliability.
     */
    public CompletableFuture<DataConsumerClient> consumeData(String dataProducerId) {
        TransportConsumeDataRequest request = TransportConsumeDataRequest.newBuilder()
                .setTransportId(id())
                .setDataProducerId(dataProducerId)
                .build();
        return requester.request(workerId, ENTITY, "consumeData", request, TransportConsumeDataResponse.parser(),
                        null)
                .thenApply(created -> new DataConsumerClient(requester, workerId, created.getDataConsumer()));
    }

    /** A client of a producer this transport made earlier (a signaling server restoring its sessions). */
    public ProducerClient producer(String producerId, MediaKind kind) {
        return new ProducerClient(requester, workerId, producerId, kind);
    }

    /** A client of a consumer this transport made earlier, from what {@code transport.consume} answered. */
    public ConsumerClient consumer(String producerId, TransportConsumeResponse created) {
        return new ConsumerClient(requester, workerId, producerId, created);
    }

    /** transport.restartIce: new local ICE credentials, which the remote must be given. */
    public CompletableFuture<IceParameters> restartIce() {
        return requester.request(workerId, ENTITY, "restartIce",
                        TransportRestartIceRequest.newBuilder().setTransportId(id()).build(),
                        TransportRestartIceResponse.parser(), null)
                .thenApply(TransportRestartIceResponse::getIceParameters);
    }

    /** transport.getStats */
    public CompletableFuture<TransportStats> getStats() {
        return requester.request(workerId, ENTITY, "getStats",
                        TransportGetStatsRequest.newBuilder().setTransportId(id()).build(),
                        TransportGetStatsResponse.parser(), null)
                .thenApply(TransportGetStatsResponse::getStats);
    }

    /** transport.close; its producers, consumers and data producers and consumers close first. */
    public CompletableFuture<Void> close() {
        return requester.request(workerId, ENTITY, "close",
                        TransportCloseRequest.newBuilder().setTransportId(id()).build(),
                        TransportCloseResponse.parser(), null)
                .thenApply(response -> null);
    }

    @Override
    public String toString() {
        return "TransportClient{" + id() + " on " + workerId + "}";
    }
}
