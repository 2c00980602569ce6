"""Settings of the language-model agent (the ``llm:`` section of cabin.yaml)."""

from __future__ import annotations

import ipaddress
import os
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from daemon.config_base import Section

LOOPBACK_NAMES = ("localhost",)
"""Host names taken as this machine besides the loopback addresses (127.0.0.0/8, ::1)."""


def is_loopback_host(host: str) -> bool:
    """True for a loopback address (127.0.0.0/8, ::1) or ``localhost``."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _url_problem(key: str, base_url: str) -> str | None:
    """What makes ``base_url`` unusable as a URL at all, or None."""
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in base_url):
        return f"{key} must not contain spaces or control characters"
    try:
        url = urlsplit(base_url)
        url.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return f"{key} is not a valid URL: use https://HOST/v1"
    if url.scheme not in ("https", "http") or not url.hostname:
        return f"{key} must be an https:// URL with a host, e.g. https://api.openai.com/v1"
    if url.username is not None or url.password is not None:
        return (f"{key} must not carry a user name or password: put the API key in "
                "llm.cloud.api_key_env or the llm.cloud.credential systemd credential")
    return None


def transport_problem(base_url: str, allow_insecure_loopback: bool) -> str | None:
    """Why ``llm.cloud.base_url`` must not be used (naming the key and the fix), or None.

    The API key and every transcript go to this URL: https only, with no credentials or
    whitespace in it; plain http only to a loopback address with the explicit test setting.
    """
    key = "llm.cloud.base_url"
    problem = _url_problem(key, base_url)
    url = urlsplit(base_url)
    if problem is not None or url.scheme == "https":
        return problem
    if not allow_insecure_loopback:
        return (f"{key} is plain http://: the API key and the transcripts would travel "
                "unencrypted to whoever listens; use https://, or, for a test server on this "
                "machine only, an http://127.0.0.1 URL with "
                "llm.cloud.allow_insecure_loopback: true")
    if not is_loopback_host(url.hostname or ""):
        return (f"llm.cloud.allow_insecure_loopback only allows http:// to 127.0.0.1, ::1 or "
                f"localhost, not {url.hostname}: use an https:// URL for {key}")
    return None


class CloudConfig(Section):
    """An OpenAI-compatible chat-completions endpoint used when the local model fails.

    It receives the transcript text and the tool schemas only, never audio. The URL must be
    https (certificates are always checked; the key goes to that host only, redirects are not
    followed); see `transport_problem`.
    """

    enabled: bool = Field(False, description="use the cloud model as a fallback")
    base_url: str = Field("https://api.openai.com/v1",
                          description="the API root, up to and including /v1; https:// only")
    allow_insecure_loopback: bool = Field(
        False, strict=True,
        description="TESTS ONLY: also accept http:// to 127.0.0.1, ::1 or localhost (any local "
                    "user can listen on such a port and would get the key and the transcripts)")
    model: str = Field("gpt-4o-mini", description="model (or Azure deployment) name")
    api_key_env: str = Field("CABIN_CLOUD_API_KEY",
                             description="environment variable holding the API key")
    credential: str = Field("cloud-api-key",
                            description="systemd credential name ($CREDENTIALS_DIRECTORY/...)")
    timeout_s: float = Field(4.0, gt=0.0, le=30.0, description="whole request, seconds")
    connect_timeout_s: float = Field(0.3, gt=0.0, le=5.0,
                                     description="TCP connect (offline detection), seconds")
    retry_after_s: float = Field(30.0, ge=0.0, le=3600.0,
                                 description="after a failure, skip the cloud this long, s")

    @model_validator(mode="after")
    def _secure_transport(self) -> CloudConfig:
        problem = transport_problem(self.base_url, self.allow_insecure_loopback)
        if problem is not None:
            raise PydanticCustomError("insecure_cloud_url", problem)
        return self


MAX_AUTO_THREADS = 4
"""Most llama.cpp threads `llm_threads` chooses: a 0.5B model gains little beyond four."""


def usable_cores() -> int:
    """CPU cores this process may run on (its affinity mask, e.g. systemd's CPUAffinity)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def llm_threads(configured: int, cores: int) -> int:
    """llama.cpp threads: ``configured`` when set (>= 1); for 0, every core but one, which
    the audio path (capture, wake word, VAD, the recogniser's decode) keeps, at least 1 and at
    most `MAX_AUTO_THREADS`. Measured on a 2-core box with the audio path busy, a second
    thread made answers 2.2x slower (docs/llm.md); on a quiet one it cut first token 230 ->
    140 ms and 45 -> 30 ms per token."""
    if configured >= 1:
        return configured
    return max(1, min(MAX_AUTO_THREADS, cores - 1))


class LlmConfig(Section):
    """The local model (llama-cpp-python) and the router around it."""

    enabled: bool = Field(True, description="answer what the fast path cannot with the LLM")
    model: str = Field("qwen2.5-coder-0.5b-q4km",
                       description="GGUF model name in models/manifest.yaml")
    threads: int = Field(
        0, ge=0, le=16,
        description="llama.cpp threads; 0 = chosen from the cores this process may use "
                    "(`llm_threads`: one left for the audio path, at most 4: 1 on a 2-core box, "
                    "3 on a Raspberry Pi 5)")
    context_tokens: int = Field(
        2048, ge=1024, le=32768,
        description="context window, tokens: the cached system prompt (~1.2k with the shipped "
                    "tools) + history + request + answer; the KV cache grows with it (Qwen2.5-"
                    "0.5B: 12 KB per token, 24 MB at 2048); the oldest history is dropped to fit")
    batch_tokens: int = Field(
        32, ge=16, le=4096,
        description="prompt tokens evaluated per llama.cpp batch (its logits buffers are "
                    "batch x vocabulary x 4 bytes: 19 MB at 32, 155 MB at 256 for Qwen2.5)")
    max_tokens: int = Field(96, ge=8, le=1024, description="generated tokens per answer")
    max_calls: int = Field(3, ge=1, le=6, description="tool calls in one answer, at most")
    model_actions: Literal["confirm", "act"] = Field(
        "confirm", description="confirm: an action the model proposes is asked about first "
        "(\"Do you want me to ...?\"), and a question is never answered with an action "
        "(daemon/understanding/model_calls.py); act: run the model's calls at once")
    speculate: bool = Field(
        False, description="start the model on the transcript peek while the endpointer still "
        "waits for silence, when the fast path would not take the words; its answer is used "
        "when the final transcript is the same (daemon/llm/speculative.py). Off by default: "
        "model-answered turns 0.79x faster in real time, but peak RSS about 20 MB higher "
        "(docs/llm.md)")
    history_messages: int = Field(
        6, ge=0, le=40, description="latest history messages given to the model")
    timeout_s: float = Field(8.0, ge=0.0, le=60.0,
                             description="local model, seconds (0: skip it, cloud only)")
    interim_after_s: float = Field(
        1.5, ge=0.0, le=10.0, description="say the interim phrase when thinking takes longer")
    interim: str = Field("One moment.", description="the interim phrase")
    max_reply_chars: int = Field(300, ge=20, le=2000,
                                 description="longer answers are cut at a sentence boundary")
    cloud: CloudConfig = CloudConfig()
