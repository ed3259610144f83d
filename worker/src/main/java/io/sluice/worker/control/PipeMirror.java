package io.sluice.worker.control;

import com.google.protobuf.Message;
import io.sluice.api.v1.ConsumerCloseRequest;
import io.sluice.api.v1.ConsumerCloseResponse;
import io.sluice.api.v1.PipeTransportCloseRequest;
import io.sluice.api.v1.PipeTransportCloseResponse;
import io.sluice.api.v1.ProducerCloseRequest;
import io.sluice.api.v1.ProducerCloseResponse;
import io.sluice.api.v1.ProducerPauseRequest;
import io.sluice.api.v1.ProducerPauseResponse;
import io.sluice.api.v1.ProducerResumeRequest;
import io.sluice.api.v1.ProducerResumeResponse;
import io.sluice.worker.dtls.DtlsState;
import io.sluice.worker.ice.IceState;
import io.sluice.worker.ice.TransportTuple;
import io.sluice.worker.router.CloseReason;
import io.sluice.worker.router.Consumer;
import io.sluice.worker.router.EntityEvents;
import io.sluice.worker.bwe.BandwidthTrace;
import io.sluice.worker.router.LayeredConsumer;
import io.sluice.worker.router.PipeTransport;
import io.sluice.worker.router.Producer;
import io.sluice.worker.router.Router;
import io.sluice.worker.router.SluiceException;
import io.sluice.worker.router.Transport;
import io.sluice.worker.router.DataConsumer;
import io.sluice.worker.router.DataProducer;
import io.sluice.worker.router.DirectTransport;
import io.netty.buffer.ByteBuf;
import io.sluice.worker.router.SctpTransportState;
import io.sluice.worker.router.WebRtcTransport;
import io.sluice.worker.router.Worker;
import io.sluice.worker.router.observer.ActiveSpeakerObserver;
import io.sluice.worker.router.observer.AudioLevelObserver;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the two ends of the pipes router.pipeToRouter made in step, as a mediasoup application
 * does by hand: a piped producer's pause, resume and close seen by the local pipe consumer are
 * done to the producer of the same id on the other worker; a pipe producer closed here closes the
 * pipe consumer feeding it there; a pipe transport closed here closes its peer (reason
 * PIPE_PEER_CLOSED). Every event also goes on to the published events. The requests leave
 * without waiting; one whose far end is gone already is no error. When the other end is on this
 * same worker (a pipe between two of its routers), the same is done directly, in a task of its
 * own so that it never runs inside the close cascade that caused it.
 */
final class PipeMirror implements EntityEvents {

    private static final Logger log = LoggerFactory.getLogger(PipeMirror.class);

    private final EntityEvents published;
    private final WorkerControl control;

    PipeMirror(EntityEvents published, WorkerControl control) {
        this.published = published;
        this.control = control;
    }

    private <R extends Message> void tell(String workerId, String entityMethod, Message request,
            com.google.protobuf.Parser<R> parser) {
        PeerWorkers peers = control.peers();
        if (peers == null) {
            return;
        }
        peers.call(workerId, entityMethod, request, parser, control.loop()).whenComplete((ok, failure) -> {
            if (failure != null) {
                log.debug("{} on worker {} for a pipe's other end: {}", entityMethod, workerId, failure.getMessage());
            }
        });
    }

    /**
     * The one way every event reaches a pipe's other end: {@code local} done to this worker when the
     * other end is here, else {@code entityMethod} with {@code request} sent to the worker that has it.
     */
    private <R extends Message> void mirror(String workerId, LocalAction local, String entityMethod, Message request,
            com.google.protobuf.Parser<R> parser) {
        if (!here(workerId, local)) {
            tell(workerId, entityMethod, request, parser);
        }
    }

    /** Does {@code action} to this worker later, if {@code workerId} is this worker; else returns false. */
    private boolean here(String workerId, LocalAction action) {
        if (!workerId.equals(control.id())) {
            return false;
        }
        control.loop().execute(() -> {
            try {
                action.run(control.worker());
            } catch (SluiceException goneAlready) {
                // The other end closed meanwhile.
            }
        });
        return true;
    }

    @FunctionalInterface
    private interface LocalAction {
        void run(Worker worker) throws SluiceException;
    }

    /** The producer a local pipe consumer feeds on another router of this worker. */
    private static Producer fed(Worker worker, PipeLinks.Feeding target) throws SluiceException {
        return worker.producerOn(worker.router(target.routerId()), target.producerId());
    }

    @Override
    public void routerClosed(Router router, CloseReason reason) {
        published.routerClosed(router, reason);
    }

    @Override
    public void sctpStateChanged(WebRtcTransport transport, SctpTransportState state, String reason) {
        published.sctpStateChanged(transport, state, reason);
    }

    @Override
    public void dataProducerClosed(DataProducer dataProducer, CloseReason reason) {
        published.dataProducerClosed(dataProducer, reason);
    }

