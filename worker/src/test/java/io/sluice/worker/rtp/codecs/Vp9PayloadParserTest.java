package io.sluice.worker.rtp.codecs;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.rtp.TestBuffers;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** RFC 9628 §4.2 (payload descriptor, flexible and non-flexible mode) and §4.2.1 (scalability structure). */
class Vp9PayloadParserTest {

    private final TestBuffers buffers = new TestBuffers();
    private final PayloadParser parser = PayloadParser.forMimeType("VIDEO/VP9");
    private final PayloadDescriptor d = new PayloadDescriptor();

    @AfterEach
    void release() {
        buffers.close();
    }

    /** Non-flexible mode key picture, spatial layer 0, with a full scalability structure: 3 layers, a GOF of 4. */
    static int[] nonFlexibleKeyPictureWithScalabilityStructure() {
        return new int[] {
            0xaa,       // I=1, P=0, L=1, F=0, B=1, E=0, V=1, Z=0
            0x8f, 0xff, // M=1, PICTURE ID = 0x0fff = 4095 (15 bits)
            0x00,       // TID=0, U=0, SID=0, D=0
            0x07,       // TL0PICIDX = 7 (non-flexible mode)
            0x58,       // SS: N_S=2 (3 spatial layers), Y=1, G=1
            0x01, 0x40, 0x00, 0xb4, // layer 0: WIDTH=320, HEIGHT=180
            0x02, 0x80, 0x01, 0x68, // layer 1: 640x360
            0x05, 0x00, 0x02, 0xd0, // layer 2: 1280x720
            0x04,       // N_G = 4 pictures in the group
            0x04, 0x04, // TID=0, U=0, R=1; P_DIFF=4
            0x54, 0x01, // TID=2, U=1, R=1; P_DIFF=1
            0x34, 0x02, // TID=1, U=1, R=1; P_DIFF=2
            0x44, 0x01, // TID=2, U=0, R=1; P_DIFF=1
            0x82, 0x49, 0x83, // VP9 frame data
        };
    }

    /** Flexible mode inter layer frame of spatial layer 1, temporal layer 2, two references. */
    static int[] flexibleInterFrame() {
        return new int[] {
            0xfc,       // I=1, P=1, L=1, F=1, B=1, E=1, V=0, Z=0
            0x05,       // M=0, PICTURE ID = 5 (7 bits)
            0x52,       // TID=2, U=1, SID=1, D=0 (no TL0PICIDX in flexible mode)
            0x03,       // P_DIFF=1, N=1: another follows
            0x04,       // P_DIFF=2, N=0
            0x86, 0x00, // VP9 frame data
        };
    }

    @Test
    void rfc9628_section4_2_nonFlexibleModeKeyPictureWithScalabilityStructure() {
        assertThat(parse(nonFlexibleKeyPictureWithScalabilityStructure(), false)).isTrue();

        assertThat(d.pictureId()).isEqualTo(4095);
        assertThat(d.pictureIdBits()).isEqualTo(15);
        assertThat(d.pictureIdOffset()).isEqualTo(1);
        assertThat(d.hasLayerIndices()).isTrue();
        assertThat(d.temporalLayer()).isZero();
        assertThat(d.spatialLayer()).isZero();
        assertThat(d.layerSync()).isFalse();
        assertThat(d.interLayerDependency()).isFalse();
        assertThat(d.tl0PicIdx()).isEqualTo(7);
        assertThat(d.tl0PicIdxOffset()).isEqualTo(4);
        assertThat(d.flexibleMode()).isFalse();
        assertThat(d.interPicturePredicted()).isFalse();
        assertThat(d.spatialLayerCount()).isEqualTo(3);
        assertThat(d.startOfFrame()).isTrue();
        assertThat(d.endOfFrame()).isFalse();
        assertThat(d.keyFrame()).isTrue();
    }

    @Test
    void rfc9628_section4_2_flexibleModeReferences() {
        assertThat(parse(flexibleInterFrame(), true)).isTrue();

        assertThat(d.pictureId()).isEqualTo(5);
        assertThat(d.pictureIdBits()).isEqualTo(7);
        assertThat(d.temporalLayer()).isEqualTo(2);
        assertThat(d.layerSync()).isTrue();
        assertThat(d.spatialLayer()).isEqualTo(1);
        assertThat(d.interLayerDependency()).isFalse();
        assertThat(d.tl0PicIdx()).isEqualTo(PayloadDescriptor.ABSENT);
        assertThat(d.flexibleMode()).isTrue();
        assertThat(d.interPicturePredicted()).isTrue();
        assertThat(d.spatialLayerCount()).isZero();
        assertThat(d.startOfFrame()).isTrue();
        assertThat(d.endOfFrame()).isTrue();
        assertThat(d.marker()).isTrue();
        assertThat(d.keyFrame()).isFalse();
    }

