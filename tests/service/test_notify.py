"""sd_notify, the watchdog and signal handling, observed on a real NOTIFY_SOCKET.

The test binds the datagram socket systemd would; everything the daemon sends is read back in
order. Hangs and unhealthy periods are framed by STATUS= markers the code under test sends on
the same socket, so the assertions are about message ORDER (no ping between two markers), never
about timing.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from daemon.runtime.service import (
    Heartbeat,
    JournalFormatter,
    Notifier,
    Watchdog,
    read_credential,
    signal_handlers,
    watchdog_interval_s,
)

REPO = Path(__file__).resolve().parents[2]


class NotifySocket:
    """The receiving end of $NOTIFY_SOCKET: a bound AF_UNIX datagram socket, drained by a
    thread as systemd would (the kernel queues only net.unix.max_dgram_qlen datagrams)."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind("\0" + address[1:] if address.startswith("@") else address)
        self.sock.settimeout(0.05)
        self._received: list[str] = []
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._thread = threading.Thread(target=self._drain, name="notify-reader", daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        while not self._closing.is_set():
            try:
                data = self.sock.recv(4096)
            except TimeoutError:
                continue
            with self._lock:
                self._received.append(data.decode())

    def messages(self) -> list[str]:
        """Every datagram received so far, in order (after the reader caught up)."""
        self._sync()
        with self._lock:
            return list(self._received)

    def _sync(self) -> None:
        """Send a marker to ourselves and wait until the reader has it: all before it is in."""
        marker = f"SYNC={uuid.uuid4()}"
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as tx:
            tx.sendto(marker.encode(), self.sock.getsockname())
        while True:
            with self._lock:
                if marker in self._received:
                    self._received.remove(marker)
                    return
            self._closing.wait(0.01)

    def close(self) -> None:
        self._closing.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture
def notify_socket(tmp_path: Path) -> Iterator[NotifySocket]:
    ns = NotifySocket(str(tmp_path / "notify"))
    yield ns
    ns.close()


@pytest.fixture
def abstract_socket() -> Iterator[NotifySocket]:
    ns = NotifySocket(f"@cabin-test-{uuid.uuid4()}")
    yield ns
    ns.close()


def test_ready_status_watchdog_stopping_arrive_in_order(notify_socket: NotifySocket) -> None:
    notifier = Notifier(env={"NOTIFY_SOCKET": notify_socket.address})
    assert notifier.enabled
    assert notifier.ready("listening")
    assert notifier.watchdog()
    assert notifier.status("thinking")
    assert notifier.extend_timeout(30.0)
    assert notifier.stopping()
    notifier.close()
    assert notify_socket.messages() == [
        "READY=1\nSTATUS=listening", "WATCHDOG=1", "STATUS=thinking",
        "EXTEND_TIMEOUT_USEC=30000000", "STOPPING=1"]


def test_default_reads_the_process_environment(notify_socket: NotifySocket,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOTIFY_SOCKET", notify_socket.address)
    assert Notifier().stopping("bye")
    monkeypatch.delenv("NOTIFY_SOCKET")
    assert not Notifier().enabled
    assert notify_socket.messages() == ["STOPPING=1\nSTATUS=bye"]


def test_abstract_socket_address(abstract_socket: NotifySocket) -> None:
    notifier = Notifier(abstract_socket.address)
    assert notifier.ready()
    assert abstract_socket.messages() == ["READY=1"]


def test_reloading_carries_monotonic_usec(notify_socket: NotifySocket) -> None:
    Notifier(notify_socket.address).reloading()
    [message] = notify_socket.messages()
    first, second = message.split("\n")
    assert first == "RELOADING=1"
    assert second.startswith("MONOTONIC_USEC=") and int(second.split("=")[1]) > 0


def test_no_socket_is_a_silent_no_op() -> None:
    notifier = Notifier(env={})
    assert not notifier.enabled
    assert not notifier.ready()
    assert not notifier.watchdog()


def test_unreachable_socket_is_reported_once_not_raised(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    notifier = Notifier(str(tmp_path / "nobody-listens"))
    assert not notifier.ready()
    assert not notifier.watchdog()
    warnings = [r for r in caplog.records if "sd_notify" in r.getMessage()]
    assert len(warnings) == 1


@pytest.mark.parametrize(("env", "interval"), [
    ({"WATCHDOG_USEC": "10000000"}, 5.0),
    ({"WATCHDOG_USEC": "10000000", "WATCHDOG_PID": "4242"}, 5.0),
    ({"WATCHDOG_USEC": "10000000", "WATCHDOG_PID": "4243"}, None),  # meant for another process
    ({"WATCHDOG_USEC": "0"}, None),
    ({"WATCHDOG_USEC": "ten"}, None),
    ({}, None),
])
def test_watchdog_interval_is_half_of_watchdog_usec(env: dict[str, str],
                                                    interval: float | None) -> None:
    assert watchdog_interval_s(env, pid=4242) == interval


def test_watchdog_interval_comes_from_the_environment(notify_socket: NotifySocket) -> None:
    env = {"NOTIFY_SOCKET": notify_socket.address, "WATCHDOG_USEC": "2000000"}
    assert Watchdog(Notifier(env=env), lambda: True, env=env).interval_s == 1.0
    assert Watchdog(Notifier(env=env), lambda: True, interval_s=0.5).interval_s == 0.5
    assert Watchdog(Notifier(env={}), lambda: True, env=env).interval_s is None  # no socket
    assert Watchdog(Notifier(env=env), lambda: True, env={}).interval_s is None  # no WatchdogSec


def test_watchdog_not_requested_returns_at_once() -> None:
    watchdog = Watchdog(Notifier(env={}), lambda: True, env={})
    asyncio.run(asyncio.wait_for(watchdog.run(), 30))  # hang guard only
    assert watchdog.pings == 0


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_heartbeat_goes_stale_and_recovers() -> None:
    clock = FakeClock()
    heartbeat = Heartbeat(stale_s=5.0, clock=clock)
    assert heartbeat.fresh()
    clock.now += 5.0
    assert heartbeat.fresh() and heartbeat.age_s() == 5.0
    clock.now += 0.5
    assert not heartbeat.fresh()
    heartbeat.beat()
    assert heartbeat.fresh() and heartbeat.age_s() == 0.0
    with pytest.raises(ValueError):
        Heartbeat(0.0)


def test_watchdog_withholds_pings_while_the_heartbeat_is_stale(
        notify_socket: NotifySocket) -> None:
    """The watchdog task runs for real on a loop; only its sleep is replaced by a counter."""
    clock = FakeClock()
    heartbeat = Heartbeat(stale_s=5.0, clock=clock)
    notifier = Notifier(notify_socket.address)
    rounds: list[float] = []

    async def scenario() -> None:
        wake = asyncio.Event()

        async def fake_sleep(seconds: float) -> None:
            rounds.append(seconds)
            wake.set()
            await asyncio.sleep(0)

        watchdog = Watchdog(notifier, heartbeat.fresh, interval_s=5.0, sleep=fake_sleep)
        task = asyncio.create_task(watchdog.run(), name="watchdog")

        async def run_rounds(n: int) -> None:
            target = len(rounds) + n
            while len(rounds) < target:
                wake.clear()
                await wake.wait()

        await run_rounds(3)
        notifier.status("marker: audio loop stops")
        clock.now += 6.0  # no beat for 6 s > 5 s
        await run_rounds(5)
        notifier.status("marker: audio loop resumes")
        heartbeat.beat()
        await run_rounds(3)
        task.cancel()
        assert watchdog.skipped >= 5 and watchdog.pings >= 3

    asyncio.run(scenario())
    messages = notify_socket.messages()
    stop = messages.index("STATUS=marker: audio loop stops")
    resume = messages.index("STATUS=marker: audio loop resumes")
    assert "WATCHDOG=1" in messages[:stop]
    assert "WATCHDOG=1" not in messages[stop:resume]
    assert "STATUS=unhealthy: watchdog pings withheld" in messages[stop:resume]
    assert messages[resume + 1:].count("WATCHDOG=1") >= 2
    assert set(rounds) == {5.0}


def test_a_failing_or_raising_check_withholds_the_ping(notify_socket: NotifySocket) -> None:
    def broken() -> bool:
        raise RuntimeError("bug in a health check")

    notifier = Notifier(notify_socket.address)
    assert Watchdog(notifier, broken, interval_s=1.0).tick() is False
    assert Watchdog(notifier, lambda: False, interval_s=1.0).tick() is False
    assert Watchdog(notifier, lambda: True, interval_s=1.0).tick() is True
    assert notify_socket.messages().count("WATCHDOG=1") == 1


def test_a_hung_event_loop_stops_the_pings(notify_socket: NotifySocket) -> None:
    """A child process whose event loop blocks in time.sleep: no WATCHDOG=1 until it returns."""
    env = {**os.environ, "NOTIFY_SOCKET": notify_socket.address, "WATCHDOG_USEC": "200000",
           "PYTHONPATH": str(REPO)}
    env.pop("WATCHDOG_PID", None)
    done = subprocess.run([sys.executable, str(Path(__file__).with_name("hung_loop.py"))],
                          env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    messages = notify_socket.messages()
    begin = messages.index("STATUS=hang-begin")
    end = messages.index("STATUS=hang-end")
    assert messages[0] == "READY=1"
    assert messages[begin:end].count("WATCHDOG=1") == 0
    assert messages[1:begin].count("WATCHDOG=1") >= 1, messages
    assert messages[end:].count("WATCHDOG=1") >= 1, messages  # the loop is back: pings resume
    assert messages[-1] == "STOPPING=1", " | ".join(messages)


def test_sigterm_and_sigint_request_a_graceful_stop_sighup_a_reload() -> None:
    reloads: list[str] = []

    async def scenario(sig: signal.Signals) -> str | None:
        stop, reloaded = asyncio.Event(), asyncio.Event()

        def on_reload() -> None:
            reloads.append("reload")
            reloaded.set()

        with signal_handlers(stop, on_reload=on_reload) as handlers:
            os.kill(os.getpid(), signal.SIGHUP)
            await asyncio.wait_for(reloaded.wait(), 30)  # hang guard only
            assert not stop.is_set()
            os.kill(os.getpid(), sig)
            await asyncio.wait_for(stop.wait(), 30)
            return handlers.received

    assert asyncio.run(scenario(signal.SIGTERM)) == "SIGTERM"
    assert asyncio.run(scenario(signal.SIGINT)) == "SIGINT"
    assert reloads == ["reload", "reload"]
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # handlers removed again


def test_sighup_without_reload_callback_is_ignored_not_fatal() -> None:
    """SIGHUP's default action would kill this process; here it is logged and ignored."""

    async def scenario() -> str | None:
        stop = asyncio.Event()
        with signal_handlers(stop) as handlers:
            os.kill(os.getpid(), signal.SIGHUP)
            os.kill(os.getpid(), signal.SIGTERM)
            await asyncio.wait_for(stop.wait(), 30)  # hang guard only
            return handlers.received

    assert asyncio.run(scenario()) == "SIGTERM"


def test_read_credential(tmp_path: Path) -> None:
    (tmp_path / "cloud-api-key").write_text("sk-test-123\n")
    env = {"CREDENTIALS_DIRECTORY": str(tmp_path)}
    assert read_credential("cloud-api-key", env) == "sk-test-123"
    assert read_credential("missing", env) is None
    assert read_credential("cloud-api-key", {}) is None


def test_journal_formatter_prefixes_every_line_with_the_priority() -> None:
    import logging

    formatter = JournalFormatter()
    record = logging.LogRecord("daemon.x", logging.WARNING, __file__, 1, "a\nb", None, None)
    assert formatter.format(record) == "<4>daemon.x: a\n<4>  b"
    record = logging.LogRecord("daemon.x", logging.INFO, __file__, 1, "turn=3 event=wake",
                               None, None)
    assert formatter.format(record) == "<6>daemon.x: turn=3 event=wake"
