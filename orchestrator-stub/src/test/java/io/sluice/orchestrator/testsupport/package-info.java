/** Test support for the orchestrator stub: scripted stand-ins for workers, the messaging servers they use. */
package io.sluice.orchestrator.testsupport;
