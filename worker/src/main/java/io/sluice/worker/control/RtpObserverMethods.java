package io.sluice.worker.control;

import io.sluice.api.v1.RouterCreateActiveSpeakerObserverRequest;
import io.sluice.api.v1.RouterCreateAudioLevelObserverRequest;
import io.sluice.api.v1.RtpObserverAddProducerRequest;
import io.sluice.api.v1.RtpObserverCloseRequest;
import io.sluice.api.v1.RtpObserverDumpRequest;
import io.sluice.api.v1.RtpObserverPauseRequest;
import io.sluice.api.v1.RtpObserverRemoveProducerRequest;
import io.sluice.api.v1.RtpObserverResumeRequest;
import java.util.List;

/** The method table's lines for active speaker and audio level observers (see {@link ControlMethods}). */
final class RtpObserverMethods {

    private RtpObserverMethods() {}

    static List<ControlMethod<?, ?>> all() {
        return List.of(
                ControlMethod.creating("router", "createActiveSpeakerObserver",
                        RouterCreateActiveSpeakerObserverRequest.getDefaultInstance(),
                        RtpObserverHandlers::createActiveSpeakerObserver).require("router_id"),
                ControlMethod.creating("router", "createAudioLevelObserver",
                        RouterCreateAudioLevelObserverRequest.getDefaultInstance(),
                        RtpObserverHandlers::createAudioLevelObserver).require("router_id"),
                ControlMethod.of("rtpObserver", "addProducer", RtpObserverAddProducerRequest.getDefaultInstance(),
                        RtpObserverHandlers::addProducer).require("rtp_observer_id", "producer_id"),
                ControlMethod.of("rtpObserver", "removeProducer", RtpObserverRemoveProducerRequest.getDefaultInstance(),
                        RtpObserverHandlers::removeProducer).require("rtp_observer_id", "producer_id"),
                ControlMethod.of("rtpObserver", "pause", RtpObserverPauseRequest.getDefaultInstance(),
                        RtpObserverHandlers::pause).require("rtp_observer_id"),
                ControlMethod.of("rtpObserver", "resume", RtpObserverResumeRequest.getDefaultInstance(),
                        RtpObserverHandlers::resume).require("rtp_observer_id"),
                ControlMethod.of("rtpObserver", "close", RtpObserverCloseRequest.getDefaultInstance(),
                        RtpObserverHandlers::close).require("rtp_observer_id"),
                ControlMethod.of("rtpObserver", "dump", RtpObserverDumpRequest.getDefaultInstance(),
                        RtpObserverHandlers::dump).require("rtp_observer_id"));
    }
}
