"""Deciding what to do with a transcript: the dialogue, the fast path, the language model.

`Decider.decide` is an async generator of reply pieces (sentences to speak), so an answer the
language model streams is spoken while it is still being generated. In order:

1. a pending confirmation ("Do you want me to unlock the doors?") takes a yes/no/cancel,
   unless it expired, was cancelled or the car's driving state changed since it was asked
   (then nothing is sent and the driver is told so); a bare yes/no with nothing waiting for
   it gets an honest "There's nothing waiting for an answer." and never reaches a model;
2. a question asking for advice ("how do I pair my phone?", "what does the orange engine
   light mean?", "what should my tyre pressure be?") is answered from the owner's manual
   (daemon/manual/), or told "The manual doesn't cover that.": never a command, never a
   model's guess, never a bus call;
3. the deterministic fast path: the declared command language (daemon/understanding/): every
   command of the utterance in order, one short question for what was not said ("Which
   window?"), a refusal with no bus call for a text that tries to override the instructions;
   then any other question the manual covers ("the oil light came on, what do I do");
4. the language model router (daemon/llm/), when configured: tool calls, a spoken answer, a
   clarification question, a decline, or an honest "unavailable".

Vehicle calls are shielded from cancellation: a command already sent to the car finishes and
is reported, whatever happens to the turn. Its input and interfaces: decide_types.py; when it
asks before acting (the confirmation policy): confirmation.py; when the model may start on
the transcript peek: reach.py (and daemon/llm/speculative.py).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import replace

from daemon import events as ev
from daemon.conversation.confirmation import (
    CONFIRM_TIMEOUT_S,
    NEEDS_CONFIRMATION,
    NOTHING_PENDING,
    doubted,
    nothing_pending,
    stale,
)
from daemon.conversation.decide_types import (
    Agent,
    Clock,
    DrivingStateSource,
    ReportedReadings,
    Speculating,
    ToolDispatcher,
    ToolOutcome,
    TurnInput,
)
from daemon.conversation.dialogue import (
    DROPPED_REPLY,
    Conversation,
    DroppedQuestion,
    PendingCall,
    yes_no,
)
from daemon.conversation.llm_event import llm_event
from daemon.conversation.reach import reaches_model
from daemon.hearing.endpoint import Completeness
from daemon.llm.types import AgentAnswer, Sentence
from daemon.manual.route import asked, for_the_manual, manual_first, yields_to_manual
from daemon.manual.types import ManualSource
from daemon.understanding.intents import understander
from daemon.understanding.model_calls import ModelCall, Policy, judge, restate_all
from daemon.understanding.understand import Plan, Understander

_LOG = logging.getLogger(__name__)

__all__ = ["CANNOT_DO", "NOTHING_PENDING", "Agent", "Decider", "ToolDispatcher", "ToolOutcome",
           "TurnInput"]
"""The decider, and what callers import from here with it (decide_types.py, confirmation.py)."""

CANNOT_DO = "Sorry, I can't do that yet."


class Decider:
    """Turns transcripts into vehicle calls and reply pieces.

    Args:
        dispatcher: the vehicle's tools.
        log: the event log.
        now_ms: the input audio clock, ms.
        conversation: the session's dialogue state.
        agent: the language model router; None = fast path only.
        acknowledge: prefix of a successful action's reply ("Okay."), pre-rendered.
        understander: the fast path (the declared command language); default: the shipped
            registry's, built once per process.
        model_actions: what happens to the actions the language model proposes
            (daemon/understanding/model_calls.py): "confirm" asks first, "act" runs them.
        confirm_below: a fast-path action heard with a recogniser confidence below this is
            asked about first (`asr.confirm_below`); None: never.
        confirm_timeout_s: how long a confirmation question waits for its answer once the
            driver has heard it, s (input audio time).
        manual: answers questions about the car from its owner's manual; None: no manual.
    """

    def __init__(self, dispatcher: ToolDispatcher, log: ev.EventLog, now_ms: Clock,
                 conversation: Conversation, *, agent: Agent | None = None,
                 acknowledge: str = "", confirm_timeout_s: float = CONFIRM_TIMEOUT_S,
                 understander: Understander | None = None,
                 model_actions: Policy = "confirm", confirm_below: float | None = None,
                 manual: ManualSource | None = None) -> None:
        self._dispatcher = dispatcher
        self._log = log
        self._now = now_ms
        self.conversation = conversation
        self._agent = agent
        self.acknowledge = acknowledge
        self.confirm_timeout_s = confirm_timeout_s
        self._understander = understander if understander is not None else _shipped()
        self.model_actions: Policy = model_actions
        self.confirm_below = confirm_below
        self._manual = manual

    async def decide(self, request: TurnInput) -> AsyncIterator[str]:
        """Act on `request`; yields the pieces of the reply, in speaking order. A speculation
        its words did not use is cancelled when the turn is decided."""
        try:
            async for piece in self._decide(request):
                yield piece
        finally:
            if isinstance(self._agent, Speculating):
                self._agent.discard()

    async def _decide(self, request: TurnInput) -> AsyncIterator[str]:
        conv = self.conversation
        answered = await self._answer(request)
        if answered is not None:
            yield answered
            return
        first = manual_first(request.text) if self._manual is not None else "no"
        from_manual = None if first == "no" else self._from_manual(
            request, must_answer=first == "always")
        if from_manual is not None:
            conv.asking = conv.clarifying = None  # a new question ends any question of ours
            yield from_manual
            return
        plan = self._fast_path(request.text)
        clarifying, conv.clarifying = conv.clarifying, None
        if plan is None and clarifying is not None:
            plan = self._fast_path(f"{clarifying} {request.text}")
        if plan is not None:
            from_manual = self._instead_of(request, plan)
            if from_manual is not None:
                yield from_manual
                return
            doubt = self._doubt(request, plan)
            yield doubt if doubt is not None else await self._run_plan(request.turn, plan)
            return
        from_manual = None if self._manual is None or not for_the_manual(request.text) \
            else self._from_manual(request, must_answer=self._agent is None
                                   and asked(request.text))
        if from_manual is not None:
            yield from_manual
            return
        if self._agent is None:
            self._intent(request.turn, "none", "none", {})
            yield CANNOT_DO
            return
        async for piece in self._ask_agent(request, clarifying):
            yield piece

    def speculate(self, turn: int, text: str, finished: Completeness) -> None:
        """Start the model on ``text``, the peek of ``turn``, when it can (speculative.py)
        and the words would reach it (reach.py)."""
        if isinstance(self._agent, Speculating) and reaches_model(
                text, self.conversation, self._understander, ReportedReadings(self._dispatcher),
                self._manual, finished=finished):
            self._agent.start(text, self.conversation.before(turn))

    def _fast_path(self, text: str) -> Plan | None:
        """The declared command language's plan for ``text``; an answer to the fast path's own
        question ("Which window?" -> "the passenger one") completes the call it asked about."""
        asking, self.conversation.asking = self.conversation.asking, None
        if asking is not None:
            call = self._understander.answer(asking, text)
            if call is not None:  # then what was said after the command asked about
                return Plan((call, *asking.then))
        return self._understander.understand(text, ReportedReadings(self._dispatcher))

    def _from_manual(self, request: TurnInput, *, must_answer: bool) -> str | None:
        """The owner's manual's spoken answer to ``request``; with ``must_answer`` its "doesn't
        cover that" too (advice asked, or no model), else None when it does not cover it.
        Which questions reach it: daemon/manual/route.py. About a millisecond (docs/manual.md),
        so on the event loop. Never a bus call."""
        if self._manual is None:
            return None
        answer = self._manual.answer(request.text)
        if not answer.covered and not must_answer:
            return None
        self._log.emit(ev.ManualAnswer(
            t_ms=self._now(), turn=request.turn, covered=answer.covered,
            section=answer.section_id, title=answer.title, score=round(answer.score, 3),
            processing_ms=round(answer.elapsed_ms, 3)))
        self._intent(request.turn, "manual", "answer" if answer.covered else "not_covered",
                     {"section": answer.section_id} if answer.covered else {})
        return answer.speech

    def _instead_of(self, request: TurnInput, plan: Plan) -> str | None:
        """The manual's answer to a question the fast path read only through free text ("how
        do I get to the 12 volt battery" -> navigate_to) or as a doubt about a reading, when
        the manual covers it; None: the plan stands."""
        doubt = plan.inferred and all(c.tool.startswith("get_") for c in plan.calls)
        free = request.text if doubt and for_the_manual(request.text) else yields_to_manual(
            request.text, [(c.tool, c.args) for c in plan.calls],
            gave_up=plan.question is None and not plan.refusal)
        if not free or self._manual is None or not self._manual.answer(free).covered:
            return None
        return self._from_manual(request, must_answer=False)

    def _doubt(self, request: TurnInput, plan: Plan) -> str | None:
        """The question to ask instead of acting when the recogniser was unsure of the words
        (`asr.confirm_below`; its beam named another value, ``request.doubted``) or the plan was
        read from a complaint (`Plan.inferred`): every call, in one question; None: act."""
        calls = doubted(plan, self._understander.registry, request.confidence,
                        self.confirm_below, beam=request.doubted)
        if not calls or (request.confidence is None and not (plan.inferred or request.doubted)):
            return None  # the recogniser's doubt needs its confidence; a complaint's does not
        question = restate_all([ModelCall(c.tool, c.args) for c in calls],
                               self._understander.registry)
        first, *rest = calls
        self._intent(request.turn, "fast_path", "confirm",
                     {"tool": first.tool, "confidence": None if request.confidence is None
                      else round(request.confidence, 3), "inferred": plan.inferred,
                      **dict(first.args),
                      **({"then": [c.tool for c in rest]} if rest else {})})
        self.conversation.pending = PendingCall(
            request.turn, first.tool, dict(first.args), question, asked_ms=self._now(),
            driving=self._driving_state(), then=tuple((c.tool, dict(c.args)) for c in rest))
        return question

    async def _run_plan(self, turn: int, plan: Plan) -> str:
        """Carry out a fast-path plan: every call in order (each validated by the dispatcher;
        a confirmation question stops the rest), then its one question; the reply covers each
        call. A refusal runs nothing."""
        if plan.refusal:
            self._intent(turn, "fast_path", "decline", {})
            return plan.refusal
        replies: list[str] = []
        for n, call in enumerate(plan.calls):
            self._intent(turn, "fast_path", call.tool, dict(call.args))
            reply = await self._call(turn, call.tool, call.args, note=call.note)
            replies.append(reply if not replies else reply.removeprefix(f"{self.acknowledge} "))
            if self.conversation.pending is not None:  # ask one question at a time
                self._defer([(c.tool, c.args) for c in plan.calls[n + 1:]])
                return " ".join(replies)
        if plan.question is not None:
            self._intent(turn, "fast_path", "clarify", {"tool": plan.question.tool,
                                                        "missing": plan.question.missing})
            self.conversation.asking = plan.question
            replies.append(plan.question.text)
        elif plan.unable:
            self._intent(turn, "fast_path", "decline", {})
            replies.append(plan.unable)
        return " ".join(replies)

    async def _answer(self, request: TurnInput) -> str | None:
        """The reply when `request` is a yes/no/cancel answer the dialogue settles; None: it is
        a request. Every turn ends the pending question (and the memory of a dropped one)."""
        conv = self.conversation
        pending, conv.pending = conv.pending, None
        dropped, conv.dropped = conv.dropped, None
        asked = pending or dropped
        answer = yes_no(request.text, asked.question if asked is not None else "")
        if answer is None:
            return None
        if pending is not None:
            reason = stale(pending, self._now(), self.confirm_timeout_s, self._driving_state)
            if reason is None:
                return await self._confirmed(request.turn, pending, answer == "yes")
            _LOG.info("turn %d: confirmation of %s dropped (%s)", request.turn, pending.name,
                      reason)
            dropped = DroppedQuestion(pending.question, reason)
        if dropped is not None:
            self._intent(request.turn, "dialogue", dropped.reason, {})
            return DROPPED_REPLY[dropped.reason]
        if nothing_pending(request.text, answer, conv):
            self._intent(request.turn, "dialogue", "nothing_pending", {})
            return NOTHING_PENDING  # never to a model: it would claim something ("Playing...")
        return None

    async def _confirmed(self, turn: int, pending: PendingCall, yes: bool) -> str:
        """The answer to a pending question: its call (run after a yes, declined after a no),
        the calls asked about with it (after a yes), then those not asked about (either way),
        in order; a new question from one of them defers the rest to its own answer."""
        self._intent(turn, "dialogue", pending.name, dict(pending.args))
        replies = [await self._call(turn, pending.name, pending.args, confirmed=yes)]
        queue: list[tuple[str, Mapping[str, object], bool | None]] = [
            *((name, args, True) for name, args in (pending.then if yes else ())),
            *((name, args, None) for name, args in pending.after)]
        for n, (name, args, confirmed) in enumerate(queue):
            if self.conversation.pending is not None:  # ask one question at a time
                self._defer([(later, a) for later, a, _ in queue[n:]])
                break
            self._intent(turn, "dialogue", name, dict(args))
            reply = await self._call(turn, name, args, confirmed=confirmed)
            replies.append(reply.removeprefix(f"{self.acknowledge} "))
        return " ".join(replies)

    def _defer(self, rest: Sequence[tuple[str, Mapping[str, object]]]) -> None:
        """Calls after one that asked: run after its answer (`PendingCall.after`)."""
        pending = self.conversation.pending
        if pending is not None and rest:
            self.conversation.pending = replace(pending, after=(*rest, *pending.after))

    def _driving_state(self) -> str | None:
        dispatcher = self._dispatcher
        return dispatcher.driving_state() if isinstance(dispatcher, DrivingStateSource) \
            else None

    async def _ask_agent(self, request: TurnInput, clarifying: str | None) -> AsyncIterator[str]:
        assert self._agent is not None
        history = self.conversation.before(request.turn)  # the request itself goes separately
        final: AgentAnswer | None = None
        streamed = False
        started = time.perf_counter()
        async for item in self._agent.answer(request.text, history, request.cancel):
            if isinstance(item, Sentence):
                streamed = True
                yield item.text
            else:
                final = item
        if final is None or request.cancel.cancelled:
            return
        self._llm_event(request.turn, final, started)
        if final.kind == "unavailable":
            self._log.emit(ev.ErrorEvent(
                t_ms=self._now(), turn=request.turn, code="llm_unavailable",
                message="no language model answered (local failed or timed out; cloud off, "
                        "down or failed): see the log for the cause"))
        if final.kind == "calls":
            yield await self._model_calls(request, final)
            return
        if final.kind == "clarify":
            self.conversation.clarifying = clarifying or request.text
        if final.text and not streamed:
            yield final.text

    async def _model_calls(self, request: TurnInput, final: AgentAnswer) -> str:
        """The model's calls under `model_calls.judge`: queries run, a question is never
        answered with an action, an action is asked about first."""
        verdict = judge(request.text, [ModelCall(c.name, c.args) for c in final.calls],
                        self._understander.registry, self.model_actions)
        replies = []
        for call in verdict.run:
            self._intent(request.turn, final.source, call.name, dict(call.args))
            replies.append(await self._call(request.turn, call.name, call.args))
            if self.conversation.pending is not None:
                return " ".join(replies)  # ask one question at a time
        if verdict.decline:
            self._intent(request.turn, final.source, "decline", {})
            replies.append(verdict.decline)
        elif verdict.confirm is not None:
            call = verdict.confirm
            self._intent(request.turn, final.source, "confirm",
                         {"tool": call.name, **dict(call.args),
                          **({"then": [c.name for c in verdict.then]} if verdict.then else {})})
            self.conversation.pending = PendingCall(
                request.turn, call.name, dict(call.args), verdict.question,
                asked_ms=self._now(), driving=self._driving_state(),
                then=tuple((c.name, dict(c.args)) for c in verdict.then))
            replies.append(verdict.question)
        return " ".join(replies)

    async def _call(self, turn: int, name: str, args: Mapping[str, object], *,
                    confirmed: bool | None = None, note: str = "") -> str:
        self._log.emit(ev.ToolCall(t_ms=self._now(), turn=turn, name=name, args=dict(args)))
        started = time.perf_counter()
        # Shielded: a barge-in or shutdown never abandons a command already sent to the car.
        result = await asyncio.shield(self._dispatcher.call(name, args, confirmed=confirmed))
        self._log.emit(ev.ToolResultEvent(
            t_ms=self._now(), turn=turn, name=name, ok=result.ok,
            state=dict(result.state), error=result.error_code,
            processing_ms=round((time.perf_counter() - started) * 1000.0, 1)))
        if result.error_code == NEEDS_CONFIRMATION:
            self.conversation.pending = PendingCall(
                turn, name, dict(result.args or args), result.reply, asked_ms=self._now(),
                driving=self._driving_state())
        reply = f"{note} {result.reply}".strip() if result.ok else result.reply
        if result.ok and self.acknowledge and not name.startswith("get_"):
            return f"{self.acknowledge} {reply}"  # an action: acknowledge at once
        return reply

    def _intent(self, turn: int, source: str, name: str, args: dict[str, object]) -> None:
        self._log.emit(ev.Intent(t_ms=self._now(), turn=turn, source=source, name=name,
                                 args=args))

    def _llm_event(self, turn: int, answer: AgentAnswer, started: float) -> None:
        self._log.emit(llm_event(answer, turn, self._now(),
                                 (time.perf_counter() - started) * 1000.0))
        if answer.kind != "calls":
            self._intent(turn, answer.source, answer.kind, {})


def _shipped() -> Understander:
    return understander()
