"""Per-turn metrics from event logs: fed typed events (their real JSON form), never timed."""

from __future__ import annotations

import pytest

from daemon import events as ev
from daemon.reports.metrics import METRICS, Summary, collect, ratios, summarize, turn_metrics


def rows(*events: ev.Event) -> list[dict[str, object]]:
    return [e.to_dict() for e in events]


def fast_path_turn(turn: int = 1, *, eou_end: float = 5056.0, last: float = 4352.0,
                   latency: float = 512.4, after: float | None = None) -> list[dict[str, object]]:
    """One fast-path turn's rows; `after`: a newer log's ``audio_out.after_endpoint_ms``."""
    out = rows(
        ev.Wake(t_ms=1840.0, turn=turn, model="wake-hey-jarvis", score=0.97),
        ev.SpeechStart(t_ms=2304.0, turn=turn),
        ev.SpeechEnd(t_ms=eou_end, turn=turn, reason="silence", last_speech_ms=last),
        ev.Transcript(t_ms=eou_end, turn=turn, final=True, text="set it to 21",
                      backend="faster_whisper", processing_ms=310.2),
        ev.Intent(t_ms=eou_end, turn=turn, source="fast_path", name="set_temperature"),
        ev.ToolCall(t_ms=eou_end, turn=turn, name="set_temperature", args={"celsius": 21.0}),
        ev.ToolResultEvent(t_ms=eou_end, turn=turn, name="set_temperature", ok=True,
                           processing_ms=3.1),
        ev.Reply(t_ms=eou_end, turn=turn, text="Okay."),
        ev.AudioOut(t_ms=eou_end, turn=turn, latency_ms=latency, duration_ms=2250.0,
                    tts_first_ms=1.2))
    if after is not None:
        out[-1]["after_endpoint_ms"] = after
    return out


def test_fast_path_turn_metrics() -> None:
    [turn] = turn_metrics(fast_path_turn())
    assert turn.turn == 1
    assert turn.values["eou_delay_ms"] == pytest.approx(5056.0 - 4352.0)
    assert turn.values["asr_final_ms"] == pytest.approx(310.2)
    assert turn.values["tool_ms"] == pytest.approx(3.1)
    assert turn.values["tts_first_ms"] == pytest.approx(1.2)
    assert turn.values["reply_latency_ms"] == pytest.approx(512.4)
    # no after_endpoint_ms: the sum, an upper bound
    assert turn.values["voice_to_voice_ms"] == pytest.approx(704.0 + 512.4)
    assert turn.values["fast_path_voice_to_voice_ms"] == turn.values["voice_to_voice_ms"]
    assert "llm_voice_to_voice_ms" not in turn.values
    assert "llm_first_token_ms" not in turn.values  # no llm event: not reported
    assert "barge_in_stop_ms" not in turn.values
    assert set(turn.values) <= set(METRICS)


def test_voice_to_voice_counts_the_decode_during_the_silence_once() -> None:
    # 700 ms silence wait; the peek started at the silence and took 400 ms of the 512 ms
    [turn] = turn_metrics(fast_path_turn(eou_end=5052.0, last=4352.0, latency=512.0,
                                         after=112.0))
    assert turn.values["voice_to_voice_ms"] == pytest.approx(700.0 + 112.0)
    # a decode longer than the wait bounds it instead
    [slow] = turn_metrics(fast_path_turn(eou_end=4452.0, last=4352.0, latency=512.0,
                                         after=112.0))
    assert slow.values["voice_to_voice_ms"] == pytest.approx(400.0 + 112.0)


def test_implausible_after_endpoint_falls_back_to_the_sum() -> None:
    [turn] = turn_metrics(fast_path_turn(latency=100.0, after=250.0))
    assert turn.values["voice_to_voice_ms"] == pytest.approx(704.0 + 100.0)


def test_llm_turn_first_token_and_time_to_tool_call() -> None:
    events = [
        ev.SpeechEnd(t_ms=3000.0, turn=2, reason="silence", last_speech_ms=2800.0),
        ev.Transcript(t_ms=3000.0, turn=2, final=True, text="I'm cold", backend="vosk",
                      processing_ms=20.0),
        ev.Llm(t_ms=3000.0, turn=2, source="local", kind="calls", first_token_ms=180.0,
               total_ms=640.0, prompt_tokens=900, cached_tokens=850, generated_tokens=22),
        ev.ToolCall(t_ms=3000.0, turn=2, name="set_temperature", args={"celsius": 23.0}),
        ev.ToolResultEvent(t_ms=3000.0, turn=2, name="set_temperature", ok=True,
                           processing_ms=4.0),
        # the agent's second generation (the spoken answer) does not replace the first
        ev.Llm(t_ms=3000.0, turn=2, source="local", kind="say", first_token_ms=90.0,
               total_ms=300.0),
        ev.AudioOut(t_ms=3000.0, turn=2, latency_ms=700.0, duration_ms=900.0),
    ]
    [turn] = turn_metrics(rows(*events))
    assert turn.values["llm_voice_to_voice_ms"] == pytest.approx(200.0 + 700.0)
    assert "fast_path_voice_to_voice_ms" not in turn.values
    assert turn.turn == 2
    assert turn.values["llm_first_token_ms"] == pytest.approx(180.0)
    assert turn.values["llm_tool_call_ms"] == pytest.approx(640.0)
    assert turn.values["tool_ms"] == pytest.approx(4.0)