    @Test
    void rfc9628_section4_2_upperLayerOfAKeyPictureDependsOnTheLayerBelow() {
        int[] payload = {
            0xa8,       // I=1, P=0, L=1, F=0, B=1, E=0, V=0
            0x10,       // M=0, PICTURE ID = 16
            0x05,       // TID=0, U=0, SID=2, D=1
            0x08,       // TL0PICIDX = 8
            0x00,
        };
        assertThat(parse(payload, false)).isTrue();

        assertThat(d.spatialLayer()).isEqualTo(2);
        assertThat(d.interLayerDependency()).isTrue();
        assertThat(d.keyFrame()).as("P=0 and D=1: startable once layer 1 of the picture is there").isTrue();
    }

    @Test
    void rfc9628_section4_2_kSvcInterLayerFrameIsNoKeyFrame() {
        int[] payload = {
            0xe4,       // I=1, P=1, L=1, F=0, B=0, E=1, V=0
            0x10,       // PICTURE ID = 16
            0x22,       // TID=1, U=0, SID=1, D=0: predicted from its own layer only
            0x08,       // TL0PICIDX = 8
            0x00,
        };
        assertThat(parse(payload, true)).isTrue();

        assertThat(d.keyFrame()).isFalse();
        assertThat(d.startOfFrame()).isFalse();
        assertThat(d.endOfFrame()).isTrue();
        assertThat(d.temporalLayer()).isEqualTo(1);
    }

    @Test
    void withoutOptionalFieldsTheLayersReadAsZero() {
        int[] payload = {
            0x0c,       // I=0, P=0, L=0, F=0, B=1, E=1, V=0: a whole key frame in one packet
            0x82, 0x49,
        };
        assertThat(parse(payload, true)).isTrue();

        assertThat(d.hasLayerIndices()).isFalse();
        assertThat(d.spatialLayer()).isZero();
        assertThat(d.temporalLayer()).isZero();
        assertThat(d.pictureId()).isEqualTo(PayloadDescriptor.ABSENT);
        assertThat(d.keyFrame()).isTrue();
    }

    @Test
    void theFrameHeaderOverridesAPBitLeftAtZero() {
        int[] interFrame = {
            0x88,       // I=1, P=0 (wrongly, as ffmpeg sends), B=1
            0x05,       // PICTURE ID 5
            0x86,       // VP9 §6.2: frame_marker=2, profile 0, show_existing_frame=0, frame_type=1 (inter)
            0x00,
        };
        assertThat(parse(interFrame, false)).isTrue();
        assertThat(d.keyFrame()).isFalse();

        int[] profile3KeyFrame = {
            0x88,       // P=0, B=1
            0x05,
            0xb0,       // frame_marker=2, profile 3 (low 1, high 1), reserved 0, show_existing 0, frame_type 0
            0x00,
        };
        assertThat(parse(profile3KeyFrame, false)).isTrue();
        assertThat(d.keyFrame()).isTrue();

        int[] showExisting = {
            0x88, 0x05,
            0x88,       // frame_marker=2, profile 0, show_existing_frame=1
        };
        assertThat(parse(showExisting, false)).isTrue();
        assertThat(d.keyFrame()).isFalse();

        int[] continuation = {
            0x84,       // P=0, B=0, E=1: a later packet of the layer frame
            0x05,
            0x00,
        };
        assertThat(parse(continuation, true)).isTrue();
        assertThat(d.keyFrame()).as("flagged on the layer frame's first packet only").isFalse();
    }

    @Test
    void truncatedAfterEachFieldIsMalformed() {
        int[] full = nonFlexibleKeyPictureWithScalabilityStructure();
        // Cut before each field: picture id (both bytes), layer indices, TL0PICIDX, SS header,
        // inside the resolutions, before N_G, inside the GOF entries and their P_DIFFs.
        for (int length : new int[] {0, 1, 2, 3, 4, 5, 6, 9, 17, 18, 19, 20, 21, 25}) {
            assertThat(parse(Arrays.copyOf(full, length), false)).as("length %d", length).isFalse();
        }
        assertThat(parse(Arrays.copyOf(full, 27), false)).isTrue();

        int[] flexible = flexibleInterFrame();
        for (int length : new int[] {1, 2, 3, 4}) {
            assertThat(parse(Arrays.copyOf(flexible, length), false)).as("flexible length %d", length).isFalse();
        }
        assertThat(parse(Arrays.copyOf(flexible, 5), false)).isTrue();
    }

    @Test
    void aFourthReferenceIsMalformed() {
        int[] payload = {
            0xd0,             // I=1, P=1, L=0, F=1
            0x05,             // PICTURE ID = 5
            0x03, 0x05, 0x07, // three P_DIFFs, each N=1
            0x09,             // a fourth: more than RFC 9628 §4.2 allows
        };
        assertThat(parse(payload, false)).isFalse();
    }

    @Test
    void everyPrefixAndEveryByteValueParsesWithoutThrowing() {
        ByteBuf scratch = buffers.untracked(new int[64]);
        assertThat(PayloadFuzz.everyPrefixOfEveryOneByteChange(scratch, nonFlexibleKeyPictureWithScalabilityStructure(),
                parser, d)).isPositive();
        assertThat(PayloadFuzz.everyPrefixOfEveryOneByteChange(scratch, flexibleInterFrame(), parser, d)).isPositive();
    }

    private boolean parse(int[] payload, boolean marker) {
        ByteBuf buf = buffers.untracked(payload);
        return parser.parse(buf, 0, payload.length, marker, d);
    }
}
