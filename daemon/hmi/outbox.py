"""The bounded hand-off from any thread (the asyncio loop) to the HMI's GLib thread."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass

from daemon.hmi.api import OutSignal


@dataclass(frozen=True, slots=True)
class PropertyUpdate:
    """New values of some properties (name -> Python value of the declared type)."""

    values: Mapping[str, object]


class Outbox:
    """Thread-safe bounded FIFO towards the GLib thread; when full, the oldest item is dropped
    and counted (a dropped `PropertyUpdate` is harmless: later ones carry full values)."""

    def __init__(self, size: int) -> None:
        self._items: deque[OutSignal | PropertyUpdate] = deque()
        self._size = size
        self._lock = threading.Lock()
        self._scheduled = False
        self.dropped = 0

    def put(self, item: OutSignal | PropertyUpdate) -> bool:
        """Queue `item`; True when the consumer must be woken (no drain scheduled yet)."""
        with self._lock:
            if len(self._items) >= self._size:
                self._items.popleft()
                self.dropped += 1
            self._items.append(item)
            wake, self._scheduled = not self._scheduled, True
        return wake

    def take_all(self) -> list[OutSignal | PropertyUpdate]:
        """Everything queued, oldest first; the next `put` wakes the consumer again."""
        with self._lock:
            items, self._items = list(self._items), deque()
            self._scheduled = False
        return items
