/** Real browsers (Chromium with the unchanged mediasoup-client) against the orchestrator stub and a worker. */
package io.sluice.orchestrator.browser;
