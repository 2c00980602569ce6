"""The learned echo path: estimation on a real room impulse response with real speech as the
far end, priming the canceller with it, and keeping it across restarts (daemon/audio/echo_path.py,
daemon/audio/echo_store.py)."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from daemon.audio.echo_path import (
    EchoPath,
    EchoPathError,
    EchoPathEstimator,
    load_echo_path,
    save_echo_path,
)
from daemon.audio.echo_store import keep_echo_path, restore_echo_path
from daemon.audio.frontend import FrontEnd, FrontEndSettings
from daemon.eval.common import load_audio
from tests.conftest import SHARED_AUDIO

SPEECH = SHARED_AUDIO / "speech" / "speechbrain"
SMALL_ROOM = SHARED_AUDIO / "rir" / "pymixconsole-openair" / "small_room_left.wav"
SETTINGS = FrontEndSettings(ns="none")
RATE = 16000


def _speech(names: list[str]) -> np.ndarray:
    return np.concatenate([load_audio(SPEECH / n) for n in names])


@pytest.fixture(scope="module")
def room() -> tuple[np.ndarray, np.ndarray]:
    """(far end, echo at the microphone): real speech through the small room's real RIR."""
    if not SMALL_ROOM.is_file():
        pytest.skip(f"the shared recordings are not at {SHARED_AUDIO}")
    far = _speech(["LJ050-0131.wav", "spk1_snt1.wav", "spk1_snt2.wav", "spk1_snt3.wav"])
    rir = load_audio(SMALL_ROOM).astype(np.float64)
    rir /= np.max(np.abs(rir))
    n = 1 << (len(far) + len(rir)).bit_length()
    echo = np.fft.irfft(np.fft.rfft(far.astype(np.float64), n) * np.fft.rfft(rir, n), n)
    echo = echo[:len(far)] * (0.3 * 32767 / np.max(np.abs(echo[:len(far)])))
    return far, echo.astype(np.int16)


def _erle_db(echo: np.ndarray, out: np.ndarray) -> float:
    e = np.sum(echo.astype(np.float64) ** 2)
    r = np.sum(out.astype(np.float64) ** 2)
    return float(10 * np.log10(e / max(r, 1.0)))


def _learned(room: tuple[np.ndarray, np.ndarray]) -> EchoPath:
    far, echo = room
    fe = FrontEnd(SETTINGS)
    fe.process_all(echo, far)
    path = fe.echo_path()
    assert path is not None
    return path


def test_estimate_needs_playback_and_explains_the_echo(room: tuple[np.ndarray, np.ndarray]
                                                       ) -> None:
    far, echo = room
    estimator = EchoPathEstimator(4096, RATE)
    for i in range(0, RATE, 160):  # one second: too little
        estimator.add(far[i:i + 160], echo[i:i + 160])
    assert estimator.estimate() is None
    path = _learned(room)
    assert path.fit_db > 15.0
    assert len(path.taps) == 4096 and path.rate_hz == RATE
    assert path.seconds > 5.0


def test_silence_teaches_nothing() -> None:
    estimator = EchoPathEstimator(4096, RATE)
    quiet = np.zeros(160, np.int16)
    for _ in range(1000):
        estimator.add(quiet, quiet)
    assert estimator.blocks == 0 and estimator.estimate() is None


def test_a_primed_canceller_starts_converged(room: tuple[np.ndarray, np.ndarray]) -> None:
    far, echo = room
    path = _learned(room)
    first = slice(0, 2 * RATE)  # the first two seconds of playback
    cold = FrontEnd(SETTINGS).process_all(echo, far)
    primed = FrontEnd(SETTINGS)
    primed.prime(path)
    warm = primed.process_all(echo, far)
    cold_db, warm_db = _erle_db(echo[first], cold[first]), _erle_db(echo[first], warm[first])
    assert warm_db > cold_db + 10.0, (cold_db, warm_db)


def test_a_reset_primes_again(room: tuple[np.ndarray, np.ndarray]) -> None:
    far, echo = room
    fe = FrontEnd(SETTINGS)
    fe.prime(_learned(room))
    fe.process_all(echo, far)
    fe.reset()
    out = fe.process_all(echo[:2 * RATE], far[:2 * RATE])
    assert _erle_db(echo[:2 * RATE], out) > 15.0


def test_prime_refuses_a_path_longer_than_the_tail() -> None:
    fe = FrontEnd(FrontEndSettings(ns="none", tail_ms=128))
    with pytest.raises(ValueError, match="does not fit"):
        fe.prime(EchoPath(np.zeros(4096, np.float32), RATE, 10.0, 20.0))


