package io.sluice.worker.sctp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** DCEP and the channel rules between two of our {@link DataChannels}, over a lossy in-memory link. */
class DataChannelsTest {

    private final ManualScheduler scheduler = new ManualScheduler();
    private final Side client = new Side();
    private final Side server = new Side();
    private final List<ByteBuf> payloads = new ArrayList<>();

    private final class Side implements DataChannels.Listener {
        DataChannels channels;
        LossyPipe out;
        final List<String> events = new ArrayList<>();

        @Override
        public void onPacket(ByteBuf packet) {
            out.accept(packet);
        }

        @Override
        public void onStateChange(SctpState state) {
            events.add("state " + state);
        }

        @Override
        public void onChannelOpen(DataChannel channel) {
            events.add("open " + channel.label() + " " + channel.streamId());
        }

        @Override
        public void onMessage(DataChannel channel, boolean text, ByteBuf payload) {
            events.add((text ? "text " : "binary ") + channel.label() + " '"
                    + payload.toString(StandardCharsets.UTF_8) + "'");
            payload.release();
        }

        @Override
        public void onChannelClosed(DataChannel channel) {
            events.add("closed " + channel.label());
        }
    }

    DataChannelsTest() {
        client.out = new LossyPipe(scheduler, 1, 0.1, 15, 10);
        server.out = new LossyPipe(scheduler, 2, 0.1, 15, 10);
        SctpConfig config = SctpConfig.defaults();
        client.channels = new DataChannels(config, scheduler.clock, scheduler, AssociationPair.ALLOCATOR,
                new SecureRandom(), true, client);
        server.channels = new DataChannels(config, scheduler.clock, scheduler, AssociationPair.ALLOCATOR,
                new SecureRandom(), false, server);
        client.out.connectTo(server.channels::onPacket);
        server.out.connectTo(client.channels::onPacket);
        client.channels.association().connect();
        scheduler.runUntil(() -> server.channels.association().state() == SctpState.ESTABLISHED
                && client.channels.association().state() == SctpState.ESTABLISHED, 120_000, "established");
    }

    @AfterEach
    void releaseEverything() {
        client.channels.association().abort("test over");
        server.channels.association().abort("test over");
        while (scheduler.runNext()) {
            // deliveries to closed associations
        }
        for (ByteBuf packet : client.out.carried) {
            assertThat(packet.refCnt()).isZero();
        }
        for (ByteBuf packet : server.out.carried) {
            assertThat(packet.refCnt()).isZero();
        }
        for (ByteBuf payload : payloads) {
            assertThat(payload.refCnt()).isZero();
        }
    }

    @Test
    void rfc8832_section6_openOnEvenAndOddIdsSendTextBinaryAndEmptyMessages() {
        DataChannel chat = client.channels.open("chat", "", true, Reliability.RELIABLE);
        DataChannel files = server.channels.open("files", "v1", true, Reliability.RELIABLE);
        send(client, chat, true, "hello");
        send(client, chat, true, "");
        send(client, chat, false, "bytes");
        send(client, chat, false, "");
        send(server, files, false, "back");

        scheduler.runUntil(() -> server.events.contains("binary chat ''")
                && client.events.contains("binary files 'back'") && client.events.contains("open chat 0"), 120_000,
                "the messages and the ACK");

        assertThat(chat.streamId()).as("DTLS client: even").isZero();
        assertThat(files.streamId()).as("DTLS server: odd").isEqualTo(1);
        assertThat(server.events).containsSubsequence("open chat 0", "text chat 'hello'", "text chat ''",
                "binary chat 'bytes'", "binary chat ''");
        assertThat(client.events).contains("open chat 0", "open files 1", "binary files 'back'");
        assertThat(chat.state()).isEqualTo(DataChannel.State.OPEN);
    }

    @Test
    void rfc8831_section6_7_closingResetsBothDirectionsAndFreesTheStreamId() {
        DataChannel chat = client.channels.open("chat", "", true, Reliability.RELIABLE);
        send(client, chat, true, "before close");
        scheduler.runUntil(() -> server.events.contains("text chat 'before close'"), 120_000, "the message");

        client.channels.close(chat);
        scheduler.runUntil(() -> client.events.contains("closed chat") && server.events.contains("closed chat"),
                120_000, "closed on both sides");
        DataChannel again = client.channels.open("again", "", true, Reliability.RELIABLE);
        send(client, again, true, "on a reused stream");
        scheduler.runUntil(() -> server.events.contains("text again 'on a reused stream'"), 120_000,
                "a message on the reused stream");

        assertThat(again.streamId()).isEqualTo(chat.streamId());
        assertThat(chat.state()).isEqualTo(DataChannel.State.CLOSED);
        assertThat(server.channels.channels()).extracting(DataChannel::label).containsExactly("again");
        assertThat(client.channels.send(chat, true, AssociationPair.ALLOCATOR.buffer()))
                .as("a closed channel sends nothing").isEqualTo(SendResult.INVALID_STREAM);
    }

    private void send(Side side, DataChannel channel, boolean text, String message) {
        ByteBuf payload = AssociationPair.ALLOCATOR.buffer().writeBytes(message.getBytes(StandardCharsets.UTF_8));
        payloads.add(payload);
        assertThat(side.channels.send(channel, text, payload)).isEqualTo(SendResult.QUEUED);
    }

}
