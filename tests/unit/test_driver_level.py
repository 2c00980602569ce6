"""The driver gate, fed numbers: the driver's speech keeps counting as speech, a voice well
below it (a passenger behind) does not, quiet consonants and pauses inside the driver's words
do not end it, and the first words are never judged."""

from __future__ import annotations

import numpy as np
import pytest

from daemon.hearing.driver_level import FLOOR_DB, DriverGate, GateParams, frame_level_db

FRAME_S = 0.032


def _feed(gate: DriverGate, levels: list[float], speech: bool = True) -> list[bool]:
    return [gate.is_driver(FRAME_S, speech, level) for level in levels]


def test_a_passenger_10_db_below_the_driver_is_not_the_driver() -> None:
    gate = DriverGate(GateParams(margin_db=9.0))
    assert all(_feed(gate, [-20.0] * 40))  # the driver's command, 1.3 s
    _feed(gate, [-60.0] * 10, speech=False)  # a pause
    heard = _feed(gate, [-30.0] * 40)  # the passenger, 10 dB lower
    assert not any(heard[10:]), "the passenger kept the turn open"


def test_the_driver_after_a_pause_is_the_driver_again() -> None:
    gate = DriverGate(GateParams(margin_db=9.0))
    _feed(gate, [-20.0] * 40)
    _feed(gate, [-60.0] * 15, speech=False)
    assert all(_feed(gate, [-21.0] * 30)[6:])  # "... maybe ten percent"


def test_a_quiet_consonant_inside_a_word_is_no_dip() -> None:
    gate = DriverGate(GateParams(margin_db=9.0))
    _feed(gate, [-20.0] * 20)
    assert all(_feed(gate, [-20.0, -20.0, -35.0, -20.0, -20.0] * 8))


def test_nothing_is_judged_while_the_driver_level_is_learnt() -> None:
    gate = DriverGate(GateParams(margin_db=9.0, learn_s=0.3))
    assert all(_feed(gate, [-45.0] * 9))  # 0.29 s: speech, whatever its level


def test_non_speech_is_never_the_driver() -> None:
    gate = DriverGate(GateParams())
    assert not any(_feed(gate, [-10.0] * 20, speech=False))


def test_reset_forgets_the_last_turns_driver() -> None:
    gate = DriverGate(GateParams(margin_db=9.0))
    _feed(gate, [-10.0] * 40)
    gate.reset()
    assert all(_feed(gate, [-30.0] * 40))  # a quieter driver this time


def test_frame_level() -> None:
    assert frame_level_db(np.zeros(512, dtype=np.int16)) == FLOOR_DB
    full = np.full(512, 32767, dtype=np.int16)
    assert frame_level_db(full) == pytest.approx(0.0, abs=0.01)
    assert frame_level_db((full // 10).astype(np.int16)) == pytest.approx(-20.0, abs=0.05)
