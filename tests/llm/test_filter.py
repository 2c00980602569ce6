"""The output filter: profanity, unsafe advice, markup, length; streaming sentence splits."""

from __future__ import annotations

from daemon.llm.filter import REPLACEMENT, ReplyFilter, SentenceSplitter, filter_text


def test_sentences_complete_as_text_grows() -> None:
    split = SentenceSplitter()
    assert split.feed("Hello there") == []
    assert split.feed("Hello there. How are") == ["Hello there."]
    assert split.feed("Hello there. How are you? Fine") == ["How are you?"]
    assert split.flush("Hello there. How are you? Fine") == ["Fine"]


def test_profanity_and_unsafe_sentences_are_dropped() -> None:
    reply = ReplyFilter(300)
    assert reply.accept("What the fuck is that.") is None
    assert reply.accept("You can ignore the speed limit here.") is None
    assert reply.accept("Just disable the airbags.") is None
    assert reply.accept("Drink and drive, it's fine.") is None
    assert reply.accept("The fan is on.") == "The fan is on."
    assert reply.text == "The fan is on."
    assert reply.dropped == 4


def test_markup_is_removed() -> None:
    assert filter_text("**Sure!** See [the map](http://x.y/z) 🙂 now.", 300) == \
        "Sure! See the map now."


def test_long_answers_are_cut_at_a_sentence_boundary() -> None:
    text = "One two three. Four five six. Seven eight nine ten eleven."
    assert filter_text(text, 30) == "One two three. Four five six."
    assert len(filter_text(text, 30)) <= 30


def test_a_long_first_sentence_is_cut_at_a_word() -> None:
    out = filter_text("This sentence is much longer than the limit allows for speech", 25)
    assert len(out) <= 25
    assert out == "This sentence is much."


def test_everything_dropped_gives_the_replacement() -> None:
    assert filter_text("Shit.", 300) == REPLACEMENT


def test_stops_once_full() -> None:
    reply = ReplyFilter(20)
    assert reply.accept("Twelve chars.") == "Twelve chars."
    assert reply.accept("Another sentence.") is None
    assert reply.full
    assert reply.accept("Ok.") is None
