"""Room assignments in Redis, as the orchestrator stub keeps them (docs/protocol.md, "Redis keys"):
one hash per room, ``sluice:room:<roomId>`` with ``worker_id``, ``router_id`` and
``created_at_ms``, no TTL. Claims and releases are Lua scripts, so two backends placing one room
at once agree on one router, and a release never deletes a newer placement."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

PREFIX = "sluice:room:"

#: KEYS[1] the room's hash; ARGV worker id, router id, created at. Answers the standing worker and router.
CLAIM = """
local worker = redis.call('HGET', KEYS[1], 'worker_id')
if worker then
  return {worker, redis.call('HGET', KEYS[1], 'router_id')}
end
redis.call('HSET', KEYS[1], 'worker_id', ARGV[1], 'router_id', ARGV[2], 'created_at_ms', ARGV[3])
return {ARGV[1], ARGV[2]}
"""

#: KEYS[1] the room's hash; ARGV[1] the router id it must still name. Answers 1 when deleted.
RELEASE = """
if redis.call('HGET', KEYS[1], 'router_id') == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


@dataclass(frozen=True)
class RoomAssignment:
    room_id: str
    worker_id: str
    router_id: str


def room_key(room_id: str) -> str:
    return PREFIX + room_id


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class RoomStore:
    """The assignments shared by every backend of a deployment (a redis.asyncio client)."""

    def __init__(self, redis: Any) -> None:
        self._redis = redis

    async def find(self, room_id: str) -> RoomAssignment | None:
        """The stored assignment, if any; it may name a router that is gone."""
        fields = {_text(k): _text(v) for k, v in (await self._redis.hgetall(room_key(room_id))).items()}
        if "worker_id" not in fields or "router_id" not in fields:
            return None
        return RoomAssignment(room_id, fields["worker_id"], fields["router_id"])

    async def claim(self, assignment: RoomAssignment) -> RoomAssignment:
        """Stores the assignment unless the room has one (first writer wins); answers the one that stands."""
        worker_id, router_id = await self._redis.eval(
            CLAIM, 1, room_key(assignment.room_id), assignment.worker_id, assignment.router_id,
            str(int(time.time() * 1000)))
        return RoomAssignment(assignment.room_id, _text(worker_id), _text(router_id))

    async def release(self, assignment: RoomAssignment) -> bool:
        """Deletes the room's assignment if it still names this router."""
        return bool(await self._redis.eval(RELEASE, 1, room_key(assignment.room_id), assignment.router_id))
