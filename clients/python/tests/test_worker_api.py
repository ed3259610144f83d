"""Every SDK method against a real worker process, nats-server and redis-server."""

from __future__ import annotations

import asyncio

import pytest

from media import MEDIA_CODECS, OPUS_PRODUCER_PARAMETERS, VP8_PRODUCER_PARAMETERS, VP8_SIMULCAST_PARAMETERS
from sluice import (
    AlreadyExistsError,
    ClientJsonError,
    EntityClosedError,
    FailedPreconditionError,
    InvalidArgumentError,
    NoRespondersError,
    NotFoundError,
    RequestTimeoutError,
    Sluice,
    UnavailableError,
    UnsupportedError,
)

async def next_named(events, name: str):  # type: ignore[no-untyped-def]
    """The next event called ``name`` (a closing transport reports its ICE state first)."""
    while True:
        event = await events.next(timeout=10)
        if getattr(event, "name", None) == name:
            return event


FINGERPRINT = {"algorithm": "sha-256", "value": ":".join(["AB"] * 32)}


@pytest.fixture
async def worker(sluice: Sluice, worker_process):  # type: ignore[no-untyped-def]
    return sluice.worker(worker_process.worker_id)


@pytest.fixture
async def router(worker):  # type: ignore[no-untyped-def]
    router = await worker.create_router(MEDIA_CODECS, room_id="python-room")
    yield router
    if not router.closed:
        await router.close()


async def test_worker_dump_and_resource_usage(worker, router) -> None:  # type: ignore[no-untyped-def]
    dump = await worker.dump()
    usage = await worker.get_resource_usage()

    assert dump.worker_id == worker.id
    assert router.id in dump.router_ids
    assert dump.pid > 0
    assert usage.heap_max_bytes > 0


async def test_router_capabilities_are_mediasoup_client_json(router) -> None:  # type: ignore[no-untyped-def]
    capabilities = router.rtp_capabilities_json()
    fetched = await router.get_rtp_capabilities()
    dump = await router.dump()

    opus = next(codec for codec in capabilities["codecs"] if codec["mimeType"] == "audio/opus")
    rtx = next(codec for codec in capabilities["codecs"] if codec["mimeType"] == "video/rtx")
    assert opus["kind"] == "audio" and opus["channels"] == 2 and isinstance(opus["preferredPayloadType"], int)
    assert isinstance(rtx["parameters"]["apt"], int)
    assert fetched == router.rtp_capabilities
    assert dump.room_id == "python-room"


async def test_closed_router_refuses_calls_and_is_gone_on_the_worker(worker) -> None:  # type: ignore[no-untyped-def]
    router = await worker.create_router(MEDIA_CODECS)
    await router.close()

    assert router.closed
    with pytest.raises(EntityClosedError):
        await router.dump()
    with pytest.raises(NotFoundError) as error:
        await worker.router(router.id).dump()
    assert error.value.code == "NOT_FOUND" and error.value.status == 404


async def test_bad_input_gets_typed_errors(worker, router) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidArgumentError) as no_codec:
        await worker.create_router([])
    with pytest.raises(UnsupportedError) as unsupported:
        await worker.create_router([{"kind": "video", "mimeType": "video/NOPE", "clockRate": 90000}])
    with pytest.raises(NotFoundError):
        await worker.router("no-such-router").get_rtp_capabilities()
    with pytest.raises(ClientJsonError) as bad_json:
        await worker.create_router([{"kind": "audio", "mimeType": "audio/opus", "clockRate": "48000"}])
    transport = await router.create_plain_transport(comedia=True)
    with pytest.raises(InvalidArgumentError):
        await transport.produce("audio", {"codecs": [], "encodings": []})
    with pytest.raises(InvalidArgumentError):
        await router.create_plain_transport(enable_srtp=True, srtp_crypto_suite="ROT13")
    with pytest.raises(InvalidArgumentError):
        await router.create_webrtc_transport(listen_infos=[{"protocol": "udp", "ip": "not-an-ip"}])

    assert no_codec.value.code == "INVALID_ARGUMENT" and no_codec.value.message
    assert unsupported.value.code == "UNSUPPORTED"
    assert bad_json.value.path == "mediaCodecs[0].clockRate"


async def test_no_responders_is_its_own_error(sluice: Sluice) -> None:
    with pytest.raises(NoRespondersError) as error:
        await sluice.worker("nobody-0").dump()

    assert not isinstance(error.value, UnavailableError)
    assert "sluice.nobody-0.worker.dump" in str(error.value)


async def test_a_create_without_reply_is_retried_with_one_idempotency_key(nats_url: str) -> None:
    # A responder that never answers, on a worker id of its own: every attempt times out.
    client = await Sluice.connect(nats_url, timeout=0.3, create_attempts=3)
    keys: list[str] = []

    async def swallow(msg) -> None:  # type: ignore[no-untyped-def]
        keys.append(msg.headers["Sluice-Idempotency-Key"])

    subscription = await client.nc.subscribe("sluice.silent-0.worker.createRouter", cb=swallow)
    try:
        with pytest.raises(RequestTimeoutError) as error:
            await client.worker("silent-0").create_router(MEDIA_CODECS)
    finally:
        await subscription.unsubscribe()
        await client.close()

    assert len(keys) == 3 and len(set(keys)) == 1
    assert error.value.idempotency_key == keys[0]


