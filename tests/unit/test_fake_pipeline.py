"""A whole `Pipeline` from fakes (tests/fakes): a scripted two-turn conversation with a
barge-in, on silence, in input-audio time; no model is loaded, so it is not slow-marked."""

from __future__ import annotations

import asyncio

import pytest

from daemon import events as ev
from daemon.audio.speaker import VirtualSpeaker
from daemon.config import CabinConfig, parse_config
from daemon.pipeline import Pipeline
from daemon.stages import Stages
from daemon.understanding.intents import understander
from tests.fakes import FakeDispatcher, SilenceSource, fake_stages

FIRST = "set the temperature to twenty one degrees"
SECOND = "open the driver window"
WAKE_MS = 1000.0
FIRST_SPEECH_MS = (1100.0, 2600.0)
SECOND_SPEECH_MS = (4000.0, 5200.0)
"""Over the first reply, which starts at the end of the first utterance and lasts ~4 s."""


@pytest.fixture(scope="module", autouse=True)
def _command_language() -> None:
    """Build the shipped command language once (the decider and the endpointing's sense of
    "complete" use it; 0.5 s or more, once per process), so the conversations themselves
    run in a fraction of a second."""
    understander()


def _config() -> CabinConfig:
    return parse_config({"manual": {"enabled": False}, "llm": {"enabled": False}}, "test")


def _run(stages: Stages, seconds: float = 9.0
         ) -> tuple[list[ev.Event], Pipeline, FakeDispatcher, list[tuple[str, int]]]:
    log = ev.EventLog(None)
    dispatcher = FakeDispatcher()
    states: list[tuple[str, int]] = []
    pipeline = Pipeline(_config(), stages, dispatcher, log, VirtualSpeaker(None),
                        on_state=lambda state, turn: states.append((state, turn)))
    asyncio.run(pipeline.run(SilenceSource(seconds)))
    return log.events, pipeline, dispatcher, states


def _conversation() -> tuple[list[ev.Event], Pipeline, FakeDispatcher, list[tuple[str, int]]]:
    return _run(fake_stages(wake_ms=[WAKE_MS], speech_ms=[FIRST_SPEECH_MS, SECOND_SPEECH_MS],
                            texts=[FIRST, SECOND]))


def test_two_turns_with_a_barge_in() -> None:
    events, pipeline, dispatcher, _ = _conversation()
    kinds = [(e.type, e.turn) for e in events
             if e.type not in ("transcript", "intent", "tool_result", "audio_out")]
    assert kinds == [
        ("ready", 0), ("wake", 1), ("speech_start", 1), ("speech_end", 1), ("tool_call", 1),
        ("reply", 1), ("interrupted", 1),
        ("speech_start", 2), ("speech_end", 2), ("tool_call", 2), ("reply", 2),
        ("playback_end", 2)], [e.to_dict() for e in events]
    finals = [(e.turn, e.text) for e in events if isinstance(e, ev.Transcript) and e.final]
    assert finals == [(1, FIRST), (2, SECOND)]
    assert [name for name, _ in dispatcher.calls] == ["set_temperature", "set_window"]
    assert pipeline.turn == 2 and pipeline.state == "idle" and pipeline.turns_running == 0


