"""The cloud fallback: an OpenAI-compatible ``/v1/chat/completions`` endpoint with tools.

Azure OpenAI, OpenAI, vLLM and llama.cpp's server all speak it. The request carries the
transcript text, the conversation's text and the tool schemas, never audio. The API key comes
from the environment variable or the systemd credential file ($CREDENTIALS_DIRECTORY/<name>)
and is never logged.

Transport: https with the system's certificate authorities and host-name checks, always
(`ssl.create_default_context`; a context with checks off is refused); plain http only to a
loopback address with ``llm.cloud.allow_insecure_loopback`` (tests; the config refuses anything
else, see `daemon.llm.config.transport_problem`, and the client checks again before it
connects). The key goes to the configured host only: a redirect is a failure, never followed.
The cloud's answer is checked like the local model's (daemon/llm/verdict.py, the router's
filters); besides, a spoken answer may not read out a phone number or the API key: such
sentences are dropped (`screen_reply`), and an answer left empty becomes `NO_NUMBERS`.

A dead network must cost no latency: every request starts with a TCP connect bounded by
``connect_timeout_s`` (the probe), and after any failure (refused, timeout, HTTP error, garbage)
the circuit breaker skips the cloud for ``retry_after_s`` without touching the network. The
HTTP exchange is a small asyncio HTTP/1.1 client: cancellable, no thread, no extra dependency.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import ssl
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from daemon.errors import CabinError
from daemon.llm.config import CloudConfig, is_loopback_host
from daemon.llm.filter import SentenceSplitter
from daemon.llm.grammar import Decision
from daemon.llm.schema import ToolSpec, spec_by_name
from daemon.llm.types import AgentTiming, Message, PlannedCall
from daemon.understanding.numbers import words_to_digits

_LOG = logging.getLogger(__name__)

SYSTEM = (
    "You are the voice assistant of a car. Call the tools to do what the driver asks, one "
    "call per action; use only values the driver said. If no tool can do it, say so in one "
    "short sentence. Spoken answers: one or two short sentences, no lists, no markup.")
_PROTOCOL_LEAK = re.compile(r"^\s*functions\.\w+|<tool_call>|\"arguments\"\s*:|^\s*[{\[]")
"""Text that is a tool-call protocol leaking into the content (llama.cpp's server with a small
model answers "functions.set_fan:"), not something to say."""
MAX_RESPONSE_BYTES = 256 * 1024
"""Longest response accepted, bytes (anything longer is garbage for a voice answer)."""
NO_NUMBERS = "Sorry, I can't read out phone numbers."
"""Said when every sentence of a cloud answer read out a phone number (or the key)."""
PHONE_MIN_DIGITS = 7
"""A run of at least this many digits (spaces, dots, dashes, brackets allowed between them) is
taken as a phone number; 112, 911 and speeds, temperatures or distances are shorter."""
_DIGIT_RUN = re.compile(r"\+?\d(?:(?:,?[\s().\-/]){0,3}\d)+")
"""Digits with what may stand between them in a written or spoken number to call ("555-0134",
"+44 20 7946 0958", "5 5 5, 1 2 3 4"); not a comma alone ("1,234,567")."""
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


class CloudError(CabinError):
    """The cloud model failed (unreachable, slow, HTTP error, malformed answer)."""

    code = "llm_cloud"


@dataclass(frozen=True)
class CloudReply:
    """The cloud model's decision and its cost."""

    decision: Decision
    timing: AgentTiming


def read_key(config: CloudConfig, environ: Mapping[str, str]) -> str | None:
    """The API key: the environment variable, else the systemd credential file; None if
    neither is set (a loopback server needs none)."""
    key = environ.get(config.api_key_env, "").strip()
    if key:
        return key
    directory = environ.get("CREDENTIALS_DIRECTORY")
    if directory:
        path = Path(directory) / config.credential
        try:
            return path.read_text(encoding="utf-8").strip() or None
        except OSError:
            _LOG.warning("cloud: credential %s is not readable", path)
    return None


def has_phone_number(text: str) -> bool:
    """Whether ``text`` reads out something like a phone number, in digits or in number words
    ("five five five, one two three four")."""
    text = _ISO_DATE.sub(" ", text)  # a date (2024-05-12) is not a number to call
    return any(sum(c.isdigit() for c in run.group()) >= PHONE_MIN_DIGITS
               for variant in (text, words_to_digits(text.lower()))
               for run in _DIGIT_RUN.finditer(variant))


