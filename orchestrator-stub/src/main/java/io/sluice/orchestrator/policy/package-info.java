/**
 * Decisions the stub takes for its peers' consumers. {@link io.sluice.orchestrator.policy.LayerPolicy}
 * chooses which simulcast/SVC layer a consumer should forward from its relayed score events
 * (docs/signaling.md "Layer policy"); {@link io.sluice.orchestrator.policy.ScoreLayerPolicy} is the
 * default, replaceable by any other implementation given to the signaling server.
 */
package io.sluice.orchestrator.policy;
