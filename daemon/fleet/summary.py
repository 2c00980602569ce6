"""What a fleet run's event logs say, file by file and in total (pure: feed it log rows).

Written as OUT/summary.json: the run (engine, workers, throughput) and one row per input with
its status, what was heard, which tools were called, its latencies and, for a file that failed,
the ``error`` row's code and message.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from daemon.reports.metrics import turn_metrics

Row = Mapping[str, object]


@dataclass(frozen=True)
class Call:
    """A tool call the car was asked to make."""

    tool: str
    args: Mapping[str, object]

    def text(self) -> str:
        """``set_temperature(celsius=21.0, zone=all)``."""
        return f"{self.tool}({', '.join(f'{k}={v}' for k, v in self.args.items())})"


@dataclass(frozen=True)
class FileSummary:
    """One input's replay as its log tells it.

    Attributes:
        key: the input's key (its log is OUT/<key>.jsonl).
        wav: the recording's path.
        status: ``ok`` (replayed to its end), ``error`` (the log is its error row) or
            ``missing`` (no log: the run was stopped before it).
        error_code: the error row's code (``error`` only).
        error: the error row's message (``error`` only).
        heard: the final transcripts, one per turn, in order.
        calls: the tool calls made, in order.
        replies: what the assistant said, in order.
        latencies_ms: per metric (daemon/reports/metrics.py), every turn's value, ms.
        audio_s: the recording's length, s (0 when unknown).
        wall_s: how long its replay took in this run, s (None: not replayed in this run).
    """

    key: str
    wav: str
    status: str
    error_code: str | None = None
    error: str | None = None
    heard: tuple[str, ...] = ()
    calls: tuple[Call, ...] = ()
    replies: tuple[str, ...] = ()
    latencies_ms: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    audio_s: float = 0.0
    wall_s: float | None = None

    @property
    def transcript(self) -> str:
        """Everything heard, turns joined by a space."""
        return " ".join(self.heard)


def summarize_file(key: str, wav: str, rows: Sequence[Row] | None, *, audio_s: float = 0.0,
                   wall_s: float | None = None) -> FileSummary:
    """The summary of one input from its log's rows (None: it has no log)."""
    if rows is None:
        return FileSummary(key, wav, "missing", audio_s=audio_s)
    if not rows or rows[0].get("type") != "ready":
        error = next((r for r in rows if r.get("type") == "error"), {})
        return FileSummary(key, wav, "error", str(error.get("code", "log_invalid")),
                           str(error.get("message", "the log has no ready event")),
                           audio_s=audio_s, wall_s=wall_s)
    heard = tuple(str(r.get("text", "")) for r in rows
                  if r.get("type") == "transcript" and r.get("final") is True)
    calls = tuple(Call(str(r.get("name")), dict(_mapping(r.get("args")))) for r in rows
                  if r.get("type") == "tool_call")
    replies = tuple(str(r.get("text", "")) for r in rows if r.get("type") == "reply")
    latencies: dict[str, list[float]] = {}
    for turn in turn_metrics(rows):
        for name, value in turn.values.items():
            latencies.setdefault(name, []).append(value)
    return FileSummary(key, wav, "ok", heard=heard, calls=calls, replies=replies,
                       latencies_ms={k: tuple(v) for k, v in latencies.items()},
                       audio_s=audio_s, wall_s=wall_s)


def _mapping(value: object) -> Mapping[str, object]:
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class RunInfo:
    """How the run went.

    Attributes:
        engine: ``local`` or ``ray``.
        workers: worker processes (or Ray actors).
        inputs: input files in all.
        replayed: files replayed in this run (errors included).
        skipped: files whose complete log a ``--resume`` kept.
        errors: files whose log is an error row.
        wall_s: wall-clock time of this run, models loading included, s.
        audio_s: audio replayed in this run, s.
        interrupted: the run was stopped (Ctrl-C, SIGTERM) before every file was done.
    """

    engine: str
    workers: int
    inputs: int
    replayed: int
    skipped: int
    errors: int
    wall_s: float
    audio_s: float
    interrupted: bool = False

    @property
    def files_per_s(self) -> float:
        """Files replayed per wall-clock second."""
        return self.replayed / self.wall_s if self.wall_s > 0 else 0.0

    @property
    def audio_per_s(self) -> float:
        """Seconds of audio replayed per wall-clock second."""
        return self.audio_s / self.wall_s if self.wall_s > 0 else 0.0


def to_json(run: RunInfo, files: Sequence[FileSummary]) -> str:
    """OUT/summary.json's text."""
    body = {"run": {**asdict(run), "files_per_s": round(run.files_per_s, 3),
                    "audio_s_per_s": round(run.audio_per_s, 3)},
            "files": [_file_json(f) for f in files]}
    return json.dumps(body, indent=1, ensure_ascii=False) + "\n"


def _file_json(f: FileSummary) -> dict[str, object]:
    out = asdict(f)
    out["calls"] = [{"tool": c.tool, "args": dict(c.args)} for c in f.calls]
    out["latencies_ms"] = {k: list(v) for k, v in f.latencies_ms.items()}
    return out


def read_index(out_dir: Path) -> dict[str, str]:
    """Recording path (resolved) -> log key, from an earlier run's OUT/summary.json."""
    try:
        body = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = body.get("files", []) if isinstance(body, dict) else []
    return {str(f["wav"]): str(f["key"]) for f in files
            if isinstance(f, dict) and "wav" in f and "key" in f}
