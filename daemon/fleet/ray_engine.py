"""The fleet on Ray: one actor per worker, each loading the models once.

Without an address Ray starts on this machine with ``num_cpus`` = the worker count; with
``--ray-address`` it joins an existing cluster (``ray start --head`` on one machine, ``ray start
--address=HEAD:6379`` on the others), where every node needs Cabin installed the same way (the
venv and the models at the same paths). Recordings travel to the actors as bytes and logs come
back as text, so no shared filesystem is needed. An actor that dies fails the file it had with
a ``worker_died`` row and is replaced.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator, Sequence
from typing import Any

from daemon.config import CabinConfig
from daemon.errors import CabinError
from daemon.fleet.inputs import FleetInput
from daemon.fleet.worker import (
    DIED_CODE,
    THREADS_ENV,
    FileOutcome,
    Replayer,
    WorkerLoadError,
    failed,
    isolated_dbus,
)

_LOG = logging.getLogger(__name__)
WAIT_S = 1.0
"""How long one `ray.wait` blocks before checking again, s (Ctrl-C is handled between)."""


class RayWorker:
    """The body of one Ray actor: a private bus (when simulating D-Bus) and a `Replayer`."""

    def __init__(self, config: CabinConfig, debug: bool) -> None:
        from daemon.runtime import memory
        from daemon.runtime.logsetup import setup_logging

        memory.limit_arenas_for_daemon()
        setup_logging(config.logging.level, debug)
        self._stack = contextlib.ExitStack()
        own = self._stack.enter_context(isolated_dbus(config))
        self._replayer = Replayer(own, debug=debug)
        self._error: tuple[str, str, str] | None = None
        try:
            self._replayer.load()
        except WorkerLoadError as exc:
            self._error = (exc.code, exc.message, exc.fix)

    def ready(self) -> tuple[str, str, str] | None:
        """None once the models are loaded, else the load error (code, message, fix)."""
        return self._error

    def replay(self, item: FleetInput, data: bytes) -> FileOutcome:
        """Replay one recording sent as bytes."""
        return self._replayer.replay_bytes(item, data)

    def close(self) -> None:
        """Stop the private bus (before the actor is killed)."""
        self._stack.close()


class RayEngine:
    """Workers as Ray actors, on a local Ray or the cluster at `address`.

    Args:
        config: the configuration every file is replayed with.
        workers: actors to start; None = every CPU Ray has (this machine's without `address`).
        address: a running cluster (``ray://HOST:10001`` or ``HOST:6379``); None = local.
        threads: OpenMP threads per actor (`worker.pin_threads`).
    """

    def __init__(self, config: CabinConfig, workers: int | None, *, address: str | None = None,
                 debug: bool = False, threads: str = "1") -> None:
        try:
            import ray
        except ImportError as exc:
            raise CabinError("--engine ray needs the ray package", code="engine_missing",
                             fix="bash tools/setup.sh (or pip install -r "
                                 "requirements-fleet.txt)") from exc
        rt: Any = ray  # untyped library
        self._ray = rt
        self._config = config
        self._debug = debug
        self._started = not rt.is_initialized()
        if self._started:
            if address is None:
                rt.init(num_cpus=workers or os.cpu_count() or 1, include_dashboard=False,
                        log_to_driver=False)
            else:
                rt.init(address=address, log_to_driver=False)
        self.workers: int = workers or max(1, int(rt.cluster_resources().get("CPU", 1)))
        env = {THREADS_ENV: threads}  # as the local workers have it (worker.THREADS_ENV)
        self._actor_class: Any = rt.remote(num_cpus=1, runtime_env={"env_vars": env})(RayWorker)
        self._actors: list[Any] = []

    def _new_actor(self) -> Any:
        actor = self._actor_class.remote(self._config, self._debug)
        error = self._ray.get(actor.ready.remote())
        if error is not None:
            code, message, fix = error
            raise CabinError(message, fix=fix, code=code)
        self._actors.append(actor)
        return actor

    def run(self, items: Sequence[FleetInput]) -> Iterator[FileOutcome]:
        """Replay `items` on the actors, one file in flight per actor."""
        ray = self._ray
        free = [self._actor_class.remote(self._config, self._debug)
                for _ in range(self.workers)]
        for actor, error in zip(free, ray.get([a.ready.remote() for a in free]), strict=True):
            self._actors.append(actor)
            if error is not None:
                code, message, fix = error
                raise CabinError(message, fix=fix, code=code)
        todo = list(reversed(items))
        flight: dict[Any, tuple[Any, FleetInput]] = {}
        while todo or flight:
            while free and todo:
                item = todo.pop()
                try:
                    data = item.wav.read_bytes()
                except OSError as exc:
                    yield failed(item.key, "audio_missing",  # as read_wav names it
                                 f"cannot read {item.wav}: {exc.strerror}")
                    continue
                actor = free.pop()
                flight[actor.replay.remote(item, data)] = (actor, item)
            if not flight:
                continue
            done, _ = ray.wait(list(flight), num_returns=1, timeout=WAIT_S)
            for ref in done:
                actor, item = flight.pop(ref)
                try:
                    outcome: FileOutcome = ray.get(ref)
                except ray.exceptions.RayActorError as exc:
                    _LOG.error("Ray worker died replaying %s: %s", item.key, exc)
                    self._actors.remove(actor)
                    actor = self._new_actor()
                    outcome = failed(item.key, DIED_CODE, "the Ray worker died while "
                                     f"replaying this file: {type(exc).__name__}")
                free.append(actor)
                yield outcome

    def close(self) -> None:
        """Stop the actors (and the local Ray this engine started)."""
        ray = self._ray
        with contextlib.suppress(Exception):  # best effort: actors may be dead already
            ray.get([a.close.remote() for a in self._actors], timeout=10)
        for actor in self._actors:
            with contextlib.suppress(Exception):
                ray.kill(actor)
        self._actors.clear()
        if self._started and ray.is_initialized():
            ray.shutdown()
