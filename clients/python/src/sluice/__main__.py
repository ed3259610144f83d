"""``python -m sluice workers`` / ``python -m sluice routers``: what the workers run now.

The command ends within ``--deadline`` seconds whatever NATS, Redis or the workers do: it
connects without retrying, every reply is bounded by ``--timeout``, and closing is bounded too."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from .client import Sluice
from .errors import SluiceError

#: Left of the deadline for closing the connections once the listing is printed.
CLOSE_TIME = 2.0


async def _list(sluice: Sluice, args: argparse.Namespace) -> None:
    workers = await sluice.workers(wait_for=1, timeout=args.wait)
    if args.command == "workers":
        print(f"{'worker':<28} {'host':<20} {'announced ip':<16} routers transports producers consumers  loop")
        for worker in workers:
            info = worker.info
            assert info is not None
            load = info.load
            print(f"{worker.id:<28} {info.host:<20} {info.announced_ip:<16} {load.routers:>7} "
                  f"{load.transports:>10} {load.producers:>9} {load.consumers:>9} {load.loop_utilization:5.2f}")
        return
    print(f"{'router':<38} {'worker':<28} {'room':<16} transports producers consumers")
    for worker in workers:
        if args.worker and worker.id != args.worker:
            continue
        for router_id in (await worker.dump()).router_ids:
            dump = await worker.router(router_id).dump()
            print(f"{router_id:<38} {worker.id:<28} {dump.room_id:<16} {len(dump.transport_ids):>10} "
                  f"{len(dump.producer_ids):>9} {len(dump.consumer_ids):>9}")


async def _run(args: argparse.Namespace) -> int:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + args.deadline

    def left() -> float:
        return max(deadline - loop.time() - CLOSE_TIME, 0.1)

    # A short-lived command: no reconnecting, so a lost server ends it instead of being awaited.
    sluice = await Sluice.connect(args.nats_url, redis_url=args.redis_url or None, timeout=args.timeout,
                                  connect_timeout=min(args.timeout, left()), reconnect=False)
    try:
        await asyncio.wait_for(_list(sluice, args), left())
        return 0
    finally:
        try:
            await asyncio.wait_for(sluice.close(drain_timeout=CLOSE_TIME / 2), CLOSE_TIME)
        except asyncio.TimeoutError:  # the sockets close with the process anyway
            print("sluice: connections not closed cleanly", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sluice", description=__doc__)
    parser.add_argument("command", choices=["workers", "routers"])
    parser.add_argument("--nats-url", default=os.environ.get("NATS_URL", "nats://127.0.0.1:4222"))
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""),
                        help="also read the Redis worker registry (needs the redis package)")
    parser.add_argument("--worker", help="routers of this worker only")
    parser.add_argument("--wait", type=float, default=3.0, help="seconds to wait for a first worker")
    parser.add_argument("--timeout", type=float, default=6.0, help="seconds to wait for each reply")
    parser.add_argument("--deadline", type=float, default=20.0,
                        help="seconds after which the command gives up, whatever it waits for")
    args = parser.parse_args(argv)
    if args.deadline <= CLOSE_TIME:
        parser.error(f"--deadline must be more than {CLOSE_TIME:g} s")
    try:
        return asyncio.run(_run(args))
    except SluiceError as error:  # before TimeoutError: a reply's timeout is both
        print(f"sluice: {error}", file=sys.stderr)
        return 1
    except asyncio.TimeoutError:
        print(f"sluice: no worker found, or no answer within the deadline ({args.deadline:g} s)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