def test_barge_in_is_decided_64_ms_into_the_speech_over_the_reply() -> None:
    events, _, _, _ = _conversation()
    cut = next(e for e in events if isinstance(e, ev.Interrupted))
    assert cut.reason == "speech" and cut.turn == 1
    assert 0.0 < cut.played_ms < cut.total_ms
    # two 32 ms VAD frames of speech: the second one ends 64 ms after the first one starts
    first_frame_end = (SECOND_SPEECH_MS[0] // 32 + 1) * 32.0
    assert cut.t_ms == first_frame_end + 32.0
    start = next(e for e in events if isinstance(e, ev.SpeechStart) and e.turn == 2)
    assert start.t_ms == first_frame_end - 32.0  # heard from its onset (the pre-roll)


def test_the_first_reply_is_cut_in_the_history_to_what_was_heard() -> None:
    events, pipeline, _, _ = _conversation()
    cut = next(e for e in events if isinstance(e, ev.Interrupted))
    said = [m.text for m in pipeline.conversation.history if m.role == "assistant"]
    assert said[0] == cut.heard_text
    assert said[0] != " ".join(e.text for e in events if isinstance(e, ev.Reply) and e.turn == 1)


def test_states_the_head_unit_sees() -> None:
    _, _, _, states = _conversation()
    assert states == [("listening", 1), ("thinking", 1), ("speaking", 1), ("listening", 2),
                      ("thinking", 2), ("speaking", 2), ("idle", 2)]


def test_without_barge_in_the_reply_plays_out_and_the_speech_is_ignored() -> None:
    stages = fake_stages(wake_ms=[WAKE_MS], speech_ms=[FIRST_SPEECH_MS, SECOND_SPEECH_MS],
                         texts=[FIRST, SECOND])
    log = ev.EventLog(None)
    config = _config().model_copy(update={"barge_in": parse_config(
        {"barge_in": {"enabled": False}}).barge_in})
    pipeline = Pipeline(config, stages, FakeDispatcher(), log, VirtualSpeaker(None))
    asyncio.run(pipeline.run(SilenceSource(9.0)))
    assert not [e for e in log.events if isinstance(e, ev.Interrupted)]
    assert [e.turn for e in log.events if isinstance(e, ev.PlaybackEnd)] == [1]
    assert pipeline.turn == 1


def test_a_question_is_answered_without_the_wake_word() -> None:
    stages = fake_stages(wake_ms=[WAKE_MS], speech_ms=[(1100.0, 2100.0), (5600.0, 6200.0)],
                         texts=["unlock the doors", "yes please"])
    log = ev.EventLog(None)
    dispatcher = FakeDispatcher(confirm=frozenset({"unlock_doors"}))
    pipeline = Pipeline(_config(), stages, dispatcher, log, VirtualSpeaker(None))
    asyncio.run(pipeline.run(SilenceSource(9.0)))
    events = log.events
    asked = next(e for e in events if isinstance(e, ev.Reply))
    assert asked.turn == 1 and asked.text.endswith("?")
    heard = next(e for e in events if isinstance(e, ev.PlaybackEnd))
    assert heard.turn == 1 and heard.t_ms < 5600.0  # the whole question, before the answer
    assert [e.turn for e in events if isinstance(e, ev.Wake)] == [1]  # no second wake word
    assert dispatcher.calls == [("unlock_doors", {}), ("unlock_doors", {})]
    results = [(e.turn, e.ok) for e in events if isinstance(e, ev.ToolResultEvent)]
    assert results == [(1, False), (2, True)], [e.to_dict() for e in events]


def test_speech_after_the_follow_up_window_starts_nothing() -> None:
    stages = fake_stages(wake_ms=[WAKE_MS], speech_ms=[(1100.0, 2100.0), (9500.0, 10100.0)],
                         texts=["unlock the doors", "yes please"])
    log = ev.EventLog(None)
    dispatcher = FakeDispatcher(confirm=frozenset({"unlock_doors"}))
    pipeline = Pipeline(_config(), stages, dispatcher, log, VirtualSpeaker(None))
    asyncio.run(pipeline.run(SilenceSource(11.0)))
    assert pipeline.turn == 1 and len(dispatcher.calls) == 1


def test_replay_says_no_interim_phrase_however_slow_the_host() -> None:
    """The interim phrase waits on the wall clock; in replay the input clock stands still, so
    saying it would make the timeline depend on the host's speed (a slow CI machine once
    shifted the next wake word under a longer reply). Here it is due at once, every turn."""
    config = parse_config({"manual": {"enabled": False},
                           "llm": {"enabled": False, "interim_after_s": 0.0}}, "test")
    log = ev.EventLog(None)
    pipeline = Pipeline(config, fake_stages(wake_ms=[WAKE_MS], speech_ms=[FIRST_SPEECH_MS],
                                            texts=[FIRST]),
                        FakeDispatcher(), log, VirtualSpeaker(None))
    asyncio.run(pipeline.run(SilenceSource(6.0)))
    replies = [e.text for e in log.events if isinstance(e, ev.Reply)]
    assert replies and config.llm.interim not in replies, replies
