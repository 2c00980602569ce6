"""Fleet replays on the real models (slow; kept short): the same tool calls and transcripts
with one worker, two worker processes and Ray; Ctrl-C keeps what is done, --resume replays only
what is missing, and a corrupt file in the middle of 20 ends as one error row and 19 good logs.

The 12 recordings are built like the command set (real "hey jarvis", Piper, car noise), six
commands of different tools (the media and navigation ones go over the simulated D-Bus
services, a private bus per worker) at 10 and 20 dB: same-named files in two folders.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import yaml

from daemon.cli import main
from tests.conftest import REPO, SHARED_AUDIO, tool_module
from tests.fleet.conftest import silence

pytestmark = pytest.mark.slow
CHOSEN = ("set the temperature to twenty one degrees", "set the fan to level three",
          "open the driver window halfway", "play some music",
          "navigate to the nearest gas station", "what's the weather going to be like tomorrow")


@pytest.fixture(scope="module")
def recordings(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (SHARED_AUDIO / "MANIFEST.tsv").is_file():
        pytest.skip(f"the shared recordings are not at {SHARED_AUDIO}")
    out = tmp_path_factory.mktemp("fleet_set")
    listed = yaml.safe_load((REPO / "tools" / "commands.yaml").read_text())["commands"]
    commands = out / "commands.yaml"
    commands.write_text(yaml.safe_dump({"commands": [c for c in listed if c["text"] in CHOSEN]}))
    assert tool_module("build_command_set").main(
        ["--out", str(out / "set"), "--snr", "10", "20", "--commands", str(commands)]) == 0
    return out / "set"


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """No language model (its load would dominate), no head-unit API, a CAN channel of its own,
    and greedy decoding only: the shipped retry at temperature 0.5 samples with ctranslate2's
    random generator, seeded from random_device once per decoding thread, so even one `cabin
    replay` of a file the retry fires on can differ from the next (docs/eval.md)."""
    path = tmp_path_factory.mktemp("fleet_cfg") / "cabin.yaml"
    path.write_text(yaml.safe_dump({"llm": {"enabled": False}, "hmi": {"enabled": False},
                                    "asr": {"temperatures": [0.0]},
                                    "vehicle": {"can": {"channel": f"fleet-{uuid.uuid4()}"}}}))
    return path


def _replay(inputs: Path, out: Path, config: Path, *extra: str) -> int:
    return main(["replay", str(inputs), "--events-dir", str(out), "--config", str(config),
                 "--quiet", *extra])


def _outcomes(out: Path) -> dict[str, tuple[str, list[dict[str, object]]]]:
    """Per file: what was heard and the tool calls made (from summary.json)."""
    files = json.loads((out / "summary.json").read_text())["files"]
    return {f["key"]: (" | ".join(f["heard"]), f["calls"]) for f in files}


@pytest.fixture(scope="module")
def one_worker(recordings: Path, config: Path,
               tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    out = tmp_path_factory.mktemp("one_worker")
    assert _replay(recordings, out, config, "--workers", "1") == 0
    outcomes = _outcomes(out)
    assert len(outcomes) == 12 and {k.split("/")[0] for k in outcomes} == {"snr10", "snr20"}
    called = {k: calls for k, (_, calls) in outcomes.items() if calls}
    assert len(called) >= 8, outcomes  # the pipeline works: the comparisons below are not empty
    assert any(c["tool"] == "media_control" for calls in called.values() for c in calls)
    return dict(outcomes)


def test_two_worker_processes_make_the_same_calls(one_worker: dict[str, object],
                                                  recordings: Path, config: Path,
                                                  tmp_path: Path) -> None:
    assert _replay(recordings, tmp_path, config, "--workers", "2") == 0
    assert _outcomes(tmp_path) == one_worker


def test_ray_makes_the_same_calls(one_worker: dict[str, object], recordings: Path,
                                  config: Path, tmp_path: Path) -> None:
    pytest.importorskip("ray")
    assert _replay(recordings, tmp_path, config, "--engine", "ray", "--workers", "2") == 0
    assert _outcomes(tmp_path) == one_worker
    assert json.loads((tmp_path / "summary.json").read_text())["run"]["engine"] == "ray"


def _logs(out: Path) -> dict[str, list[dict[str, object]]]:
    return {p.stem: [json.loads(line) for line in p.read_text().splitlines()]
            for p in out.glob("*.jsonl")}


def _interrupted_run(folder: Path, out: Path, config: Path) -> str:
    """`cabin replay` on two workers, stopped by Ctrl-C once the first log is written;
    returns its stderr."""
    cmd = [sys.executable, "-m", "daemon.cli", "replay", str(folder), "--events-dir", str(out),
           "--config", str(config), "--workers", "2", "--quiet"]
    proc = subprocess.Popen(cmd, start_new_session=True, stderr=subprocess.PIPE, text=True)
    try:
        while not list(out.glob("*.jsonl")) and proc.poll() is None:
            time.sleep(0.05)  # until the first file is done (the models are loaded)
        os.killpg(proc.pid, signal.SIGINT)  # as Ctrl-C in a terminal: the whole group
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    return err


def test_ctrl_c_keeps_what_is_done_and_resume_leaves_19_good_logs_and_one_error_row(
        config: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    for i in range(20):
        silence(folder / f"rec_{i:02d}.wav", 2.0)
    (folder / "rec_10.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk")  # in the middle
    out = tmp_path / "out"

    err = _interrupted_run(folder, out, config)
    assert "Traceback" not in err and "--resume" in err
    done = {k: (out / f"{k}.jsonl").stat().st_mtime_ns for k, rows in _logs(out).items()
            if rows[0]["type"] == "ready"}
    assert 0 < len(done) < 19, "the run was not stopped in the middle"
    assert not list(out.glob("*.tmp"))  # logs are whole or absent
    assert json.loads((out / "summary.json").read_text())["run"]["interrupted"] is True

    assert _replay(folder, out, config, "--resume") == 1  # a file failed
    run = json.loads((out / "summary.json").read_text())["run"]
    assert (run["replayed"], run["skipped"], run["errors"]) == (20 - len(done), len(done), 1)
    assert all((out / f"{k}.jsonl").stat().st_mtime_ns == t for k, t in done.items())
    logs = _logs(out)
    assert sorted(k for k, rows in logs.items() if rows[0]["type"] == "ready") == \
        [f"rec_{i:02d}" for i in range(20) if i != 10]
    assert [(r["type"], r["code"]) for r in logs["rec_10"]] == [("error", "audio_format")]
    files = json.loads((out / "summary.json").read_text())["files"]
    assert [f["key"] for f in files if f["status"] == "error"] == ["rec_10"]
