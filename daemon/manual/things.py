"""Whether a word the manual never uses names a part or a feature of a car.

A question with a word the manual never uses is still answered when the rest of it is the
section's ("I'm leaving the car at the *airport*", "how fast on that *skinny* spare"): such a
word is usually the driver's situation or their own word for the manual's. But when that word
is a car's part or device ("does it have a wireless phone *charger*", "can I pair a *dashcam*",
"how often are the brake *discs* replaced"), the question is about a thing the manual does not
describe, and the section that shares its other words ("phone", "pair", "brake") does not
answer it (`Answerer.covers` declines it; the meaning gate may still answer it, when it is
sure).

`CarThings` tells them apart by meaning: the word alone, embedded by the sentence model
(daemon/manual/sentence_model.py), is closer to what names a car's part or device than to what
names a place, a person, an action, a time or a feeling, by at least `CarThings.margin`.
"""

from __future__ import annotations

import logging

import numpy as np

from daemon.errors import ModelError
from daemon.manual.gate import Gate

_LOG = logging.getLogger(__name__)

CAR_THINGS = ("a car part", "a car feature", "car equipment", "a device in the car",
              "a system of the car")
"""What names a part or device of a car."""

OTHER_THINGS = ("a place", "a person", "an action", "a time", "a feeling")
"""What a driver's situation around a question is made of."""


class CarThings:
    """Which words name a car's part or device (`names_a_car_thing`).

    Args:
        gate: the meaning gate, whose sentence model embeds the words (loaded at the first
            word asked about).
        margin: how much closer (cosine) a word must be to the nearest of `CAR_THINGS` than to
            the nearest of `OTHER_THINGS` (0.07: on words of the development splits'
            questions, "dashcam" 0.24, "charger" 0.12, "discs" 0.08 against "rig" 0.06,
            "motorway" 0.04, "garage" -0.06, "airport" -0.29).
    """

    def __init__(self, gate: Gate, margin: float = 0.07) -> None:
        self._gate = gate
        self.margin = margin
        self._protos: tuple[np.ndarray, np.ndarray] | None = None
        self._known: dict[str, bool] = {}

    def names_a_car_thing(self, word: str) -> bool:
        """Whether ``word`` (lower case) names a part or device of a car; False when the
        sentence model cannot be used."""
        known = self._known.get(word)
        if known is not None:
            return known
        try:
            model, _ = self._gate.warm()
        except ModelError:
            return False
        if self._protos is None:
            self._protos = (model.embed(list(CAR_THINGS)), model.embed(list(OTHER_THINGS)))
        vector = model.embed([word])[0]
        car, other = self._protos
        found = float(np.max(car @ vector) - np.max(other @ vector)) >= self.margin
        if len(self._known) >= 4096:
            self._known.clear()
        self._known[word] = found
        return found
