package io.sluice.worker.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.api.v1.Event;
import io.sluice.api.v1.RouterClosed;
import io.sluice.api.v1.WorkerOverload;
import io.sluice.worker.testsupport.TestClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventPublisherTest {

    private record Published(String subject, byte[] body) {}

    private final List<Published> published = new ArrayList<>();
    private final TestClock clock = new TestClock(0, 1_700_000_000_123L);
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final EventPublisher events = new EventPublisher("eu1-7f3a-0", channel.eventLoop(), clock,
            (subject, body) -> published.add(new Published(subject, body)));

    @Test
    void routerClosedIsStampedAndNumberedFromOne() throws InvalidProtocolBufferException {
        assertThat(events.lastSeq()).isZero();

        long first = events.routerClosed("r-1", RouterClosed.Reason.REQUESTED);
        clock.advanceMillis(5);
        long second = events.routerClosed("r-2", RouterClosed.Reason.WORKER_CLOSED);

        assertThat(first).isEqualTo(1);
        assertThat(second).isEqualTo(2);
        assertThat(published).extracting(Published::subject).containsExactly(
                "sluice.event.r-1.router.r-1.closed", "sluice.event.r-2.router.r-2.closed");
        Event event = Event.parseFrom(published.get(1).body());
        assertThat(event.getWorkerId()).isEqualTo("eu1-7f3a-0");
        assertThat(event.getSeq()).isEqualTo(2);
        assertThat(event.getTimestampMs()).isEqualTo(1_700_000_000_128L);
        assertThat(event.getRouterId()).isEqualTo("r-2");
        assertThat(event.getRouterClosed().getReason()).isEqualTo(RouterClosed.Reason.WORKER_CLOSED);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void theOverloadEventIsTheWorkersAndSharesTheSequence() throws InvalidProtocolBufferException {
        events.routerClosed("r-1", RouterClosed.Reason.REQUESTED);

        long seq = events.workerOverload(WorkerOverload.newBuilder().setOverloaded(true).setShedLevel(3)
                .addPausedConsumerIds("c-9").build());

        assertThat(seq).isEqualTo(2);
        assertThat(published.getLast().subject()).isEqualTo("sluice.event.eu1-7f3a-0.worker.eu1-7f3a-0.overload");
        Event event = Event.parseFrom(published.getLast().body());
        assertThat(event.getRouterId()).isEmpty();
        assertThat(event.getWorkerId()).isEqualTo("eu1-7f3a-0");
        assertThat(event.getWorkerOverload().getPausedConsumerIdsList()).containsExactly("c-9");
        assertThat(channel.finish()).isFalse();
    }
}
