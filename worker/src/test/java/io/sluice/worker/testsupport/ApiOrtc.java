package io.sluice.worker.testsupport;

import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.ParameterValue;
import io.sluice.api.v1.RtcpFeedback;
import io.sluice.api.v1.RtpCapabilities;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.api.v1.RtpParameters;
import io.sluice.worker.control.mapping.RtpParametersMapper;
import io.sluice.worker.router.SluiceException;
import io.sluice.worker.router.ortc.Ortc;
import io.sluice.worker.router.ortc.RtpMapping;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * {@link Ortc} as the control API sees it: the API's messages in and out, through the control
 * plane's mapper, so that tests state parameters in the API's shapes (and the JSON vectors of
 * mediasoup-client) while the router works on its own records.
 */
public final class ApiOrtc {

    private ApiOrtc() {}

    public static RtpCapabilities generateRouterRtpCapabilities(List<RtpCodecCapability> mediaCodecs)
            throws SluiceException {
        return RtpParametersMapper.toProto(Ortc.generateRouterRtpCapabilities(
                mediaCodecs == null ? null : RtpParametersMapper.mediaCodecs(mediaCodecs)));
    }

    public static RtpParameters validateRtpParameters(RtpParameters parameters) throws SluiceException {
        return RtpParametersMapper.toProto(Ortc.validateRtpParameters(RtpParametersMapper.toDomain(parameters)));
    }

    public static RtpCapabilities validateRtpCapabilities(RtpCapabilities capabilities) throws SluiceException {
        return RtpParametersMapper.toProto(Ortc.validateRtpCapabilities(RtpParametersMapper.toDomain(capabilities)));
    }

    public static RtpMapping getProducerRtpParametersMapping(RtpParameters parameters,
            RtpCapabilities routerCapabilities, RandomGenerator random) throws SluiceException {
        return Ortc.getProducerRtpParametersMapping(RtpParametersMapper.toDomain(parameters),
                RtpParametersMapper.toDomain(routerCapabilities), random);
    }

    public static RtpParameters getConsumableRtpParameters(MediaKind kind, RtpParameters parameters,
            RtpCapabilities routerCapabilities, RtpMapping mapping) {
        return RtpParametersMapper.toProto(Ortc.getConsumableRtpParameters(RtpParametersMapper.toDomain(kind),
                RtpParametersMapper.toDomain(parameters), RtpParametersMapper.toDomain(routerCapabilities), mapping));
    }

    public static boolean canConsume(RtpParameters consumableParameters, RtpCapabilities remoteCapabilities)
            throws SluiceException {
        return Ortc.canConsume(RtpParametersMapper.toDomain(consumableParameters),
                RtpParametersMapper.toDomain(remoteCapabilities));
    }

    public static RtpParameters getConsumerRtpParameters(RtpParameters consumableParameters,
            RtpCapabilities remoteCapabilities, boolean pipe, boolean enableRtx, RandomGenerator random)
            throws SluiceException {
        return RtpParametersMapper.toProto(Ortc.getConsumerRtpParameters(
                RtpParametersMapper.toDomain(consumableParameters), RtpParametersMapper.toDomain(remoteCapabilities),
                pipe, enableRtx, random));
    }

    /** The router's records, for constructing entities directly. */
    public static io.sluice.worker.router.parameters.RtpParameters domain(RtpParameters parameters) {
        return RtpParametersMapper.toDomain(parameters);
    }

    public static io.sluice.worker.router.parameters.RtpCapabilities domain(RtpCapabilities capabilities) {
        return RtpParametersMapper.toDomain(capabilities);
    }

    public static io.sluice.worker.router.parameters.MediaKind domain(MediaKind kind) {
        return RtpParametersMapper.toDomain(kind);
    }

    public static RtpParameters api(io.sluice.worker.router.parameters.RtpParameters parameters) {
        return RtpParametersMapper.toProto(parameters);
    }

    public static RtpCapabilities api(io.sluice.worker.router.parameters.RtpCapabilities capabilities) {
        return RtpParametersMapper.toProto(capabilities);
    }

    public static RtcpFeedback api(io.sluice.worker.router.parameters.RtcpFeedback feedback) {
        return RtpParametersMapper.toProto(feedback);
    }

    public static ParameterValue api(io.sluice.worker.router.parameters.ParameterValue value) {
        return RtpParametersMapper.toProto(value);
    }
}
