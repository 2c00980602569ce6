"""The cloud fallback against loopback peers: a scripted stub (fast, no model) for the failure
modes, and llama-cpp-python's real OpenAI-compatible server (slow) behind a recording proxy."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from daemon.errors import ModelError
from daemon.llm.cloud import CloudClient, CloudError, parse_response, read_key
from daemon.llm.config import CloudConfig, LlmConfig
from daemon.llm.router import UNAVAILABLE, Router
from daemon.llm.schema import tool_specs
from daemon.llm.types import Message
from tests.llm.conftest import ask
from tests.llm.stub_server import Peer, http_response, tool_call_response
from vehicle_tools.tools import default_registry

SECRET = "sk-test-5up3r-53cr3t-k3y"
REGISTRY = default_registry()


class Clock:
    """A settable monotonic clock, seconds."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _router(port: int, monkeypatch: pytest.MonkeyPatch, *, timeout_s: float = 4.0,
            clock: Clock | None = None) -> Router:
    """A router whose local model is absent (never loaded): the cloud is all it has."""
    monkeypatch.setenv("CABIN_CLOUD_API_KEY", SECRET)
    cloud = CloudConfig(enabled=True, base_url=f"http://127.0.0.1:{port}/v1", model="m",
                        allow_insecure_loopback=True,  # the stub speaks plain http
                        timeout_s=timeout_s, connect_timeout_s=0.5, retry_after_s=30.0)
    router = Router(LlmConfig(cloud=cloud), REGISTRY, Path("/nonexistent"))
    if clock is not None:
        assert router.cloud is not None
        router.cloud._clock = clock
    return router


@pytest.fixture
def peers() -> Iterator[list[Peer]]:
    made: list[Peer] = []
    yield made
    for peer in made:
        peer.close()


