"""The real CI model (Qwen2.5-Coder-0.5B-Instruct Q4_K_M), loaded once for the slow tests."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

import pytest

from daemon.errors import ModelError
from daemon.llm.config import LlmConfig
from daemon.llm.router import Router
from daemon.llm.types import AgentAnswer, CancelToken, Message, Sentence
from vehicle_tools.tools import default_registry

REPO = Path(__file__).resolve().parents[2]
MODELS = REPO / "models"
MODEL = "qwen2.5-coder-0.5b-q4km"


def model_gguf() -> Path:
    """The CI model's file; skips when it was never fetched."""
    files = sorted((MODELS / MODEL).glob("*.gguf"))
    if not files:
        pytest.skip(f"{MODEL} not fetched (cabin models fetch {MODEL})")
    return files[0]


def load_router() -> Router:
    """A loaded router with every tool (the system prompt evaluated once, ~20 s). The session
    fixture `router` (tests/conftest.py) calls this once for every test directory."""
    model_gguf()
    r = Router(LlmConfig(timeout_s=30.0), default_registry(), MODELS)
    try:
        r.load()
    except ModelError as exc:
        pytest.fail(f"the CI model does not load: {exc}")
    return r


def ask(router: Router, text: str, history: Sequence[Message] = (),
        cancel: CancelToken | None = None) -> tuple[list[str], AgentAnswer]:
    """Run `router.answer`; returns the streamed sentences and the final answer."""
    async def run() -> tuple[list[str], list[AgentAnswer]]:
        sentences: list[str] = []
        finals: list[AgentAnswer] = []
        async for item in router.answer(text, history, cancel or CancelToken()):
            if isinstance(item, Sentence):
                assert not finals, "a sentence after the final answer"
                sentences.append(item.text)
            else:
                finals.append(item)
        return sentences, finals

    sentences, finals = asyncio.run(run())
    assert len(finals) == 1, "exactly one AgentAnswer ends the stream"
    return sentences, finals[0]
