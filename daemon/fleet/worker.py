"""One fleet worker: the models loaded once, then file after file, each from fresh state.

A file that fails (unreadable, wrong format, a stage that crashes) becomes an outcome with a
one-line log holding its ``error`` event, as a single `cabin replay` leaves it; the worker goes
on with the next file. Only models that cannot be loaded stop a worker (`WorkerLoadError`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from daemon import events as ev
from daemon.config import CabinConfig
from daemon.errors import CabinError
from daemon.fleet.inputs import FleetInput
from daemon.runtime.replay import ReplayModels, replay

_LOG = logging.getLogger(__name__)
CRASH_CODE = "replay_failed"
"""``error`` code of a file whose replay raised something other than a `CabinError`."""
DIED_CODE = "worker_died"
"""``error`` code of a file whose worker process ended while replaying it."""
THREADS_ENV = "OMP_NUM_THREADS"
"""OpenMP's thread count. It changes faster-whisper's arithmetic (the order of its sums), and
with it a near-tie word or an ASR confidence near ``asr.confirm_below``: "What gear" for "what
gear", a confirmation question for "skip this song". Ray sets it to 1 in its workers, a plain
process leaves it to the number of cores; a fleet sets it to the same value in every worker."""


@dataclass(frozen=True)
class FileOutcome:
    """What replaying one input produced (sent back from the worker that did it).

    Attributes:
        key: the input's `FleetInput.key`.
        log_text: its whole event log (JSON lines), the ``error`` line alone when it failed.
        audio_s: length of the recording, s (0 when it could not be read).
        wall_s: wall-clock time the replay took in its worker, s.
        error_code: the failure's stable code, None when the replay ran to its end.
        error: the failure's message, None when it ran to its end.
    """

    key: str
    log_text: str
    audio_s: float
    wall_s: float
    error_code: str | None = None
    error: str | None = None


def pin_threads(env: MutableMapping[str, str] | None = None) -> str:
    """Set `THREADS_ENV` for the fleet's workers (the caller's value, else 1: one thread per
    worker, workers = cores); returns it. Call before a worker loads its models (spawned
    processes inherit it; Ray actors get it in their runtime environment)."""
    env = os.environ if env is None else env
    value = env.get(THREADS_ENV) or "1"
    env[THREADS_ENV] = value
    return value


def events_text(events: Sequence[ev.Event]) -> str:
    """`events` as an event log's JSON lines, exactly as `EventLog` writes them."""
    return "".join(json.dumps(e.to_dict(), ensure_ascii=False) + "\n" for e in events)


def failed(key: str, code: str, message: str, wall_s: float = 0.0) -> FileOutcome:
    """The outcome of a file that produced no replay: its log is the ``error`` event alone."""
    text = events_text([ev.ErrorEvent(t_ms=0.0, code=code, message=message)])
    return FileOutcome(key, text, 0.0, wall_s, code, message)


class WorkerLoadError(CabinError):
    """A worker could not load its models: nothing can be replayed (a user error: the fix
    names the `cabin models` command)."""