def test_cloud_answers_when_there_is_no_local_model(peers: list[Peer],
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    stub = Peer(lambda body: tool_call_response("set_fan", {"level": 3}))
    peers.append(stub)
    router = _router(stub.port, monkeypatch)
    history = [Message("user", "hello"), Message("assistant", "Hi, how can I help?")]
    _, answer = ask(router, "set the fan to level three", history)
    assert answer.kind == "calls" and answer.source == "cloud"
    assert [(c.name, dict(c.args)) for c in answer.calls] == [("set_fan", {"level": 3})]
    body = stub.bodies[0]
    messages = body["messages"]
    assert isinstance(messages, list)
    assert [m["content"] for m in messages][1:] == [
        "hello", "Hi, how can I help?", "set the fan to level three"]
    assert f"Authorization: Bearer {SECRET}".encode() in stub.heads[0]
    assert SECRET not in caplog.text


def test_cloud_calls_are_grounded_and_checked_too(peers: list[Peer],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    stub = Peer(lambda body: tool_call_response(
        "set_temperature", {"celsius": 22, "zone": "all"} if "warmer" in json.dumps(body)
        else {"celsius": 20}))
    peers.append(stub)
    router = _router(stub.port, monkeypatch)
    _, answer = ask(router, "make it warmer")
    assert answer.kind == "clarify" and answer.text == "What temperature would you like?"
    _, answer = ask(router, "turn on the wipers")
    assert answer.kind == "decline" and "wipers" in answer.text


def test_unreachable_cloud_is_skipped_by_the_breaker(monkeypatch: pytest.MonkeyPatch,
                                                     peers: list[Peer]) -> None:
    stub = Peer(lambda body: http_response(b"{}", status=503))
    peers.append(stub)
    clock = Clock()
    router = _router(stub.port, monkeypatch, clock=clock)
    assert router.cloud is not None and router.cloud.available
    _, answer = ask(router, "set the fan to three")
    assert answer.kind == "unavailable" and answer.text == UNAVAILABLE
    assert stub.connections == 1
    assert not router.cloud.available
    for _ in range(3):  # skipped: no connection at all while the breaker is open
        _, answer = ask(router, "set the fan to three")
        assert answer.kind == "unavailable"
    assert stub.connections == 1
    clock.now += 31.0  # retry_after_s later the cloud is tried again
    assert router.cloud.available
    ask(router, "set the fan to three")
    assert stub.connections == 2


def test_refused_connection_opens_the_breaker(monkeypatch: pytest.MonkeyPatch,
                                              peers: list[Peer]) -> None:
    stub = Peer(lambda body: None)
    port = stub.port
    stub.close()  # nothing listens on the port any more
    router = _router(port, monkeypatch)
    assert router.cloud is not None
    _, answer = ask(router, "set the fan to three")
    assert answer.kind == "unavailable"
    assert not router.cloud.available
    assert router.cloud.last_failure is not None
    with pytest.raises(CloudError, match="skipped"):
        asyncio.run(router.cloud.complete("set the fan to three", []))


def test_slow_cloud_times_out_to_unavailable(monkeypatch: pytest.MonkeyPatch,
                                             peers: list[Peer]) -> None:
    stub = Peer(lambda body: None)  # accepts, reads, never answers
    peers.append(stub)
    router = _router(stub.port, monkeypatch, timeout_s=0.3)
    sentences, answer = ask(router, "set the fan to three")
    assert answer.kind == "unavailable" and sentences == [UNAVAILABLE]
    assert router.cloud is not None and router.cloud.last_failure == "TimeoutError"
    assert not router.cloud.available


@pytest.mark.parametrize("raw", [
    b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nnot json!",
    http_response(b'{"choices": []}'),
    http_response(b'{"choices": [{"message": {"tool_calls": [{"function": {"name": 5}}]}}]}'),
    http_response(b'{"choices": [{"message": {"tool_calls": [{"function": '
                  b'{"name": "set_fan", "arguments": "{level"}}]}}]}'),
    b"garbage without any http\r\n\r\n",
    http_response(b"[" * 100000),
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
])
def test_garbage_responses_are_failures(raw: bytes, monkeypatch: pytest.MonkeyPatch,
                                        peers: list[Peer]) -> None:
    stub = Peer(lambda body: raw)
    peers.append(stub)
    router = _router(stub.port, monkeypatch)
    _, answer = ask(router, "set the fan to three")
    assert answer.kind == "unavailable"
    assert router.cloud is not None and not router.cloud.available


def test_a_text_answer_is_filtered_and_spoken(monkeypatch: pytest.MonkeyPatch,
                                              peers: list[Peer]) -> None:
    content = "Good morning! Damn, what a day. **Drive safely.**"
    stub = Peer(lambda body: http_response(json.dumps(
        {"choices": [{"message": {"role": "assistant", "content": content}}]}).encode()))
    peers.append(stub)
    router = _router(stub.port, monkeypatch)
    sentences, answer = ask(router, "good morning")
    assert answer.kind == "say" and answer.source == "cloud"
    assert sentences == ["Good morning!", "Drive safely."]
    assert answer.text == "Good morning! Drive safely."


def test_key_from_a_systemd_credential(tmp_path: Path) -> None:
    (tmp_path / "cloud-api-key").write_text(SECRET + "\n")
    config = CloudConfig()
    assert read_key(config, {"CREDENTIALS_DIRECTORY": str(tmp_path)}) == SECRET
    assert read_key(config, {"CABIN_CLOUD_API_KEY": "env-key",
                             "CREDENTIALS_DIRECTORY": str(tmp_path)}) == "env-key"
    assert read_key(config, {}) is None


def test_parse_response_reads_tool_calls() -> None:
    raw = tool_call_response("set_window", {"window": "all", "position_pct": 0})
    body = raw.split(b"\r\n\r\n", 1)[1]
    decision = parse_response(body, tool_specs(REGISTRY))
    assert decision.kind == "calls"
    assert dict(decision.calls[0].args) == {"window": "all", "position_pct": 0}


def test_missing_local_model_names_the_fix(tmp_path: Path) -> None:
    router = Router(LlmConfig(), REGISTRY, tmp_path)
    with pytest.raises(ModelError) as info:
        router.load()
    assert "cabin models fetch qwen2.5-coder-0.5b-q4km" in str(info.value)


def test_corrupt_local_model_is_refused(tmp_path: Path) -> None:
    directory = tmp_path / "qwen2.5-coder-0.5b-q4km"
    directory.mkdir()
    (directory / "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf").write_bytes(b"GGUF" + b"\0" * 64)
    with pytest.raises(ModelError) as info:
        Router(LlmConfig(), REGISTRY, tmp_path).load()
    assert info.value.code == "model_corrupt"


def test_cloud_client_never_touches_the_network_when_off() -> None:
    assert Router(LlmConfig(), REGISTRY, Path("/nonexistent")).cloud is None
    client = CloudClient(CloudConfig(enabled=True), tool_specs(REGISTRY), [], environ={})
    assert client.available
