"""systemd integration: sd_notify, the watchdog, signals, credentials, journald-friendly logs.

- `Notifier` speaks the sd_notify protocol: one datagram per message to ``$NOTIFY_SOCKET`` (a
  path, or an abstract socket written ``@name``); without ``$NOTIFY_SOCKET`` every call is a
  no-op, so the daemon runs the same from a terminal.
- `Watchdog.run` is a coroutine for a named task: every ``WATCHDOG_USEC / 2`` it sends
  ``WATCHDOG=1`` only while its health check passes (typically `Heartbeat.fresh`, the
  heartbeat the audio loop beats for every chunk). It runs ON the event loop, so a blocked loop
  stops the pings by itself and systemd restarts the service after ``WatchdogSec``.
- `signal_handlers` turns SIGTERM/SIGINT into a graceful-stop `asyncio.Event` and SIGHUP into a
  reload request.

Protocol: https://www.freedesktop.org/software/systemd/man/latest/sd_notify.html
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

_LOG = logging.getLogger(__name__)

HealthCheck = Callable[[], bool]
"""True while the daemon is healthy enough to deserve a watchdog ping."""


def _socket_address(value: str) -> str | bytes:
    """``@name`` is an abstract socket (leading NUL byte); anything else a filesystem path."""
    if value.startswith("@"):
        return b"\0" + value[1:].encode()
    return value


class Notifier:
    """Sends sd_notify messages; a no-op when there is no notify socket.

    Args:
        address: the notify socket (a path or ``@abstract``); None = ``$NOTIFY_SOCKET`` of `env`.
        env: the environment to read (default: the process environment); ``{}`` disables.

    Sending never blocks (``MSG_DONTWAIT``) and never raises: a failure is logged once at
    WARNING and the message is dropped (systemd then acts on the missing READY or WATCHDOG).
    """

    def __init__(self, address: str | None = None, *,
                 env: Mapping[str, str] | None = None) -> None:
        if address is None:
            address = (os.environ if env is None else env).get("NOTIFY_SOCKET")
        self.address = address or None
        self._sock: socket.socket | None = None
        self._warned = False

    @property
    def enabled(self) -> bool:
        """True when started by systemd with a notify socket (Type=notify)."""
        return self.address is not None

    def notify(self, *fields: str) -> bool:
        """Send ``KEY=value`` fields as one message; True when it was sent."""
        if self.address is None:
            return False
        try:
            if self._sock is None:
                self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
            self._sock.sendto("\n".join(fields).encode(), socket.MSG_DONTWAIT,
                              _socket_address(self.address))
        except OSError as exc:
            if not self._warned:
                _LOG.warning("sd_notify to %s failed (%s): systemd will not hear %s",
                             self.address, exc.strerror or exc, fields[0] if fields else "")
                self._warned = True
            return False
        return True

    def ready(self, status: str | None = None) -> bool:
        """READY=1: start-up checks passed (with an optional STATUS= line)."""
        return self.notify("READY=1", *([f"STATUS={status}"] if status else []))

    def status(self, text: str) -> bool:
        """STATUS=: the one-line state `systemctl status` shows."""
        return self.notify(f"STATUS={text}")

    def stopping(self, status: str | None = None) -> bool:
        """STOPPING=1: a graceful shutdown has begun."""
        return self.notify("STOPPING=1", *([f"STATUS={status}"] if status else []))

    def reloading(self) -> bool:
        """RELOADING=1 (send `ready` when the reload is done); includes MONOTONIC_USEC."""
        return self.notify("RELOADING=1", f"MONOTONIC_USEC={time.monotonic_ns() // 1000}")

    def watchdog(self) -> bool:
        """WATCHDOG=1: the keep-alive ping."""
        return self.notify("WATCHDOG=1")

    def extend_timeout(self, seconds: float) -> bool:
        """EXTEND_TIMEOUT_USEC: ask for `seconds` more for start-up or stop (slow model load)."""
        return self.notify(f"EXTEND_TIMEOUT_USEC={int(seconds * 1e6)}")

    def close(self) -> None:
        """Close the socket (a later message reopens it)."""
        if self._sock is not None:
            self._sock.close()
            self._sock = None


def watchdog_interval_s(env: Mapping[str, str] | None = None, pid: int | None = None
                        ) -> float | None:
    """Seconds between pings (half of ``$WATCHDOG_USEC``), or None when no watchdog applies.

    None when ``WATCHDOG_USEC`` is unset or invalid, or ``WATCHDOG_PID`` names another process
    (the watchdog is meant for that one, e.g. a wrapper's child).
    """
    env = os.environ if env is None else env
    try:
        usec = int(env.get("WATCHDOG_USEC", ""))
    except ValueError:
        return None
    owner = env.get("WATCHDOG_PID")
    if usec <= 0 or (owner and owner != str(os.getpid() if pid is None else pid)):
        return None
    return usec / 2e6


class Heartbeat:
    """A liveness mark a loop refreshes; healthy while the last beat is recent enough.

    Args:
        stale_s: the heartbeat is stale when older than this, seconds
            (``service.heartbeat_stale_s``).
        clock: monotonic seconds (injected in tests).

    `beat` is one float store: cheap enough for every 20 ms audio chunk, and safe from a thread.
    A new heartbeat counts as just beaten.
    """

    def __init__(self, stale_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        if stale_s <= 0:
            raise ValueError(f"stale_s must be positive, got {stale_s}")
        self.stale_s = stale_s
        self._clock = clock
        self._last = clock()

    def beat(self) -> None:
        """Mark the loop alive now."""
        self._last = self._clock()

    def age_s(self) -> float:
        """Seconds since the last beat."""
        return self._clock() - self._last

    def fresh(self) -> bool:
        """True while the last beat is at most `stale_s` old."""
        return self.age_s() <= self.stale_s


class Watchdog:
    """Pings the systemd watchdog while the daemon is healthy.

    Args:
        notifier: where WATCHDOG=1 goes.
        healthy: the health check (e.g. ``Heartbeat.fresh``); a check that raises counts as
            unhealthy.
        interval_s: seconds between pings; None = half of ``$WATCHDOG_USEC`` (honouring
            ``$WATCHDOG_PID``), see `watchdog_interval_s`.
        env: the environment to read (default: the process environment).
        sleep: ``asyncio.sleep`` (injected in tests).

    `interval_s` is None when systemd asked for no watchdog (or there is no notify socket):
    `run` then returns at once. Counters `pings` and `skipped` say what happened; the first
    skipped ping is logged at WARNING and sets STATUS=, recovery is logged at INFO.
    """

    def __init__(self, notifier: Notifier, healthy: HealthCheck, *,
                 interval_s: float | None = None, env: Mapping[str, str] | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        if interval_s is None:
            interval_s = watchdog_interval_s(env)
        elif interval_s <= 0:
            raise ValueError(f"interval_s must be positive, got {interval_s}")
        self.notifier = notifier
        self.interval_s = interval_s if notifier.enabled else None
        self._check = healthy
        self._sleep = sleep
        self.pings = 0
        self.skipped = 0
        self._was_healthy = True

    def healthy(self) -> bool:
        """The health check's verdict (False if it raises)."""
        try:
            return bool(self._check())
        except Exception:  # a broken check must not kill the watchdog: fail closed
            _LOG.exception("watchdog health check %r raised", self._check)
            return False

    def tick(self) -> bool:
        """One round: ping if healthy; True when a ping was sent."""
        healthy = self.healthy()
        if healthy:
            self.pings += self.notifier.watchdog()
            if not self._was_healthy:
                _LOG.info("watchdog: healthy again, pings resumed")
                self.notifier.status("running")
        else:
            self.skipped += 1
            if self._was_healthy:
                _LOG.warning("watchdog: health check failed, withholding WATCHDOG=1 "
                             "(systemd restarts the service if this lasts)")
                self.notifier.status("unhealthy: watchdog pings withheld")
        self._was_healthy = healthy
        return healthy

    async def run(self) -> None:
        """Ping every `interval_s` while healthy, until cancelled (run as a named task)."""
        interval = self.interval_s
        if interval is None:
            _LOG.debug("watchdog: not requested by systemd (no WATCHDOG_USEC or notify socket)")
            return
        _LOG.info("watchdog: pinging every %.1f s while healthy", interval)
        while True:
            self.tick()
            await self._sleep(interval)


class SignalHandlers:
    """SIGTERM/SIGINT set `stop`; SIGHUP calls `on_reload` (or is logged and ignored).

    Installed on the running loop by `signal_handlers`; `received` names the last signal.
    """

    def __init__(self, stop: asyncio.Event, on_reload: Callable[[], None] | None = None) -> None:
        self.stop = stop
        self.on_reload = on_reload
        self.received: str | None = None
        self._installed: list[signal.Signals] = []

    def _on_stop(self, sig: signal.Signals) -> None:
        self.received = sig.name
        if self.stop.is_set():
            _LOG.info("%s: already stopping", sig.name)
            return
        _LOG.info("%s: stopping gracefully", sig.name)
        self.stop.set()

    def _on_hup(self) -> None:
        self.received = signal.SIGHUP.name
        if self.on_reload is None:
            _LOG.info("SIGHUP: nothing to reload, ignored")
            return
        _LOG.info("SIGHUP: reload requested")
        self.on_reload()

    def install(self, loop: asyncio.AbstractEventLoop) -> None:
        """Install the handlers on `loop` (Unix only)."""
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self._on_stop, sig)
            self._installed.append(sig)
        loop.add_signal_handler(signal.SIGHUP, self._on_hup)
        self._installed.append(signal.SIGHUP)

    def remove(self, loop: asyncio.AbstractEventLoop) -> None:
        """Restore the default dispositions."""
        while self._installed:
            loop.remove_signal_handler(self._installed.pop())


