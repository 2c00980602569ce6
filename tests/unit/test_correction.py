"""The correction core (daemon/understanding/correction.py), fed words: markers, candidate
sentences, and the check that a correction changes only what its words name."""

from __future__ import annotations

from daemon.understanding.correction import corrections_of, refines, strip_markers
from daemon.understanding.intents import understander


def test_every_leading_correction_word_is_stripped() -> None:
    assert strip_markers("sorry i mean 3") == "3"
    assert strip_markers("oh wait make that 20") == "20"
    assert strip_markers("no no leave it off") == "leave it off"
    assert strip_markers("nothing to strip") == "nothing to strip"


def test_candidates_start_with_the_number_then_the_end_then_spans() -> None:
    found = list(corrections_of(["set", "the", "fan", "to", "6"], ["3"]))
    assert found[0] == ["set", "the", "fan", "to", "3"]
    spans = list(corrections_of(["fog", "lamps", "on"], ["the", "high", "beam"]))
    assert ["high", "beam", "on"] in spans  # "the" points, the rest replaces "fog lamps"
    assert list(corrections_of(["x"], ["the", "one"])) == [["x", "the", "one"]]  # no span


def test_a_target_changes_only_to_one_the_correcting_words_name() -> None:
    matcher = understander().matcher
    lists = matcher.grammar.lists
    first = matcher.clause("open the rear left window")
    right = matcher.clause("open the rear right window")
    driver = matcher.clause("open the driver window")
    assert first is not None and right is not None and driver is not None
    assert refines(first, right, ["back", "right"], lists)
    assert not refines(first, right, ["the", "other", "one"], lists)
    assert refines(first, driver, ["my", "window"], lists)
    assert not refines(first, first, ["no"], lists)  # a correction that changes nothing
    louder = matcher.clause("fan speed 3")
    assert louder is not None and not refines(louder, first, ["window"], lists)  # other tool
