"""Fixtures for the head-unit API tests: a real dbus-daemon per test, a fake assistant, and a
second process (gdbus, or tests/hmi/hmi_client.py with pydbus) playing the head unit.

Waits below are bounded only so a broken build fails instead of hanging; nothing asserts on time.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from daemon.hmi import INTERFACE, OBJECT_PATH, HmiService
from daemon.runtime_config import HmiConfig

CLIENT = Path(__file__).with_name("hmi_client.py")
GUARD_S = 30.0
"""Upper bound on any wait, so a hang fails the test rather than the run (never asserted on)."""


class BusDaemon:
    """A real ``dbus-daemon`` on a socket in ``directory``; ``deny_own`` adds a policy rule."""

    def __init__(self, directory: Path, *, deny_own: str | None = None) -> None:
        exe = shutil.which("dbus-daemon")
        if exe is None:
            pytest.skip("dbus-daemon is not installed (apt-get install dbus)")
        self.address = f"unix:path={directory / 'bus'}"
        self._args = [exe, "--nofork", "--nopidfile", "--print-address=1",
                      f"--address={self.address}"]
        if deny_own is None:
            self._args.append("--session")
        else:
            conf = directory / "bus.conf"
            conf.write_text(
                "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0"
                "//EN\" \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
                f"<busconfig><type>session</type><listen>{self.address}</listen>"
                "<auth>EXTERNAL</auth><policy context=\"default\">"
                "<allow send_destination=\"*\" eavesdrop=\"true\"/><allow eavesdrop=\"true\"/>"
                f"<allow own=\"*\"/><deny own=\"{deny_own}\"/></policy></busconfig>\n")
            self._args.append(f"--config-file={conf}")
        self._proc: subprocess.Popen[str] | None = None
        self.start()

    def start(self) -> None:
        self._proc = subprocess.Popen(self._args, stdout=subprocess.PIPE, text=True)
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline().strip()  # printed once it is listening
        assert line.startswith(self.address), line

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            proc.terminate()
            proc.wait(10)
            if proc.stdout is not None:
                proc.stdout.close()


@pytest.fixture
def bus(tmp_path: Path) -> Iterator[BusDaemon]:
    """A session bus of this test's own (it may stop and start it)."""
    daemon = BusDaemon(tmp_path)
    yield daemon
    daemon.stop()


class FakeControl:
    """An `AssistantControl` that records every call; it can hang or fail on demand."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str | None]] = []
        self.cancelled: list[str] = []
        self.state = "idle"
        self.turn = 0
        self.hang = False
        self.fail: Exception | None = None
        self.entered = asyncio.Event()
        self._release = asyncio.Event()

    async def send_text(self, text: str) -> int:
        return await self._turn("send_text", text)

    async def push_to_talk(self) -> int:
        return await self._turn("push_to_talk", None)

    async def cancel(self) -> bool:
        self.calls.append(("cancel", None))
        await self._maybe_block("cancel")
        return self.turn > 0

    def release(self) -> None:
        """Let hanging calls finish."""
        self.hang = False
        self._release.set()

    async def _turn(self, name: str, text: str | None) -> int:
        self.calls.append((name, text))
        await self._maybe_block(name)
        self.turn += 1
        return self.turn

    async def _maybe_block(self, name: str) -> None:
        if self.fail is not None:
            raise self.fail
        if self.hang:
            self.entered.set()
            try:
                await self._release.wait()
            except asyncio.CancelledError:
                self.cancelled.append(name)
                raise


@asynccontextmanager
async def running(address: str, control: FakeControl, **overrides: object,
                  ) -> AsyncIterator[HmiService]:
    """An `HmiService` published on ``address`` for the duration of the block."""
    config = HmiConfig.model_validate({"address": address, **overrides})
    async with HmiService(config, control, version="9.8.7") as service:
        yield service


@dataclass(frozen=True)
class Answer:
    """What ``gdbus call`` printed: the reply (GVariant text) or the D-Bus error name."""

    rc: int
    out: str
    err: str

    @property
    def error(self) -> str | None:
        match = re.search(r"GDBus\.Error:([\w.]+):", self.err)
        return match.group(1) if match else None


def _gvariant_string(text: str) -> str:
    from gi.repository import GLib

    return str(GLib.Variant("s", text).print_(False))


async def gdbus(*args: str) -> Answer:
    """Run ``gdbus`` in a second process (the event loop keeps serving the service meanwhile)."""
    exe = shutil.which("gdbus")
    if exe is None:
        pytest.skip("gdbus is not installed (apt-get install libglib2.0-bin)")
    proc = await asyncio.create_subprocess_exec(
        exe, *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), GUARD_S)
    return Answer(proc.returncode or 0, out.decode(), err.decode())


async def call(address: str, method: str, *args: str, name: str = INTERFACE,
               iface: str = INTERFACE) -> Answer:
    """``gdbus call`` a method of the assistant; string arguments are passed as GVariant text."""
    return await gdbus("call", "--address", address, "--dest", name, "--object-path",
                       OBJECT_PATH, "--timeout", str(int(GUARD_S)), "--method",
                       f"{iface}.{method}", *(_gvariant_string(a) for a in args))


async def name_has_owner(address: str, name: str = INTERFACE) -> bool:
    answer = await gdbus("call", "--address", address, "--dest", "org.freedesktop.DBus",
                         "--object-path", "/org/freedesktop/DBus", "--method",
                         "org.freedesktop.DBus.NameHasOwner", name)
    assert answer.rc == 0, answer.err
    return answer.out.strip() == "(true,)"


class Listener:
    """tests/hmi/hmi_client.py in a second process, printing the signals it receives."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self._proc = proc

    @classmethod
    async def start(cls, address: str, stop_member: str) -> Listener:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, str(CLIENT), "listen", address, INTERFACE, stop_member,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        assert proc.stdout is not None
        line = await asyncio.wait_for(proc.stdout.readline(), GUARD_S)
        assert line.strip() == b"READY", line
        return cls(proc)

    async def signals(self) -> list[dict[str, object]]:
        """Every signal received up to and including the first ``stop_member``."""
        out, err = await asyncio.wait_for(self._proc.communicate(), GUARD_S)
        assert self._proc.returncode == 0, err.decode()
        return [json.loads(line) for line in out.decode().splitlines() if line.strip()]
