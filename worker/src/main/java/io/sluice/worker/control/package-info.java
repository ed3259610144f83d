/**
 * The control plane of a worker over NATS: each worker's control side
 * ({@link io.sluice.worker.control.WorkerControl}), the method table ({@link io.sluice.worker.control.ControlMethods}),
 * one NATS micro service per worker ({@link io.sluice.worker.control.ControlService}), the hop of
 * each request onto its worker's loop ({@link io.sluice.worker.control.LoopRequest}), idempotency,
 * events ({@link io.sluice.worker.control.EventPublisher}), heartbeats and the process's single
 * thread that talks to NATS ({@link io.sluice.worker.control.ControlIo}). It maps the media
 * entities' reports to protobuf events ({@link io.sluice.worker.control.PublishedEntityEvents}) and
 * their errors to the API's {@code ErrorCode}s. Protobuf messages
 * are plain heap objects here; no ByteBuf crosses this package.
 */
package io.sluice.worker.control;
