"""The virtual speaker (replay): plays in input-audio time, reports what was heard."""

from __future__ import annotations

import numpy as np

from daemon.audio.sources import WavSink
from daemon.audio.speaker import VirtualSpeaker
from daemon.speaking.speech import Lexicon, split_for_speech


def tone(ms: int, rate: int = 16000) -> np.ndarray:
    n = rate * ms // 1000
    return (np.sin(np.arange(n) * 0.05) * 10000).astype(np.int16)


def test_reply_plays_in_step_with_the_input_clock() -> None:
    sink = WavSink(rate_hz=16000, gap_s=0.0)
    spk = VirtualSpeaker(sink)
    spk.enqueue(1, tone(100), 16000, "First.")
    spk.enqueue(1, tone(60), 16000, "Second.")
    spk.end_reply(1)
    assert spk.busy and spk.current_turn == 1
    played = np.concatenate([spk.advance(320) for _ in range(10)])  # 200 ms of input
    assert np.array_equal(played[:2560], np.concatenate([tone(100), tone(60)]))
    assert not played[2560:].any()
    assert not spk.busy
    [done] = spk.drain_finished()
    assert (done.turn, done.played_ms, done.interrupted) == (1, 160.0, False)
    assert done.heard_text == "First. Second."
    assert len(sink.samples) == 2560


def test_interrupt_reports_played_part_and_drops_the_rest() -> None:
    spk = VirtualSpeaker(None)
    spk.enqueue(3, tone(100), 16000, "One.")
    spk.enqueue(3, tone(100), 16000, "Two.")
    spk.end_reply(3)
    spk.advance(800)  # 50 ms
    done = spk.interrupt()
    assert done is not None
    assert (done.played_ms, done.total_ms, done.heard_text) == (50.0, 200.0, "One.")
    assert not spk.busy and not spk.advance(320).any()
    assert spk.interrupt() is None


def test_incomplete_reply_waits_for_more_pieces_and_rates_convert() -> None:
    spk = VirtualSpeaker(None)
    spk.enqueue(1, tone(100, 22050), 22050, "Piece.")
    assert spk.advance(3200).any()  # 200 ms: the 100 ms piece, then waiting
    assert spk.busy  # not complete: more may come
    spk.end_reply(1)
    spk.advance(1)
    [done] = spk.drain_finished()
    assert abs(done.played_ms - 100.0) < 1.0


def test_split_for_speech_sentences_and_long_clauses() -> None:
    assert split_for_speech("Okay. The temperature is 21 degrees!  Anything else?") == [
        "Okay.", "The temperature is 21 degrees!", "Anything else?"]
    long = ("Turn left onto Baker Street, then continue for two kilometres, "
            "and your destination is on the right.")
    assert split_for_speech(long) == ["Turn left onto Baker Street,",
                                      "then continue for two kilometres,",
                                      "and your destination is on the right."]
    assert split_for_speech("  ") == []


def test_a_long_clause_is_cut_between_words_and_before_a_joining_word() -> None:
    long = ("You have four hundred and twelve kilometres of range left on the current charge "
            "and the next fast charger is thirty kilometres ahead on the motorway")
    pieces = split_for_speech(long + ".")
    assert all(len(p) <= 60 for p in pieces)
    assert " ".join(pieces) == long + "."  # nothing lost, nothing reordered
    assert any(p.startswith("and the next") for p in pieces)  # cut before "and"
    assert not any(p.startswith("and twelve") for p in pieces)  # not inside the number
    assert split_for_speech("x" * 80) == ["x" * 80]  # one word longer than the limit: whole


def test_lexicon_whole_words_case_insensitive_longest_first() -> None:
    lex = Lexicon.from_mapping({"Rue": "roo", "Rue de Rivoli": "roo duh reevolee",
                                "Peugeot": "[[ pˈøʒoʊ ]]"})
    assert lex.apply("Take rue de Rivoli to the Peugeot garage on Ruelle Street") == (
        "Take roo duh reevolee to the [[ pˈøʒoʊ ]] garage on Ruelle Street")
    assert Lexicon().apply("unchanged") == "unchanged"
