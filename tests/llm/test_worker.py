"""The local model's worker thread (daemon/llm/local.py `ModelWorker`) and how the router uses
it: one named daemon thread, calls one at a time and in order, outcomes back on the caller's
loop, and a call stuck in native code never holding `asyncio.run` (B5, docs/faults.md).

A stand-in takes llama.cpp's place under the real `Router`; two slow tests use the CI model.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pytest

from daemon.llm.config import LlmConfig
from daemon.llm.lazy import LazyRouter
from daemon.llm.local import (
    Generation,
    LocalModel,
    LocalModelError,
    LocalSettings,
    ModelWorker,
)
from daemon.llm.router import UNAVAILABLE, Router
from daemon.llm.schema import ToolSpec
from daemon.llm.types import AgentAnswer, AgentTiming, CancelToken, Message, Sentence
from tests.llm.conftest import ask
from vehicle_tools.tools import default_registry

GUARD_S = 10.0
"""A stuck call is released after this long at most (a hang detector, not a timing check)."""
JOIN_S = 10.0
"""How long a thread that should end is given before the test calls it hung."""


@pytest.fixture
def release() -> Iterator[threading.Event]:
    """Set to let a stuck call return; set by a guard timer if a test hangs."""
    event = threading.Event()
    guard = threading.Timer(GUARD_S, event.set)
    guard.daemon = True
    guard.start()
    yield event
    event.set()
    guard.cancel()


def drain(worker: ModelWorker) -> None:
    """Wait (on a new loop) until every call submitted before this one has ended or been
    skipped: the worker runs calls in order."""
    asyncio.run(worker.run(lambda: None))


# --- the worker alone ---------------------------------------------------------------------------

def test_calls_run_in_order_on_one_named_daemon_thread() -> None:
    worker = ModelWorker()
    seen: list[tuple[int, str, bool]] = []

    def call(i: int) -> int:
        thread = threading.current_thread()
        seen.append((i, thread.name, thread.daemon))
        return i * 10

    async def main() -> list[int]:
        return list(await asyncio.gather(*(worker.run(partial(call, i)) for i in range(5))))

    assert worker.thread is None  # nothing started before the first call
    assert asyncio.run(main()) == [0, 10, 20, 30, 40]
    assert seen == [(i, "llm-worker", True) for i in range(5)]
    assert worker.thread is not None and worker.thread.is_alive()
    worker.close()
    worker.thread.join(JOIN_S)
    assert not worker.thread.is_alive()


def test_an_exception_reaches_the_caller_and_the_thread_goes_on() -> None:
    worker = ModelWorker()

    def crash() -> int:
        raise RuntimeError("llama_decode returned -1")

    async def main() -> int:
        with pytest.raises(RuntimeError, match="llama_decode returned -1"):
            await worker.run(crash)
        return await worker.run(lambda: 7)

    assert asyncio.run(main()) == 7
    worker.close()


def test_one_call_at_a_time() -> None:
    worker = ModelWorker()
    active = 0
    most = 0
    lock = threading.Lock()

    def call() -> None:
        nonlocal active, most
        with lock:
            active += 1
            most = max(most, active)
        threading.Event().wait(0.01)  # give a second thread a chance to overlap
        with lock:
            active -= 1

    async def main() -> None:
        await asyncio.gather(*(worker.run(call) for _ in range(8)))

    asyncio.run(main())
    assert most == 1
    worker.close()


def test_a_stuck_call_does_not_hold_asyncio_run(release: threading.Event) -> None:
    worker = ModelWorker()

    async def main() -> None:
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(worker.run(lambda: release.wait(GUARD_S)), 0.2)

    asyncio.run(main())  # with asyncio.to_thread this joins the stuck thread
    assert not release.is_set(), "asyncio.run waited for the stuck call"
    release.set()
    # The stuck call returned into a closed loop; the thread survived it and serves a new one.
    assert asyncio.run(worker.run(lambda: "next")) == "next"
    worker.close()


def test_a_call_whose_caller_gave_up_before_it_started_never_runs(
        release: threading.Event) -> None:
    worker = ModelWorker()
    ran: list[str] = []

    async def main() -> None:
        stuck = asyncio.ensure_future(worker.run(lambda: release.wait(GUARD_S)))
        queued = asyncio.ensure_future(worker.run(lambda: ran.append("queued")))
        await asyncio.sleep(0)
        queued.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await queued  # the cancel has reached the call's future
        release.set()
        await stuck

    asyncio.run(main())
    drain(worker)
    assert ran == []
    worker.close()


def test_close_ends_the_thread_after_the_call_in_progress(release: threading.Event) -> None:
    worker = ModelWorker()
    outcomes: list[object] = []

    async def main() -> None:
        loop = asyncio.get_running_loop()
        started = asyncio.Event()

        def stuck_call() -> str:
            loop.call_soon_threadsafe(started.set)
            release.wait(GUARD_S)
            return "done"

        stuck = asyncio.ensure_future(worker.run(stuck_call))
        queued = asyncio.ensure_future(worker.run(lambda: "never"))
        await started.wait()
        worker.close()
        worker.close()  # idempotent
        with pytest.raises(LocalModelError, match="closed"):
            await worker.run(lambda: "refused")
        release.set()
        outcomes.extend(await asyncio.gather(stuck, queued, return_exceptions=True))

    asyncio.run(main())
    assert outcomes[0] == "done"  # the call in progress finished
    assert isinstance(outcomes[1], LocalModelError)  # the one behind it was refused
    assert worker.thread is not None
    worker.thread.join(JOIN_S)
    assert not worker.thread.is_alive()


def test_a_local_model_owns_its_worker_and_ends_it(tmp_path: Path) -> None:
    local = LocalModel(tmp_path / "absent.gguf", (), LocalSettings())
    asyncio.run(local.worker.run(lambda: None))
    thread = local.worker.thread
    assert thread is not None and thread.name == "llm-worker" and thread.daemon
    local.close()
    thread.join(JOIN_S)
    assert not thread.is_alive() and not local.loaded

    stuck = LocalModel(tmp_path / "absent.gguf", (), LocalSettings())
    with stuck._lock:  # a generation that never returns (native code) holds the model
        closer = threading.Thread(target=stuck.close, name="closer", daemon=True)
        closer.start()
        closer.join(JOIN_S)
        assert not closer.is_alive()  # close never waits for it
    assert not stuck.loaded

    dropped = LocalModel(tmp_path / "absent.gguf", (), LocalSettings())
    asyncio.run(dropped.worker.run(lambda: None))
    thread = dropped.worker.thread
    assert thread is not None
    del dropped  # never closed: its finalizer ends the thread
    gc.collect()
    thread.join(JOIN_S)
    assert not thread.is_alive()


# --- the router on the worker -------------------------------------------------------------------

@dataclass
class StubModel:
    """llama.cpp's place under the Router: writes `words`, then (when `stuck`) blocks in
    "native code", ignoring `stop()`, until `release` is set; or raises `crash`."""

    tools: tuple[ToolSpec, ...]
    release: threading.Event
    words: str = "say Good morning!"
    stuck: bool = False
    crash: Exception | None = None
    loaded: bool = True
    worker: ModelWorker = field(default_factory=ModelWorker)
    calls: list[tuple[str, str]] = field(default_factory=list)

    def generate(self, text: str, history: Sequence[Message], stop: Callable[[], bool],
                 on_text: Callable[[str], None] | None = None, *,
                 only: tuple[str, ...] | None = None, cold: bool = False) -> Generation:
        self.calls.append((text, threading.current_thread().name))
        if on_text is not None:
            on_text(self.words)
        if self.crash is not None:
            raise self.crash
        if self.stuck:
            self.release.wait(GUARD_S)
        return Generation(self.words, False, False, AgentTiming(generated_tokens=3))

    def close(self) -> None:
        self.worker.close()


def router_with(stub_args: dict[str, object], release: threading.Event, *,
                timeout_s: float = 0.3) -> tuple[Router, StubModel]:
    router = Router(LlmConfig(timeout_s=timeout_s), default_registry(), Path("/nonexistent"))
    stub = StubModel(router.checker.tools, release, **stub_args)  # type: ignore[arg-type]
    router.local = stub  # type: ignore[assignment]
    return router, stub


async def answer(router: Router, text: str) -> tuple[list[str], AgentAnswer]:
    sentences: list[str] = []
    final: AgentAnswer | None = None
    async for item in router.answer(text, [], CancelToken()):
        if isinstance(item, Sentence):
            sentences.append(item.text)
        else:
            final = item
    assert final is not None
    return sentences, final


def test_the_router_generates_on_the_worker_thread(release: threading.Event) -> None:
    router, stub = router_with({}, release)
    sentences, final = asyncio.run(answer(router, "good morning"))
    assert (final.kind, final.source) == ("say", "local")
    assert sentences == ["Good morning!"]
    assert stub.calls == [("good morning", "llm-worker")]


def test_a_stuck_model_times_out_and_never_holds_the_exit(release: threading.Event) -> None:
    router, stub = router_with({"stuck": True, "words": "say I"}, release)

    async def main() -> list[AgentAnswer]:
        first = await answer(router, "sing me a song")
        second = await answer(router, "sing another")  # queued behind the stuck call
        return [first[1], second[1]]

    finals = asyncio.run(main())
    assert not release.is_set(), "asyncio.run waited for the stuck model"
    assert [(f.kind, f.text) for f in finals] == [("unavailable", UNAVAILABLE)] * 2
    release.set()
    drain(stub.worker)
    # The request that timed out while queued was never evaluated (no wasted prompt).
    assert stub.calls == [("sing me a song", "llm-worker")]


def test_a_crash_falls_back_and_the_next_request_works(release: threading.Event) -> None:
    router, stub = router_with({"crash": RuntimeError("llama_decode returned -1")}, release)
    _, final = asyncio.run(answer(router, "tell me a story"))
    assert (final.kind, final.text) == ("unavailable", UNAVAILABLE)
    stub.crash = None
    _, final = asyncio.run(answer(router, "good morning"))
    assert (final.kind, final.source) == ("say", "local")


def test_closing_the_router_ends_its_worker(release: threading.Event) -> None:
    router, stub = router_with({}, release)
    asyncio.run(answer(router, "good morning"))
    thread = stub.worker.thread
    assert thread is not None
    router.close()
    thread.join(JOIN_S)
    assert not thread.is_alive()
    assert router.local is None
    _, final = asyncio.run(answer(router, "good morning"))
    assert final.kind == "unavailable"


def test_loading_runs_on_a_daemon_thread_of_its_own(monkeypatch: pytest.MonkeyPatch,
                                                     release: threading.Event) -> None:
    threads: list[threading.Thread] = []

    def load(router: Router) -> None:
        threads.append(threading.current_thread())
        router.local = StubModel(router.checker.tools, release)  # type: ignore[assignment]

    monkeypatch.setattr(Router, "load", load)
    lazy = LazyRouter(lambda: Router(LlmConfig(), default_registry(), Path("/nonexistent")))
    router = asyncio.run(lazy.load())
    [thread] = threads
    assert thread.name == "llm-load" and thread.daemon
    thread.join(JOIN_S)
    assert not thread.is_alive()  # one load, then the thread ends
    assert lazy.loaded is router
    lazy.close()
    assert lazy.loaded is None and router.local is None


def test_a_stuck_load_does_not_hold_asyncio_run(monkeypatch: pytest.MonkeyPatch,
                                                release: threading.Event) -> None:
    monkeypatch.setattr(Router, "load", lambda router: release.wait(GUARD_S))
    router = Router(LlmConfig(), default_registry(), Path("/nonexistent"))

    async def main() -> None:
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(router.load_async(), 0.2)

    asyncio.run(main())
    assert not release.is_set(), "asyncio.run waited for the stuck load"


# --- the real model (slow) ----------------------------------------------------------------------

@pytest.mark.slow
def test_the_real_model_answers_on_its_worker_thread(router: Router) -> None:
    _, final = ask(router, "set the fan to level three")
    assert final.kind == "calls" and final.source == "local"
    assert router.local is not None
    thread = router.local.worker.thread
    assert thread is not None and thread.name == "llm-worker" and thread.is_alive()


@pytest.mark.slow
def test_a_request_stopped_before_it_starts_evaluates_nothing(router: Router) -> None:
    local = router.local
    assert local is not None
    gen = local.generate("set the fan to level three", [], lambda: True)
    assert gen.stopped and gen.text == ""
    assert gen.timing.prompt_ms == 0.0 and gen.timing.generated_tokens == 0
