"""The fleet run's orchestration with a fake engine (no models): atomic logs, error rows in the
summary, Ctrl-C and SIGTERM keeping what is done, --resume replaying only what is missing."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

from daemon.config import CabinConfig
from daemon.fleet.run import FleetResult, FleetSettings, run_fleet
from tests.fleet.conftest import FakeEngine, factory, rows, silence


def _inputs(tmp_path: Path, n: int, bad: int | None = None) -> Path:
    folder = tmp_path / "in"
    for i in range(n):
        name = f"bad_{i:02d}.wav" if i == bad else f"rec_{i:02d}.wav"
        silence(folder / name, 0.1)
    return folder


def _run(tmp_path: Path, engine: FakeEngine, *, resume: bool = False) -> FleetResult:
    settings = FleetSettings(out_dir=tmp_path / "out", resume=resume, progress=False)
    return run_fleet(CabinConfig(), [tmp_path / "in"], settings,
                     engine_factory=factory(engine))


def test_a_failed_file_is_an_error_row_in_its_log_and_in_the_summary(tmp_path: Path) -> None:
    _inputs(tmp_path, 5, bad=2)
    engine = FakeEngine([])
    _run(tmp_path, engine)
    out = tmp_path / "out"
    assert rows(out / "bad_02.jsonl")[0]["type"] == "error"
    summary = json.loads((out / "summary.json").read_text())
    assert summary["run"]["errors"] == 1 and summary["run"]["replayed"] == 5
    statuses = {f["key"]: f["status"] for f in summary["files"]}
    assert statuses == {"rec_00": "ok", "rec_01": "ok", "bad_02": "error", "rec_03": "ok",
                        "rec_04": "ok"}
    assert engine.closed
    assert "bad_02" in (out / "report.md").read_text()


@pytest.mark.parametrize("signum", [None, signal.SIGTERM])
def test_an_interrupted_run_keeps_its_logs_and_resume_replays_only_the_rest(
        tmp_path: Path, signum: int | None) -> None:
    _inputs(tmp_path, 6, bad=1)
    first = FakeEngine([], stop_after=3, signum=signum)
    result = _run(tmp_path, first)
    assert result.stopped_by == (signum or signal.SIGINT)
    assert first.closed
    out = tmp_path / "out"
    assert sorted(p.name for p in out.glob("*.jsonl")) == ["bad_01.jsonl", "rec_00.jsonl",
                                                            "rec_02.jsonl"]
    assert not list(out.glob("*.tmp"))
    summary = json.loads((out / "summary.json").read_text())
    assert summary["run"]["interrupted"] is True
    assert [f["status"] for f in summary["files"]].count("missing") == 3
    kept = (out / "rec_00.jsonl").stat().st_mtime_ns

    second = FakeEngine([])
    _run(tmp_path, second, resume=True)
    assert second.seen == ["bad_01", "rec_03", "rec_04", "rec_05"]  # the failed one again
    assert (out / "rec_00.jsonl").stat().st_mtime_ns == kept
    summary = json.loads((out / "summary.json").read_text())
    assert summary["run"]["skipped"] == 2 and summary["run"]["interrupted"] is False
    assert [f["status"] for f in summary["files"]].count("ok") == 5


def test_without_resume_old_logs_are_removed_first(tmp_path: Path) -> None:
    _inputs(tmp_path, 3)
    _run(tmp_path, FakeEngine([]))
    _run(tmp_path, FakeEngine([], stop_after=1))
    assert sorted(p.name for p in (tmp_path / "out").glob("*.jsonl")) == ["rec_00.jsonl"]


def test_resume_with_everything_done_starts_no_engine(tmp_path: Path) -> None:
    _inputs(tmp_path, 2)
    _run(tmp_path, FakeEngine([]))
    settings = FleetSettings(out_dir=tmp_path / "out", resume=True, progress=False)

    def no_engine(*_args: object) -> FakeEngine:
        raise AssertionError("an engine was started with nothing to do")

    result = run_fleet(CabinConfig(), [tmp_path / "in"], settings, engine_factory=no_engine)
    assert result.run.skipped == 2 and result.run.replayed == 0
