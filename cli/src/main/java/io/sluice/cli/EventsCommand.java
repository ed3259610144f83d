package io.sluice.cli;

import com.google.protobuf.util.JsonFormat;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.sluice.api.v1.Event;
import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code sluice events [subject]}: decoded events as JSON lines, one per event, with the subject;
 * until interrupted, or {@code --count} events.
 */
@Command(name = "events", description = "Print events as JSON lines (default subject sluice.event.>).")
final class EventsCommand implements Callable<Integer> {

    private static final JsonFormat.Printer JSON = JsonFormat.printer().omittingInsignificantWhitespace();

    @ParentCommand
    private SluiceCli cli;

    @Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SUBJECT", defaultValue = "sluice.event.>",
            description = "NATS subject filter, e.g. sluice.event.<routerId>.> (default ${DEFAULT-VALUE}).")
    private String subject;

    @Option(names = "--count", defaultValue = "0", description = "Stop after this many events (0: never).")
    private int count;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = SluiceCli.out(spec);
        CountDownLatch remaining = new CountDownLatch(count == 0 ? 1 : count);
        try (Connection nats = cli.connectNats()) {
            Dispatcher dispatcher = nats.createDispatcher(message -> {
                String line;
                try {
                    String event = JSON.print(Event.parseFrom(message.getData()));
                    line = "{\"subject\":" + Output.quote(message.getSubject()) + ",\"event\":" + event + "}";
                } catch (Exception e) {
                    line = "{\"subject\":" + Output.quote(message.getSubject()) + ",\"undecodable\":"
                            + Output.quote(e.getMessage()) + "}";
                }
                synchronized (out) {
                    out.println(line);
                    out.flush();
                }
                if (count > 0) {
                    remaining.countDown();
                }
            });
            dispatcher.subscribe(subject);
            nats.flush(cli.timeout());
            spec.commandLine().getErr().println("listening on " + subject);
            spec.commandLine().getErr().flush();
            remaining.await();
        }
        return 0;
    }
}
