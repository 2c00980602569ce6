"""daemon.audio.mix: levels, SNR mixing, clipping protection, determinism, concatenation."""

from __future__ import annotations

import numpy as np
import pytest

from daemon.audio import mix

RATE = 16000


def tone(seconds: float, amplitude: float, freq_hz: float = 440.0) -> mix.FloatArray:
    """A sine of `amplitude` (full-scale units); its RMS is amplitude / sqrt(2)."""
    t = np.arange(mix.seconds_to_samples(seconds, RATE)) / RATE
    return amplitude * np.sin(2 * np.pi * freq_hz * t)


def burst(amplitude: float = 0.1) -> mix.FloatArray:
    """1 s silence, 1.5 s tone, 1 s silence: a 'speech' signal with a known active level."""
    return np.concatenate([np.zeros(RATE), tone(1.5, amplitude), np.zeros(RATE)])


def white(seconds: float, rms: float, seed: int = 1) -> mix.FloatArray:
    return np.random.default_rng(seed).normal(0.0, rms, mix.seconds_to_samples(seconds, RATE))


def db(x: float) -> float:
    return 20.0 * float(np.log10(x))


def test_levels_of_known_signals() -> None:
    assert mix.rms_dbfs(tone(1.0, 1.0)) == pytest.approx(db(1 / np.sqrt(2)), abs=0.01)
    # Silence around the burst does not lower the active level; it does lower plain RMS.
    assert mix.active_level_dbfs(burst(0.1), RATE) == pytest.approx(db(0.1 / np.sqrt(2)), abs=0.1)
    assert mix.rms_dbfs(burst(0.1)) < db(0.1 / np.sqrt(2)) - 3.0
    assert mix.active_level_dbfs(np.zeros(RATE), RATE) == mix.SILENCE_DBFS


def test_active_level_ignores_a_recordings_own_background() -> None:
    speech = burst(0.1) + white(3.5, 0.002)  # background 34 dB below the tone
    assert mix.active_level_dbfs(speech, RATE) == pytest.approx(db(0.1 / np.sqrt(2)), abs=0.3)


def test_active_span_and_trim_skip_silence_and_clicks() -> None:
    signal = burst(0.1)
    signal[100:110] = 0.5  # a 10-sample click near the start is not speech
    first, end = mix.active_span(signal, RATE)
    assert first == pytest.approx(RATE, abs=160)
    assert end == pytest.approx(2.5 * RATE, abs=160)
    trimmed = mix.trim_to_active(signal, RATE, margin_s=0.05)
    assert len(trimmed) == pytest.approx(1.6 * RATE, abs=320)
    assert trimmed[0] == 0.0 and trimmed[-1] == 0.0  # faded ends


@pytest.mark.parametrize("snr_db", [20.0, 10.0, 5.0, 0.0, -5.0])
def test_mix_at_snr_reaches_the_requested_snr(snr_db: float) -> None:
    speech = burst(0.1)
    res = mix.mix_at_snr(speech, white(10.0, 0.05), snr_db, np.random.default_rng(0), RATE)
    assert len(res.mix) == len(speech)
    assert mix.measured_snr_db(res.speech, res.noise, RATE) == pytest.approx(snr_db, abs=0.5)
    # Independently of the returned components: the noise is what the mix adds to the speech.
    scale = 10.0 ** (res.headroom_db / 20.0)
    added = res.mix - speech * scale
    measured = db(0.1 / np.sqrt(2) * scale) - mix.rms_dbfs(added)
    assert measured == pytest.approx(snr_db, abs=0.5)


def test_snr_is_defined_on_active_speech_not_on_the_silence_around_it() -> None:
    short = np.concatenate([np.zeros(5 * RATE), tone(1.0, 0.1), np.zeros(5 * RATE)])
    res = mix.mix_at_snr(short, white(20.0, 0.05), 10.0, np.random.default_rng(0), RATE)
    assert mix.rms_dbfs(res.noise) == pytest.approx(db(0.1 / np.sqrt(2)) - 10.0, abs=0.2)


