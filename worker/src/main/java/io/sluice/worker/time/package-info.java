/**
 * Time as the worker reads it: one injected {@link io.sluice.worker.time.Clock}. Imports nothing
 * of Sluice, so the protocol packages may use it.
 */
package io.sluice.worker.time;