async def test_idempotency_key_returns_the_first_router(worker) -> None:  # type: ignore[no-untyped-def]
    first = await worker.create_router(MEDIA_CODECS, idempotency_key="python-key-1")
    again = await worker.create_router(MEDIA_CODECS, idempotency_key="python-key-1")
    routers = list((await worker.dump()).router_ids)
    with pytest.raises(AlreadyExistsError):
        await worker.create_router(MEDIA_CODECS[:1], idempotency_key="python-key-1")

    assert again.id == first.id
    assert routers.count(first.id) == 1
    await first.close()


async def test_webrtc_transport_methods(router) -> None:  # type: ignore[no-untyped-def]
    transport = await router.create_webrtc_transport(user_id="alice", app_data={"role": "send"})
    options = transport.to_client_json()

    assert options["id"] == transport.id
    assert {c["protocol"] for c in options["iceCandidates"]} == {"udp", "tcp"}
    assert options["dtlsParameters"]["role"] == "auto"
    assert options["iceParameters"]["iceLite"] is True

    role = await transport.connect({"role": "auto", "fingerprints": [FINGERPRINT]})
    with pytest.raises(FailedPreconditionError):
        await transport.connect({"role": "client", "fingerprints": [FINGERPRINT]})
    restarted = await transport.restart_ice()
    dump = await transport.dump()
    stats = await transport.get_stats()

    assert role == "client"
    assert restarted.username_fragment != options["iceParameters"]["usernameFragment"]
    assert transport.to_client_json()["iceParameters"]["usernameFragment"] == restarted.username_fragment
    assert dump.user_id == "alice" and dump.router_id == router.id
    assert stats.type == "webrtc" and stats.transport_id == transport.id

    await transport.close()
    assert transport.closed
    with pytest.raises(EntityClosedError):
        await transport.get_stats()


async def test_webrtc_server_shares_its_ports_and_closes_its_transports(worker, router) -> None:  # type: ignore[no-untyped-def]
    server = await worker.create_webrtc_server([{"protocol": "udp", "ip": "127.0.0.1"},
                                                {"protocol": "tcp", "ip": "127.0.0.1"}])
    transport = await router.create_webrtc_transport(webrtc_server=server)
    events = transport.events()
    ports = {c["port"] for c in transport.to_client_json()["iceCandidates"]}
    dump = await server.dump()

    assert ports == {t.local_port for t in server.local_tuples}
    assert list(dump.transport_ids) == [transport.id]

    await server.close()
    closed = await next_named(events, "closed")
    assert transport.closed
    assert (closed.name, closed.mediasoup_name, closed.data) == ("closed", "listenserverclose",
                                                                 "WEBRTC_SERVER_CLOSED")


async def test_plain_transport_connect_and_dump(router) -> None:  # type: ignore[no-untyped-def]
    transport = await router.create_plain_transport(listen_info={"ip": "127.0.0.1"}, rtcp_mux=True,
                                                    enable_srtp=True)
    info = await transport.connect(ip="127.0.0.1", port=50000, srtp_parameters=transport.srtp_parameters)
    dump = await transport.dump()
    stats = await transport.get_stats()

    assert transport.srtp_parameters is not None and transport.srtp_parameters.key_base64
    assert info.tuple.remote_port == 50000
    assert dump.transport.id == transport.id
    assert stats.type == "plain"
    await transport.close()
    assert transport.closed


async def test_produce_and_consume(router) -> None:  # type: ignore[no-untyped-def]
    sending = await router.create_plain_transport(comedia=True)
    receiving = await router.create_webrtc_transport()
    producer = await sending.produce("video", VP8_PRODUCER_PARAMETERS, app_data={"source": "camera"})

    assert await router.can_consume(producer.id, router.rtp_capabilities)
    consumer = await receiving.consume(producer.id, router.rtp_capabilities_json(), paused=True)
    client = consumer.to_client_json()

    assert producer.type == "simple" and producer.kind == "video"
    assert consumer.producer_id == producer.id
    assert client["producerId"] == producer.id and client["kind"] == "video"
    assert client["rtpParameters"]["codecs"][0]["mimeType"] == "video/VP8"
    assert consumer.type == "simple"

    await consumer.resume()
    await consumer.request_key_frame()
    assert await consumer.set_priority(7) == 7
    with pytest.raises(FailedPreconditionError):
        await consumer.set_preferred_layers(0)
    consumer_dump = await consumer.dump()
    producer_dump = await producer.dump()
    consumer_stats = await consumer.get_stats()
    producer_stats = await producer.get_stats()
    await consumer.pause()

    assert not consumer_dump.paused and consumer_dump.priority == 7
    assert list(producer_dump.consumer_ids) == [consumer.id]
    assert producer_dump.app_data.entries["source"] == "camera"
    assert consumer_stats.consumer_id == consumer.id
    assert producer_stats.producer_id == producer.id
    assert (await consumer.dump()).paused


