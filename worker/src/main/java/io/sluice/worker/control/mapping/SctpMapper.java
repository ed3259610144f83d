package io.sluice.worker.control.mapping;

import io.sluice.api.v1.RouterCreateWebRtcTransportRequest;
import io.sluice.api.v1.SctpParameters;
import io.sluice.api.v1.SctpState;
import io.sluice.api.v1.WebRtcTransportInfo;
import io.sluice.worker.router.SctpOptions;
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

    /** enableSctp and its options, unchecked (the transport factory checks them); null without enableSctp. */
    public static SctpOptions toDomain(RouterCreateWebRtcTransportRequest request) {
        if (!request.getEnableSctp()) {
            return null;
        }
        Long outbound = null;
        Long inbound = null;
        if (request.hasNumSctpStreams()) {
            outbound = Integer.toUnsignedLong(request.getNumSctpStreams().getOs());
            inbound = Integer.toUnsignedLong(request.getNumSctpStreams().getMis());
        }
        Long maxMessageSize = request.hasMaxSctpMessageSize()
                ? Integer.toUnsignedLong(request.getMaxSctpMessageSize()) : null;
        return new SctpOptions(outbound, inbound, maxMessageSize);
    }

    /** The transport's SCTP parameters and state, when it has SCTP. On the transport's loop. */
    static void addSctp(WebRtcTransportInfo.Builder info, WebRtcTransport transport) {
        SctpSettings settings = transport.sctpSettings();
        if (settings != null) {
            info.setSctpParameters(toProto(settings)).setSctpState(toProto(transport.sctpState()));
        }
    }
}
