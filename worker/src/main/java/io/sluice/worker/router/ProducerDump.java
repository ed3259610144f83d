package io.sluice.worker.router;

import java.util.List;

/**
 * What producer.dump tells of the producer itself (its parameters and app data are read from the
 * producer directly).
 *
 * @param consumerIds in creation order
 */
public record ProducerDump(String producerId, String transportId, boolean paused, String type,
        List<String> consumerIds, List<Stream> streams) {

    /**
     * One encoding.
     *
     * @param ssrc the SSRC it is received on (unsigned), or -1 when not yet known (a simulcast rid not yet seen)
     * @param mappedSsrc the SSRC its consumers' copies are numbered from
     */
    public record Stream(String rid, long ssrc, long mappedSsrc) {}
}
