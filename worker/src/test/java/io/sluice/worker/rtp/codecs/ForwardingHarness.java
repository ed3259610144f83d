package io.sluice.worker.rtp.codecs;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.sluice.worker.rtp.RtpPacket;
import java.util.ArrayList;
import java.util.List;

/**
 * A consumer in miniature, as a layered consumer is meant to use this package: it parses each
 * packet in the producer's buffer, asks the rewriter, copies an accepted packet, rewrites the copy
 * and sets its marker from {@link LayerRewriter#endOfForwardedFrame()}, then parses the copy back
 * to record what the receiver sees. It checks that accept() left the producer's buffer alone, and
 * releases every buffer it allocates.
 */
final class ForwardingHarness {

    /** What the receiver sees of one forwarded packet. */
    record Forwarded(int sequenceNumber, int pictureId, int tl0PicIdx, int spatialLayer, int temporalLayer,
            boolean marker, boolean keyFrame, boolean startOfFrame, boolean endOfFrame) {
    }

    private final PayloadParser parser;
    final LayerRewriter rewriter;
    private final RtpPacket view = new RtpPacket();
    private final PayloadDescriptor descriptor = new PayloadDescriptor();
    private final PayloadDescriptor received = new PayloadDescriptor();
    final List<Forwarded> forwarded = new ArrayList<>();
    int targetSpatialLayer;
    int targetTemporalLayer;
    private int sequenceNumber;

    ForwardingHarness(String mimeType, int targetSpatialLayer, int targetTemporalLayer) {
        this(mimeType, LayerRewriter.forMimeType(mimeType), targetSpatialLayer, targetTemporalLayer);
    }

    ForwardingHarness(String mimeType, LayerRewriter rewriter, int targetSpatialLayer, int targetTemporalLayer) {
        this.parser = PayloadParser.forMimeType(mimeType);
        this.rewriter = rewriter;
        this.targetSpatialLayer = targetSpatialLayer;
        this.targetTemporalLayer = targetTemporalLayer;
    }

    /** Sends one RTP packet with this payload through; whether it was forwarded. */
    boolean send(boolean marker, int... payload) {
        ByteBuf original = PooledByteBufAllocator.DEFAULT.directBuffer(RtpPacket.FIXED_HEADER_LENGTH + payload.length);
        try {
            original.writeByte(0x80);
            original.writeByte((marker ? 0x80 : 0) | 96);
            original.writeShort(sequenceNumber++);
            original.writeInt(90_000);
            original.writeInt(0x11223344);
            for (int b : payload) {
                original.writeByte(b);
            }
            return forward(original);
        } finally {
            original.release();
        }
    }

    /** Forwards a packet already in a buffer (the producer's, left unchanged); whether it was forwarded. */
    boolean forward(ByteBuf original) {
        assertThat(view.wrap(original)).as("well-formed RTP").isTrue();
        assertThat(parser.parse(original, view.payloadOffset(), view.payloadLength(), view.marker(), descriptor))
                .as("well-formed payload").isTrue();
        byte[] before = ByteBufUtil.getBytes(original);
        boolean accepted = rewriter.accept(descriptor, targetSpatialLayer, targetTemporalLayer);
        assertThat(ByteBufUtil.getBytes(original)).as("accept() leaves the shared buffer alone").isEqualTo(before);
        if (!accepted) {
            return false;
        }
        ByteBuf copy = original.copy();
        try {
            RtpPacket copyView = new RtpPacket();
            assertThat(copyView.wrap(copy)).isTrue();
            rewriter.rewrite(copy, copyView.payloadOffset(), copyView.payloadLength());
            copyView.setMarker(rewriter.endOfForwardedFrame());
            assertThat(copy.readableBytes()).isEqualTo(original.readableBytes());
            boolean parsed = parser.parse(copy, copyView.payloadOffset(), copyView.payloadLength(),
                    copyView.marker(), received);
            assertThat(parsed).as("the rewritten payload parses").isTrue();
            forwarded.add(new Forwarded(copyView.sequenceNumber(), received.pictureId(), received.tl0PicIdx(),
                    received.spatialLayer(), received.temporalLayer(), copyView.marker(), received.keyFrame(),
                    received.startOfFrame(), received.endOfFrame()));
        } finally {
            copy.release();
        }
        return true;
    }

    /** The forwarded packets that start a frame, in order: one per forwarded (layer) frame. */
    List<Forwarded> frameStarts() {
        return forwarded.stream().filter(Forwarded::startOfFrame).toList();
    }
}
