"""``python -m sluice workers`` / ``python -m sluice routers``: what the workers run now."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from .client import Sluice
from .errors import SluiceError


async def _run(args: argparse.Namespace) -> int:
    sluice = await Sluice.connect(args.nats_url, redis_url=args.redis_url or None, timeout=args.timeout)
    try:
        workers = await sluice.workers(wait_for=1, timeout=args.wait)
        if args.command == "workers":
            print(f"{'worker':<28} {'host':<20} {'announced ip':<16} routers transports producers consumers  loop")
            for worker in workers:
                info = worker.info
                assert info is not None
                load = info.load
                print(f"{worker.id:<28} {info.host:<20} {info.announced_ip:<16} {load.routers:>7} "
                      f"{load.transports:>10} {load.producers:>9} {load.consumers:>9} {load.loop_utilization:5.2f}")
            return 0
        print(f"{'router':<38} {'worker':<28} {'room':<16} transports producers consumers")
        for worker in workers:
            if args.worker and worker.id != args.worker:
                continue
            for router_id in (await worker.dump()).router_ids:
                dump = await worker.router(router_id).dump()
                print(f"{router_id:<38} {worker.id:<28} {dump.room_id:<16} {len(dump.transport_ids):>10} "
                      f"{len(dump.producer_ids):>9} {len(dump.consumer_ids):>9}")
        return 0
    finally:
        await sluice.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sluice", description=__doc__)
    parser.add_argument("command", choices=["workers", "routers"])
    parser.add_argument("--nats-url", default=os.environ.get("NATS_URL", "nats://127.0.0.1:4222"))
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""),
                        help="also read the Redis worker registry (needs the redis package)")
    parser.add_argument("--worker", help="routers of this worker only")
    parser.add_argument("--wait", type=float, default=3.0, help="seconds to wait for a first worker")
    parser.add_argument("--timeout", type=float, default=6.0, help="seconds to wait for each reply")
    args = parser.parse_args(argv)
    try:
        return asyncio.run(_run(args))
    except (SluiceError, asyncio.TimeoutError) as error:
        print(f"sluice: {error or 'no worker found'}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