async def test_consumer_events_follow_its_producer(router) -> None:  # type: ignore[no-untyped-def]
    sending = await router.create_plain_transport(comedia=True)
    receiving = await router.create_plain_transport(comedia=True)
    producer = await sending.produce("audio", OPUS_PRODUCER_PARAMETERS)
    consumer = await receiving.consume(producer.id, router.rtp_capabilities)
    called: list[str] = []
    consumer.on("producerclose", lambda event: called.append(event.name))

    names = []
    async with consumer.events() as events:
        await producer.pause()
        await producer.resume()
        await producer.close()
        async def drain() -> None:
            async for event in events:
                names.append((event.name, event.data))
        await asyncio.wait_for(drain(), 10)

    assert names == [("producerpause", None), ("producerresume", None), ("producerclose", None),
                     ("closed", "PRODUCER_CLOSED")]
    assert called == ["producerclose"]
    assert consumer.closed and producer.closed


async def test_transport_close_is_transportclose_for_its_producers(router) -> None:  # type: ignore[no-untyped-def]
    transport = await router.create_plain_transport(comedia=True)
    producer = await transport.produce("audio", OPUS_PRODUCER_PARAMETERS)
    seen: list[str] = []
    producer.on("transportclose", lambda event: seen.append(event.data))
    events = producer.events()

    await transport.close()
    event = await events.next(timeout=10)

    assert producer.closed
    assert (event.mediasoup_name, event.data) == ("transportclose", "TRANSPORT_CLOSED")
    assert seen == ["TRANSPORT_CLOSED"]


async def test_router_close_is_routerclose_for_its_transports(worker) -> None:  # type: ignore[no-untyped-def]
    router = await worker.create_router(MEDIA_CODECS)
    transport = await router.create_webrtc_transport()
    events = transport.events()

    await router.close()
    event = await next_named(events, "closed")

    assert transport.closed
    assert (event.name, event.mediasoup_name) == ("closed", "routerclose")


async def test_a_gap_in_the_event_sequence_is_surfaced(nats_url: str, worker) -> None:  # type: ignore[no-untyped-def]
    client = await Sluice.connect(nats_url, timeout=30)
    try:
        mine = client.worker(worker.id)
        watched_router = await mine.create_router(MEDIA_CODECS)
        transport = await watched_router.create_plain_transport(comedia=True)
        producer = await transport.produce("audio", OPUS_PRODUCER_PARAMETERS)
        consumer = await transport.consume(producer.id, watched_router.rtp_capabilities)
        events = consumer.events()
        await producer.pause()
        assert (await events.next(timeout=10)).name == "producerpause"

        # Events published while this client is not subscribed are missed for good.
        await client._hub.stop()
        await client.nc.flush()
        unseen = await worker.create_router(MEDIA_CODECS)
        await unseen.close()
        await client._hub.start()
        await client.nc.flush()
        await producer.resume()

        missed = await events.next(timeout=10)
        resumed = await events.next(timeout=10)
    finally:
        await client.close()

    assert type(missed).__name__ == "MissedEvents" and missed.worker_id == worker.id
    assert missed.next_seq > missed.first_missed
    assert resumed.name == "producerresume"


async def test_simulcast_consumer_layers_and_close(sluice: Sluice, router) -> None:  # type: ignore[no-untyped-def]
    sending = await router.create_plain_transport(comedia=True)
    receiving = await router.create_webrtc_transport()
    producer = await sending.produce("video", VP8_SIMULCAST_PARAMETERS)
    consumer = await receiving.consume(producer.id, router.rtp_capabilities,
                                       preferred_layers={"spatialLayer": 2, "temporalLayer": 2})
    everywhere: list[str] = []
    sluice.on("closed", lambda event: everywhere.append(event.entity_id))
    events = consumer.events()

    chosen = await consumer.set_preferred_layers(0, 1)
    dump = await consumer.dump()
    await consumer.close()
    closed = await next_named(events, "closed")

    assert producer.type == "simulcast" and consumer.type == "simulcast"
    assert consumer.to_client_json()["rtpParameters"]["encodings"][0]["scalabilityMode"] == "L3T3"
    assert (chosen.spatial_layer, chosen.temporal_layer) == (0, 1)
    assert consumer.preferred_layers == chosen
    assert (dump.preferred_layers.spatial_layer, dump.preferred_layers.temporal_layer) == (0, 1)
    assert consumer.closed and (closed.mediasoup_name, closed.data) == (None, "REQUESTED")
    assert consumer.id in everywhere
    with pytest.raises(EntityClosedError):
        await consumer.resume()
    with pytest.raises(NotFoundError):
        await receiving.consume("no-such-producer", router.rtp_capabilities)
