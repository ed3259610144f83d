package io.sluice.worker.fuzz;

import static io.sluice.worker.fuzz.FuzzInputs.hex;

import io.sluice.worker.ice.StunMessage;
import javax.crypto.Mac;
import org.junit.jupiter.api.Test;

/**
 * STUN (RFC 8489 §5, §14; ICE attributes RFC 8445 §16.1): {@link StunMessage#wrap} returns null on
 * anything malformed and never throws, and every accessor and check of a message it accepted
 * answers without throwing. Seeds: the RFC 5769 §2.1-§2.3 sample messages.
 */
class StunFuzzTest {

    private static final Mac MAC = StunMessage.newShortTermMac("VOkJxbRl1RmTxUk/WvJxBt");

    private static final FuzzInputs.Generator STUN = FuzzInputs.bytesOrMutated(
                hex("000100582112a442b7e7a701bc34d686fa87dfae802200105354554e207465737420636c69656e74"
                        + "002400046e0001ff80290008932ff9b151263b36000600096576746a3a68367659202020"
                        + "000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a280280004e57a3bcf"),
                hex("0101003c2112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563746f7220"
                        + "002000080001a147e112a643000800142b91f599fd9e90c38c7489f92af9ba53f06be7d7"
                        + "80280004c07d4c96"),
                hex("010100482112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563746f7220"
                        + "002000140002a1470113a9faa5d3f179bc25f4b5bed2b9d9"
                        + "00080014a382954e4be67bf11784c97c8292c275bfe3ed4180280004c8fb0b4c"));

    @Test
    void parsingNeverThrowsAndAnAcceptedMessageAnswersEveryAccessor() {
        Fuzz.forAll("stun", STUN, input -> FuzzInputs.inBuffer(input, buf -> {
            StunMessage message = StunMessage.parse(buf);
            if (message == null) {
                return;
            }
            message.isFingerprintValid();
            message.isMessageIntegrityValid(MAC);
            message.isBindingRequest();
            message.username();
            message.software();
            message.usernameStartsWithFragment(new byte[] {'e', 'v'});
            message.errorCode();
            message.priority();
            message.nomination();
            if (message.hasXorMappedAddress()) {
                message.xorMappedAddress();
            }
        }));
    }
}
