"""Faults 2 and 3: the language model hangs or crashes mid-generation; the cloud endpoint is
down, slow or answers garbage.

The daemon loads its real `Router` (daemon/llm/router.py); only llama.cpp under it is replaced
by a `ScriptedModel` that hangs, gets stuck in native code or fails after a few tokens, and the
cloud is a loopback stub (tests/llm/stub_server.py). Turns are typed requests (the head-unit
path: same decider, dispatcher and voice as speech, without recognition). Each fault turn must
end with an honest spoken answer, never silence and never a car action; the turns after it
must work. The router-level details (breaker, garbage parsing, timeouts against llama.cpp's
real server) are in tests/llm/test_cloud.py and test_cloud_server.py.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from daemon import events as ev
from daemon.conversation.turn import APOLOGY
from daemon.llm.config import CloudConfig, LlmConfig
from daemon.llm.router import UNAVAILABLE, Router
from daemon.stages import Stages
from tests.faults.conftest import use_loaded
from tests.faults.fakes import (
    Answer,
    Behaviour,
    Crash,
    Hang,
    Stuck,
    install_model,
    llama_decode_failed,
)
from tests.faults.harness import Running, fault_config, running
from tests.llm.stub_server import Peer, http_response

pytestmark = pytest.mark.slow
GREETING = ["Good morning!", "Drive safely."]
STUCK_GUARD_S = 8.0
"""How long a stuck llama.cpp call lasts at most in these tests, s (it then returns)."""
FAN = ["Okay. The fan is set to level 2."]


@dataclass(frozen=True)
class Turn:
    """One finished turn: what the driver heard and what the event log says."""

    replies: list[str]
    events: list[ev.Event]

    def of(self, kind: type[ev.Event]) -> list[ev.Event]:
        return [e for e in self.events if isinstance(e, kind)]

    @property
    def llm(self) -> list[tuple[str, str]]:
        return [(e.source, e.kind) for e in self.of(ev.Llm)]  # type: ignore[attr-defined]

    @property
    def error_codes(self) -> list[str]:
        return [e.code for e in self.of(ev.ErrorEvent)]  # type: ignore[attr-defined]


def finished(run: Running, turn: int) -> Turn:
    return Turn(run.replies(turn), run.of_turn(turn))


# --- fault 2: the local model hangs, gets stuck, crashes ----------------------------------------

RELEASE = threading.Event()
SCRIPT: dict[str, Behaviour] = {
    "tell me a joke": Hang(),
    "tell me a story": Crash(llama_decode_failed()),
    "what is the meaning of life": Crash(RuntimeError("llama_decode returned -1")),
    "sing me a song": Stuck(RELEASE),
    "good morning": Answer("say Good morning! Drive safely."),
}


@pytest.fixture(scope="module")
def model_faults(stages: Stages, tmp_path_factory: pytest.TempPathFactory
                 ) -> Iterator[dict[str, Turn]]:
    """One drive: each model fault in turn, the fast path and the model working between."""
    config = fault_config(tmp_path_factory.mktemp("llm"),
                          llm=LlmConfig(enabled=True, timeout_s=1.5))
    RELEASE.clear()

    async def drive() -> tuple[dict[str, Turn], bool]:
        out: dict[str, Turn] = {}
        async with running(config) as run:
            for name, text in [("hang", "tell me a joke"), ("crash", "tell me a story"),
                               ("bug", "what is the meaning of life"),
                               ("fast_path", "set the fan to level two"),
                               ("model_back", "good morning"), ("stuck", "sing me a song"),
                               ("while_stuck", "good morning")]:
                out[name] = finished(run, await run.text(text))
            RELEASE.set()  # the native call returns at last
            out["unstuck"] = finished(run, await run.text("good morning"))
            alive = run.alive
        return out, alive

    with pytest.MonkeyPatch.context() as mp:
        use_loaded(stages, mp)
        install_model(mp, lambda text: SCRIPT[text])
        try:
            turns, alive = asyncio.run(drive())
        finally:
            RELEASE.set()
    assert alive
    yield turns


@pytest.mark.parametrize("fault", ["hang", "crash", "stuck"])
def test_a_failing_model_gets_the_honest_answer(model_faults: dict[str, Turn],
                                                fault: str) -> None:
    turn = model_faults[fault]
    assert turn.replies == [UNAVAILABLE]
    assert turn.llm == [("none", "unavailable")]  # typed: every model failed
    assert turn.of(ev.ToolCall) == []  # nothing reached the car


def test_an_unexpected_llama_cpp_exception_is_answered(model_faults: dict[str, Turn]) -> None:
    turn = model_faults["bug"]
    # Either the router treats it as a model failure, or the turn's safety net apologises.
    assert turn.replies in ([UNAVAILABLE], [APOLOGY])
    assert turn.llm == [("none", "unavailable")] or turn.error_codes == ["internal"]
    assert turn.of(ev.ToolCall) == []


def test_after_model_faults_the_next_turns_work(model_faults: dict[str, Turn]) -> None:
    assert model_faults["fast_path"].replies == FAN
    assert model_faults["model_back"].replies == GREETING
    assert model_faults["model_back"].llm == [("local", "say")]
    assert model_faults["unstuck"].replies == GREETING


def test_a_model_stuck_in_native_code_is_busy_until_it_returns(
        model_faults: dict[str, Turn]) -> None:
    # One llama.cpp context: the next request waits for it, within its own deadline.
    assert model_faults["while_stuck"].replies == [UNAVAILABLE]
    assert model_faults["while_stuck"].llm == [("none", "unavailable")]


@pytest.mark.parametrize("fault", ["hang", "crash"])
def test_a_model_failure_is_an_error_event(model_faults: dict[str, Turn], fault: str) -> None:
    codes = model_faults[fault].error_codes
    assert codes and all(code.startswith("llm_") for code in codes), codes


def test_a_llama_cpp_error_mid_generation_is_a_model_failure(
        model_faults: dict[str, Turn]) -> None:
    turn = model_faults["bug"]
    assert turn.replies == [UNAVAILABLE]
    assert turn.llm == [("none", "unavailable")]
    assert "internal" not in turn.error_codes


def test_stopping_while_the_model_is_stuck(fast_start: None, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    install_model(monkeypatch, lambda text: Stuck(release))
    # Not a timing assertion: a hang detector. The process should be gone long before.
    guard = threading.Timer(STUCK_GUARD_S, release.set)
    config = fault_config(tmp_path, llm=LlmConfig(enabled=True, timeout_s=0.5))
    stopped_while_stuck: list[bool] = []

    async def drive() -> None:
        async with running(config) as run:
            assert (await run.text("sing me a song")) == 1
            guard.start()
        stopped_while_stuck.append(not release.is_set())  # Daemon.run has returned

    try:
        asyncio.run(drive())  # what `cabin run` does (daemon/runtime/run_cli.py)
        exited_while_stuck = not release.is_set()
    finally:
        release.set()
        guard.cancel()
    assert stopped_while_stuck == [True]
    assert exited_while_stuck


# --- fault 3: the cloud endpoint down, slow, garbage --------------------------------------------

class Cloud:
    """The cloud endpoint, switchable between behaving and failing."""

    def __init__(self) -> None:
        self.mode = "garbage"
        self.peer = Peer(self._reply)

    def _reply(self, body: dict[str, object]) -> bytes | None:
        if self.mode == "slow":
            return None  # reads the request, never answers
        if self.mode == "garbage":
            return b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nnot json!"
        return http_response(b'{"choices": [{"message": {"role": "assistant", '
                             b'"content": "Good morning! Drive safely."}}]}')


def test_cloud_down_slow_or_garbage_gets_the_honest_answer(
        fast_start: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CABIN_CLOUD_API_KEY", "sk-test-key")
    monkeypatch.setattr(Router, "load", lambda router: None)  # no local model: cloud only
    cloud = Cloud()
    config = fault_config(tmp_path, llm=LlmConfig(
        enabled=True, timeout_s=0.0, cloud=CloudConfig(
            enabled=True, base_url=f"http://127.0.0.1:{cloud.peer.port}/v1", timeout_s=1.5,
            allow_insecure_loopback=True,  # the stub speaks plain http
            connect_timeout_s=0.3, retry_after_s=0.0)))

    async def drive() -> dict[str, Turn]:
        out: dict[str, Turn] = {}
        async with running(config) as run:
            for mode in ("garbage", "slow", "ok", "down"):
                cloud.mode = mode
                if mode == "down":
                    cloud.peer.close()  # nothing listens on the port any more
                out[mode] = finished(run, await run.text("good morning"))
            out["fast_path"] = finished(run, await run.text("set the fan to level two"))
        return out

    try:
        turns = asyncio.run(drive())
    finally:
        cloud.peer.close()
    for mode in ("garbage", "slow", "down"):
        assert turns[mode].replies == [UNAVAILABLE], mode
        assert turns[mode].llm == [("none", "unavailable")], mode
    assert turns["ok"].replies == GREETING  # the cloud between the faults works
    assert turns["ok"].llm == [("cloud", "say")]
    assert turns["fast_path"].replies == FAN
