package io.sluice.worker.rtp;

/**
 * Decodes the byte of the video orientation header extension (3GPP TS 26.114 §7.4.5,
 * urn:3gpp:video-orientation) as returned by {@link RtpPacket#videoOrientation(int)}:
 * {@code 0 0 0 0 C F R1 R0}.
 */
public final class VideoOrientation {

    private VideoOrientation() {
    }

    /** C: true when the back-facing camera captured the frame. */
    public static boolean isBackCamera(int orientation) {
        return (orientation & 0x08) != 0;
    }

    /** F: true when the frame must be flipped horizontally before display. */
    public static boolean isFlipped(int orientation) {
        return (orientation & 0x04) != 0;
    }

    /** R1 R0: the clockwise rotation to apply before display, in degrees (0, 90, 180, 270). */
    public static int rotationDegrees(int orientation) {
        return (orientation & 0x03) * 90;
    }
}
