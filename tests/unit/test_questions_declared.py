"""Every question the fast path may ask for a missing argument is declared with its tool
(`Language.ask`), never the fallback made from the argument's name ("Which volume pct?")."""

from __future__ import annotations

import pytest

from daemon.understanding.intents import understander
from daemon.understanding.resolve import Question, complete

REGISTRY = understander().registry
ASKED = [(tool.name, name) for tool in REGISTRY if tool.language is not None
         for name, info in tool.args_model.model_fields.items()
         if info.is_required() or name in tool.language.asked_unnamed]


@pytest.mark.parametrize(("tool", "name"), ASKED)
def test_the_question_for_a_missing_argument_is_declared(tool: str, name: str) -> None:
    language = REGISTRY.get(tool).language
    assert language is not None and name in language.ask, f"{tool}.{name}: no declared question"
    others = {n: v for n, v in _said(tool).items() if n != name}
    question = complete(tool, others, REGISTRY)
    assert isinstance(question, Question) and question.text in language.ask.values()


def _said(tool: str) -> dict[str, object]:
    """A valid value for every argument of ``tool`` that asks (its first example's)."""
    language = REGISTRY.get(tool).language
    assert language is not None
    for _, args in language.model_examples:
        return dict(args)
    return {}


def test_there_are_questions_to_check() -> None:
    assert len(ASKED) >= 8
