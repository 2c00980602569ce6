"""A router loaded on first use: `cabin replay` and the benchmarks pay for the language model
(~20 s to evaluate the system prompt on one core) only when a request needs it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence

from daemon.llm.router import Router
from daemon.llm.types import AgentAnswer, CancelToken, Message, Sentence


class LazyRouter:
    """The `Agent` protocol over a `Router` built and loaded at the first `answer`.

    Args:
        factory: builds the (unloaded) router.

    A load failure (missing or corrupt model) raises its `CabinError` from `answer`, so the
    turn reports it as a typed error; the next request tries again.
    """

    def __init__(self, factory: Callable[[], Router]) -> None:
        self._factory = factory
        self._router: Router | None = None
        self._lock = asyncio.Lock()

    @property
    def loaded(self) -> Router | None:
        """The router, once loaded."""
        return self._router

    async def load(self) -> Router:
        """Load now (on a daemon thread of its own: `Router.load_async`); returns the router."""
        async with self._lock:
            if self._router is None:
                router = self._factory()
                await router.load_async()
                self._router = router
            return self._router

    def close(self) -> None:
        """Release the loaded router's model (its worker thread ends); the next `answer`
        loads it again."""
        router, self._router = self._router, None
        if router is not None:
            router.close()

    async def answer(self, text: str, history: Sequence[Message],
                     cancel: CancelToken) -> AsyncIterator[Sentence | AgentAnswer]:
        """Load if needed, then stream the router's answer."""
        router = await self.load()
        async for item in router.answer(text, history, cancel):
            yield item