def test_loud_mix_is_scaled_down_instead_of_clipping() -> None:
    speech = burst(0.95)
    res = mix.mix_at_snr(speech, white(5.0, 0.3), 0.0, np.random.default_rng(0), RATE)
    assert res.scaled_down and res.headroom_db < 0.0
    assert np.max(np.abs(res.mix)) <= mix.CLIP_LIMIT + 1e-12
    assert np.max(np.abs(mix.to_int16(res.mix).astype(np.int32))) <= 32767
    assert mix.measured_snr_db(res.speech, res.noise, RATE) == pytest.approx(0.0, abs=0.5)


def test_quiet_mix_is_not_scaled() -> None:
    res = mix.mix_at_snr(burst(0.05), white(5.0, 0.05), 20.0, np.random.default_rng(0), RATE)
    assert not res.scaled_down and res.headroom_db == 0.0
    np.testing.assert_array_equal(res.speech, burst(0.05))


def test_mix_is_deterministic_given_a_seed() -> None:
    noise = white(30.0, 0.05)
    a = mix.mix_at_snr(burst(), noise, 5.0, np.random.default_rng(42), RATE)
    b = mix.mix_at_snr(burst(), noise, 5.0, np.random.default_rng(42), RATE)
    c = mix.mix_at_snr(burst(), noise, 5.0, np.random.default_rng(43), RATE)
    np.testing.assert_array_equal(a.mix, b.mix)
    assert not np.array_equal(a.mix, c.mix)


def test_short_noise_is_looped_to_the_speech_length() -> None:
    noise = np.arange(100, dtype=np.float64)
    seg = mix.noise_segment(noise, 250, np.random.default_rng(3))
    assert len(seg) == 250
    assert np.all(np.diff(seg) % 100 == 1)  # consecutive samples of the looped ramp
    res = mix.mix_at_snr(burst(), white(0.5, 0.05), 10.0, np.random.default_rng(0), RATE)
    assert mix.measured_snr_db(res.speech, res.noise, RATE) == pytest.approx(10.0, abs=0.5)


def test_silent_input_cannot_be_mixed_at_an_snr() -> None:
    with pytest.raises(ValueError, match="silent"):
        mix.mix_at_snr(np.zeros(RATE), white(1.0, 0.05), 10.0, np.random.default_rng(0), RATE)


def test_normalize_to_dbfs_sets_the_active_level() -> None:
    out = mix.normalize_to_dbfs(burst(0.3), RATE, -26.0)
    assert mix.active_level_dbfs(out, RATE) == pytest.approx(-26.0, abs=0.05)
    np.testing.assert_array_equal(mix.normalize_to_dbfs(np.zeros(10), RATE, -26.0), np.zeros(10))


def test_concat_with_gaps() -> None:
    a, b, c = np.ones(160), 2 * np.ones(320), 3 * np.ones(80)
    out, spans = mix.concat_with_gaps([a, b, c], 0.5, RATE)
    assert len(out) == 160 + 8000 + 320 + 8000 + 80
    assert spans == [(0, 160), (8160, 8480), (16480, 16560)]
    for part, (s, e) in zip([a, b, c], spans, strict=True):
        np.testing.assert_array_equal(out[s:e], part)
    assert not out[160:8160].any()
    out2, spans2 = mix.concat_with_gaps([a, b, c], [0.0, 1.0], RATE)
    assert spans2 == [(0, 160), (160, 480), (16480, 16560)] and len(out2) == 16560
    with pytest.raises(ValueError, match="gaps"):
        mix.concat_with_gaps([a, b, c], [0.1], RATE)
    empty, no_spans = mix.concat_with_gaps([], 0.5, RATE)
    assert len(empty) == 0 and no_spans == []


def test_time_helpers_and_int16_conversion() -> None:
    assert mix.seconds_to_samples(1.5, RATE) == 24000
    assert mix.samples_to_seconds(8000, RATE) == 0.5
    assert len(mix.silence(0.25, RATE)) == 4000
    x = np.array([-32768, -1, 0, 1, 32767], dtype=np.int16)
    np.testing.assert_array_equal(mix.to_int16(mix.to_float(x)), x)
    np.testing.assert_array_equal(mix.to_int16(np.array([2.0, -2.0])), [32767, -32768])
    assert mix.gain(np.ones(2), 20.0) == pytest.approx([10.0, 10.0])
