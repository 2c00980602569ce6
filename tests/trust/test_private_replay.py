"""Issue 23, items 2 and 9, over a whole spoken session: `cabin replay` of "hey jarvis, navigate to
Baker Street", "hey jarvis, call Bob Smith", "hey jarvis, play Superstition" (real wake word
recordings, Piper speech, real car noise at 20 dB), run as its own process the way a user runs it.

- Item 2: with the default privacy settings and ``logging.level: DEBUG`` every log line the
  process writes is searched for the spoken free text and what the services report back (the
  destination, the contact, the track and its artist): none may appear. With
  ``privacy.log_text: true`` the same run does show them (the search can find them).
- Item 9: HOME, XDG_CACHE_HOME and TMPDIR point at empty directories and the working directory
  is an empty directory: afterwards they hold exactly the paths asked for (``--events``,
  ``--reply-wav``, ``--plot``): no onnxruntime telemetry database, no matplotlib font cache.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from daemon.audio import mix
from daemon.audio.wavio import write_wav
from tests.conftest import REPO, SHARED_AUDIO, tool_module
from tests.trust.logcapture import SESSION, leaks
from tests.vehicle.conftest import DbusDaemon

pytestmark = pytest.mark.slow

WAKE_CLIPS = ("audio/wakeword/positive/pymicro-wakeword-tests/hey_jarvis_2.wav",
              "audio/wakeword/positive/pymicro-wakeword-tests/hey_jarvis_3.wav")
"""The real "hey jarvis" recordings (the demo session's), alternated per turn."""
ASKED = ("events.jsonl", "reply.wav", "turn.png")
"""What the replay is asked to write, in its working directory."""


@pytest.fixture(scope="module")
def session_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Each command of `SESSION` after its own wake word, 6 s apart, in car noise at 20 dB."""
    if not (SHARED_AUDIO / "MANIFEST.tsv").is_file():
        pytest.skip(f"the shared recordings are not at {SHARED_AUDIO}")
    sources = tool_module("build_command_set").Sources(SHARED_AUDIO.parent, variation=False)
    pieces = [mix.silence(1.5, 16000)]
    for index, text in enumerate(SESSION):
        pieces += [sources.wake(WAKE_CLIPS[index % 2]), mix.silence(0.4, 16000),
                   sources.speak(text), mix.silence(6.0, 16000)]
    noisy = mix.mix_at_snr(np.concatenate(pieces), sources.noise, 20.0,
                           np.random.default_rng(0)).mix
    path = tmp_path_factory.mktemp("session") / "session.wav"
    write_wav(path, mix.to_int16(noisy), 16000)
    return path


@pytest.fixture(scope="module")
def bus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DbusDaemon]:
    daemon = DbusDaemon(tmp_path_factory.mktemp("dbus"))
    yield daemon
    daemon.stop()


@dataclass(frozen=True)
class Run:
    rc: int
    stdout: str
    log_lines: list[str]
    events: list[dict[str, object]]
    written: dict[str, set[str]]
    """Per watched directory (home, tmp, cwd), the paths in it afterwards, relative."""


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def replay(tmp: Path, wav: Path, bus: DbusDaemon, *, log_text: bool) -> Run:
    config = tmp / "cabin.yaml"  # given on the command line: an input, outside the watched dirs
    config.write_text(
        f"models_dir: {REPO / 'models'}\nlogging:\n  level: DEBUG\n"
        f"privacy:\n  log_text: {'true' if log_text else 'false'}\n"
        f"vehicle:\n  can:\n    channel: cabin-trust-{uuid.uuid4()}\n"
        f"  dbus:\n    address: {bus.address}\n"
        "hmi:\n  enabled: false\nllm:\n  enabled: false\n")
    watched = {name: tmp / name for name in ("home", "tmp", "cwd")}
    for directory in watched.values():
        directory.mkdir()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DBUS_", "XDG_", "ORT_", "MPL", "CABIN_"))
           and k not in ("NOTIFY_SOCKET", "HOME", "TMPDIR")}
    env.update(HOME=str(watched["home"]), XDG_CACHE_HOME=str(watched["home"] / ".cache"),
               TMPDIR=str(watched["tmp"]))
    events, reply, plot = ASKED
    proc = subprocess.run(
        [sys.executable, "-m", "daemon.cli", "replay", str(wav), "--config", str(config),
         "--events", events, "--reply-wav", reply, "--plot", plot],
        cwd=watched["cwd"], env=env, text=True, capture_output=True, timeout=600, check=False)
    log = watched["cwd"] / events
    rows = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return Run(proc.returncode, proc.stdout, proc.stderr.splitlines(), rows,
               {name: _tree(path) for name, path in watched.items()})


def _tool_results(run: Run) -> list[tuple[object, object]]:
    return [(e["name"], e["ok"]) for e in run.events if e["type"] == "tool_result"]


@pytest.fixture(scope="module")
def default_run(tmp_path_factory: pytest.TempPathFactory, session_wav: Path,
                bus: DbusDaemon) -> Run:
    """The session replayed once with the default privacy settings (shared by two tests)."""
    run = replay(tmp_path_factory.mktemp("default"), session_wav, bus, log_text=False)
    assert run.rc == 0, "\n".join(run.log_lines[-30:])
    assert _tool_results(run) == [("navigate_to", True), ("call_contact", True),
                                  ("media_search", True)], run.stdout
    return run


def test_a_default_replay_logs_none_of_the_spoken_free_text(default_run: Run) -> None:
    lines = default_run.log_lines
    assert any(line.startswith("DEBUG ") for line in lines)  # every level is captured
    assert any("tool navigate_to" in line for line in lines), lines
    assert leaks(lines) == []


def test_a_default_replay_writes_only_what_it_was_asked_for(default_run: Run) -> None:
    assert default_run.written == {"home": set(), "tmp": set(), "cwd": set(ASKED)}, \
        default_run.written


def test_with_log_text_on_the_replay_logs_the_driver_text(
        tmp_path: Path, session_wav: Path, bus: DbusDaemon) -> None:
    run = replay(tmp_path, session_wav, bus, log_text=True)
    assert run.rc == 0, "\n".join(run.log_lines[-30:])
    shown = "\n".join(leaks(run.log_lines))
    for word in ("Baker", "Smith", "Stevie"):
        assert word in shown, run.log_lines
