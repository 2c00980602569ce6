"""The local model: llama-cpp-python with a cached system prompt and grammar-constrained output.

`LocalModel.load` evaluates the fixed prefix (system prompt + few-shot examples, ~1-2 k tokens,
the largest one-off cost: seconds to tens of seconds on one core) once and keeps its KV state;
`generate` then evaluates only the request's own tokens. Generation is blocking: the router
runs it on the model's own worker thread (`LocalModel.worker`, a `ModelWorker`), never in
asyncio's default executor, so a llama.cpp call stuck in native code cannot hold the daemon's
stop or the interpreter's exit. It checks `stop()` between tokens, so a cancel or a deadline
ends it promptly. One generation at a time (the llama.cpp context is not thread-safe): the
single worker thread and a lock (for direct callers: eval, benchmarks) serialise them.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from daemon.errors import ModelError
from daemon.llm.grammar import build_grammar
from daemon.llm.prompt import request_suffix, system_prefix
from daemon.llm.sampling import GrammarGreedy
from daemon.llm.schema import ToolSpec
from daemon.llm.types import AgentTiming, Message

if TYPE_CHECKING:
    from llama_cpp import Llama, LlamaState

_LOG = logging.getLogger(__name__)
T = TypeVar("T")


class LocalModelError(ModelError):
    """The local model cannot answer (not loaded, closed, prompt too long, llama.cpp failure)."""

    code = "llm_local"


@dataclass(frozen=True)
class _Job:
    """One call for the worker thread and where its outcome goes."""

    fn: Callable[[], object]
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Any]
    dropped: threading.Event  # the caller gave up waiting: skip it if not started


class ModelWorker:
    """One long-lived daemon thread running blocking model calls one at a time, for asyncio.

    Unlike `asyncio.to_thread` (the loop's default executor, whose threads `asyncio.run` joins
    at exit), nothing waits for this thread: a call stuck in native code holds neither the
    loop's shutdown nor the interpreter's exit. Calls run in submission order; the result or
    exception comes back to the awaiting coroutine through `loop.call_soon_threadsafe`. The
    thread (named `name`) starts with the first call and ends at `close`, after the call in
    progress.
    """

    def __init__(self, name: str = "llm-worker") -> None:
        self.name = name
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._closed = False
        self._state = threading.Lock()

    @property
    def thread(self) -> threading.Thread | None:
        """The worker thread, once the first call started it."""
        return self._thread

    @property
    def closed(self) -> bool:
        """True once `close` was called."""
        return self._closed

    async def run(self, fn: Callable[[], T]) -> T:
        """``fn()`` on the worker thread; returns its result or raises its exception.

        Cancelling the caller only stops the wait: a call not yet started is skipped, one
        already running goes on (it should watch a stop flag) and its outcome is dropped.

        Raises:
            LocalModelError: the worker is closed.
        """
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        job = _Job(fn, loop, future, threading.Event())
        future.add_done_callback(lambda f: job.dropped.set() if f.cancelled() else None)
        with self._state:
            if self._closed:
                raise LocalModelError("the local model is closed", fix="load it again")
            if self._thread is None:
                self._thread = threading.Thread(target=self._serve, name=self.name,
                                                daemon=True)
                self._thread.start()
            self._jobs.put(job)
        return await future

    def close(self) -> None:
        """Take no more calls; the thread ends after the one in progress. Never blocks."""
        with self._state:
            if not self._closed:
                self._closed = True
                self._jobs.put(None)

    def _serve(self) -> None:
        while (job := self._jobs.get()) is not None:
            self._run(job)
            del job  # hold no closure (nor the model it references) while idle

    def _run(self, job: _Job) -> None:
        if job.dropped.is_set():
            return
        if self._closed:
            _settle(job, None, LocalModelError("the local model was closed", fix="load it again"))
            return
        try:
            result = job.fn()
        except BaseException as exc:  # handed to the caller, as asyncio.to_thread does
            _settle(job, None, exc)
        else:
            _settle(job, result, None)


def _settle(job: _Job, result: object, error: BaseException | None) -> None:
    """Hand a finished call's outcome to its loop (from the worker thread)."""
    def settle() -> None:
        if job.future.done():  # the caller gave up meanwhile
            if error is not None:
                _LOG.info("a model call nobody waits for failed: %r", error)
            return
        if error is None:
            job.future.set_result(result)
        else:
            job.future.set_exception(error)

    try:
        job.loop.call_soon_threadsafe(settle)
    except RuntimeError:  # the loop closed while the call was stuck: nobody waits for it
        _LOG.debug("a model call returned after its event loop closed")


