package io.sluice.worker.control;

import io.sluice.api.v1.RouterCreateActiveSpeakerObserverRequest;
import io.sluice.api.v1.RouterCreateActiveSpeakerObserverResponse;
import io.sluice.api.v1.RouterCreateAudioLevelObserverRequest;
import io.sluice.api.v1.RouterCreateAudioLevelObserverResponse;
import io.sluice.api.v1.RtpObserverAddProducerRequest;
import io.sluice.api.v1.RtpObserverAddProducerResponse;
import io.sluice.api.v1.RtpObserverCloseRequest;
import io.sluice.api.v1.RtpObserverCloseResponse;
import io.sluice.api.v1.RtpObserverDumpRequest;
import io.sluice.api.v1.RtpObserverDumpResponse;
import io.sluice.api.v1.RtpObserverPauseRequest;
import io.sluice.api.v1.RtpObserverPauseResponse;
import io.sluice.api.v1.RtpObserverRemoveProducerRequest;
import io.sluice.api.v1.RtpObserverRemoveProducerResponse;
import io.sluice.api.v1.RtpObserverResumeRequest;
import io.sluice.api.v1.RtpObserverResumeResponse;
import io.sluice.worker.control.mapping.AppDataMapper;
import io.sluice.worker.control.mapping.RtpObserverMapper;
import io.sluice.worker.router.Producer;
import io.sluice.worker.router.Router;
import io.sluice.worker.router.SluiceException;
import io.sluice.worker.router.observer.ActiveSpeakerObserver;
import io.sluice.worker.router.observer.AudioLevelObserver;
import io.sluice.worker.router.observer.RtpObserver;

/**
 * Handlers of {@code router.createActiveSpeakerObserver}, {@code router.createAudioLevelObserver}
 * and the {@code rtpObserver.*} methods; each runs on the worker's loop. An unset option takes
 * mediasoup's default; an observer is found among the worker's routers.
 */
final class RtpObserverHandlers {

    private RtpObserverHandlers() {}

    static RouterCreateActiveSpeakerObserverResponse createActiveSpeakerObserver(WorkerControl worker,
            RouterCreateActiveSpeakerObserverRequest request) throws SluiceException {
        Router router = worker.worker().router(request.getRouterId());
        int interval = request.hasInterval() ? request.getInterval() : ActiveSpeakerObserver.DEFAULT_INTERVAL_MS;
        RtpObserver observer = router.observers().createActiveSpeakerObserver(interval,
                AppDataMapper.toDomain(request.getAppData()));
        return RouterCreateActiveSpeakerObserverResponse.newBuilder().setRtpObserverId(observer.id()).build();
    }

    static RouterCreateAudioLevelObserverResponse createAudioLevelObserver(WorkerControl worker,
            RouterCreateAudioLevelObserverRequest request) throws SluiceException {
        Router router = worker.worker().router(request.getRouterId());
        RtpObserver observer = router.observers().createAudioLevelObserver(
                request.hasMaxEntries() ? request.getMaxEntries() : AudioLevelObserver.DEFAULT_MAX_ENTRIES,
                request.hasThreshold() ? request.getThreshold() : AudioLevelObserver.DEFAULT_THRESHOLD,
                request.hasInterval() ? request.getInterval() : AudioLevelObserver.DEFAULT_INTERVAL_MS,
                AppDataMapper.toDomain(request.getAppData()));
        return RouterCreateAudioLevelObserverResponse.newBuilder().setRtpObserverId(observer.id()).build();
    }

    static RtpObserverAddProducerResponse addProducer(WorkerControl worker, RtpObserverAddProducerRequest request)
            throws SluiceException {
        Router router = routerOf(worker, request.getRtpObserverId());
        router.observers().addProducer(router.observers().get(request.getRtpObserverId()),
                producerOf(worker, router, request.getProducerId()));
        return RtpObserverAddProducerResponse.getDefaultInstance();
    }

    static RtpObserverRemoveProducerResponse removeProducer(WorkerControl worker,
            RtpObserverRemoveProducerRequest request) throws SluiceException {
        Router router = routerOf(worker, request.getRtpObserverId());
        router.observers().removeProducer(router.observers().get(request.getRtpObserverId()),
                producerOf(worker, router, request.getProducerId()));
        return RtpObserverRemoveProducerResponse.getDefaultInstance();
    }

    static RtpObserverPauseResponse pause(WorkerControl worker, RtpObserverPauseRequest request)
            throws SluiceException {
        observer(worker, request.getRtpObserverId()).pause();
        return RtpObserverPauseResponse.getDefaultInstance();
    }

    static RtpObserverResumeResponse resume(WorkerControl worker, RtpObserverResumeRequest request)
            throws SluiceException {
        observer(worker, request.getRtpObserverId()).resume();
        return RtpObserverResumeResponse.getDefaultInstance();
    }

    static RtpObserverCloseResponse close(WorkerControl worker, RtpObserverCloseRequest request)
            throws SluiceException {
        Router router = routerOf(worker, request.getRtpObserverId());
        router.observers().close(router.observers().get(request.getRtpObserverId()));
        return RtpObserverCloseResponse.getDefaultInstance();
    }

    static RtpObserverDumpResponse dump(WorkerControl worker, RtpObserverDumpRequest request) throws SluiceException {
        return RtpObserverMapper.toProto(observer(worker, request.getRtpObserverId()));
    }

    private static RtpObserver observer(WorkerControl worker, String observerId) throws SluiceException {
        return routerOf(worker, observerId).observers().get(observerId);
    }

    /** The router that owns the observer, or NOT_FOUND. */
    private static Router routerOf(WorkerControl worker, String observerId) throws SluiceException {
        for (Router router : worker.worker().routers()) {
            if (router.observers().get(observerId) != null) {
                return router;
            }
        }
        throw SluiceException.notFound("RTP observer", observerId);
    }

    /** A producer of the observer's router, or NOT_FOUND (another router's producer is not found there). */
    private static Producer producerOf(WorkerControl worker, Router router, String producerId) throws SluiceException {
        // A producer piped between two routers of this worker has one id on both: the router's own.
        return worker.worker().producerOn(router, producerId);
    }
}
