package io.sluice.worker.dtls;

/** Lifecycle of a {@link DtlsTransport}; FAILED and CLOSED are final. */
public enum DtlsState {
    NEW,
    CONNECTING,
    CONNECTED,
    FAILED,
    CLOSED
}