    @Override
    public void dataConsumerDataProducerClosed(DataConsumer dataConsumer) {
        published.dataConsumerDataProducerClosed(dataConsumer);
    }

    @Override
    public void dataConsumerClosed(DataConsumer dataConsumer, CloseReason reason) {
        published.dataConsumerClosed(dataConsumer, reason);
    }

    @Override
    public void dataConsumerMessage(DataConsumer dataConsumer, long payloadProtocolId, ByteBuf payload) {
        published.dataConsumerMessage(dataConsumer, payloadProtocolId, payload);
    }

    @Override
    public void directTransportClosed(DirectTransport transport, CloseReason reason) {
        published.directTransportClosed(transport, reason);
    }

    @Override
    public void dataConsumerBufferedAmountLow(DataConsumer dataConsumer, long bufferedAmount) {
        published.dataConsumerBufferedAmountLow(dataConsumer, bufferedAmount);
    }

    @Override
    public void transportClosed(Transport transport, CloseReason reason) {
        published.transportClosed(transport, reason);
        if (transport instanceof PipeTransport pipe) {
            control.pipeLinks().localTransportClosed(pipe.id());
            if (pipe.peer() != null && reason != CloseReason.PIPE_PEER_CLOSED) {
                mirror(pipe.peer().workerId(), worker -> worker.closePipeTransport(pipe.peer().transportId(), true),
                        "pipeTransport.close", PipeTransportCloseRequest.newBuilder()
                                .setTransportId(pipe.peer().transportId()).setPeerClosed(true).build(),
                        PipeTransportCloseResponse.parser());
            }
        }
    }

    @Override
    public void iceStateChanged(WebRtcTransport transport, IceState state) {
        published.iceStateChanged(transport, state);
    }

    @Override
    public void iceSelectedTupleChanged(WebRtcTransport transport, TransportTuple tuple) {
        published.iceSelectedTupleChanged(transport, tuple);
    }

    @Override
    public void dtlsStateChanged(WebRtcTransport transport, DtlsState state, String reason) {
        published.dtlsStateChanged(transport, state, reason);
    }

    @Override
    public void producerClosed(Producer producer, CloseReason reason) {
        published.producerClosed(producer, reason);
        PipeLinks.FedBy source = control.pipeLinks().producerClosed(producer.id());
        if (source != null) {
            mirror(source.workerId(), worker -> worker.closeConsumer(source.consumerId()), "consumer.close",
                    ConsumerCloseRequest.newBuilder().setConsumerId(source.consumerId()).build(),
                    ConsumerCloseResponse.parser());
        }
    }

    @Override
    public void producerScore(Producer producer) {
        published.producerScore(producer);
    }

    @Override
    public void consumerProducerClosed(Consumer consumer) {
        published.consumerProducerClosed(consumer);
    }

    @Override
    public void consumerProducerPaused(Consumer consumer) {
        published.consumerProducerPaused(consumer);
        PipeLinks.Feeding target = control.pipeLinks().feeding(consumer.id());
        if (target != null) {
            mirror(target.workerId(), worker -> fed(worker, target).pause(), "producer.pause",
                    ProducerPauseRequest.newBuilder().setProducerId(target.producerId()).build(),
                    ProducerPauseResponse.parser());
        }
    }

    @Override
    public void consumerProducerResumed(Consumer consumer) {
        published.consumerProducerResumed(consumer);
        PipeLinks.Feeding target = control.pipeLinks().feeding(consumer.id());
        if (target != null) {
            mirror(target.workerId(), worker -> fed(worker, target).resume(), "producer.resume",
                    ProducerResumeRequest.newBuilder().setProducerId(target.producerId()).build(),
                    ProducerResumeResponse.parser());
        }
    }

    @Override
    public void consumerClosed(Consumer consumer, CloseReason reason) {
        published.consumerClosed(consumer, reason);
        PipeLinks.Feeding target = control.pipeLinks().consumerClosed(consumer.id());
        if (target != null) {
            mirror(target.workerId(), worker -> worker.closeProducer(fed(worker, target)), "producer.close",
                    ProducerCloseRequest.newBuilder().setProducerId(target.producerId()).build(),
                    ProducerCloseResponse.parser());
        }
    }

    @Override
    public void consumerScore(Consumer consumer) {
        published.consumerScore(consumer);
    }

    @Override
    public void consumerLayersChanged(LayeredConsumer consumer) {
        published.consumerLayersChanged(consumer);
    }

    @Override
    public void bandwidthTrace(WebRtcTransport transport, BandwidthTrace trace) {
        published.bandwidthTrace(transport, trace);
    }

    @Override
    public void dominantSpeaker(ActiveSpeakerObserver observer, Producer producer) {
        published.dominantSpeaker(observer, producer);
    }

    @Override
    public void volumes(AudioLevelObserver observer, List<AudioLevelObserver.Volume> volumes) {
        published.volumes(observer, volumes);
    }

    @Override
    public void silence(AudioLevelObserver observer) {
        published.silence(observer);
    }
}
