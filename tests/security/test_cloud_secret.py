"""The cloud API key never leaves the Authorization header: not in the event log, not in the
journald log lines, not in the head unit's D-Bus signals, whether it came from the environment
variable or the systemd credential file, after turns that used the cloud (an answer, a tool
call, and a 401 whose body echoes the key, as real endpoints do).

The whole daemon runs in-process (tests/faults/harness.py: the real pipeline, decider, vehicle
dispatcher on the simulated car, Piper, the event log) with the head-unit API on a real
dbus-daemon, listened to by a second process (tests/hmi/conftest.py `Listener`); the cloud is
the loopback peer of tests/llm/stub_server.py; the local model is not loaded (cloud only).
tests/llm/test_cloud.py already checks the router's own log records for the env-var key.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from daemon import events as ev
from daemon.llm.config import CloudConfig, LlmConfig
from daemon.llm.router import Router
from daemon.runtime.service import JournalFormatter
from daemon.runtime_config import HmiConfig
from tests.faults.harness import Running, fault_config, running
from tests.hmi.conftest import BusDaemon, Listener
from tests.llm.stub_server import Peer, http_response, tool_call_response

pytestmark = pytest.mark.slow
GREETING = "good morning"
ACTION = "I am sweating like crazy in this heat wave"  # left to the model by the fast path
REJECTED = "tell me something nice"
"""The last turn: the endpoint answers 401 echoing the key (its Error signal ends listening)."""


def _cloud(key: str) -> Peer:
    """A chat-completions endpoint: an answer, a tool call, or a 401 that echoes the key."""
    def reply(body: dict[str, object]) -> bytes:
        said = body["messages"][-1]["content"]  # type: ignore[index]
        if said == ACTION:
            return tool_call_response("set_ac", {"on": True})
        if said == REJECTED:
            error = {"error": {"message": f"Incorrect API key provided: {key}",
                               "type": "invalid_request_error", "code": "invalid_api_key"}}
            return http_response(json.dumps(error).encode(), status=401)
        return http_response(json.dumps({"choices": [{"message": {
            "role": "assistant", "content": "Good morning! Drive safely."}}]}).encode())
    return Peer(reply)


@pytest.fixture
def journal() -> Iterator[io.StringIO]:
    """Every log record of the run, as the journald lines `cabin run` writes (DEBUG up)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JournalFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def _key_from(source: str, key: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = CloudConfig()
    monkeypatch.delenv(config.api_key_env, raising=False)
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)
    if source == "env":
        monkeypatch.setenv(config.api_key_env, key)
    else:  # LoadCredential=cloud-api-key:... puts the file in $CREDENTIALS_DIRECTORY
        directory = tmp_path / "credentials"
        directory.mkdir()
        (directory / config.credential).write_text(key + "\n", encoding="utf-8")
        monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(directory))


async def _turns(run: Running, address: str) -> list[dict[str, object]]:
    listener = await Listener.start(address, "Error")
    for text in (GREETING, ACTION, REJECTED):
        await run.text(text, play_out=True)
    return await listener.signals()


@pytest.mark.parametrize("source", ["env", "credential"])
def test_the_cloud_key_appears_in_no_log_and_no_signal(
        fast_start: None, journal: io.StringIO, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, source: str) -> None:
    key = f"sk-cabin-{uuid.uuid4().hex}"
    _key_from(source, key, tmp_path, monkeypatch)
    monkeypatch.setattr(Router, "load", lambda router: None)  # no local model: cloud only
    cloud = _cloud(key)
    bus = BusDaemon(tmp_path)
    config = fault_config(
        tmp_path, hmi=HmiConfig(enabled=True, address=bus.address),
        llm=LlmConfig(enabled=True, timeout_s=0.0, model_actions="act", cloud=CloudConfig(
            enabled=True, base_url=f"http://127.0.0.1:{cloud.port}/v1", timeout_s=5.0,
            allow_insecure_loopback=True,  # the stub speaks plain http
            connect_timeout_s=0.5, retry_after_s=0.0)))

    async def drive() -> tuple[list[dict[str, object]], list[ev.Event], str]:
        async with running(config) as run:
            signals = await _turns(run, bus.address)
            return signals, list(run.events), run.stream.getvalue()

    try:
        signals, events, jsonl = asyncio.run(drive())
    finally:
        cloud.close()
        bus.stop()

    # the key was read and used: the endpoint got it, in the header only, on every request
    assert len(cloud.heads) == 3
    assert all(f"Authorization: Bearer {key}".encode() in head for head in cloud.heads)
    assert not any(key in json.dumps(body) for body in cloud.bodies)
    # the turns did use the cloud, and the head unit heard them
    llm = [(e.source, e.kind) for e in events if isinstance(e, ev.Llm)]
    assert llm[:2] == [("cloud", "say"), ("cloud", "calls")], llm
    assert any(isinstance(e, ev.ToolResultEvent) and e.name == "set_ac" and e.ok
               for e in events)
    members = [s["member"] for s in signals]
    assert {"Reply", "ToolCall", "ToolResult", "Error"} <= set(members), members
    # ... and the key is nowhere else
    assert key not in jsonl
    assert not [e for e in events if key in json.dumps(e.to_dict(), default=str)]
    assert key not in json.dumps(signals)
    lines = journal.getvalue()
    assert "cloud model" in lines and "event=" in lines, lines[:2000]  # the journal was heard
    assert key not in lines
