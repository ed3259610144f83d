"""The soak's driver (scripts/soak starts it): rooms and peers coming and going on two Sluice worker
processes through the Python SDK, and once a minute a sample of what could leak on each worker
(heap after a full GC, open file descriptors, threads) and of Redis (key count), written as CSV.

Each room lives 20-60 s: a router, one plain-transport producer fed Opus-shaped RTP at a low rate
by a local UDP socket (comedia), two plain-transport consumers sending to local UDP sockets, and
one WebRTC transport that never gets ICE (its timers and Redis mappings must go away with it).
Peers carry user ids, so the Redis user-to-transport mappings are created and removed too."""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import random
import re
import socket
import struct
import subprocess
import sys
import time
from dataclasses import dataclass, field

from sluice import Sluice

MEDIA_CODECS = [{"kind": "audio", "mimeType": "audio/opus", "clockRate": 48000, "channels": 2}]


def opus_parameters(ssrc: int) -> dict[str, object]:
    return {
        "mid": "0",
        "codecs": [{"mimeType": "audio/opus", "payloadType": 111, "clockRate": 48000, "channels": 2,
                    "parameters": {}, "rtcpFeedback": []}],
        "headerExtensions": [],
        "encodings": [{"ssrc": ssrc}],
        "rtcp": {"cname": f"soak-{ssrc}"},
    }


@dataclass
class Totals:
    rooms_opened: int = 0
    rooms_closed: int = 0
    rtp_sent: int = 0
    rtp_received: int = 0
    errors: int = 0
    last_error: str = ""
    per_worker_live: dict[str, int] = field(default_factory=dict)


class Receiver(asyncio.DatagramProtocol):
    def __init__(self, totals: Totals) -> None:
        self.totals = totals

    def datagram_received(self, data: bytes, addr: object) -> None:
        self.totals.rtp_received += 1


async def one_room(client: Sluice, worker_id: str, room: int, pps: int, totals: Totals) -> None:
    loop = asyncio.get_running_loop()
    router = await client.worker(worker_id).create_router(MEDIA_CODECS, room_id=f"soak-{room}")
    endpoints: list[asyncio.BaseTransport] = []
    try:
        ip = {"ip": "127.0.0.1"}
        ingest = await router.create_plain_transport(listen_info=ip, comedia=True, user_id=f"sender-{room}")
        ssrc = random.randrange(1, 2**32)
        producer = await ingest.produce("audio", opus_parameters(ssrc))
        for viewer in range(2):
            egress = await router.create_plain_transport(listen_info=ip, user_id=f"viewer-{room}-{viewer}")
            endpoint, _ = await loop.create_datagram_endpoint(lambda: Receiver(totals), local_addr=("127.0.0.1", 0))
            endpoints.append(endpoint)
            await egress.connect(ip="127.0.0.1", port=endpoint.get_extra_info("sockname")[1])
            await egress.consume(producer.id, router.rtp_capabilities_json())
        await router.create_webrtc_transport(listen_infos=[{"protocol": "udp", "ip": "127.0.0.1"}],
                                             user_id=f"browser-{room}")
        totals.rooms_opened += 1
        totals.per_worker_live[worker_id] = totals.per_worker_live.get(worker_id, 0) + 1
        target = ("127.0.0.1", ingest.tuple.local_port)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
            sender.setblocking(False)
            payload = bytes(random.randrange(256) for _ in range(80))
            deadline = time.monotonic() + random.uniform(20, 60)
            sequence = random.randrange(65536)
            timestamp = random.randrange(2**32)
            while time.monotonic() < deadline:
                # RFC 3550 §5.1 fixed header: V=2, PT 111, marker clear.
                header = struct.pack("!BBHII", 0x80, 111, sequence, timestamp, ssrc)
                sender.sendto(header + payload, target)
                totals.rtp_sent += 1
                sequence = (sequence + 1) & 0xFFFF
                timestamp = (timestamp + 960) & 0xFFFFFFFF
                await asyncio.sleep(1 / pps)
        totals.per_worker_live[worker_id] -= 1
    finally:
        for endpoint in endpoints:
            endpoint.close()
        await router.close()
        totals.rooms_closed += 1


