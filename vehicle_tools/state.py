"""The car's live state, as decoded from its status frames. Never guessed.

A `VehicleState` is an immutable snapshot: one `Reading` per DBC signal the car has reported, with
the monotonic time (seconds) it was last seen. A signal the car has not reported yet is simply
absent: there are no defaults and no values copied from the commands we sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

SignalValue = float | int | str
"""A decoded signal: a physical number in the DBC unit, or the name of a VAL_ table entry."""


@dataclass(frozen=True, slots=True)
class Reading:
    """One signal as last reported by the car.

    Attributes:
        value: physical value in the signal's DBC unit (km/h, %, degC...) or its VAL_ name.
        seen_at: monotonic time the frame carrying it was received, seconds.
        message: name of the DBC message that carried it.
    """

    value: SignalValue
    seen_at: float
    message: str


def _frozen(readings: Mapping[str, Reading]) -> Mapping[str, Reading]:
    return MappingProxyType(dict(readings))


@dataclass(frozen=True, slots=True)
class VehicleState:
    """An immutable snapshot of everything the car has reported, keyed by DBC signal name."""

    readings: Mapping[str, Reading] = field(default_factory=lambda: _frozen({}))

    def with_frame(self, message: str, values: Mapping[str, SignalValue],
                   at: float) -> VehicleState:
        """Return a new snapshot with the signals of one decoded frame received at ``at`` (s)."""
        merged = dict(self.readings)
        for name, value in values.items():
            merged[name] = Reading(value=value, seen_at=at, message=message)
        return VehicleState(_frozen(merged))

    def since(self, t: float) -> VehicleState:
        """Only the readings received at or after monotonic time ``t`` (seconds)."""
        return VehicleState(_frozen({k: r for k, r in self.readings.items() if r.seen_at >= t}))

    def reading(self, signal: str) -> Reading | None:
        """The last reading of ``signal``, or None if the car has not reported it."""
        return self.readings.get(signal)

    def get(self, signal: str) -> SignalValue | None:
        """The last reported value of ``signal`` (DBC unit or VAL_ name), or None."""
        reading = self.readings.get(signal)
        return None if reading is None else reading.value

    def number(self, signal: str) -> float | None:
        """The last reported value of a numeric signal, in its DBC unit; None if absent or named."""
        value = self.get(signal)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        return None

    def text(self, signal: str) -> str | None:
        """The VAL_ name last reported for an enumerated signal; None if absent or numeric."""
        value = self.get(signal)
        return value if isinstance(value, str) else None

    def has(self, *signals: str) -> bool:
        """True when every one of ``signals`` has been reported."""
        return all(s in self.readings for s in signals)

    def as_dict(self) -> dict[str, SignalValue]:
        """Signal name -> last value, for logging."""
        return {name: r.value for name, r in self.readings.items()}
