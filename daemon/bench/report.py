"""The bench report: what is written to JSON, printed as tables, and compared with an old run."""

from __future__ import annotations

import os
import platform
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from daemon.bench.memory import Share
from daemon.bench.stagetime import StageTime
from daemon.reports.metrics import Summary, ratios, summarize

REPORT_VERSION = 2
GOALS: tuple[tuple[str, str, float], ...] = (
    ("fast_path_voice_to_voice_ms.p50", "<=", 300.0),
    ("fast_path_voice_to_voice_ms.p95", "<=", 500.0),
    ("streaming_over_sequential.fast_path_voice_to_voice_ms.p50", "<=", 0.35),
    ("idle_cpu_percent_of_core", "<=", 10.0),
    ("memory_mb.peak_rss", "<=", 1200.0),
)
"""Issue 9's goals: (report key, comparison, value)."""


def machine() -> dict[str, object]:
    """What the figures were measured on."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": model or platform.processor(), "cores": os.cpu_count(),
            "arch": platform.machine(), "python": platform.python_version(),
            "load_average_1min": round(os.getloadavg()[0], 2)}


@dataclass(frozen=True)
class BenchReport:
    """Everything one `cabin bench` run measured (ms, s, MB as named)."""

    corpus: dict[str, object]
    metrics_ms: dict[str, Summary]
    sequential_metrics_ms: dict[str, Summary]
    streaming_over_sequential: dict[str, dict[str, float | None]]
    rtf: dict[str, dict[str, float]]
    cpu_seconds_per_audio_second: float
    sequential_cpu_seconds_per_audio_second: float | None
    idle_cpu_percent_of_core: float
    idle: dict[str, object]
    memory_mb: dict[str, Any]
    peak_rss_mb: float
    wall_seconds: float
    machine: dict[str, object]
    conditions: dict[str, float]
    samples_ms: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    version: int = REPORT_VERSION

    def to_json(self) -> dict[str, Any]:
        """The JSON object (goals evaluated alongside)."""
        body = asdict(self)
        body["goals"] = goals(body)
        return body


def summaries(samples: Mapping[str, list[float]]) -> dict[str, Summary]:
    """Metric -> distribution (metrics without samples left out)."""
    return {k: s for k, v in samples.items() if (s := summarize(v)) is not None}


def build(*, corpus: dict[str, object], streaming: dict[str, list[float]],
          sequential: dict[str, list[float]] | None, stage_times: list[StageTime],
          cpu: tuple[float, float | None], idle: tuple[float, float, int],
          shares: list[Share], peak_rss: float, rss_now: dict[str, float],
          wall_s: float, conditions: dict[str, float]) -> BenchReport:
    """Assemble the report.

    Args:
        corpus: what was replayed.
        streaming: metric -> samples (ms) of the normal pipeline (barge-in included). Its
            ``llm_*`` metrics may include other sets' turns, so they get no ratio.
        sequential: the same for the sequential baseline (None when not run).
        stage_times: per-stage costs.
        cpu: CPU seconds per audio second (streaming, sequential).
        idle: (CPU s, audio s, wake words fired) while fed noise.
        shares: memory shares in load order.
        peak_rss: peak RSS of the run, MB.
        rss_now: resident memory by kind at the end (``anon``, ``file``...), MB.
        wall_s: the run's wall time, s.
        conditions: how loaded the machine was (wall-clock latencies depend on it).
    """
    main, base = summaries(streaming), summaries(sequential or {})
    loaded = sum(s.mb for s in shares)
    idle_cpu, idle_audio, wakes = idle
    return BenchReport(
        corpus=corpus, metrics_ms=main, sequential_metrics_ms=base,
        streaming_over_sequential={k: asdict(r) for k, r in ratios(main, base).items()
                                   if not k.startswith("llm_")},  # other turns on each side
        rtf={t.stage: {"rtf": round(t.rtf, 4), "cpu_rtf": round(t.cpu_rtf, 4),
                       "audio_s": round(t.audio_s, 1)} for t in stage_times},
        cpu_seconds_per_audio_second=round(cpu[0], 3),
        sequential_cpu_seconds_per_audio_second=None if cpu[1] is None else round(cpu[1], 3),
        idle_cpu_percent_of_core=round(100.0 * idle_cpu / max(idle_audio, 1e-9), 1),
        idle={"audio_s": round(idle_audio, 1), "cpu_s": round(idle_cpu, 2),
              "false_wakes": wakes},
        memory_mb={"peak_rss": round(peak_rss, 1), "after_loading": round(loaded, 1),
                   "working": round(peak_rss - loaded, 1),
                   "shares": {s.name: s.mb for s in shares}, "at_end_by_kind": rss_now,
                   "load_s": {s.name: s.load_s for s in shares}},
        peak_rss_mb=round(peak_rss, 1), wall_seconds=round(wall_s, 1), machine=machine(),
        conditions=conditions,
        samples_ms={"streaming": {k: [round(x, 1) for x in v] for k, v in streaming.items()},
                    "sequential": {k: [round(x, 1) for x in v]
                                   for k, v in (sequential or {}).items()}})


def flatten(report: Mapping[str, Any], prefix: str = "") -> dict[str, float]:
    """Numeric leaves as dotted keys (``metrics_ms.voice_to_voice_ms.p50``), samples left out."""
    out: dict[str, float] = {}
    for key, value in report.items():
        name = f"{prefix}{key}"
        if key in ("samples_ms", "machine", "conditions", "goals", "version"):
            continue
        if isinstance(value, Mapping):
            out.update(flatten(value, f"{name}."))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            out[name] = float(value)
    return out


def goals(report: Mapping[str, Any]) -> dict[str, dict[str, object]]:
    """Each goal's value in `report` and whether it is met (value None: not measured)."""
    flat = flatten(report)
    out: dict[str, dict[str, object]] = {}
    for key, op, target in GOALS:
        value = flat.get(key) if key in flat else flat.get(f"metrics_ms.{key}")
        met = None if value is None else value <= target if op == "<=" else value >= target
        out[key] = {"target": f"{op} {target:g}", "value": value, "met": met}
    return out


