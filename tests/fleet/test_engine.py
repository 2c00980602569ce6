"""The local engine's process handling, on scripted workers (no models, a few seconds): a
worker stuck on a file is stopped and the file fails, a worker that dies fails its file, and
every other file comes back; a worker's private dbus-daemon ends with it, even on SIGKILL."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from daemon.config import CabinConfig
from daemon.fleet.inputs import FleetInput
from daemon.fleet.local import STUCK_CODE, ProcessEngine, stuck_after_s
from daemon.fleet.worker import DIED_CODE
from tests.fleet.conftest import silence
from tests.fleet.scripted_worker import serve


def _inputs(tmp_path: Path, names: list[str]) -> list[FleetInput]:
    return [FleetInput(n, silence(tmp_path / f"{n}.wav", 0.1)) for n in names]


def test_a_stuck_worker_is_stopped_its_file_fails_and_the_rest_come_back(
        tmp_path: Path) -> None:
    names = ["a", "b", "hang", "c", "die", "d", "e"]
    engine = ProcessEngine(CabinConfig(), 2, serve=serve,
                           stuck_after=lambda wav: 2.0 if "hang" in wav.name else 600.0)
    try:
        outcomes = {o.key: o for o in engine.run(_inputs(tmp_path, names))}
    finally:
        engine.close()
    assert set(outcomes) == set(names)
    assert outcomes["hang"].error_code == STUCK_CODE
    assert "replay it alone" in (outcomes["hang"].error or "")
    assert outcomes["die"].error_code == DIED_CODE
    assert all(outcomes[k].error is None for k in "abcde")


def test_the_stuck_limit_grows_with_the_recording(tmp_path: Path) -> None:
    short = stuck_after_s(silence(tmp_path / "short.wav", 1.0))
    long = stuck_after_s(silence(tmp_path / "long.wav", 60.0))
    assert long - short == pytest.approx(59 * 10.0, rel=0.01)
    assert stuck_after_s(tmp_path / "missing.wav") == pytest.approx(120.0)


_HOLD_A_BUS = """
import sys, time
from daemon.config import CabinConfig
from daemon.fleet.worker import isolated_dbus
with isolated_dbus(CabinConfig()) as own:
    print(own.vehicle.dbus.address, flush=True)
    time.sleep(3600)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    return state != "Z"


def test_a_killed_workers_private_bus_ends_with_it() -> None:
    if shutil.which("dbus-daemon") is None or shutil.which("setpriv") is None:
        pytest.skip("needs dbus-daemon and setpriv")
    worker = subprocess.Popen([sys.executable, "-c", _HOLD_A_BUS], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert worker.stdout is not None
        address = worker.stdout.readline().strip()
        assert address.startswith("unix:path=")
        children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()
        assert len(children) == 1
        bus = int(children[0])
        assert _alive(bus)
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
        deadline = time.monotonic() + 10
        while _alive(bus) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(bus), "the private dbus-daemon outlived its worker"
    finally:
        if worker.poll() is None:
            worker.kill()
