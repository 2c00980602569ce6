"""Start thinking before the endpoint (issue 21): the language model on the transcript peek.

When the driver stops speaking, the recogniser peeks at what was said so far, then the
endpointer waits for more silence (up to ``endpoint.incomplete_silence_s`` when the words do
not close a command). A request the fast path will not take goes to the language model only
after that wait. `Speculator` starts the model on the peek's text during the wait
(`Speculator.start`, called by the pipeline when `Decider.would_ask_model` says the text would
reach it); when the turn's final transcript is the same text with the same history, the
Decider's request takes the answer already under way, sentence by sentence
(`Speculator.answer`), else the speculation is cancelled and the model starts afresh.

Bounds: one speculation at a time (a new peek cancels the one before); a speculation is
cancelled as soon as its turn ends without using it (`Speculator.discard`), or when the
driver's request differs; a cancelled generation stops at its next token (the model's own
`CancelToken` check). The wasted model time is counted (`Speculator.stats`) and logged.

Sits between the Decider and the router (daemon/llm/router.py) with the router's own `answer`
signature, so the Decider does not know it is there.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field

from daemon.conversation.decide_types import Agent
from daemon.llm.types import AgentAnswer, CancelToken, Message, Sentence

_LOG = logging.getLogger(__name__)

Item = Sentence | AgentAnswer
_POLL_S = 0.05
"""How often a request waiting on the speculation checks for an interruption, s."""


@dataclass
class SpeculationStats:
    """What speculation did so far.

    Attributes:
        started: speculations started.
        used: speculations whose answer a request took.
        wasted: speculations cancelled or left unused.
        wasted_ms: wall-clock ms the wasted ones ran, summed.
    """

    started: int = 0
    used: int = 0
    wasted: int = 0
    wasted_ms: float = 0.0


@dataclass
class _Run:
    text: str
    history: tuple[Message, ...]
    cancel: CancelToken
    started: float
    items: list[Item] = field(default_factory=list)
    done: bool = False
    failed: bool = False
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None


def _same(a: str, b: str) -> bool:
    return " ".join(a.lower().split()) == " ".join(b.lower().split())


class Speculator:
    """An `Agent` that may have started on a request before it was made (see the module
    docstring).

    Args:
        agent: the model router.
    """

    def __init__(self, agent: Agent) -> None:
        self._agent = agent
        self._run: _Run | None = None
        self.stats = SpeculationStats()

    def start(self, text: str, history: Sequence[Message]) -> None:
        """Start the model on ``text`` (the transcript peek) with ``history``, in a task of
        its own; a speculation already running for other words is cancelled first."""
        run = self._run
        if run is not None and _same(run.text, text) and run.history == tuple(history):
            return  # the same words peeked again: keep thinking
        self.discard()
        run = _Run(text, tuple(history), CancelToken(), time.perf_counter())
        run.task = asyncio.create_task(self._generate(run), name="llm-speculation")
        self._run = run
        self.stats.started += 1
        _LOG.debug("speculating on the peek (%d words)", len(text.split()))

    def discard(self) -> None:
        """Cancel the speculation, if any (its turn ended without it, or the words changed)."""
        run, self._run = self._run, None
        if run is None:
            return
        run.cancel.cancel()
        self.stats.wasted += 1
        self.stats.wasted_ms += (time.perf_counter() - run.started) * 1000.0
        _LOG.info("speculation discarded after %.0f ms (%d of %d wasted, %.0f ms in all)",
                  (time.perf_counter() - run.started) * 1000.0, self.stats.wasted,
                  self.stats.started, self.stats.wasted_ms)

    async def answer(self, text: str, history: Sequence[Message],
                     cancel: CancelToken) -> AsyncIterator[Item]:
        """The router's answer to ``text``: the speculation's when it was started on the same
        words and history (its items so far, then the rest as they come), else a new one."""
        run = self._run
        if run is None or run.failed or not _same(run.text, text) \
                or run.history != tuple(history):
            self.discard()
            async for item in self._agent.answer(text, history, cancel):
                yield item
            return
        self._run = None
        self.stats.used += 1
        _LOG.info("speculation used, started %.0f ms before the request",
                  (time.perf_counter() - run.started) * 1000.0)
        seen = 0
        while True:
            while seen < len(run.items):
                seen += 1
                yield run.items[seen - 1]
            if run.done:
                return
            if cancel.cancelled:
                run.cancel.cancel()  # the driver interrupted: stop the model too
            run.changed.clear()
            with contextlib.suppress(TimeoutError):  # woken by the next item, or soon
                await asyncio.wait_for(run.changed.wait(), _POLL_S)  # enough to pass on a stop

    async def _generate(self, run: _Run) -> None:
        try:
            async for item in self._agent.answer(run.text, run.history, run.cancel):
                run.items.append(item)
                run.changed.set()
        except Exception as exc:  # the request asks the model afresh
            _LOG.warning("speculation failed: %s", exc)
            run.failed = True
        finally:
            run.done = True
            run.changed.set()
