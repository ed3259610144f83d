package io.sluice.worker.control.mapping;

import io.sluice.api.v1.SctpParameters;
import io.sluice.api.v1.SctpState;
import io.sluice.api.v1.WebRtcTransportInfo;
import io.sluice.worker.router.SctpSettings;
import io.sluice.worker.router.SctpTransportState;
import io.sluice.worker.router.WebRtcTransport;

/** A transport's SCTP side as the API shows it: mediasoup's sctpParameters and sctpState. */
public final class SctpMapper {

    private SctpMapper() {}

    public static SctpParameters toProto(SctpSettings settings) {
        return SctpParameters.newBuilder()
                .setPort(settings.port())
                .setOs(settings.outboundStreams())
                .setMis(settings.inboundStreams())
                .setMaxMessageSize(settings.maxMessageSize())
                .build();
    }

    public static SctpState toProto(SctpTransportState state) {
        return switch (state) {
            case NEW -> SctpState.SCTP_NEW;
            case CONNECTING -> SctpState.SCTP_CONNECTING;
            case CONNECTED -> SctpState.SCTP_CONNECTED;
            case FAILED -> SctpState.SCTP_FAILED;
            case CLOSED -> SctpState.SCTP_CLOSED;
        };
    }

    /** The transport's info with its SCTP parameters and state, when it has SCTP. On the transport's loop. */
    public static WebRtcTransportInfo withSctp(WebRtcTransportInfo info, WebRtcTransport transport) {
        SctpSettings settings = transport.sctpSettings();
        if (settings == null) {
            return info;
        }
        return info.toBuilder()
                .setSctpParameters(toProto(settings))
                .setSctpState(toProto(transport.sctpState()))
                .build();
    }
}
