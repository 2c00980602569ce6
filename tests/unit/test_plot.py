"""The replay timeline: spans and markers from fed event rows, the envelope, the PNG."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from daemon import events as ev
from daemon.audio.wavio import write_wav
from daemon.cli import main
from daemon.reports.plot import (
    MARGIN_MS,
    Marker,
    PlotError,
    Span,
    envelope,
    plot_replay,
    render,
    stagger,
    timeline,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def session() -> list[ev.Event]:
    """Turn 1: a command whose reply is interrupted; turn 2: the interruption, answered."""
    return [
        ev.Ready(t_ms=0.0, asr_backend="vosk", wake_words=("wake-hey-jarvis",)),
        ev.Wake(t_ms=1000.0, turn=1, model="wake-hey-jarvis", score=0.9),
        ev.SpeechStart(t_ms=1200.0, turn=1),
        ev.SpeechEnd(t_ms=3000.0, turn=1, reason="silence", last_speech_ms=2800.0),
        ev.Transcript(t_ms=3000.0, turn=1, final=True, text="open the window",
                      backend="vosk", processing_ms=30.0),
        ev.Llm(t_ms=3000.0, turn=1, source="local", kind="calls", first_token_ms=100.0,
               total_ms=250.0),
        ev.ToolCall(t_ms=3000.0, turn=1, name="open_window", args={}),
        ev.ToolResultEvent(t_ms=3000.0, turn=1, name="open_window", ok=True, processing_ms=5.0),
        ev.AudioOut(t_ms=3000.0, turn=1, latency_ms=400.0, duration_ms=2000.0,
                    tts_first_ms=80.0),
        ev.Interrupted(t_ms=4000.0, turn=1, reason="speech", played_ms=1000.0, total_ms=2000.0,
                       heard_text="Okay."),
        ev.SpeechStart(t_ms=3900.0, turn=2),
        ev.SpeechEnd(t_ms=5000.0, turn=2, reason="silence", last_speech_ms=4700.0),
        ev.AudioOut(t_ms=5000.0, turn=2, latency_ms=300.0, duration_ms=1500.0),
        ev.PlaybackEnd(t_ms=6500.0, turn=2, played_ms=1500.0),
    ]


def rows() -> list[dict[str, object]]:
    return [e.to_dict() for e in session()]


def spans_of(spans: tuple[Span, ...], lane: str) -> list[tuple[float, float]]:
    return [(s.start_ms, s.end_ms) for s in spans if s.lane == lane]


def test_turn_spans_in_audio_time_and_processing_after_the_endpoint() -> None:
    tl = timeline(rows(), turn=1)
    assert tl.turns == (1,)
    assert spans_of(tl.spans, "listening") == [(1000.0, 3000.0)]
    assert spans_of(tl.spans, "speech") == [(1200.0, 2800.0)]
    assert spans_of(tl.spans, "end of utterance") == [(2800.0, 3000.0)]
    # wall-clock steps one after the other from the endpoint
    assert spans_of(tl.spans, "ASR finalisation") == [(3000.0, 3030.0)]
    assert spans_of(tl.spans, "LLM") == [(3030.0, 3280.0)]
    assert spans_of(tl.spans, "tool") == [(3280.0, 3285.0)]
    assert spans_of(tl.spans, "TTS first audio") == [(3285.0, 3365.0)]
    assert spans_of(tl.spans, "until first audio") == [(3000.0, 3400.0)]
    assert spans_of(tl.spans, "playback") == [(3000.0, 4000.0)]  # stopped by the barge-in
    labels = {m.kind: m.label for m in tl.markers}
    assert labels["wake"] == "wake 0.90"
    assert labels["transcript"] == '"open the window"'
    assert labels["tool_call"] == "tool open_window"
    assert labels["interrupted"] == "barge-in (speech)"
    first = next(m for m in tl.markers if m.kind == "audio_out")
    assert first.t_ms == 3400.0
    assert tl.start_ms == 1000.0 - MARGIN_MS
    assert tl.end_ms == 4000.0 + MARGIN_MS


def test_barge_in_turn_listens_from_its_onset_and_plays_to_its_end() -> None:
    tl = timeline(rows(), turn=2)
    assert spans_of(tl.spans, "listening") == [(3900.0, 5000.0)]
    assert spans_of(tl.spans, "playback") == [(5000.0, 6500.0)]
    assert spans_of(tl.spans, "ASR finalisation") == []  # not in the log: nothing drawn


def test_whole_replay_covers_the_input_and_the_replies_played_after_it() -> None:
    tl = timeline(rows(), audio_ms=6000.0)
    assert tl.turns == (1, 2)
    assert (tl.start_ms, tl.end_ms) == (0.0, 6500.0)
    assert len(spans_of(tl.spans, "speech")) == 2


def test_missing_turn_and_empty_log_are_typed_errors() -> None:
    with pytest.raises(PlotError, match=r"turn 7 is not in this replay \(turns: \[1, 2\]\)"):
        timeline(rows(), turn=7)
    with pytest.raises(PlotError, match="no turns"):
        timeline([ev.Ready(t_ms=0.0, asr_backend="vosk", wake_words=()).to_dict()])


def test_stagger_moves_close_labels_to_free_rows() -> None:
    marks = [Marker(t, str(t), "x") for t in (0.0, 10.0, 20.0, 500.0, 505.0)]
    levels = [m.level for m in stagger(marks, min_gap_ms=100.0)]
    assert levels == [0, 1, 2, 0, 1]


def test_envelope_keeps_the_extremes_of_each_bin() -> None:
    rate = 1000
    x = np.zeros(2000, dtype=np.int16)
    x[500] = 16384
    x[1500] = -32768
    t, lo, hi = envelope(x, rate, 0.0, 2000.0, bins=4)
    assert list(t) == [0.0, 0.5, 1.0, 1.5]
    assert list(hi) == [0.0, 0.5, 0.0, 0.0]
    assert list(lo) == [0.0, 0.0, 0.0, -1.0]
    t2, _, _ = envelope(x, rate, 1000.0, 1500.0, bins=1000)
    assert len(t2) == 500 and t2[0] == 1.0
    assert len(envelope(x, rate, 5000.0, 6000.0)[0]) == 0


def test_plot_replay_writes_a_png_with_the_waveform(tmp_path: Path) -> None:
    rate = 16000
    t = np.arange(rate * 7) / rate
    tone = (0.5 * np.sin(2 * np.pi * 220 * t) * 32767 * (t > 1.2) * (t < 2.8)).astype(np.int16)
    wav = tmp_path / "in.wav"
    write_wav(wav, tone, rate)
    out = plot_replay(session(), wav, tmp_path / "plots" / "turn.png", turn=1)
    data = out.read_bytes()
    assert data.startswith(PNG_MAGIC)
    from matplotlib.image import imread

    image = imread(out)
    assert image.shape[0] > 500 and image.shape[1] > 1000
    assert image[..., :3].std() > 0.05  # something is drawn, not a blank page


def test_render_of_an_empty_window_still_writes(tmp_path: Path) -> None:
    tl = timeline(rows(), turn=2)
    out = render(tl, np.zeros(0, dtype=np.int16), 16000, tmp_path / "x.png", "empty")
    assert out.read_bytes().startswith(PNG_MAGIC)


def test_plot_turn_without_plot_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", "no.wav", "--plot-turn", "1"]) == 2
    assert "--plot-turn needs --plot" in capsys.readouterr().err


@pytest.mark.slow
def test_cabin_replay_plots_a_real_turn(command_wav_10db: Path, tmp_path: Path) -> None:
    out = tmp_path / "turn.png"
    assert main(["replay", str(command_wav_10db), "--quiet", "--plot", str(out),
                 "--plot-turn", "1"]) == 0
    assert out.read_bytes().startswith(PNG_MAGIC)
    assert main(["replay", str(command_wav_10db), "--quiet", "--plot", str(out),
                 "--plot-turn", "9"]) == 2
