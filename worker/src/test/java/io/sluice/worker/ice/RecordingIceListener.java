package io.sluice.worker.ice;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * Records what an IceServer tells its owner: events as readable strings, responses as bytes (the
 * response buffer is released at once, as a channel write would, and checked to be gone).
 */
final class RecordingIceListener implements IceServer.Listener {

    record Response(byte[] bytes, TransportTuple tuple) {}

    final List<String> events = new ArrayList<>();
    final List<Response> responses = new ArrayList<>();
    /** Runs after each response is recorded: lets a test act from inside the callback. */
    Runnable afterResponse = () -> {};

    @Override
    public void onStunResponse(ByteBuf response, TransportTuple tuple) {
        responses.add(new Response(ByteBufUtil.getBytes(response), tuple));
        assertThat(response.release()).isTrue();
        assertThat(response.refCnt()).isZero();
        afterResponse.run();
    }

    @Override
    public void onIceStateChanged(IceState state) {
        events.add("state " + state);
    }

    @Override
    public void onSelectedTupleChanged(TransportTuple tuple) {
        events.add("selected " + tuple.remoteAddress().getPort());
    }

    @Override
    public void onTupleAdded(TransportTuple tuple) {
        events.add("added " + tuple.remoteAddress().getPort());
    }

    @Override
    public void onTupleRemoved(TransportTuple tuple) {
        events.add("removed " + tuple.remoteAddress().getPort());
    }

    @Override
    public void onLocalUsernameFragmentAdded(String usernameFragment) {
        events.add("ufrag+ " + usernameFragment);
    }

    @Override
    public void onLocalUsernameFragmentRemoved(String usernameFragment) {
        events.add("ufrag- " + usernameFragment);
    }

    /** Events since the last call, then forgets them. */
    List<String> takeEvents() {
        List<String> taken = List.copyOf(events);
        events.clear();
        return taken;
    }

    Response lastResponse() {
        assertThat(responses).isNotEmpty();
        return responses.get(responses.size() - 1);
    }
}
