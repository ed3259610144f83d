package io.sluice.orchestrator.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.orchestrator.signaling.SignalingStack;
import io.sluice.worker.testsupport.ChromiumBrowser;
import io.sluice.worker.testsupport.ExternalTool;
import io.sluice.worker.testsupport.NetworkIsolation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * DataChannels of the unchanged mediasoup-client 3.24.1 in Chromium through the demo page, the
 * orchestrator stub and a worker: A's chat box reaches B; an ordered, reliable data producer of A
 * delivers 1,000 messages of mixed sizes (1 B to 16 KiB, text and binary) to B's data consumer
 * complete and in order; an unordered {@code maxRetransmits: 0} one under 5% random loss on the
 * worker's UDP port (iptables in this network namespace) keeps delivering later messages; A
 * closes its data producer and B's data consumer closes. The throughput of one reliable channel
 * is printed (docs/benchmarks.md "DataChannel throughput").
 */
@Tag("browser")
class DataChannelsInChromiumTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String ROOM = "room-data";
    private static final int ORDERED_MESSAGES = 1000;
    private static final int LOSSY_MESSAGES = 3000;
    private static final int BULK_MESSAGE_BYTES = 16 * 1024;
    private static final int BULK_MESSAGES = 512;

    /**
     * Message {@code i} of the ordered run, made the same way on both pages: even ones text, odd
     * ones binary; every tenth 1 byte, every tenth-plus-one 16 KiB, the others a size from a hash.
     */
    private static final String MESSAGES = """
            window.dcMessage = (i) => {
              let x = Math.imul(i + 1, 2654435761) >>> 0;
              x = Math.imul(x ^ (x >>> 15), 0x5bd1e995) >>> 0;
              const size = i % 10 === 0 ? 1 : i % 10 === 1 ? 16384 : 1 + (x % 16384);
              if (i % 2 === 0) {
                return 'abcdefghijklmnopqrstuvwxyz'.repeat(Math.ceil(size / 26) + 1).substr(i % 26, size);
              }
              const bytes = new Uint8Array(size);
              for (let k = 0; k < size; k++) bytes[k] = (i * 31 + k) & 0xff;
              return bytes.buffer;
            };
            window.dcSame = (got, want) => {
              if (typeof want === 'string') return got === want;
              if (!(got instanceof ArrayBuffer) || got.byteLength !== want.byteLength) return false;
              const a = new Uint8Array(got);
              const b = new Uint8Array(want);
              for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
              return true;
            };
            window.dcSend = async (id, count, make) => {
              const producer = sluice.data.data.producers.get(id);
              for (let i = 0; i < count; i++) {
                while (producer.bufferedAmount > 1024 * 1024) await new Promise((r) => { setTimeout(r, 1); });
                producer.send(make(i));
              }
              return true;
            };
            true""";

    private static SignalingStack stack;

    @BeforeAll
    static void start() throws Exception {
        NetworkIsolation.requireLoopbackOnly();
        assertThat(DataChannelsInChromiumTest.class.getClassLoader().getResource("web/app.js"))
                .as("the demo page bundle (orchestrator-stub/web/build.sh runs in generate-resources)").isNotNull();
        stack = SignalingStack.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void orderedReliableAndLossyUnreliableChannelsDeliverAndCloseThroughSluice() throws Exception {
        Path chromium = ExternalTool.require("chromium", "chromium");
        Path iptables = ExternalTool.require("iptables", "iptables");
        try (ChromiumBrowser a = ChromiumBrowser.launch(chromium, List.of());
                ChromiumBrowser b = ChromiumBrowser.launch(chromium, List.of())) {
            a.navigate(DemoPage.url(stack, ROOM, "alice", "&video=0", "audio"));
            DemoPage.awaitPublishing(a, "[\"audio\"]");
            b.navigate(DemoPage.url(stack, ROOM, "bob", ""));
            a.evaluate(MESSAGES);
            b.evaluate(MESSAGES);

            // The chat box: A's line shows on B's page under A's name.
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(errors(a) + errors(b)).isEqualTo("[][]");
                assertThat(a.evaluate("!document.getElementById('chat-input').disabled").asBoolean()).isTrue();
                assertThat(b.evaluate("[...sluice.data.data.consumers.values()]"
                        + ".some(c => c.label === 'chat' && c.dataConsumer.readyState === 'open')").asBoolean()).isTrue();
            });
            a.evaluate("document.getElementById('chat-input').value = 'hello from alice';"
                    + " document.getElementById('chat-form').requestSubmit(); true");
            await().atMost(WAIT).untilAsserted(() -> assertThat(b.evaluate(
                    "document.getElementById('chat-log').textContent").asText()).contains("alice: hello from alice"));

            // (a) Ordered and reliable: 1,000 messages of mixed sizes, complete and in order.
            String ordered = open(a, b, "{ordered: true, label: 'ordered'}");
            b.evaluate("window.dcCheck = {next: 0, bad: []};"
                    + " consumerOf('" + ordered + "').on('message', (m) => {"
                    + "   const i = dcCheck.next++; if (!dcSame(m, dcMessage(i)) && dcCheck.bad.length < 10) dcCheck.bad.push(i); });"
                    + " true");
            a.evaluate("dcSend('" + ordered + "', " + ORDERED_MESSAGES + ", dcMessage).then(() => { window.orderedSent = true; }); true");
            await().atMost(WAIT).untilAsserted(() -> assertThat(b.evaluate("dcCheck.next").asInt())
                    .isEqualTo(ORDERED_MESSAGES));
            assertThat(b.evaluate("dcCheck.bad").toString()).as("messages that differ from the one sent at their place")
                    .isEqualTo("[]");

            // Throughput of one reliable channel: 8 MiB as 16 KiB messages, paced on bufferedAmount.
            String bulk = open(a, b, "{ordered: true, label: 'bulk'}");
            b.evaluate("window.bulk = {bytes: 0, lastAt: 0};"
                    + " consumerOf('" + bulk + "').on('message', (m) => { bulk.bytes += m.byteLength; bulk.lastAt = Date.now(); });"
                    + " true");
            long startedAt = a.evaluate("window.bulkStartedAt = Date.now(); dcSend('" + bulk + "', " + BULK_MESSAGES
                    + ", () => new Uint8Array(" + BULK_MESSAGE_BYTES + ").buffer); window.bulkStartedAt").asLong();
            long bulkBytes = (long) BULK_MESSAGES * BULK_MESSAGE_BYTES;
            await().atMost(WAIT).untilAsserted(() -> assertThat(b.evaluate("bulk.bytes").asLong()).isEqualTo(bulkBytes));
            long elapsedMs = Math.max(1, b.evaluate("bulk.lastAt").asLong() - startedAt);
            System.out.printf("DataChannel throughput (one ordered reliable channel, Chromium -> Sluice -> Chromium): "
                    + "%d MiB as %d B messages in %d ms = %.1f MB/s%n", bulkBytes >> 20, BULK_MESSAGE_BYTES, elapsedMs,
                    bulkBytes / 1e6 / (elapsedMs / 1000.0));

            // (b) Unordered, maxRetransmits 0, under 5% random loss: what arrives is delivered, without stalling.
            String lossy = open(a, b, "{ordered: false, maxRetransmits: 0, label: 'lossy'}");
            b.evaluate("window.lossy = {count: 0, highest: -1};"
                    + " consumerOf('" + lossy + "').on('message', (m) => {"
                    + "   lossy.count++; lossy.highest = Math.max(lossy.highest, parseInt(m, 10)); });"
                    + " true");
            List<Integer> ports = new ArrayList<>();
            for (ChromiumBrowser page : List.of(a, b)) {
                page.evaluate("sluice.state.transportOptions.flatMap(t => t.iceCandidates)"
                        + ".filter(c => c.protocol === 'udp').map(c => c.port)")
                        .forEach(port -> ports.add(port.asInt()));
            }
            String portList = String.join(",", ports.stream().distinct().map(String::valueOf).toList());
            List<String> rule = List.of("INPUT", "-p", "udp", "-m", "multiport", "--ports", portList,
                    "-m", "statistic", "--mode", "random", "--probability", "0.05", "-j", "DROP");
            iptables(iptables, "-I", rule);
            try {
                a.evaluate("window.lossySent = false; (async () => {"
                        + "  const producer = sluice.data.data.producers.get('" + lossy + "');"
                        + "  for (let i = 0; i < " + LOSSY_MESSAGES + "; i++) {"
                        + "    producer.send(String(i) + '.'.repeat(200));"
                        + "    if (i % 20 === 19) await new Promise((r) => { setTimeout(r, 10); });"
                        + "  }"
                        + "  window.lossySent = true; })(); true");
                await().atMost(WAIT).until(() -> a.evaluate("window.lossySent").asBoolean());
                await().atMost(WAIT).untilAsserted(() -> assertThat(b.evaluate("lossy.highest").asInt())
                        .as("the last messages arrive after the lost ones: the channel does not stall")
                        .isGreaterThanOrEqualTo(LOSSY_MESSAGES - 100));
            } finally {
                iptables(iptables, "-D", rule);
            }
            int received = b.evaluate("lossy.count").asInt();
            System.out.printf("unordered maxRetransmits 0 channel under 5%% loss: %d of %d messages delivered%n",
                    received, LOSSY_MESSAGES);
            assertThat(received).as("some were lost and not resent; most arrived")
                    .isLessThan(LOSSY_MESSAGES).isGreaterThan(LOSSY_MESSAGES * 7 / 10);

            // (c) A closes its data producer: B is told and its mediasoup-client data consumer closes.
            b.evaluate("window.orderedConsumer = consumerOf('" + ordered + "'); true");
            a.evaluate("sluice.data.closeProducer('" + ordered + "')");
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(b.evaluate("sluice.notified('dataProducerClosed').map(d => d.dataProducerId)").toString())
                        .contains(ordered);
                assertThat(b.evaluate("sluice.notified('dataConsumerClosed').map(d => d.dataProducerId)").toString())
                        .contains(ordered);
                assertThat(b.evaluate("window.orderedConsumer.closed").asBoolean()).isTrue();
            });
            assertThat(errors(a) + errors(b)).isEqualTo("[][]");
        }
    }

    /** Opens a data producer on A with these options; answers its id once B's data consumer of it is open. */
    private static String open(ChromiumBrowser a, ChromiumBrowser b, String options) throws Exception {
        b.evaluate("window.consumerOf = (id) => sluice.data.data.consumers.get(id).dataConsumer; true");
        String id = a.evaluate("sluice.data.produce(" + options + ").then(p => p.id)").asText();
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(a.evaluate("sluice.data.data.producers.get('" + id + "').readyState").asText()).isEqualTo("open");
            assertThat(b.evaluate("(() => { const c = sluice.data.data.consumers.get('" + id + "');"
                    + " return Boolean(c && c.dataConsumer && c.dataConsumer.readyState === 'open'); })()").asBoolean())
                    .isTrue();
        });
        return id;
    }

    private static String errors(ChromiumBrowser page) throws Exception {
        return page.evaluate("sluice.state.errors").toString();
    }

    private static void iptables(Path iptables, String action, List<String> rule) throws Exception {
        List<String> command = new ArrayList<>(List.of(iptables.toString(), "-w", action));
        command.addAll(rule);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("%s: %s", command, output).isZero();
    }
}
