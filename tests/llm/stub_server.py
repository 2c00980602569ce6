"""Tiny loopback HTTP peers for the cloud tests: a scripted chat-completions stub and a
recording proxy in front of a real server. Each runs its own asyncio loop in a thread."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

Reply = Callable[[dict[str, object]], bytes | None]
"""Given the request body, the raw HTTP response to send (None: never answer)."""


def http_response(body: bytes, status: int = 200) -> bytes:
    """A whole HTTP/1.1 response with a JSON content type."""
    return (f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body


def tool_call_response(name: str, args: dict[str, object]) -> bytes:
    """An OpenAI chat-completions response with one tool call."""
    message = {"role": "assistant", "content": None, "tool_calls": [
        {"id": "c1", "type": "function",
         "function": {"name": name, "arguments": json.dumps(args)}}]}
    return http_response(json.dumps({"choices": [{"index": 0, "message": message}]}).encode())


async def _read_request(reader: asyncio.StreamReader) -> tuple[bytes, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.decode("latin-1").split("\r\n"):
        if line.lower().startswith("content-length:"):
            length = int(line.split(":", 1)[1])
    return head, await reader.readexactly(length)


@dataclass
class Peer:
    """A loopback server: `Stub(reply)` answers itself; `proxy_to=port` forwards and records."""

    reply: Reply | None = None
    proxy_to: int | None = None
    heads: list[bytes] = field(default_factory=list)
    bodies: list[dict[str, object]] = field(default_factory=list)
    connections: int = 0
    port: int = 0

    def __post_init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stub-peer", daemon=True)
        self._thread.start()
        self._ready.wait(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(
            asyncio.start_server(self._serve, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._server = server
        self._ready.set()
        self._loop.run_forever()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            head, body = await _read_request(reader)
            self.heads.append(head)
            self.bodies.append(json.loads(body))
            response: bytes | None
            if self.proxy_to is not None:
                response = await self._forward(head, body)
            else:
                assert self.reply is not None
                response = self.reply(self.bodies[-1])
            if response is None:
                await asyncio.sleep(3600)
            else:
                writer.write(response)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def _forward(self, head: bytes, body: bytes) -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.proxy_to)
        writer.write(head + body)
        await writer.drain()
        data = await reader.read()
        writer.close()
        return data

    def close(self) -> None:
        """Stop the server, finish its connections, stop its loop."""
        async def shutdown() -> None:
            self._server.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            self._loop.stop()

        if self._thread.is_alive():
            asyncio.run_coroutine_threadsafe(shutdown(), self._loop)
            self._thread.join(5)
