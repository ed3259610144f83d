package io.sluice.worker.control.mapping;

import io.sluice.api.v1.AudioLevelObserverVolume;
import io.sluice.api.v1.RtpObserverDumpResponse;
import io.sluice.api.v1.RtpObserverVolumes;
import io.sluice.worker.router.Producer;
import io.sluice.worker.router.observer.ActiveSpeakerObserver;
import io.sluice.worker.router.observer.AudioLevelObserver;
import io.sluice.worker.router.observer.RtpObserver;
import java.util.List;

/** RTP observers as the API's rtpObserver.dump reply and their "volumes" event. */
public final class RtpObserverMapper {

    private RtpObserverMapper() {}

    public static RtpObserverDumpResponse toProto(RtpObserver observer) {
        RtpObserverDumpResponse.Builder dump = RtpObserverDumpResponse.newBuilder()
                .setRtpObserverId(observer.id())
                .setRouterId(observer.routerId())
                .setType(observer.type().apiName())
                .setPaused(observer.paused())
                .setInterval((int) observer.intervalMs())
                .addAllProducerIds(observer.producerIds())
                .setAppData(AppDataMapper.toProto(observer.appData()));
        switch (observer) {
            case AudioLevelObserver audioLevel -> dump.setMaxEntries(audioLevel.maxEntries())
                    .setThreshold(audioLevel.threshold());
            case ActiveSpeakerObserver activeSpeaker -> {
                Producer dominant = activeSpeaker.dominantSpeaker();
                dump.setDominantProducerId(dominant == null ? "" : dominant.id());
            }
        }
        return dump.build();
    }

    public static RtpObserverVolumes toProto(List<AudioLevelObserver.Volume> volumes) {
        RtpObserverVolumes.Builder event = RtpObserverVolumes.newBuilder();
        for (AudioLevelObserver.Volume volume : volumes) {
            event.addVolumes(AudioLevelObserverVolume.newBuilder()
                    .setProducerId(volume.producer().id())
                    .setVolume(volume.volume()));
        }
        return event.build();
    }
}
