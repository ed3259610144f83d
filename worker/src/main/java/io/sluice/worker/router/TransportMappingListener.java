package io.sluice.worker.router;

/**
 * Where a transport's user-to-transport mapping is kept while it lives, so that a signaling
 * server can find the worker of a user (the registry writes it to Redis). Called on the worker's
 * loop; an implementation writes in the background and never blocks the loop.
 */
public interface TransportMappingListener {

    /** Keeps no mapping (tests of the media code). */
    TransportMappingListener NONE = new TransportMappingListener() {
        @Override
        public void transportCreated(String transportId, String workerId, Router router, String userId) {}

        @Override
        public void transportClosed(String transportId) {}
    };

    /** A transport exists now, on {@code workerId}'s {@code router}, for {@code userId} (empty if none). */
    void transportCreated(String transportId, String workerId, Router router, String userId);

    void transportClosed(String transportId);
}
