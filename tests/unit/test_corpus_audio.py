"""The spoken corpus's builder (mixing, levels, file list) and evaluator (aggregation), on
synthetic signals and fake per-file results: no models, no speech synthesis."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from daemon.audio import mix
from daemon.eval import corpus_audio_eval as ev
from tools import build_corpus_audio as b
from tools.build_command_set import Utterance

RATE = 16000


def _tone(freq: float, seconds: float, amp: float = 0.1) -> mix.FloatArray:
    t = np.arange(int(seconds * RATE)) / RATE
    return np.asarray(amp * np.sin(2 * np.pi * freq * t), dtype=np.float64)


def test_bandpass_keeps_the_band_and_removes_the_rest() -> None:
    inside, below, above = _tone(1000, 1.0), _tone(100, 1.0), _tone(6000, 1.0)
    out = b.bandpass(inside + below + above, RATE, b.SPEECH_BAND_HZ)
    assert np.allclose(out, inside, atol=1e-9)


def test_band_snr_ignores_noise_outside_the_speech_band() -> None:
    speech = _tone(1000, 2.0, 0.1)
    rumble = _tone(80, 2.0, 0.1)
    hiss = _tone(2000, 2.0, 0.01)
    assert b.snr_db(speech, rumble) == pytest.approx(0.0, abs=0.01)
    assert b.snr_db(speech, rumble + hiss) == pytest.approx(
        -10 * np.log10(1.01), abs=0.01)
    # In the band only the 2 kHz hiss (20 dB down) counts.
    assert b.snr_db(speech, rumble + hiss, band=b.SPEECH_BAND_HZ) == pytest.approx(20.0, abs=0.05)


def test_snr_uses_the_speech_active_frames() -> None:
    speech = np.concatenate([np.zeros(RATE), _tone(1000, 1.0, 0.1), np.zeros(RATE)])
    noise = _tone(1500, 3.0, 0.01)
    assert b.snr_db(speech, noise) == pytest.approx(20.0, abs=0.1)
    assert b.snr_db(speech, noise, band=b.SPEECH_BAND_HZ) == pytest.approx(20.0, abs=0.1)


class _Beds:
    def __init__(self) -> None:
        rng = np.random.default_rng(0)
        self.car = b.bandpass(rng.standard_normal(RATE * 5), RATE, (20.0, 400.0)) * 0.05
        self.babble = rng.standard_normal(RATE * 5) * 0.02
        self.passengers = [_tone(f, 1.5, 0.05) for f in (300.0, 500.0, 700.0)]


def _utterance() -> Utterance:
    driver = np.concatenate([np.zeros(RATE), _tone(900, 0.5, 0.05), np.zeros(RATE // 4),
                             _tone(1200, 1.0, 0.05), np.zeros(RATE)])
    return Utterance(driver, (RATE, RATE + RATE // 2),
                     (RATE + 3 * RATE // 4, 2 * RATE + 3 * RATE // 4))


@pytest.mark.parametrize("condition", b.CONDITIONS)
def test_conditions_levels(condition: str) -> None:
    out = b.render_condition(_utterance(), condition, _Beds(), np.random.default_rng(3))
    levels = out.levels
    assert len(out.signal) == len(_utterance().signal)
    assert np.max(np.abs(out.signal)) <= mix.CLIP_LIMIT
    if condition == "clean":
        assert levels["measured_snr_db"] is None and levels["band_snr_db"] is None
        assert np.allclose(out.signal, _utterance().signal)
        return
    assert levels["band_snr_db"] is not None
    if condition in ("car10", "traffic0"):
        assert levels["measured_snr_db"] == pytest.approx(levels["snr_db"], abs=0.05)
    if condition == "passenger":
        assert levels["passenger_below_db"] == pytest.approx(b.PASSENGER_BELOW_DB, abs=0.05)
        # Passenger speech plus car noise: below the car noise's 10 dB alone.
        assert levels["measured_snr_db"] < 10.0


def test_rendering_is_deterministic() -> None:
    one = b.render_condition(_utterance(), "traffic0", _Beds(), np.random.default_rng(5))
    two = b.render_condition(_utterance(), "traffic0", _Beds(), np.random.default_rng(5))
    assert np.array_equal(one.signal, two.signal)


def test_passenger_bed_loops_to_the_length() -> None:
    pool = [_tone(400, 0.3), _tone(600, 0.2)]
    bed = b.passenger_bed(pool, RATE * 4, np.random.default_rng(1))
    assert len(bed) == RATE * 4
    assert mix.rms_dbfs(bed) > -40.0


def test_voices_round_robin_and_pick_is_deterministic() -> None:
    voices = [b.voice_for("heldout", i) for i in range(len(b.ESPEAK_VOICES) * 2)]
    assert voices[: len(b.ESPEAK_VOICES)] == voices[len(b.ESPEAK_VOICES):]
    assert len(set(voices)) == 8 and all(v.startswith("espeak:") for v in voices)
    assert b.voice_for("tune", 1).startswith("piper:joe@")
    items = list(range(100))
    assert b.pick(items, 10) == [0, 10, 20, 30, 40, 50, 60, 70, 80, 90]
    assert b.pick(items, None) == items and b.pick(items, 500) == items


def test_evaluator_selects_the_same_items_as_the_builder(tmp_path: Path) -> None:
    split = tmp_path / "heldout"
    split.mkdir()
    rows = [{"id": f"heldout-h{i:04d}", "index": i, "condition": c, "path": f"{c}/{i}.wav"}
            for c in ("car10", "clean") for i in range(30)]
    (split / "manifest.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    items = ev.read_manifest("heldout", tmp_path)
    chosen = ev.select(items, ["clean", "car10"], 6)
    want = [r for _, r in b.pick(list(enumerate(range(30))), 6)]
    assert [i.row["index"] for i in chosen] == want + want
    assert [i.condition for i in chosen] == ["clean"] * 6 + ["car10"] * 6
    assert ev.read_manifest("heldout2", tmp_path) == []


def _result(outcome: str, *, condition: str = "clean", voice: str = "v1", errors: int = 0,
            words: int = 5, split: str = "heldout") -> ev.FileResult:
    return ev.FileResult("x", split, condition, voice, "terse", outcome, errors, words)


def test_aggregation_counts_outcomes_wake_misses_and_wer() -> None:
    results = [_result("right"), _result("right", errors=1), _result("wrong", errors=2),
               _result("asked"), _result("not_heard", words=0),
               _result("right", condition="car10", voice="v2"),
               _result("missed", split="heldout2")]
    numbers = ev.aggregate(results)
    assert set(numbers) == {"heldout", "heldout2"}
    clean = numbers["heldout"]["by_condition"]["clean"]
    assert clean["n"] == 5
    assert clean["right_pct"] == 40.0 and clean["wrong_pct"] == 20.0
    assert clean["asked_pct"] == 20.0 and clean["not_heard_pct"] == 20.0
    assert clean["wake_misses"] == 1
    assert clean["wer_pct"] == pytest.approx(100.0 * 3 / 20, abs=0.05)  # woken files only
    assert clean["failures_misheard_pct"] == 50.0  # of wrong + asked, one had word errors
    assert list(numbers["heldout"]["by_condition"]) == ["clean", "car10"]
    assert numbers["heldout"]["overall"]["n"] == 6
    assert numbers["heldout"]["by_voice"]["v2"]["right_pct"] == 100.0
    assert numbers["heldout2"]["overall"]["missed_pct"] == 100.0
    table = ev.markdown("heldout", numbers["heldout"])
    assert "| clean | 5 | 40.0% | 20.0% | 20.0% | 0.0% | 1 | 15.0% | 50.0% |" in table


def test_rows_hold_what_was_heard_and_the_figures_do_not(tmp_path: Path) -> None:
    row = {"id": "heldout-h0001", "split": "heldout", "text": "open the sunroof",
           "category": "terse", "condition": "clean",
           "expected": [{"tool": "set_sunroof", "args": {"position_pct": 100}}]}
    item = ev.AudioItem(tmp_path / "x.wav", row)
    result = ev.FileResult("heldout-h0001", "heldout", "clean", "v1", "terse", "right", 0, 3,
                           -0.2, True, heard="Open the sunroof.",
                           plan="set_sunroof(position_pct=100)")
    path = tmp_path / "rows.jsonl"
    ev.write_rows(path, [result], {("heldout", "heldout-h0001"): item})
    written = json.loads(path.read_text())
    assert written["said"] == "open the sunroof" and written["heard"] == "Open the sunroof."
    assert written["plan"] == "set_sunroof(position_pct=100)"
    assert "set_sunroof" in written["expected"] and written["confidence"] == -0.2
    assert "Open the sunroof." not in json.dumps(ev.aggregate([result]))
