/**
 * Media entities of a worker, as mediasoup names them: {@link io.sluice.worker.router.Router}
 * (one room on one worker) and, as they land, its transports, producers and consumers. Each
 * entity lives on its worker's event loop and is only touched there.
 */
package io.sluice.worker.router;
