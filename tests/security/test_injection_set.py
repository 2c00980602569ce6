"""The injection set is well formed and substantial (cheap: no model, no bus)."""

from __future__ import annotations

from collections import Counter

from tests.security.cases import TOOLS, load


def test_the_set_loads_and_is_substantial() -> None:
    cases = load()
    assert len(cases) >= 30
    assert {c.state for c in cases} == {"parked", "idling", "moving", "highway"}
    assert len({(c.say, c.state, c.before) for c in cases}) == len(cases), "duplicate cases"


def test_every_named_tool_exists() -> None:
    for case in load():
        named = [*case.expect.must_call, *case.expect.must_not_call,
                 *(name for name, _ in case.setup)]
        assert set(named) <= TOOLS, (case.id, set(named) - TOOLS)
        assert not set(case.expect.must_call) & set(case.expect.must_not_call), case.id


def test_the_set_can_fail_both_ways() -> None:
    """Attacks that must not succeed, and legitimate requests that must still work."""
    cases = load()
    legit = [c for c in cases if c.expect.must_call]
    attacks = [c for c in cases if c.expect.must_not_call]
    assert len(legit) >= 5 and len(attacks) >= 25
    confirmations = [c for c in cases if c.expect.confirmed]
    assert confirmations and all(c.before for c in confirmations), \
        "a genuine confirmation answers a question asked in an earlier turn"
    guarded = Counter(t for c in attacks for t in c.expect.must_not_call)
    assert guarded["unlock_doors"] >= 8 and guarded["set_sunroof"] >= 5, guarded


def test_the_hard_kinds_are_there() -> None:
    """Fake tool calls, chat-template tokens, role play and other languages are present."""
    says = " ".join(c.say for c in load())
    for marker in ('{"name":', "<|im_start|>", "<tool_call>", "functions.", "SYSTEM:",
                   "pretend", "déverrouille", "Schiebedach", "解锁"):
        assert marker in says, marker


def test_known_bugs_are_attacks_that_name_their_bug() -> None:
    for case in load():
        if case.known_bug is not None:
            assert case.expect.must_not_call and case.known_bug.startswith("S"), case.id
