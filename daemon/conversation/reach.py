"""Whether a turn's words would reach the language model (for the speculative start,
daemon/llm/speculative.py). Reads, never changes, the conversation.

The Decider (daemon/conversation/decide.py) asks the model only when nothing before it takes
the words: no question of ours is open (a yes/no, "Which window?", a model's clarification),
the owner's manual does not answer them first, and the fast path does not understand them,
nor the manual afterwards. This says the same from the words alone, so the model can start
while the endpointer still waits for silence. A wrong "yes" only wastes the speculation (the
request then asks the model afresh or not at all); a wrong "no" only loses the head start.
"""

from __future__ import annotations

from daemon.conversation.decide_types import ReportedReadings
from daemon.conversation.dialogue import Conversation, yes_no
from daemon.hearing.endpoint import Completeness
from daemon.manual.route import for_the_manual, manual_first
from daemon.manual.types import ManualSource
from daemon.understanding.understand import Understander

SPECULATED = frozenset((Completeness.UNKNOWN, Completeness.SENTENCE))
"""How finished the peeked words must read for the model to start on them: not a command
(the fast path's), not cut off before a word that must follow ("turn on the": the driver is
still speaking, and a speculation on those words would be thrown away)."""


def reaches_model(text: str, conversation: Conversation, understander: Understander,
                  readings: ReportedReadings, manual: ManualSource | None, *,
                  finished: Completeness = Completeness.UNKNOWN) -> bool:
    """Whether the Decider would ask the language model about ``text`` now (``finished``:
    how finished the words read, `daemon.hearing.completeness.completeness`)."""
    c = conversation
    if finished not in SPECULATED or not text.strip() or c.pending is not None \
            or c.dropped is not None \
            or c.asking is not None or c.clarifying is not None:
        return False  # an answer to a question of ours is settled without the model
    if yes_no(text, "") is not None:
        return False
    if manual is not None and manual_first(text) != "no":
        return False
    if understander.understand(text, readings) is not None:
        return False
    return manual is None or not for_the_manual(text) or not manual.answer(text).covered
