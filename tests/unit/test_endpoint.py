"""The endpointing core, driven with numbers only (no audio, no clock)."""

from __future__ import annotations

import pytest

from daemon.hearing.endpoint import Decision, Endpointer, EndpointParams

FRAME = 0.032  # seconds: one Silero window


def feed(ep: Endpointer, seconds: float, speech: bool) -> list[Decision]:
    out = []
    for _ in range(round(seconds / FRAME)):
        out.append(ep.process(FRAME, speech))
    return [d for d in out if d is not Decision.CONTINUE]


def test_speech_then_silence_ends_turn_after_silence_s() -> None:
    ep = Endpointer(EndpointParams(silence_s=0.7))
    assert feed(ep, 0.5, False) == []
    assert feed(ep, 1.2, True) == [Decision.SPEECH_START]
    decisions = []
    silence = 0.0
    while not decisions:
        decisions = feed(ep, FRAME, False)
        silence += FRAME
    assert decisions == [Decision.END_SILENCE]
    assert silence == pytest.approx(0.7, abs=FRAME)
    assert ep.last_speech_end_s == pytest.approx(1.7, abs=FRAME)
    assert ep.speech_start_s == pytest.approx(0.5, abs=FRAME)


def test_pause_shorter_than_silence_does_not_end_turn() -> None:
    ep = Endpointer(EndpointParams(silence_s=0.7))
    feed(ep, 0.6, True)
    assert feed(ep, 0.6, False) == []
    assert feed(ep, 0.4, True) == []
    assert Decision.END_SILENCE in feed(ep, 0.8, False)


def test_short_blip_is_not_speech_start() -> None:
    ep = Endpointer(EndpointParams(min_speech_s=0.15, no_speech_timeout_s=1.0))
    assert feed(ep, 0.064, True) == []
    assert feed(ep, 2.0, False) == [Decision.END_NO_SPEECH]
    assert not ep.speech_started


def test_no_speech_timeout() -> None:
    ep = Endpointer(EndpointParams(no_speech_timeout_s=2.0))
    decisions = feed(ep, 3.0, False)
    assert decisions == [Decision.END_NO_SPEECH]
    assert ep.elapsed_s == pytest.approx(2.0, abs=FRAME)


def test_hard_cap_on_endless_speech() -> None:
    ep = Endpointer(EndpointParams(max_utterance_s=4.0))
    decisions = feed(ep, 10.0, True)
    assert decisions == [Decision.SPEECH_START, Decision.END_MAX_LENGTH]


def test_nothing_after_the_end_and_reset_starts_again() -> None:
    ep = Endpointer(EndpointParams(no_speech_timeout_s=0.5))
    assert feed(ep, 1.0, False) == [Decision.END_NO_SPEECH]
    assert feed(ep, 2.0, True) == []
    ep.reset()
    assert feed(ep, 0.5, True) == [Decision.SPEECH_START]


@pytest.mark.parametrize("chunk", [0.01, 0.02, 0.032, 0.08])
def test_decision_time_does_not_depend_on_chunk_size(chunk: float) -> None:
    ep = Endpointer(EndpointParams(silence_s=0.7))
    t = 0.0
    end_at = None
    while end_at is None and t < 10:
        speech = 0.3 <= t < 1.5
        if ep.process(chunk, speech).ends_turn:
            end_at = ep.elapsed_s
        t += chunk
    assert end_at == pytest.approx(2.2, abs=chunk + 1e-9)


# --- completeness hint: short endpoint for a complete command, long for an unfinished one ---

from daemon.hearing.endpoint import Completeness  # noqa: E402

HINTED = EndpointParams(silence_s=0.7, complete_silence_s=0.25, incomplete_silence_s=1.2,
                        sentence_silence_s=0.4)


def silence_until_end(ep: Endpointer, completeness: Completeness, limit_s: float = 5.0
                      ) -> float | None:
    """Seconds of silence fed until the turn ended (None: it did not within `limit_s`)."""
    waited = 0.0
    while waited < limit_s:
        waited += FRAME
        if ep.process(FRAME, False, completeness).ends_turn:
            return waited
    return None


@pytest.mark.parametrize(("completeness", "expected_s"), [
    (Completeness.COMPLETE, 0.25), (Completeness.UNKNOWN, 0.7), (Completeness.INCOMPLETE, 1.2),
    (Completeness.SENTENCE, 0.4)])
def test_silence_needed_depends_on_completeness(completeness: Completeness,
                                                expected_s: float) -> None:
    ep = Endpointer(HINTED)
    feed(ep, 1.0, True)
    waited = silence_until_end(ep, completeness)
    assert waited is not None
    assert expected_s <= waited + 1e-9 < expected_s + FRAME


def test_complete_command_ends_within_300_ms_of_the_last_word() -> None:
    ep = Endpointer(HINTED)
    feed(ep, 0.3, False)
    feed(ep, 1.5, True)  # "set the temperature to twenty one degrees"
    last_word = ep.elapsed_s
    waited = silence_until_end(ep, Completeness.COMPLETE)
    assert waited is not None and ep.elapsed_s - last_word <= 0.300


def test_unfinished_command_survives_a_600_ms_pause_then_ends_normally() -> None:
    ep = Endpointer(HINTED)
    feed(ep, 1.0, True)  # "set the temperature to"
    assert feed_hinted(ep, 0.6, False, Completeness.INCOMPLETE) == []
    assert feed_hinted(ep, 0.6, True, Completeness.INCOMPLETE) == []  # "twenty one degrees"
    assert silence_until_end(ep, Completeness.COMPLETE) == pytest.approx(0.25, abs=FRAME)


def test_hint_changing_mid_silence_applies_to_the_silence_so_far() -> None:
    ep = Endpointer(HINTED)
    feed(ep, 1.0, True)
    assert feed_hinted(ep, 0.4, False, Completeness.INCOMPLETE) == []
    # the partial now parses as complete: 0.4 s of silence already exceeds 0.25 s
    assert ep.process(FRAME, False, Completeness.COMPLETE) is Decision.END_SILENCE


def test_complete_hint_does_not_end_a_turn_before_speech() -> None:
    ep = Endpointer(EndpointParams(no_speech_timeout_s=2.0, complete_silence_s=0.25))
    assert feed_hinted(ep, 1.5, False, Completeness.COMPLETE) == []
    assert feed_hinted(ep, 1.0, False, Completeness.COMPLETE) == [Decision.END_NO_SPEECH]


def test_hard_cap_applies_whatever_the_hint() -> None:
    ep = Endpointer(EndpointParams(max_utterance_s=3.0))
    decisions = feed_hinted(ep, 5.0, True, Completeness.INCOMPLETE)
    assert decisions == [Decision.SPEECH_START, Decision.END_MAX_LENGTH]


def feed_hinted(ep: Endpointer, seconds: float, speech: bool, hint: Completeness
                ) -> list[Decision]:
    out = [ep.process(FRAME, speech, hint) for _ in range(round(seconds / FRAME))]
    return [d for d in out if d is not Decision.CONTINUE]
