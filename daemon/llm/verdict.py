"""From a model's decision to the agent's answer: relevance, grounding and validation.

The same checks apply to the local and the cloud model:

1. relevance (daemon/llm/relevance.py): calls of tools the request never mentions are dropped;
   when none is left the answer is a decline naming what the car cannot do;
2. grounding (daemon/llm/grounding.py): a value the driver did not say turns the answer into a
   clarification question ("Which window?"); a number said outside the tool's range gets the
   tool's spoken usage ("I can set the temperature from 16 to 28 degrees ...");
3. validation by the registry (types, ranges), as the dispatcher will do.

No state beyond the tools.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from daemon.llm import relevance
from daemon.llm.grammar import Decision
from daemon.llm.grounding import context_of, named_choice, numbers_in, question, ungrounded
from daemon.llm.schema import ToolSpec, spec_by_name, tool_specs
from daemon.llm.types import AgentAnswer, AgentTiming, AnswerSource, Message, PlannedCall
from vehicle_tools.errors import ToolError
from vehicle_tools.registry import Registry


@dataclass(frozen=True)
class Verdict:
    """The checked answer.

    Attributes:
        answer: what the agent answers (spoken text not yet filtered).
        retry_with: tools worth a second, restricted try when the model declined or chose a
            tool the request does not mention (their topics appear in the request).
    """

    answer: AgentAnswer
    retry_with: tuple[str, ...] = ()


@dataclass(frozen=True)
class Request:
    """What the driver said, and the conversation before it."""

    text: str
    history: Sequence[Message] = ()


class Checker:
    """Applies the checks of the module docstring with the tools of `registry`."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.tools: tuple[ToolSpec, ...] = tool_specs(registry)

    def judge(self, decision: Decision, request: Request, *, source: AnswerSource,
              timing: AgentTiming | None) -> Verdict | None:
        """The checked answer for `decision`; None when the output was malformed."""
        def answer(kind: str, text: str, calls: tuple[PlannedCall, ...] = ()) -> AgentAnswer:
            return AgentAnswer(kind, calls, text, source, timing)  # type: ignore[arg-type]

        if decision.kind == "malformed":
            return None
        if decision.kind == "say":
            return Verdict(answer("say", decision.text))
        if decision.kind == "none":
            cannot = relevance.cannot_do(request.text)
            retry = () if cannot else relevance.candidates(request.text, self.tools)
            return Verdict(answer("decline", relevance.decline_text(cannot)), retry)
        kept, dropped, cannot = self._relevant(decision.calls, request)
        if not kept:
            retry = () if cannot else tuple(
                n for n in relevance.candidates(request.text, self.tools) if n not in dropped)
            return Verdict(answer("decline", relevance.decline_text(cannot)), retry)
        kept = [self._complete(c, request) for c in kept]
        problem = self._problem(kept, request)
        if problem is not None:
            return Verdict(answer("clarify", problem))
        note = relevance.decline_text(cannot) if cannot or dropped else ""
        return Verdict(answer("calls", note, tuple(kept)))

    def _relevant(self, calls: Sequence[PlannedCall], request: Request
                  ) -> tuple[list[PlannedCall], list[str], str | None]:
        kept: list[PlannedCall] = []
        dropped: list[str] = []
        cannot: str | None = None
        for call in calls:
            rel = relevance.check(call.name, request.text, request.history, self.tools)
            if rel.ok:
                kept.append(call)
            else:
                dropped.append(call.name)
                cannot = cannot or rel.cannot
        return kept, dropped, cannot or relevance.cannot_do(request.text)

    def _complete(self, call: PlannedCall, request: Request) -> PlannedCall:
        """`call` with the choices the driver named in the clause asking for it where the
        model left them out or chose one nobody said ("set the passenger side to 19" ->
        zone=passenger; "skip this song" -> action=next, not previous)."""
        spec = spec_by_name(self.tools, call.name)
        if spec is None:
            return call
        said = " ".join(relevance.mentioning(request.text, spec))
        bad = set(ungrounded(call, request.text, request.history, self.tools))
        extra = {a.name: choice for a in spec.args
                 if a.kind == "enum" and (a.name in bad or (
                     not a.required and a.name not in call.args))
                 and (choice := named_choice(a, said)) is not None}
        return PlannedCall(call.name, {**call.args, **extra}) if extra else call

    def _problem(self, calls: Sequence[PlannedCall], request: Request) -> str | None:
        """The question to ask when a value is ungrounded or invalid, else None."""
        for call in calls:
            bad = ungrounded(call, request.text, request.history, self.tools)
            if bad:
                return self._out_of_range(call, bad[0], request.text) or question(call, bad[0])
        for call in calls:
            try:
                self.registry.validate(call.name, call.args)
            except ToolError as exc:
                return exc.message
        return None

    def _out_of_range(self, call: PlannedCall, arg_name: str, text: str) -> str | None:
        """The tool's usage sentence when the driver said a number outside the range."""
        spec = spec_by_name(self.tools, call.name)
        arg = spec.arg(arg_name) if spec else None
        if arg is None or arg.kind not in ("int", "float"):
            return None
        lo = arg.minimum if arg.minimum is not None else float("-inf")
        hi = arg.maximum if arg.maximum is not None else float("inf")
        if any(not lo <= n <= hi for n in numbers_in(context_of(text, ()))):
            return self.registry.get(call.name).usage
        return None