def test_llm_time_to_tool_call_from_order_when_kind_is_absent() -> None:
    llm = ev.Llm(t_ms=10.0, turn=1, source="local", kind="calls", first_token_ms=50.0,
                 total_ms=400.0).to_dict()
    del llm["kind"]
    data = [llm, ev.ToolCall(t_ms=10.0, turn=1, name="open_window", args={}).to_dict()]
    [turn] = turn_metrics(data)
    assert turn.values["llm_tool_call_ms"] == pytest.approx(400.0)


def test_llm_answer_without_tool_call_has_no_time_to_tool_call() -> None:
    [turn] = turn_metrics(rows(ev.Llm(t_ms=10.0, turn=1, source="local", kind="say",
                                      first_token_ms=50.0, total_ms=400.0)))
    assert turn.values == {"llm_first_token_ms": 50.0}


def test_barge_in_stop_is_measured_from_the_interrupting_speech_onset() -> None:
    data = [*fast_path_turn(1), *rows(
        ev.Interrupted(t_ms=6100.0, turn=1, reason="speech", played_ms=1040.0,
                       total_ms=2250.0, heard_text="Okay."),
        ev.SpeechStart(t_ms=6000.0, turn=2),
        ev.SpeechEnd(t_ms=7500.0, turn=2, reason="silence", last_speech_ms=7300.0))]
    by_turn = {t.turn: t.values for t in turn_metrics(data)}
    assert by_turn[1]["barge_in_stop_ms"] == pytest.approx(100.0)
    assert "barge_in_stop_ms" not in by_turn[2]
    assert by_turn[2]["eou_delay_ms"] == pytest.approx(200.0)


def test_wake_word_barge_in_and_other_endings_give_no_stop_time_or_eou() -> None:
    events = [
        ev.Interrupted(t_ms=6100.0, turn=1, reason="wake", played_ms=1.0, total_ms=2.0,
                       heard_text=""),
        ev.SpeechStart(t_ms=6200.0, turn=2),
        ev.SpeechEnd(t_ms=9000.0, turn=2, reason="max_length", last_speech_ms=9000.0),
    ]
    by_turn = {t.turn: t.values for t in turn_metrics(rows(*events))}
    assert by_turn[1] == {}
    assert by_turn[2] == {}


def test_rows_outside_turns_and_partials_are_ignored() -> None:
    events = [
        ev.Ready(t_ms=0.0, asr_backend="vosk", wake_words=("w",)),
        ev.Transcript(t_ms=100.0, turn=1, final=False, text="set", backend="vosk",
                      processing_ms=99.0),
        ev.ErrorEvent(t_ms=0.0, code="internal", message="x"),
    ]
    assert [t.values for t in turn_metrics(rows(*events))] == [{}]


def test_first_audio_out_of_a_turn_counts() -> None:
    data = [*fast_path_turn(1, latency=300.0),
            *rows(ev.AudioOut(t_ms=5056.0, turn=1, latency_ms=900.0, duration_ms=1.0,
                              tts_first_ms=80.0))]
    [turn] = turn_metrics(data)
    assert turn.values["reply_latency_ms"] == pytest.approx(300.0)
    assert turn.values["tts_first_ms"] == pytest.approx(1.2)


def test_collect_summarize_and_ratios() -> None:
    turns = turn_metrics([*fast_path_turn(1, latency=100.0),
                          *fast_path_turn(2, latency=300.0)])
    samples = collect(turns)
    assert samples["reply_latency_ms"] == [100.0, 300.0]
    assert list(samples)[:2] == ["eou_delay_ms", "asr_final_ms"]  # report order
    summary = summarize([10.0, 20.0, 30.0, 40.0, 1000.0])
    assert summary == Summary(n=5, p50=30.0, p95=808.0, mean=220.0, max=1000.0)
    assert summarize([]) is None
    a = {"x": Summary(2, 100.0, 200.0, 0.0, 0.0), "only_a": Summary(1, 1.0, 1.0, 1.0, 1.0),
         "zero": Summary(1, 5.0, 5.0, 5.0, 5.0)}
    b = {"x": Summary(2, 400.0, 400.0, 0.0, 0.0), "zero": Summary(1, 0.0, 0.0, 0.0, 0.0)}
    r = ratios(a, b)
    assert set(r) == {"x", "zero"}
    assert (r["x"].p50, r["x"].p95) == (0.25, 0.5)
    assert r["zero"].p50 is None
