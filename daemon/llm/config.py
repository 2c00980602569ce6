"""Settings of the language-model agent (the ``llm:`` section of cabin.yaml)."""

from __future__ import annotations

from pydantic import Field

from daemon.config_base import Section


class CloudConfig(Section):
    """An OpenAI-compatible chat-completions endpoint used when the local model fails.

    It receives the transcript text and the tool schemas only, never audio.
    """

    enabled: bool = Field(False, description="use the cloud model as a fallback")
    base_url: str = Field("http://127.0.0.1:8080/v1",
                          description="the API root, up to and including /v1")
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


class LlmConfig(Section):
    """The local model (llama-cpp-python) and the router around it."""

    enabled: bool = Field(True, description="answer what the fast path cannot with the LLM")
    model: str = Field("qwen2.5-coder-0.5b-q4km",
                       description="GGUF model name in models/manifest.yaml")
    threads: int = Field(1, ge=1, le=16,
                         description="llama.cpp threads (1 on a 2-core box shared with audio)")
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
