"""The router: the local model first, then the cloud (when configured and reachable), each
within its timeout; an honest "unavailable" when both fail.

`Router.answer` is an async generator: it yields `Sentence` items while a spoken answer is
generated (filtered, sentence by sentence) and always ends with exactly one `AgentAnswer`.
Generation runs on the local model's own worker thread (`LocalModel.worker`: a daemon
thread nothing joins at exit) and checks the `CancelToken` (and the timeout) between tokens.
The router never calls the vehicle: it returns planned calls, checked for relevance and
grounding (daemon/llm/verdict.py); the turn runs them through the dispatcher. A spoken answer
(local or cloud) has no call behind it, so a sentence of it claiming an action ("Playing ...",
"I've turned on ...") is replaced by an honest one (daemon/llm/claims.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from daemon.errors import ModelError
from daemon.llm import relevance
from daemon.llm.claims import ClaimGuard
from daemon.llm.cloud import CloudClient, CloudError
from daemon.llm.config import LlmConfig, llm_threads, usable_cores
from daemon.llm.filter import REPLACEMENT, ReplyFilter, SentenceSplitter
from daemon.llm.grammar import parse_output
from daemon.llm.local import Generation, LocalModel, LocalModelError, LocalSettings, ModelWorker
from daemon.llm.types import AgentAnswer, AgentTiming, CancelToken, Message, Sentence
from daemon.llm.verdict import Checker, Request, Verdict
from vehicle_tools.registry import Registry

_LOG = logging.getLogger(__name__)

UNAVAILABLE = "Sorry, I can't answer that right now: my language model is not available."

Item = Sentence | AgentAnswer


@dataclass
class _Run:
    """One local generation in flight: its stop conditions and streamed output."""

    cancel: CancelToken
    deadline: float
    reply: ReplyFilter
    splitter: SentenceSplitter = field(default_factory=SentenceSplitter)
    claims: ClaimGuard = field(default_factory=ClaimGuard)
    queue: asyncio.Queue[str | None] = field(default_factory=asyncio.Queue)
    abandoned: threading.Event = field(default_factory=threading.Event)
    timed_out: bool = False

    def stop(self) -> bool:
        """Checked between tokens (worker thread)."""
        if time.monotonic() >= self.deadline:
            self.timed_out = True
        return self.timed_out or self.cancel.cancelled or self.abandoned.is_set() \
            or self.reply.full or self.claims.caught


class Router:
    """See the module docstring.

    Args:
        config: the ``llm`` settings.
        registry: the vehicle tools (schemas, topics, validation).
        models_dir: where the models of models/manifest.yaml live.
    """

    def __init__(self, config: LlmConfig, registry: Registry, models_dir: Path) -> None:
        self.config = config
        self.registry = registry
        self.models_dir = models_dir
        self.checker = Checker(registry)
        self.local: LocalModel | None = None
        self.cloud: CloudClient | None = None
        if config.cloud.enabled:
            self.cloud = CloudClient(config.cloud, self.checker.tools, registry.json_schemas(),
                                     max_tokens=max(config.max_tokens, 128))
        self._workers: set[asyncio.Task[Generation]] = set()
        self.trace: list[Generation] = []
        """The local generations of the latest answer (the eval's raw figures; logs)."""

    def load(self) -> None:
        """Verify and load the local model, evaluating its system prompt (blocking: seconds).

        Raises:
            ModelError: the model is missing or corrupt (naming the `cabin models` fix), or
                llama.cpp cannot load it.
        """
        from daemon.models import ModelStore, default_manifest_path, load_manifest
        from daemon.stages import resolve

        store = ModelStore(self.models_dir, load_manifest(default_manifest_path()))
        directory = resolve(store, self.config.model)
        ggufs = sorted(directory.glob("*.gguf"))
        if len(ggufs) != 1:
            raise ModelError(f"expected one .gguf file in {directory}, found {len(ggufs)}",
                             fix=f"run `cabin models fetch {self.config.model}`",
                             code="model_missing")
        local = LocalModel(ggufs[0], self.checker.tools, LocalSettings(
            threads=llm_threads(self.config.threads, usable_cores()),
            context_tokens=self.config.context_tokens,
            batch_tokens=self.config.batch_tokens, max_tokens=self.config.max_tokens,
            max_calls=self.config.max_calls))
        try:
            with store.loading(self.config.model):  # llama.cpp refusing it: forget the stamp
                local.load()
        except BaseException:
            local.close()
            raise
        previous, self.local = self.local, local
        if previous is not None:
            previous.close()

    async def load_async(self) -> None:
        """`load` on a daemon thread of its own ("llm-load"), not asyncio's default executor:
        a load stuck in native code never holds the loop's shutdown or the process's exit.

        Raises:
            ModelError: as `load`.
        """
        loader = ModelWorker("llm-load")
        try:
            await loader.run(self.load)
        finally:
            loader.close()

    def close(self) -> None:
        """Release the local model: its worker thread ends after a generation in progress
        (never waited for). Later answers come from the cloud, or are "unavailable"."""
        local, self.local = self.local, None
        if local is not None:
            local.close()

    async def answer(self, text: str, history: Sequence[Message],
                     cancel: CancelToken) -> AsyncIterator[Item]:
        """Sentences of a spoken answer as they are generated, then one `AgentAnswer`."""
        history = list(history)[-self.config.history_messages:] \
            if self.config.history_messages else []
        request = Request(text, history)
        self.trace = []
        spoken: list[str] = []
        final: AgentAnswer | None = None
        async for item in self._local(request, cancel):
            if isinstance(item, Sentence):
                spoken.append(item.text)
                yield item
            else:
                final = item
        if final is None and not cancel.cancelled:
            async for item in self._cloud(request):
                if isinstance(item, Sentence):
                    yield item
                else:
                    final = item
        if cancel.cancelled:
            final = AgentAnswer("say", text=" ".join(spoken),
                                source=final.source if final else "none",
                                timing=final.timing if final else None)
        if final is None:
            yield Sentence(UNAVAILABLE)
            final = AgentAnswer("unavailable", text=UNAVAILABLE)
        yield final

    # -- local -------------------------------------------------------------------------------
    async def _local(self, request: Request, cancel: CancelToken) -> AsyncIterator[Item]:
        """The local model's answer; yields nothing at all when it failed (go to the cloud)."""
        local = self.local
        if local is None or not local.loaded or self.config.timeout_s <= 0.0:
            return
        deadline = time.monotonic() + self.config.timeout_s
        run = _Run(cancel, deadline, ReplyFilter(self.config.max_reply_chars))
        gen = None
        try:
            async for item in self._generate(local, request, run, None):
                if isinstance(item, Generation):
                    gen = item
                else:
                    yield item
        except (LocalModelError, TimeoutError) as exc:
            _LOG.warning("local model failed: %s", str(exc) or "timed out")
        except Exception:  # a crash inside llama.cpp mid-generation: fall back, never raise
            _LOG.exception("local model crashed mid-generation")
        for final in await self._conclude(local, request, run, gen):
            yield final

    async def _conclude(self, local: LocalModel, request: Request, run: _Run,
                        gen: Generation | None) -> list[Item]:
        """What the local model's generation comes to; [] when it failed."""
        if gen is None:  # failed; when part of an answer was said, finish it (no 2nd voice)
            return [AgentAnswer("say", text=run.reply.text, source="local")] \
                if run.reply.spoken else []
        if run.cancel.cancelled or run.reply.spoken:
            tail = [] if run.cancel.cancelled else self._flush(run, gen.text)
            return [*tail, AgentAnswer("say", text=run.reply.text or REPLACEMENT,
                                       source="local", timing=gen.timing)]
        if gen.stopped or gen.truncated:
            _LOG.warning("local model %s", "timed out" if run.timed_out else "ran out of tokens")
            return []
        verdict = self.checker.judge(parse_output(gen.text, local.tools), request,
                                     source="local", timing=gen.timing)
        if verdict is not None and verdict.retry_with:
            verdict = await self._retry(local, request, run, verdict)
        elif verdict is not None and verdict.answer.kind == "calls":
            verdict = await self._left_out(local, request, run, verdict)
        if verdict is None:
            _LOG.warning("local model output unusable (%d characters)", len(gen.text))
            return []
        return self._spoken(verdict.answer)

    async def _retry(self, local: LocalModel, request: Request, run: _Run,
                     first: Verdict) -> Verdict:
        """A second try restricted to the tools the request mentions (see Verdict)."""
        _LOG.info("local model declined; trying again with %s", ", ".join(first.retry_with))
        again = _Run(run.cancel, run.deadline, ReplyFilter(self.config.max_reply_chars))
        gen = None
        with contextlib.suppress(LocalModelError, TimeoutError):
            async for item in self._generate(local, request, again, first.retry_with):
                if isinstance(item, Generation):
                    gen = item
        if gen is None or gen.stopped or gen.truncated:
            return first
        timing = _sum(first.answer.timing, gen.timing)
        second = self.checker.judge(parse_output(gen.text, local.tools), request,
                                    source="local", timing=timing)
        if second is None or second.answer.kind == "decline":
            return Verdict(replace(first.answer, timing=timing))
        return second

    async def _left_out(self, local: LocalModel, request: Request, run: _Run,
                        first: Verdict) -> Verdict:
        """Calls for the clauses of a several-action request the model left out ("close the
        windows and set the temperature to 20" gave only the window call): each such clause
        is asked alone, restricted to the tools it mentions, and checked against the whole
        request."""
        answer = first.answer
        calls = list(answer.calls)
        timing = answer.timing
        for clause in relevance.uncovered(request.text, [c.name for c in calls], local.tools):
            if len(calls) >= self.config.max_calls:
                break
            only = relevance.candidates(clause, local.tools)
            again = _Run(run.cancel, run.deadline, ReplyFilter(self.config.max_reply_chars))
            gen = None
            with contextlib.suppress(LocalModelError, TimeoutError):
                async for item in self._generate(local, Request(clause, request.history),
                                                 again, only):
                    if isinstance(item, Generation):
                        gen = item
            if gen is None or gen.stopped or gen.truncated:
                break
            timing = _sum(timing, gen.timing)
            more = self.checker.judge(parse_output(gen.text, local.tools), request,
                                      source="local", timing=timing)
            if more is None or more.answer.kind != "calls":
                continue
            calls += [c for c in more.answer.calls if c not in calls]
        return Verdict(replace(answer, calls=tuple(calls[:self.config.max_calls]),
                               timing=timing))

    async def _generate(self, local: LocalModel, request: Request, run: _Run,
                        only: tuple[str, ...] | None) -> AsyncIterator[Sentence | Generation]:
        """Run the model on its worker thread, streaming ``say`` sentences as they complete."""
        loop = asyncio.get_running_loop()

        def on_text(so_far: str) -> None:
            loop.call_soon_threadsafe(run.queue.put_nowait, so_far)

        def work() -> Generation:
            try:
                return local.generate(request.text, request.history, run.stop, on_text,
                                      only=only)
            finally:
                loop.call_soon_threadsafe(run.queue.put_nowait, None)

        worker = asyncio.create_task(local.worker.run(work), name="llm-local-generate")
        self._workers.add(worker)
        worker.add_done_callback(self._workers.discard)
        try:
            while True:
                remaining = run.deadline - time.monotonic()
                so_far = await asyncio.wait_for(run.queue.get(), max(remaining, 0.0) + 0.05)
                if so_far is None:
                    break
                if so_far.startswith("say "):
                    for sentence in run.splitter.feed(so_far[4:]):
                        clean = _accept(run.claims, run.reply, sentence)
                        if clean is not None:
                            yield Sentence(clean)
            gen = await worker
            self.trace.append(gen)
            yield gen
        finally:
            run.abandoned.set()  # a timeout or a closed generator stops the worker promptly
            worker.cancel()  # not started (behind a stuck call): it never runs

    def _flush(self, run: _Run, text: str) -> list[Sentence]:
        if not text.startswith("say "):
            return []
        return [Sentence(c) for s in run.splitter.flush(text[4:])
                if (c := _accept(run.claims, run.reply, s)) is not None]

    def _spoken(self, answer: AgentAnswer) -> list[Item]:
        """The final answer with its text filtered and yielded as sentences first (the
        model's own words, ``say``, also checked for claimed actions)."""
        if not answer.text:
            return [answer]
        reply = ReplyFilter(self.config.max_reply_chars)
        claims = ClaimGuard() if answer.kind == "say" else None
        sentences = [c for s in SentenceSplitter().flush(answer.text)
                     if (c := _accept(claims, reply, s)) is not None] or [REPLACEMENT]
        items: list[Item] = [Sentence(s) for s in sentences]
        return [*items, replace(answer, text=" ".join(sentences))]

    # -- cloud -------------------------------------------------------------------------------
    async def _cloud(self, request: Request) -> AsyncIterator[Item]:
        """The cloud model's answer; yields nothing when it is off, skipped or failed."""
        cloud = self.cloud
        if cloud is None or not cloud.available:
            return
        try:
            reply = await cloud.complete(request.text, request.history)
        except CloudError as exc:
            _LOG.warning("%s", exc.message)
            return
        verdict = self.checker.judge(reply.decision, request, source="cloud",
                                     timing=reply.timing)
        if verdict is None:
            return
        for item in self._spoken(verdict.answer):
            yield item


def _accept(claims: ClaimGuard | None, reply: ReplyFilter, sentence: str) -> str | None:
    """`sentence` as it may be spoken: a claimed action replaced (`claims`), then filtered."""
    if claims is not None:
        caught = claims.caught
        checked = claims.check(sentence)
        if checked is None:
            return None
        if claims.caught and not caught:
            _LOG.info("a spoken answer claimed an action no tool call backs: replaced")
        sentence = checked
    return reply.accept(sentence)


def _sum(a: AgentTiming | None, b: AgentTiming) -> AgentTiming:
    """Timing of two generations of one answer (the second reuses the first's prompt)."""
    if a is None:
        return b
    return AgentTiming(prompt_tokens=a.prompt_tokens, cached_tokens=a.cached_tokens,
                       prompt_ms=a.prompt_ms + b.prompt_ms, first_token_ms=a.first_token_ms,
                       generated_tokens=a.generated_tokens + b.generated_tokens,
                       total_ms=a.total_ms + b.total_ms)