async def room_churn(client: Sluice, worker_id: str, rooms_at_once: int, pps: int, until: float,
                     totals: Totals, first_room: int) -> None:
    room = first_room

    async def keep_one_going() -> None:
        nonlocal room
        while time.monotonic() < until:
            room += 1
            try:
                await one_room(client, worker_id, room, pps, totals)
            except Exception as error:  # the soak reports failures; it does not stop on one
                totals.errors += 1
                totals.last_error = f"{type(error).__name__}: {error}"
                await asyncio.sleep(1)

    await asyncio.gather(*(keep_one_going() for _ in range(rooms_at_once)))


def heap_after_gc_kb(pid: int) -> int:
    subprocess.run(["jcmd", str(pid), "GC.run"], check=True, capture_output=True)
    info = subprocess.run(["jcmd", str(pid), "GC.heap_info"], check=True, capture_output=True, text=True).stdout
    match = re.search(r"used (\d+)K", info) or re.search(r"used (\d+)M", info)
    if match is None:
        raise RuntimeError(f"no heap figure in: {info}")
    value = int(match.group(1))
    return value * 1024 if match.re.pattern.endswith("M") else value


def threads(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        return int(next(line for line in status if line.startswith("Threads:")).split()[1])


def redis_keys(redis_cli: list[str]) -> int:
    return int(subprocess.run([*redis_cli, "DBSIZE"], check=True, capture_output=True, text=True).stdout.strip())


COLUMNS = ["minute", "worker", "heap_after_gc_kb", "fds", "threads", "redis_keys", "live_rooms",
           "rooms_opened", "rooms_closed", "rtp_sent", "rtp_received", "errors"]


async def sample(writer: csv.writer, label: str, workers: dict[str, int], redis_cli: list[str],  # type: ignore[valid-type]
                 totals: Totals) -> None:
    keys = await asyncio.to_thread(redis_keys, redis_cli)
    for worker_id, pid in workers.items():
        heap = await asyncio.to_thread(heap_after_gc_kb, pid)
        writer.writerow([label, worker_id, heap, len(os.listdir(f"/proc/{pid}/fd")), threads(pid), keys,
                         totals.per_worker_live.get(worker_id, 0), totals.rooms_opened, totals.rooms_closed,
                         totals.rtp_sent, totals.rtp_received, totals.errors])


async def sample_every_minute(writer: csv.writer, file: object, workers: dict[str, int],  # type: ignore[valid-type]
                              redis_cli: list[str], until: float, totals: Totals) -> None:
    started = time.monotonic()
    while time.monotonic() < until:
        await sample(writer, str(round((time.monotonic() - started) / 60)), workers, redis_cli, totals)
        file.flush()  # type: ignore[attr-defined]
        if totals.last_error:
            print(f"soak: {totals.errors} errors so far, last: {totals.last_error}", file=sys.stderr)
        await asyncio.sleep(min(60.0, max(0.0, until - time.monotonic())))


async def wait_until_answering(client: Sluice, workers: dict[str, int]) -> None:
    deadline = time.monotonic() + 120
    for worker_id in workers:
        while True:
            try:
                await client.worker(worker_id).dump()
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.5)


async def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nats", required=True)
    parser.add_argument("--redis-cli", required=True, help="redis-cli and its arguments, space-separated")
    parser.add_argument("--worker", action="append", required=True, help="workerId=pid")
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--rooms", type=int, default=3, help="rooms open at once per worker")
    parser.add_argument("--pps", type=int, default=25, help="RTP packets per second per producer")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    workers = {entry.split("=")[0]: int(entry.split("=")[1]) for entry in args.worker}
    redis_cli = args.redis_cli.split()
    totals = Totals()
    client = await Sluice.connect(args.nats, timeout=30)
    try:
        await wait_until_answering(client, workers)
        with open(args.out, "w", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(COLUMNS)
            until = time.monotonic() + args.minutes * 60
            churn = [room_churn(client, worker_id, args.rooms, args.pps, until, totals, index * 1_000_000)
                     for index, worker_id in enumerate(workers)]
            await asyncio.gather(sample_every_minute(writer, file, workers, redis_cli, until, totals), *churn)
            # The last sample is taken after every room has closed: what is left then is what leaked.
            await asyncio.sleep(5)
            await sample(writer, "end", workers, redis_cli, totals)
    finally:
        await client.close()
    print(f"soak: rooms opened {totals.rooms_opened}, closed {totals.rooms_closed}, RTP sent {totals.rtp_sent}, "
          f"received {totals.rtp_received}, errors {totals.errors}; last error: {totals.last_error or 'none'}")
    return 0 if totals.errors == 0 else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
