"""The fast path's entry points: the registry's declared command language, understood.

The language itself is declared next to each tool (`vehicle_tools.language`, ``language=`` of
every `vehicle_tools.registry.Tool`); daemon/understanding/ compiles and matches it. This
module keeps the process-wide `Understander` of the default registry (built once, warmed up)
and the one-call views of it, `parse`, `understood` and `free_values`, that endpointing, the
recogniser's beam alternatives and the evaluations use.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from daemon.understanding.text import normalize
from daemon.understanding.understand import Understander
from vehicle_tools.tools import default_registry

__all__ = ["ParsedIntent", "free_values", "normalize", "parse", "understander", "understood"]


@dataclass(frozen=True)
class ParsedIntent:
    """A tool call the fast path recognised.

    Attributes:
        name: tool name in the vehicle registry.
        args: arguments (already in the tool's units: degrees C, percent, fan level).
    """

    name: str
    args: dict[str, object] = field(default_factory=dict)


@functools.cache
def understander() -> Understander:
    """The default registry's understander (built and warmed up once per process, ~0.5 s)."""
    return Understander(default_registry())


def parse(transcript: str) -> ParsedIntent | None:
    """The one tool call ``transcript`` asks for, with every argument said or implied; None
    when it is not understood, asks for several calls, needs a question back ("open the
    window": which one?), a reading of the car (relative changes) or is refused. It never
    validates ranges: "45 degrees" comes out as 45 and the dispatcher refuses it with a spoken
    reason."""
    plan = understander().understand(transcript)
    if plan is None or plan.question or plan.refusal or plan.unable or len(plan.calls) != 1:
        return None
    call = plan.calls[0]
    return ParsedIntent(call.tool, dict(call.args))


def understood(transcript: str) -> bool:
    """Whether the fast path understands ``transcript`` at all (a plan, a question back or a
    refusal): what the recogniser's beam alternatives are judged by (daemon/hearing/nbest.py).
    Read whole: a reading without unknown words at the ends does not count ("lock the floors"
    is not understood, so the beam's "lock the doors" is taken)."""
    return understander().understand(transcript, edges=False) is not None


def free_values(transcript: str) -> tuple[tuple[str, str], ...] | None:
    """The free-text values (a title, a contact, a destination) of the fast path's plan of
    ``transcript``, as (tool, value normalised) pairs in order, empty when it has none; None
    when it is not understood or asks a question back. What the recogniser's beam is asked to
    agree on before a name is acted on (`daemon.hearing.nbest.values_doubted`)."""
    u = understander()
    plan = u.understand(transcript, edges=False)
    if plan is None or plan.question is not None:
        return None
    free = u.matcher.grammar.free_text
    return tuple((c.tool, normalize(str(v))) for c in plan.calls for k, v in c.args.items()
                 if k in free)