def screen_reply(decision: Decision, key: str | None) -> Decision:
    """A cloud ``say`` answer without the sentences that read out a phone number or the API
    key (a listener on the endpoint's address, or an injected web page, must not make the car
    tell the driver a number to call); `NO_NUMBERS` when nothing is left. Other decisions are
    returned as they are (their calls are grounded in what the driver said)."""
    if decision.kind != "say":
        return decision
    sentences = SentenceSplitter().flush(decision.text)
    kept = [s for s in sentences if not has_phone_number(s) and not (key and key in s)]
    if len(kept) == len(sentences):
        return decision
    _LOG.warning("cloud answer: %d sentence(s) with a phone number or the key dropped",
                 len(sentences) - len(kept))
    return Decision("say", text=" ".join(kept) or NO_NUMBERS)


def _tool_calls(message: Mapping[str, Any], tools: Sequence[ToolSpec]) -> Decision:
    calls = []
    for item in message.get("tool_calls") or ():
        function = item.get("function") if isinstance(item, dict) else None
        if not isinstance(function, dict) or not isinstance(function.get("name"), str):
            return Decision("malformed", text="tool call without a function name")
        raw = function.get("arguments", {})
        try:
            args = json.loads(raw) if isinstance(raw, str) else raw
        except ValueError:
            return Decision("malformed", text="tool call arguments are not JSON")
        if not isinstance(args, dict):
            return Decision("malformed", text="tool call arguments are not an object")
        spec = spec_by_name(tuple(tools), function["name"])
        if spec is not None:  # drop nulls the schema allows for optional arguments
            args = {k: v for k, v in args.items() if v is not None or spec.arg(k) is None}
        calls.append(PlannedCall(function["name"], args))
    return Decision("calls", tuple(calls))


def parse_response(body: bytes, tools: Sequence[ToolSpec]) -> Decision:
    """A chat-completions response as a `Decision` (``malformed`` for anything unexpected)."""
    try:
        data = json.loads(body)
        message = data["choices"][0]["message"]
    except (ValueError, KeyError, IndexError, TypeError, RecursionError):
        return Decision("malformed", text=body[:80].decode("utf-8", errors="replace"))
    if not isinstance(message, dict):
        return Decision("malformed", text="message is not an object")
    if message.get("tool_calls"):
        return _tool_calls(message, tools)
    content = message.get("content")
    if isinstance(content, str) and content.strip():
        if _PROTOCOL_LEAK.search(content):
            return Decision("malformed", text=content[:80])
        return Decision("say", text=content.strip())
    return Decision("malformed", text="neither tool calls nor content")