def _fmt(x: object, width: int, digits: int = 1) -> str:
    return f"{x:{width}.{digits}f}" if isinstance(x, int | float) else f"{'-':>{width}}"


def table(report: Mapping[str, Any], old: Mapping[str, Any] | None = None) -> list[str]:
    """The report as text: latency table, stage RTFs, CPU, memory, goals (and new/old)."""
    seq, ratio = report["sequential_metrics_ms"], report["streaming_over_sequential"]
    old_flat = flatten(old) if old else {}
    head = (f"{'metric':28} {'n':>4} {'p50':>8} {'p95':>8} {'seq p50':>8} {'seq p95':>8} "
            f"{'str/seq':>7}" + (f" {'new/old':>7}" if old else ""))
    lines = [head]
    for name, s in report["metrics_ms"].items():
        b = seq.get(name, {})
        new_old = _ratio(s["p50"], old_flat.get(f"metrics_ms.{name}.p50"))
        lines.append(f"{name:28} {s['n']:4d} {s['p50']:8.1f} {s['p95']:8.1f} "
                     f"{_fmt(b.get('p50'), 8)} {_fmt(b.get('p95'), 8)} "
                     f"{_fmt(ratio.get(name, {}).get('p50'), 7, 2)}"
                     + (f" {_fmt(new_old, 7, 2)}" if old else ""))
    lines.append("stage RTF (wall / CPU):  " + ", ".join(
        f"{k} {v['rtf']:.3f}/{v['cpu_rtf']:.3f}" for k, v in report["rtf"].items()))
    mem = report["memory_mb"]
    lines.append(f"CPU s per audio s: {report['cpu_seconds_per_audio_second']} streaming, "
                 f"{report['sequential_cpu_seconds_per_audio_second']} sequential; "
                 f"listening idle {report['idle_cpu_percent_of_core']} % of one core "
                 f"({report['idle']['false_wakes']} false wakes in {report['idle']['audio_s']} s)")
    lines.append(f"peak RSS {mem['peak_rss']} MB = " + " + ".join(
        f"{k} {v:.0f}" for k, v in mem["shares"].items()) + f" + working {mem['working']:.0f}")
    if kinds := mem.get("at_end_by_kind"):
        lines.append("resident at the end by kind (MB): " + ", ".join(
            f"{k} {v:.0f}" for k, v in kinds.items()))
    for key, g in goals(report).items():
        verdict = {True: "met", False: "NOT met", None: "not measured"}[g["met"]]  # type: ignore[index]
        lines.append(f"goal {key} {g['target']}: {_fmt(g['value'], 0, 2).strip()} {verdict}")
    if old:
        lines.extend(_compare_lines(flatten(report), old_flat))
    c = report.get("conditions", {})
    lines.append(f"wall {report['wall_seconds']} s; machine load (1 min) "
                 f"{c.get('load_average_start')} -> {c.get('load_average_end')}, the replays got "
                 f"{c.get('cpu_share_of_wall')} CPU s per wall s")
    return lines


def _ratio(new: float | None, old: float | None) -> float | None:
    return new / old if new is not None and old else None


_COMPARED = ("sequential_metrics_ms.", "streaming_over_sequential.", "rtf.",
             "cpu_seconds_per_audio_second", "sequential_cpu_seconds_per_audio_second",
             "idle_cpu_percent_of_core", "memory_mb.peak_rss", "memory_mb.shares.", "peak_rss_mb",
             "wall_seconds")
"""The figures (besides the latency table's p50s) `--compare` prints new/old ratios of."""


def _compare_lines(new: Mapping[str, float], old: Mapping[str, float]) -> list[str]:
    keys = [k for k in new if k in old and k.startswith(_COMPARED)
            and not k.endswith((".p95", ".n", ".mean", ".max", ".audio_s"))]
    return [f"new/old {k}: {new[k]:g} / {old[k]:g} = {_fmt(_ratio(new[k], old[k]), 0, 2)}"
            for k in keys]
