"""Data from and to the backend through a direct transport, against a real worker and nats-server:
what one data producer's ``send`` puts in arrives at a direct data consumer's ``message`` events, in
order, text as text and binary as binary, and the max message size is a typed error."""

from __future__ import annotations

import pytest

from media import MEDIA_CODECS
from sluice import DataMessage, InvalidArgumentError, Sluice


async def test_messages_sent_by_the_backend_reach_a_direct_data_consumer_in_order(  # type: ignore[no-untyped-def]
        sluice: Sluice, worker_process) -> None:
    router = await sluice.worker(worker_process.worker_id).create_router(MEDIA_CODECS, room_id="python-data")
    transport = await router.create_direct_transport(max_message_size=1000)
    assert transport.max_message_size == 1000
    producer = await transport.produce_data(label="bot")
    assert producer.type == "direct"
    consumer = await transport.consume_data(producer.id)
    assert consumer.type == "direct" and consumer.label == "bot"
    events = consumer.events()

    sent: list[str | bytes] = ["hello", b"\x00\x01binary", "", b"", "é" * 500, bytes(range(256)) * 3]
    for message in sent:
        await producer.send(message)
    received = []
    while len(received) < len(sent):
        event = await events.next(timeout=10)
        if getattr(event, "name", None) == "message":
            received.append(event.data)
    assert received == [DataMessage(m.encode() if isinstance(m, str) else m, 51 if isinstance(m, str) else 53)
                        for m in sent]
    assert received[4].text == "é" * 500

    with pytest.raises(InvalidArgumentError) as too_big:
        await producer.send(b"x" * 1001)
    assert too_big.value.field == "payload"
    with pytest.raises(InvalidArgumentError):
        await producer.send(b"\xc3", ppid=51)
    stats = await consumer.get_stats()
    assert stats.messages_sent == len(sent)

    with pytest.raises(InvalidArgumentError):
        await producer.send("x", ppid=50)
    await transport.close()
    assert producer.closed and consumer.closed
    await router.close()