@contextmanager
def signal_handlers(stop: asyncio.Event, on_reload: Callable[[], None] | None = None
                    ) -> Iterator[SignalHandlers]:
    """Within the running loop: SIGTERM/SIGINT -> ``stop.set()``, SIGHUP -> ``on_reload()``."""
    loop = asyncio.get_running_loop()
    handlers = SignalHandlers(stop, on_reload)
    handlers.install(loop)
    try:
        yield handlers
    finally:
        handlers.remove(loop)


def read_credential(name: str, env: Mapping[str, str] | None = None) -> str | None:
    """A systemd credential (LoadCredential=NAME:...) as text, stripped; None when absent."""
    directory = (os.environ if env is None else env).get("CREDENTIALS_DIRECTORY")
    if not directory:
        return None
    try:
        return (Path(directory) / name).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None


def under_journald(env: Mapping[str, str] | None = None) -> bool:
    """True when stderr goes to the journal (systemd sets ``$JOURNAL_STREAM`` = dev:inode)."""
    value = (os.environ if env is None else env).get("JOURNAL_STREAM", "")
    try:
        device, inode = (int(part) for part in value.split(":"))
        st = os.fstat(2)
    except (ValueError, OSError):
        return False
    return (st.st_dev, st.st_ino) == (device, inode)


_PRIORITY = {logging.DEBUG: 7, logging.INFO: 6, logging.WARNING: 4, logging.ERROR: 3,
             logging.CRITICAL: 2}


class JournalFormatter(logging.Formatter):
    """``<priority>logger: message``: journald reads the syslog priority from the prefix
    (SyslogLevelPrefix=yes, the default) and adds its own timestamp, so none is printed."""

    def __init__(self) -> None:
        super().__init__("%(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        priority = _PRIORITY.get(record.levelno, 6 if record.levelno < logging.WARNING else 3)
        lines = super().format(record).splitlines() or [""]
        # journald makes one entry per line: each continuation (a traceback) keeps the priority
        return "\n".join(f"<{priority}>{'  ' if i else ''}{line}" for i, line in enumerate(lines))
