"""The cloud fallback against a REAL OpenAI-compatible server on loopback: llama-cpp-python's
server with the CI model, behind a recording proxy (to check what leaves the car)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from daemon.llm.config import CloudConfig, LlmConfig
from daemon.llm.router import Router
from tests.llm.conftest import ask, model_gguf
from tests.llm.stub_server import Peer
from vehicle_tools.registry import Registry
from vehicle_tools.tools.climate import SET_AC, SET_FAN
from vehicle_tools.tools.temperature import SET_TEMPERATURE
from vehicle_tools.tools.windows import SET_WINDOW

pytestmark = pytest.mark.slow

TOOLS = Registry([SET_TEMPERATURE, SET_FAN, SET_AC, SET_WINDOW])
"""Four tools keep the server's prompt short (it has no cached system prompt of ours)."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _post(port: int, body: dict[str, object], timeout_s: float) -> dict[str, object]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/v1/chat/completions",
                                     json.dumps(body).encode(),
                                     {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout_s) as response:
        return json.loads(response.read())  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def server() -> Iterator[int]:
    """llama_cpp.server with the CI model; its prompt cache warmed with one request."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model_gguf()),
         "--host", "127.0.0.1", "--port", str(port), "--chat_format",
         "chatml-function-calling", "--n_ctx", "4096", "--n_threads", "1",
         "--n_threads_batch", "1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 180.0
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("llama_cpp.server did not start")
                time.sleep(0.5)
        router = _cloud_router(port, LlmConfig())
        assert router.cloud is not None
        _post(port, router.cloud.body("set the fan to two", []), timeout_s=300.0)  # warm-up
        yield port
    finally:
        proc.terminate()
        proc.wait(30)


@pytest.fixture
def proxy(server: int) -> Iterator[Peer]:
    peer = Peer(proxy_to=server)
    yield peer
    peer.close()


def _cloud_router(port: int, config: LlmConfig) -> Router:
    cloud = CloudConfig(enabled=True, base_url=f"http://127.0.0.1:{port}/v1",
                        allow_insecure_loopback=True,  # llama.cpp's server speaks plain http
                        model="qwen", timeout_s=30.0)
    return Router(config.model_copy(update={"cloud": cloud}), TOOLS, Path("/nonexistent"))


def _text_only(body: dict[str, object]) -> None:
    for message in body["messages"]:  # type: ignore[attr-defined]
        assert set(message) == {"role", "content"}
        assert isinstance(message["content"], str)
    dumped = json.dumps(body).lower()
    assert "audio" not in dumped and "modalities" not in dumped


def test_broken_local_model_falls_back_to_the_server(proxy: Peer) -> None:
    router = _cloud_router(proxy.port, LlmConfig())  # never loaded: no local model
    _, answer = ask(router, "turn on the air conditioning")
    assert answer.source == "cloud"
    assert answer.kind == "calls"
    assert [(c.name, dict(c.args)) for c in answer.calls] == [("set_ac", {"on": True})]
    assert len(proxy.bodies) == 1
    _text_only(proxy.bodies[0])
    assert proxy.bodies[0]["messages"][-1] == {  # type: ignore[index]
        "role": "user", "content": "turn on the air conditioning"}


def test_a_protocol_leak_from_the_server_is_not_spoken(proxy: Peer) -> None:
    """With tool_choice=auto this server's small model sometimes answers the text
    "functions.set_fan:" instead of a call: garbage, never said."""
    router = _cloud_router(proxy.port, LlmConfig())
    sentences, answer = ask(router, "set the fan to level three")
    assert not any("functions" in s for s in sentences)
    assert answer.kind in ("calls", "unavailable")


def test_local_timeout_falls_back_to_the_server(proxy: Peer, router: Router) -> None:
    fallback = _cloud_router(proxy.port, LlmConfig(timeout_s=0.01))
    fallback.local = router.local  # the loaded CI model, with no time to answer
    _, answer = ask(fallback, "turn on the air conditioning")
    assert answer.source == "cloud" and answer.kind == "calls"
    assert fallback.trace == [] or fallback.trace[0].stopped
    assert len(proxy.bodies) == 1
    _text_only(proxy.bodies[0])
