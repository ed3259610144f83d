/** Test support for the orchestrator stub: scripted stand-ins for workers. */
package io.sluice.orchestrator.testsupport;