class Replayer:
    """One worker's models, loaded once (`load`), replaying inputs one after another.

    Args:
        config: the configuration every file is replayed with (the same in every worker).
        debug: the driver's text may appear in log lines (``--debug``).
    """

    def __init__(self, config: CabinConfig, *, debug: bool = False) -> None:
        self._config = config
        self._debug = debug
        self._models: ReplayModels | None = None

    def load(self) -> None:
        """Load the models (blocking: seconds).

        Raises:
            WorkerLoadError: a model is missing or corrupt.
        """
        if self._models is not None:
            return
        try:
            self._models = ReplayModels.load(self._config)
        except CabinError as exc:
            raise WorkerLoadError(exc.message, fix=exc.fix, code=exc.code) from exc

    def replay(self, item: FleetInput, wav: Path | None = None) -> FileOutcome:
        """Replay `item` (read from `wav` when given: a local copy); never raises for the file.

        Each replay gets a fresh conversation, a fresh simulated car and reset stages.
        """
        self.load()
        assert self._models is not None
        started = time.perf_counter()
        try:
            result = asyncio.run(replay(self._config, wav or item.wav, models=self._models,
                                        debug=self._debug))
        except CabinError as exc:
            _LOG.warning("%s: %s", item.key, exc.message)
            return failed(item.key, exc.code, exc.message, time.perf_counter() - started)
        except Exception as exc:  # a stage that crashes fails this file, not the run
            _LOG.exception("%s: replay failed", item.key)
            return failed(item.key, CRASH_CODE, f"{type(exc).__name__}: {exc}",
                          time.perf_counter() - started)
        return FileOutcome(item.key, events_text(result.events), result.audio_seconds,
                           time.perf_counter() - started)

    def replay_bytes(self, item: FleetInput, data: bytes) -> FileOutcome:
        """Replay a recording sent as bytes (a Ray worker on a machine without the file)."""
        with tempfile.TemporaryDirectory(prefix="cabin-fleet-") as tmp:
            copy = Path(tmp) / item.wav.name
            copy.write_bytes(data)
            outcome = self.replay(item, copy)
        if outcome.error is None:
            return outcome
        message = outcome.error.replace(str(copy), str(item.wav))  # name the input, not the copy
        return failed(item.key, outcome.error_code or CRASH_CODE, message, outcome.wall_s)


@contextlib.contextmanager
def isolated_dbus(config: CabinConfig) -> Iterator[CabinConfig]:
    """`config` with a private session dbus-daemon for this worker, when it simulates D-Bus
    services: two workers publishing the same bus names would answer each other's calls.

    Unchanged when the config does not simulate D-Bus services, uses the system bus or names
    an address, or when dbus-daemon is not installed (a warning; ``apt-get install dbus``).
    """
    vehicle = config.vehicle
    wanted = vehicle.simulate and vehicle.dbus.enabled and vehicle.sim.dbus_services \
        and vehicle.dbus.bus == "session" and vehicle.dbus.address is None
    exe = shutil.which("dbus-daemon") if wanted else None
    if exe is None:
        if wanted:
            _LOG.warning("dbus-daemon not found: workers share the session bus (if any)")
        yield config
        return
    with tempfile.TemporaryDirectory(prefix="cabin-fleet-bus-") as tmp:
        address = f"unix:path={Path(tmp) / 'bus'}"
        proc = subprocess.Popen([*_dies_with_parent(), exe, "--session", "--nofork",
                                 "--nopidfile", "--print-address=1", f"--address={address}"],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        _PRIVATE_BUSES.append(proc)
        try:
            assert proc.stdout is not None
            proc.stdout.readline()  # printed once it listens
            dbus = vehicle.dbus.model_copy(update={"address": address})
            yield config.model_copy(update={
                "vehicle": vehicle.model_copy(update={"dbus": dbus})})
        finally:
            _PRIVATE_BUSES.remove(proc)
            proc.terminate()
            proc.wait(10)
            if proc.stdout is not None:
                proc.stdout.close()


_PRIVATE_BUSES: list[subprocess.Popen[str]] = []
"""The private dbus-daemons this process runs (`isolated_dbus`), for `stop_private_buses`."""


def _dies_with_parent() -> list[str]:
    """A prefix making the child get SIGTERM when this process dies, even by SIGKILL
    (``setpriv --pdeathsig``, util-linux); empty where setpriv is not installed."""
    exe = shutil.which("setpriv")
    return [exe, "--pdeathsig", "TERM", "--"] if exe else []


def stop_private_buses() -> None:
    """Terminate the private dbus-daemons now (a worker told to stop, from its signal handler;
    their temporary directories go with the process's cleanup or the system's)."""
    for proc in list(_PRIVATE_BUSES):
        with contextlib.suppress(OSError):
            proc.terminate()
