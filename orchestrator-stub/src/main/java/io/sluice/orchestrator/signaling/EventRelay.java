package io.sluice.orchestrator.signaling;

import io.sluice.api.v1.ConsumerClosed;
import io.sluice.api.v1.ConsumerLayers;
import io.sluice.api.v1.ConsumerScore;
import io.sluice.api.v1.DataConsumerClosed;
import io.sluice.api.v1.DataProducerClosed;
import io.sluice.api.v1.DtlsState;
import io.sluice.api.v1.IceState;
import io.sluice.api.v1.ProducerClosed;
import io.sluice.api.v1.ProducerScore;
import io.sluice.api.v1.TransportClosed;
import io.sluice.orchestrator.client.ConsumerEventListener;
import io.sluice.orchestrator.client.DataEventListener;
import io.sluice.orchestrator.client.MissedEventsListener;
import io.sluice.orchestrator.client.ProducerEventListener;
import io.sluice.orchestrator.client.RtpObserverEventListener;
import io.sluice.orchestrator.client.TransportEventListener;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays the worker events of the rooms' routers to the session owning the entity
 * (docs/signaling.md "Notifications"): what happens on the worker reaches the browser even when
 * it did not start from signaling (a producer closed by its transport or router, a score, an ICE
 * state, the room's dominant speaker). Events of entities no session owns (another stub's, or already gone) are ignored. On a
 * gap in a worker's event sequence, the sessions of its rooms re-read their entities.
 */
final class EventRelay implements TransportEventListener, ProducerEventListener, ConsumerEventListener,
        RtpObserverEventListener, DataEventListener, MissedEventsListener {

    private static final Logger log = LoggerFactory.getLogger(EventRelay.class);

    private final Rooms rooms;

    EventRelay(Rooms rooms) {
        this.rooms = rooms;
    }

    @Override
    public void onIceStateChanged(String routerId, String transportId, IceState state) {
        rooms.owner(transportId).ifPresent(session -> session.mediaEvents().onTransportState(transportId, "iceState",
                MediaStateJson.iceStateName(state), ""));
    }

    @Override
    public void onDtlsStateChanged(String routerId, String transportId, DtlsState state, String reason) {
        rooms.owner(transportId).ifPresent(session -> session.mediaEvents().onTransportState(transportId, "dtlsState",
                MediaStateJson.dtlsStateName(state), reason));
    }

    @Override
    public void onTransportClosed(String routerId, String transportId, TransportClosed.Reason reason) {
        rooms.owner(transportId).ifPresent(session -> session.mediaEvents()
                .onTransportClosedByWorker(transportId, reason.name()));
    }

    @Override
    public void onProducerClosed(String routerId, String producerId, ProducerClosed.Reason reason) {
        rooms.owner(producerId).ifPresent(session -> session.mediaEvents().onProducerClosedByWorker(producerId));
    }

    @Override
    public void onProducerScore(String routerId, String producerId, ProducerScore score) {
        rooms.owner(producerId).ifPresent(session -> session.mediaEvents().onProducerScore(producerId, score));
    }

    @Override
    public void onConsumerClosed(String routerId, String consumerId, ConsumerClosed.Reason reason) {
        rooms.owner(consumerId).ifPresent(session -> session.mediaEvents().onConsumerClosedByWorker(consumerId));
    }

    @Override
    public void onConsumerProducerPaused(String routerId, String consumerId, boolean producerPaused) {
        rooms.owner(consumerId).ifPresent(session -> session.mediaEvents()
                .onConsumerProducerPaused(consumerId, producerPaused));
    }

    @Override
    public void onConsumerScore(String routerId, String consumerId, ConsumerScore score) {
        rooms.owner(consumerId).ifPresent(session -> session.mediaEvents().onConsumerScore(consumerId, score));
    }

    @Override
    public void onConsumerLayersChanged(String routerId, String consumerId, Optional<ConsumerLayers> layers) {
        rooms.owner(consumerId).ifPresent(session -> session.mediaEvents().onConsumerLayersChanged(consumerId, layers));
    }

    @Override
    public void onDataProducerClosed(String routerId, String dataProducerId, DataProducerClosed.Reason reason) {
        rooms.owner(dataProducerId).ifPresent(session -> session.data().onDataProducerClosedByWorker(dataProducerId));
    }

    @Override
    public void onDataConsumerClosed(String routerId, String dataConsumerId, DataConsumerClosed.Reason reason) {
        rooms.owner(dataConsumerId).ifPresent(session -> session.data().onDataConsumerClosedByWorker(dataConsumerId));
    }

    @Override
    public void onDominantSpeaker(String routerId, String observerId, String producerId) {
        rooms.onDominantSpeaker(routerId, producerId);
    }

    @Override
    public void onEventsMissed(String workerId, long firstMissedSeq, long nextSeenSeq) {
        List<SignalingSession> sessions = rooms.sessionsOnWorker(workerId);
        log.warn("missed events {}..{} of worker {}: re-reading the entities of {} peers", firstMissedSeq,
                nextSeenSeq - 1, workerId, sessions.size());
        sessions.forEach(session -> session.mediaEvents().resync());
    }
}