class CloudClient:
    """See the module docstring.

    Args:
        config: the ``llm.cloud`` settings.
        tools: the tools (for argument clean-up).
        schemas: the registry's JSON schemas (`Registry.json_schemas`).
        max_tokens: generated tokens per answer, at most.
        clock: monotonic seconds (injected for tests).
        environ: where the key is looked up (injected for tests).
        tls: the TLS context (injected for tests: one trusting a test authority); None = the
            system's authorities. Certificate and host-name checks must be on.

    Raises:
        ValueError: ``tls`` does not check certificates or host names.
    """

    def __init__(self, config: CloudConfig, tools: Sequence[ToolSpec],
                 schemas: Sequence[Mapping[str, object]], *, max_tokens: int = 256,
                 clock: Callable[[], float] = time.monotonic,
                 environ: Mapping[str, str] | None = None,
                 tls: ssl.SSLContext | None = None) -> None:
        if tls is not None and (tls.verify_mode != ssl.CERT_REQUIRED or not tls.check_hostname):
            raise ValueError("the cloud's TLS context must check certificates and host names")
        self.config = config
        self.tools = tuple(tools)
        self._tools_json = [{"type": "function", "function": dict(s)} for s in schemas]
        self.max_tokens = max_tokens
        self._clock = clock
        self._key = read_key(config, os.environ if environ is None else environ)
        self._open_until = float("-inf")
        url = urlsplit(config.base_url.rstrip("/") + "/chat/completions")
        self._tls = url.scheme == "https"
        self._host = url.hostname or "127.0.0.1"
        self._port = url.port or (443 if self._tls else 80)
        self._path = url.path + (f"?{url.query}" if url.query else "")
        default_port = self._port == (443 if self._tls else 80)
        host = f"[{self._host}]" if ":" in self._host else self._host
        self._host_header = host if default_port else f"{host}:{self._port}"
        self._context = (tls or ssl.create_default_context()) if self._tls else None
        self._plain_allowed = config.allow_insecure_loopback and is_loopback_host(self._host)
        self.last_failure: str | None = None
        """Why the last request failed (for logs and tests), None after a success."""
        _LOG.info("cloud model %s at %s://%s:%d (API key %s)", config.model, url.scheme,
                  self._host, self._port, "set" if self._key else "not set")

    @property
    def available(self) -> bool:
        """False while the circuit breaker is open (a recent failure): no network is touched."""
        return self._clock() >= self._open_until

    def body(self, text: str, history: Sequence[Message]) -> dict[str, object]:
        """The request body: system prompt, the conversation's text, the request, the tools."""
        messages = [{"role": "system", "content": SYSTEM}]
        messages += [{"role": m.role, "content": m.text} for m in history]
        messages.append({"role": "user", "content": text})
        return {"model": self.config.model, "messages": messages, "tools": self._tools_json,
                "tool_choice": "auto", "temperature": 0, "max_tokens": self.max_tokens,
                "stream": False}

    async def complete(self, text: str, history: Sequence[Message]) -> CloudReply:
        """Ask the cloud model (within ``timeout_s``).

        Raises:
            CloudError: the breaker is open, or the request failed (the breaker opens).
        """
        if not self.available:
            raise CloudError(f"cloud skipped after a failure ({self.last_failure})",
                             fix="check the network and llm.cloud in cabin.yaml")
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self.config.timeout_s):
                status, raw = await self._post(json.dumps(self.body(text, history)).encode())
        except (TimeoutError, OSError, ValueError) as exc:
            self._fail(type(exc).__name__ if str(exc) == "" else f"{type(exc).__name__}: {exc}")
            raise CloudError(f"cloud request failed: {self.last_failure}",
                             fix="check the network and llm.cloud in cabin.yaml") from None
        if 300 <= status < 400:
            self._fail(f"HTTP {status} redirect, not followed")
            raise CloudError(f"cloud answered with a redirect (HTTP {status}), not followed: "
                             "the key goes to llm.cloud.base_url's host only",
                             fix="set llm.cloud.base_url to the API's final https URL")
        if status != 200:
            self._fail(f"HTTP {status}")
            raise CloudError(f"cloud answered HTTP {status}", fix="check llm.cloud settings")
        decision = screen_reply(parse_response(raw, self.tools), self._key)
        if decision.kind == "malformed":
            self._fail(f"malformed response ({len(decision.text)} characters)")  # private text
            raise CloudError(f"cloud answer unusable ({len(decision.text)} characters)",
                             fix="check llm.cloud.model")
        self.last_failure = None
        ms = (time.perf_counter() - started) * 1000.0
        return CloudReply(decision, AgentTiming(first_token_ms=ms, total_ms=ms))

    def _fail(self, why: str) -> None:
        self.last_failure = why
        self._open_until = self._clock() + self.config.retry_after_s
        _LOG.warning("cloud model failed (%s); skipping it for %.0f s", why,
                     self.config.retry_after_s)

    async def _post(self, payload: bytes) -> tuple[int, bytes]:
        context = self._context
        if context is None and not self._plain_allowed:  # the config refuses it too
            raise ValueError(f"plain http to {self._host} refused (https only)")
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(self._host, self._port, ssl=context,
                                    server_hostname=self._host if context else None),
            self.config.connect_timeout_s)
        try:
            headers = [f"POST {self._path} HTTP/1.1", f"Host: {self._host_header}",
                       "Content-Type: application/json", "Accept: application/json",
                       f"Content-Length: {len(payload)}", "Connection: close"]
            if self._key:
                headers.append(f"Authorization: Bearer {self._key}")
            writer.write(("\r\n".join(headers) + "\r\n\r\n").encode() + payload)
            await writer.drain()
            raw = await reader.read(MAX_RESPONSE_BYTES + 1)
            while raw and len(raw) <= MAX_RESPONSE_BYTES:
                more = await reader.read(MAX_RESPONSE_BYTES + 1 - len(raw))
                if not more:
                    break
                raw += more
        finally:
            writer.close()
        return _parse_http(raw)


def _parse_http(raw: bytes) -> tuple[int, bytes]:
    """Status and body of a whole HTTP/1.1 response (Content-Length or chunked)."""
    head, sep, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2) if sep else []
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        raise ValueError("not an HTTP response")
    headers = {k.strip().lower(): v.strip() for k, _, v in
               (line.partition(":") for line in lines[1:])}
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = _unchunk(body)
    elif "content-length" in headers:
        body = body[:int(headers["content-length"])]
    return int(parts[1]), body


def _unchunk(body: bytes) -> bytes:
    out = b""
    while body:
        size_line, _, rest = body.partition(b"\r\n")
        size = int(size_line.split(b";")[0].strip() or b"0", 16)
        if size == 0:
            break
        out += rest[:size]
        body = rest[size + 2:]
    return out
