package io.sluice.worker.net;

/** Reads what a socket call's failure means, for messages that say what happened. */
public final class SocketErrors {

    /** strerror(EMFILE) and strerror(ENFILE) on Linux both start so (the JDK and Netty's epoll keep the text). */
    private static final String OUT_OF_FILE_DESCRIPTORS = "Too many open files";

    private SocketErrors() {}

    /** True when {@code failure} or one of its causes says the process (or system) has no file descriptor left. */
    public static boolean isOutOfFileDescriptors(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains(OUT_OF_FILE_DESCRIPTORS)) {
                return true;
            }
        }
        return false;
    }
}
