"""The layer policy: which spatial layer a peer's simulcast and SVC consumers may receive.

"If a user is on a 3G network, force the low spatial layer": the browser tells its network with
``join``'s optional ``network`` and later with ``setNetwork`` (the Network Information API's
``navigator.connection.effectiveType``: ``slow-2g``, ``2g``, ``3g``, ``4g``). On a slow network
every layered consumer of the peer is held at spatial layer 0, whatever the peer asks with
``setPreferredLayers``; when the network is fast again, each goes back to its ceiling: what the
peer last asked, or the highest layer (the worker's default) if it asked nothing."""

from __future__ import annotations

from sluice import Consumer
from sluice.v1 import consumer_pb2

SLOW_NETWORKS = frozenset({"slow-2g", "2g", "3g"})
KNOWN_NETWORKS = SLOW_NETWORKS | {"4g"}
#: Above any layer a producer has: the worker clamps it to the highest (docs/signaling.md).
HIGHEST = 255

LAYERED = ("simulcast", "svc")


def is_slow(network: str | None) -> bool:
    return network in SLOW_NETWORKS


class LayerCeilings:
    """What each of a peer's layered consumers would receive without the policy: the layers the
    peer last asked for (None: the highest)."""

    def __init__(self) -> None:
        self._asked: dict[str, tuple[int, int | None] | None] = {}

    def track(self, consumer: Consumer) -> None:
        if consumer.type in LAYERED:
            self._asked[consumer.id] = None

    def forget(self, consumer_id: str) -> None:
        self._asked.pop(consumer_id, None)

    def tracked(self) -> list[str]:
        return list(self._asked)

    async def ask(self, consumer: Consumer, network: str | None, spatial: int,
                  temporal: int | None) -> consumer_pb2.ConsumerLayers:
        """The peer's own ``setPreferredLayers``: remembered as the ceiling, applied within the policy."""
        if consumer.id in self._asked:
            self._asked[consumer.id] = (spatial, temporal)
        if is_slow(network):
            spatial = 0
        return await consumer.set_preferred_layers(spatial, temporal)

    async def apply(self, consumer: Consumer, network: str | None) -> consumer_pb2.ConsumerLayers | None:
        """Sets the layers the policy allows for the consumer on this network (None: not layered)."""
        if consumer.id not in self._asked:
            return None
        asked = self._asked[consumer.id]
        spatial, temporal = asked if asked is not None else (HIGHEST, None)
        if is_slow(network):
            spatial = 0
        return await consumer.set_preferred_layers(spatial, temporal)