# -- the stored file ---------------------------------------------------------------------------

def test_save_load_round_trip(tmp_path: Path) -> None:
    path = EchoPath(np.linspace(-1, 1, 4096, dtype=np.float32), RATE, 12.5, 21.0)
    file = tmp_path / "state" / "echo_path.npz"
    save_echo_path(file, path)
    back = load_echo_path(file, rate_hz=RATE, max_taps=4096)
    assert np.array_equal(back.taps, path.taps)
    assert (back.rate_hz, back.seconds, back.fit_db) == (RATE, 12.5, 21.0)
    assert [p.name for p in file.parent.iterdir()] == ["echo_path.npz"]  # no temporary left


@pytest.mark.parametrize(("taps", "rate", "max_taps", "problem"), [
    (np.zeros(4096, np.float32), 8000, 4096, "sample rate 8000"),
    (np.zeros(4096, np.float32), RATE, 2048, "4096 taps"),
    (np.full(16, np.nan, np.float32), RATE, 4096, "non-finite"),
])
def test_unusable_stored_paths_are_refused(tmp_path: Path, taps: np.ndarray, rate: int,
                                           max_taps: int, problem: str) -> None:
    file = tmp_path / "echo_path.npz"
    save_echo_path(file, EchoPath(taps, rate, 1.0, 10.0))
    with pytest.raises(EchoPathError, match=problem) as info:
        load_echo_path(file, rate_hz=RATE, max_taps=max_taps)
    assert "delete" in info.value.fix


def test_a_corrupt_file_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "echo_path.npz"
    file.write_bytes(b"not an npz file")
    with pytest.raises(EchoPathError, match="cannot read"):
        load_echo_path(file, rate_hz=RATE, max_taps=4096)


# -- across restarts (what `cabin run` does) ---------------------------------------------------

def test_restart_keeps_and_restores(room: tuple[np.ndarray, np.ndarray], tmp_path: Path
                                    ) -> None:
    far, echo = room
    file = tmp_path / "echo_path.npz"
    first = FrontEnd(SETTINGS)
    assert not restore_echo_path(first, file)  # nothing stored yet: cold
    first.process_all(echo, far)
    assert keep_echo_path(first, file)
    second = FrontEnd(SETTINGS)
    assert restore_echo_path(second, file)
    out = second.process_all(echo[:2 * RATE], far[:2 * RATE])
    assert _erle_db(echo[:2 * RATE], out) > 15.0


def test_a_run_without_playback_keeps_the_stored_path(tmp_path: Path) -> None:
    file = tmp_path / "echo_path.npz"
    save_echo_path(file, EchoPath(np.ones(8, np.float32), RATE, 9.0, 20.0))
    fe = FrontEnd(SETTINGS)
    fe.process_all(np.zeros(5 * RATE, np.int16))
    assert not keep_echo_path(fe, file)
    assert load_echo_path(file, rate_hz=RATE, max_taps=4096).seconds == 9.0


def test_a_corrupt_stored_path_starts_cold_with_a_warning(tmp_path: Path,
                                                           caplog: pytest.LogCaptureFixture
                                                           ) -> None:
    file = tmp_path / "echo_path.npz"
    file.write_bytes(b"\x00" * 10)
    with caplog.at_level(logging.WARNING):
        assert not restore_echo_path(FrontEnd(SETTINGS), file)
    assert "starts cold" in caplog.text and "delete" in caplog.text


def test_an_unwritable_place_is_a_warning(room: tuple[np.ndarray, np.ndarray], tmp_path: Path,
                                          caplog: pytest.LogCaptureFixture) -> None:
    far, echo = room
    blocked = tmp_path / "file"
    blocked.write_text("a file where a directory should be")
    fe = FrontEnd(SETTINGS)
    fe.process_all(echo, far)
    with caplog.at_level(logging.WARNING):
        assert not keep_echo_path(fe, blocked / "echo_path.npz")
    assert "cannot store the echo path" in caplog.text and "echo_path_file" in caplog.text


def test_no_canceller_no_priming(tmp_path: Path) -> None:
    file = tmp_path / "echo_path.npz"
    save_echo_path(file, EchoPath(np.ones(8, np.float32), RATE, 9.0, 20.0))
    fe = FrontEnd(FrontEndSettings(aec="none", ns="none"))
    assert not restore_echo_path(fe, file)
    assert fe.echo_path() is None
