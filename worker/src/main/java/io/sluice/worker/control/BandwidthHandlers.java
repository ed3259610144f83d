package io.sluice.worker.control;

import io.sluice.api.v1.TransportEnableTraceEventRequest;
import io.sluice.api.v1.TransportEnableTraceEventResponse;
import io.sluice.api.v1.TransportSetMaxIncomingBitrateRequest;
import io.sluice.api.v1.TransportSetMaxIncomingBitrateResponse;
import io.sluice.api.v1.TransportSetMaxOutgoingBitrateRequest;
import io.sluice.api.v1.TransportSetMaxOutgoingBitrateResponse;
import io.sluice.api.v1.TransportSetMinOutgoingBitrateRequest;
import io.sluice.api.v1.TransportSetMinOutgoingBitrateResponse;
import io.sluice.worker.bwe.SendSideBandwidthEstimator;
import io.sluice.worker.router.SluiceException;
import io.sluice.worker.router.WebRtcTransport;

/**
 * Handlers of a WebRTC transport's bandwidth methods (mediasoup's names): the limits of the
 * estimate towards the endpoint, the cap on what the endpoint sends, and the "bwe" trace. A
 * refused request changes nothing. On the worker's loop.
 */
final class BandwidthHandlers {

    /** mediasoup refuses a REMB cap below this. */
    static final long MIN_INCOMING_BITRATE = 10_000;
    static final String BWE_TRACE = "bwe";

    private BandwidthHandlers() {}

    /** 0 lifts the limit; otherwise at least the floor of every estimate and not below the transport's minimum. */
    static TransportSetMaxOutgoingBitrateResponse setMaxOutgoingBitrate(WorkerControl worker,
            TransportSetMaxOutgoingBitrateRequest request) throws SluiceException {
        SendSideBandwidthEstimator estimator = estimator(worker, request.getTransportId());
        long bitrate = Integer.toUnsignedLong(request.getBitrate());
        long max = bitrate == 0 ? SendSideBandwidthEstimator.DEFAULT_MAX_BITRATE : bitrate;
        if (max < SendSideBandwidthEstimator.DEFAULT_MIN_BITRATE) {
            throw SluiceException.invalid("bitrate", "must be 0 (no limit) or at least "
                    + SendSideBandwidthEstimator.DEFAULT_MIN_BITRATE + " bit/s");
        }
        if (max < estimator.minBitrate()) {
            throw SluiceException.invalid("bitrate", "must not be below the minimum outgoing bitrate "
                    + estimator.minBitrate() + " bit/s");
        }
        estimator.setMaxBitrate(max);
        return TransportSetMaxOutgoingBitrateResponse.getDefaultInstance();
    }

    /** 0 restores the default floor; otherwise at least it and not above the transport's maximum. */
    static TransportSetMinOutgoingBitrateResponse setMinOutgoingBitrate(WorkerControl worker,
            TransportSetMinOutgoingBitrateRequest request) throws SluiceException {
        SendSideBandwidthEstimator estimator = estimator(worker, request.getTransportId());
        long bitrate = Integer.toUnsignedLong(request.getBitrate());
        long min = bitrate == 0 ? SendSideBandwidthEstimator.DEFAULT_MIN_BITRATE : bitrate;
        if (min < SendSideBandwidthEstimator.DEFAULT_MIN_BITRATE) {
            throw SluiceException.invalid("bitrate", "must be 0 (the default) or at least "
                    + SendSideBandwidthEstimator.DEFAULT_MIN_BITRATE + " bit/s");
        }
        if (min > estimator.maxBitrate()) {
            throw SluiceException.invalid("bitrate", "must not be above the maximum outgoing bitrate "
                    + estimator.maxBitrate() + " bit/s");
        }
        estimator.setMinBitrate(min);
        return TransportSetMinOutgoingBitrateResponse.getDefaultInstance();
    }

    static TransportSetMaxIncomingBitrateResponse setMaxIncomingBitrate(WorkerControl worker,
            TransportSetMaxIncomingBitrateRequest request) throws SluiceException {
        WebRtcTransport transport = worker.worker().webRtcTransport(request.getTransportId());
        long bitrate = Integer.toUnsignedLong(request.getBitrate());
        if (bitrate != 0 && bitrate < MIN_INCOMING_BITRATE) {
            throw SluiceException.invalid("bitrate", "must be 0 (no limit) or at least " + MIN_INCOMING_BITRATE
                    + " bit/s");
        }
        transport.setMaxIncomingBitrate(bitrate);
        return TransportSetMaxIncomingBitrateResponse.getDefaultInstance();
    }

    static TransportEnableTraceEventResponse enableTraceEvent(WorkerControl worker,
            TransportEnableTraceEventRequest request) throws SluiceException {
        WebRtcTransport transport = worker.worker().webRtcTransport(request.getTransportId());
        for (int i = 0; i < request.getTypesCount(); i++) {
            if (!request.getTypes(i).equals(BWE_TRACE)) {
                throw SluiceException.invalid("types[" + i + "]", "unknown trace event type \""
                        + request.getTypes(i) + "\"; the only one is \"" + BWE_TRACE + "\"");
            }
        }
        transport.enableBandwidthTrace(request.getTypesCount() > 0);
        return TransportEnableTraceEventResponse.getDefaultInstance();
    }

    private static SendSideBandwidthEstimator estimator(WorkerControl worker, String transportId)
            throws SluiceException {
        return worker.worker().webRtcTransport(transportId).bandwidthEstimator();
    }
}