@dataclass(frozen=True)
class Generation:
    """One run of the local model.

    Attributes:
        text: the generated output (in the output language, daemon/llm/grammar.py).
        stopped: True when `stop()` ended it early (cancel or deadline).
        truncated: True when it hit the token limit before finishing.
        timing: tokens and wall-clock ms.
    """

    text: str
    stopped: bool
    truncated: bool
    timing: AgentTiming


@dataclass(frozen=True)
class LocalSettings:
    """How to run the model (from `daemon.llm.config.LlmConfig`).

    Attributes:
        threads: llama.cpp threads for generation and prompt evaluation.
        context_tokens: context window, tokens.
        batch_tokens: prompt tokens per llama.cpp batch.
        max_tokens: generated tokens per answer, at most.
        max_calls: tool calls per answer, at most (the grammar's limit).
    """

    threads: int = 1
    context_tokens: int = 4096
    batch_tokens: int = 32
    max_tokens: int = 96
    max_calls: int = 3


class LocalModel:
    """A GGUF model answering in the output language; see the module docstring."""

    def __init__(self, gguf: Path, tools: tuple[ToolSpec, ...], settings: LocalSettings) -> None:
        self.gguf = gguf
        self.tools = tools
        self.settings = settings
        self.prefix = system_prefix(tools)
        self._llm: Llama | None = None
        self._grammars: dict[tuple[str, ...] | None, GrammarGreedy] = {}
        self._prefix_tokens: list[int] = []
        self._prefix_state: LlamaState | None = None
        self._lock = threading.Lock()
        self.worker = ModelWorker("llm-worker")
        """The thread async callers run `generate` on (see the module docstring)."""
        weakref.finalize(self, self.worker.close)  # a model dropped unclosed ends its thread
        self.load_ms = 0.0
        """Wall-clock ms of the last `load` (model file + prefix evaluation)."""

    @property
    def loaded(self) -> bool:
        """True once `load` succeeded."""
        return self._llm is not None

    @property
    def prefix_tokens(self) -> int:
        """Tokens of the cached prefix (system prompt + examples)."""
        return len(self._prefix_tokens)

    def load(self) -> None:
        """Load the GGUF and evaluate the prefix once (blocking: seconds).

        Raises:
            LocalModelError: the file cannot be loaded by llama.cpp (code ``model_corrupt``:
                the router's `ModelStore.loading` then forgets its verification stamp).
        """
        from llama_cpp import Llama

        started = time.perf_counter()
        s = self.settings
        try:
            llm = Llama(model_path=str(self.gguf), n_ctx=s.context_tokens, n_batch=s.batch_tokens,
                        n_threads=s.threads, n_threads_batch=s.threads, verbose=False)
        except (ValueError, RuntimeError, OSError) as exc:
            raise LocalModelError(f"llama.cpp cannot load {self.gguf}: {exc}",
                                  fix="check llm.model in cabin.yaml and run `cabin models "
                                      "verify --full`", code="model_corrupt") from exc
        self._close_grammars()
        self._grammars = {None: GrammarGreedy(llm, build_grammar(self.tools, s.max_calls))}
        self._prefix_tokens = llm.tokenize(self.prefix.encode(), add_bos=False, special=True)
        if len(self._prefix_tokens) + 128 > s.context_tokens:
            raise LocalModelError(
                f"the system prompt has {len(self._prefix_tokens)} tokens, the context only "
                f"{s.context_tokens}", fix="raise llm.context_tokens in cabin.yaml")
        llm.eval(self._prefix_tokens)
        # llama-cpp-python's logits copy (`Llama.scores`, batch x vocabulary floats: 19 MB at
        # batch 32, 155 MB at 256) is, with logits_all=False, written only by load_state and
        # read by nothing called here: sampling reads llama.cpp's own logits, and `_prime`
        # evaluates at least one token after load_state. One row keeps save_state/load_state
        # working and keeps it out of the cached state (KV cache only, ~14 MB).
        import numpy as np

        llm.scores = np.zeros((1, llm.n_vocab()), dtype=np.single)
        self._prefix_state = llm.save_state()
        self._llm = llm
        self.load_ms = (time.perf_counter() - started) * 1000.0
        _LOG.info("local model %s loaded, %d prefix tokens cached in %.0f ms", self.gguf.name,
                  len(self._prefix_tokens), self.load_ms)

    def close(self) -> None:
        """End the worker thread (after a generation in progress) and drop the llama.cpp
        context (freed once that generation lets go of it). `loaded` is then False."""
        self.worker.close()
        if self._lock.acquire(blocking=False):  # no generation is using the grammars
            try:
                self._close_grammars()
            finally:
                self._lock.release()
        else:  # never wait here: a generation may be stuck in native code (see ModelWorker)
            _LOG.debug("grammar samplers left to the generation still running")
        self._llm = None
        self._prefix_state = None

    def _close_grammars(self) -> None:
        for grammar in self._grammars.values():
            grammar.close()
        self._grammars = {}

    def tokens_for(self, text: str, history: Sequence[Message]) -> list[int]:
        """The whole prompt's tokens (prefix + conversation), history cut to fit the context."""
        llm = self._require()
        room = self.settings.context_tokens - self.settings.max_tokens - len(self._prefix_tokens)
        history = list(history)
        while True:
            suffix = llm.tokenize(request_suffix(text, history).encode(), add_bos=False,
                                  special=True)
            if len(suffix) <= room or not history:
                break
            history = history[1:]
        if len(suffix) > room:
            raise LocalModelError(f"the request has {len(suffix)} tokens, {room} fit",
                                  fix="say it in fewer words, or raise llm.context_tokens")
        return self._prefix_tokens + suffix

    def _require(self) -> Llama:
        if self._llm is None:
            raise LocalModelError("the local model is not loaded", fix="call Router.load()")
        return self._llm

    def _prime(self, llm: Llama, tokens: list[int], cold: bool) -> int:
        """Evaluate what the KV cache lacks of `tokens`; returns how many were reused."""
        if cold:
            llm.reset()  # type: ignore[no-untyped-call]  # llama_cpp leaves it unannotated
        cached = 0
        for have, want in zip(llm.input_ids[:llm.n_tokens], tokens, strict=False):
            if have != want:
                break
            cached += 1
        if not cold and cached < len(self._prefix_tokens) and self._prefix_state is not None:
            llm.load_state(self._prefix_state)
            cached = len(self._prefix_tokens)
        cached = min(cached, len(tokens) - 1)  # at least one token gives fresh logits
        llm.n_tokens = cached
        llm.eval(tokens[cached:])
        return cached

    def _grammar(self, llm: Llama, only: tuple[str, ...] | None) -> GrammarGreedy:
        grammar = self._grammars.get(only)
        if grammar is None:
            subset = tuple(t for t in self.tools if only is None or t.name in only)
            grammar = GrammarGreedy(llm, build_grammar(subset, self.settings.max_calls,
                                                       free=False))
            self._grammars[only] = grammar
        grammar.reset()
        return grammar

    def generate(self, text: str, history: Sequence[Message], stop: Callable[[], bool],
                 on_text: Callable[[str], None] | None = None, *,
                 only: tuple[str, ...] | None = None, cold: bool = False) -> Generation:
        """Answer `text` (blocking). `on_text(output_so_far)` is called after every token.

        ``only`` restricts the answer to calls of these tools (no ``none``, no ``say``): the
        second try when the first answer was declined. ``cold=True`` drops the cached prefix
        first (to measure the prompt-cache effect).

        Raises:
            LocalModelError: not loaded, prompt too long, or llama.cpp failed.
        """
        with self._lock:
            llm = self._require()
            started = time.perf_counter()
            tokens = self.tokens_for(text, history)
            if stop():  # ended while it waited for the context: evaluate nothing
                return Generation("", True, False, AgentTiming(prompt_tokens=len(tokens)))
            try:
                cached = self._prime(llm, tokens, cold)
                prompt_ms = (time.perf_counter() - started) * 1000.0
                out, first_ms, stopped, truncated = self._sample(
                    llm, self._grammar(llm, only), started, stop, on_text)
            except (RuntimeError, ValueError) as exc:
                raise LocalModelError(f"llama.cpp failed: {exc}", fix="see the log") from exc
            timing = AgentTiming(
                prompt_tokens=len(tokens), cached_tokens=cached, prompt_ms=prompt_ms,
                first_token_ms=first_ms, generated_tokens=len(out),
                total_ms=(time.perf_counter() - started) * 1000.0)
            return Generation(_decode(llm, out), stopped, truncated, timing)

    def _sample(self, llm: Llama, grammar: GrammarGreedy, started: float,
                stop: Callable[[], bool], on_text: Callable[[str], None] | None
                ) -> tuple[list[int], float, bool, bool]:
        """Greedy, grammar-constrained tokens after the primed prompt (daemon/llm/sampling.py).

        Returns (tokens, first-token ms since `started`, stopped, truncated at max_tokens).
        """
        import llama_cpp

        out: list[int] = []
        first_ms = 0.0
        while not stop():
            token = grammar.next_token()
            first_ms = first_ms or (time.perf_counter() - started) * 1000.0
            if llama_cpp.llama_vocab_is_eog(llm._model.vocab, token):
                return out, first_ms, False, False
            out.append(token)
            if on_text is not None:
                on_text(_decode(llm, out))
            if stop():
                break
            if len(out) >= self.settings.max_tokens:
                return out, first_ms, False, True
            llm.eval([token])
        return out, first_ms, True, False


def _decode(llm: Llama, tokens: list[int]) -> str:
    return llm.detokenize(tokens).decode("utf-8", errors="ignore")
