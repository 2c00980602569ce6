"""A bounded asyncio channel with a declared overflow policy.

- ``block``: the producer waits for room (lossless; file replay, the speaker path).
- ``drop_oldest``: the oldest item is discarded and counted (the live microphone: it must never
  stall, and fresh audio matters more than stale audio).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Generic, Literal, TypeVar

_LOG = logging.getLogger(__name__)
T = TypeVar("T")

OverflowPolicy = Literal["block", "drop_oldest"]


class Channel(Generic[T]):
    """A bounded FIFO between two tasks.

    Args:
        name: used in logs.
        maxsize: capacity in items (> 0).
        policy: what `put` does when full.
    """

    def __init__(self, name: str, maxsize: int, policy: OverflowPolicy) -> None:
        if maxsize <= 0:
            raise ValueError("a channel needs a positive capacity")
        self.name = name
        self.policy: OverflowPolicy = policy
        self.dropped = 0
        self._queue: asyncio.Queue[T] = asyncio.Queue(maxsize)

    async def put(self, item: T) -> None:
        """Add `item`, applying the overflow policy when full."""
        if self.policy == "block":
            await self._queue.put(item)
            return
        while self._queue.full():
            self._queue.get_nowait()
            self.dropped += 1
            if self.dropped == 1 or self.dropped % 100 == 0:
                _LOG.warning("channel %s full: dropped %d items so far", self.name, self.dropped)
        self._queue.put_nowait(item)

    async def get(self) -> T:
        """Take the oldest item, waiting for one."""
        return await self._queue.get()

    def qsize(self) -> int:
        """Items waiting."""
        return self._queue.qsize()
