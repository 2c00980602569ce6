"""The bench's PNGs (matplotlib Agg, no display), written next to its JSON.

- ``<stem>_latency.png``: each metric's distribution, streaming beside sequential (box, every
  sample as a dot, p50 and p95 written under it).
- ``<stem>_resources.png``: each stage's real-time factor, and the resident memory by share.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from daemon.reports.metrics import METRICS
from daemon.reports.mpl import figure_class

_MODES = (("streaming", "#4c78a8"), ("sequential", "#e45756"))


def latency_png(samples: Mapping[str, Mapping[str, Sequence[float]]], out: Path) -> Path:
    """One panel per metric; `samples` is mode -> metric -> values (ms)."""
    Figure = figure_class()  # noqa: N806  # a class; no font cache under ~/.cache

    seen = {m for mode, _ in _MODES for m, v in samples.get(mode, {}).items() if v}
    names = sorted(seen, key=lambda m: (list(METRICS).index(m) if m in METRICS else 99, m))
    cols = 3
    rows = max(1, -(-len(names) // cols))
    fig = Figure(figsize=(4.2 * cols, 3.0 * rows), dpi=100, layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    rng = np.random.default_rng(0)  # jitter of the dots only
    for ax, name in zip(axes, names, strict=False):
        for i, (mode, colour) in enumerate(_MODES):
            values = np.asarray(samples.get(mode, {}).get(name, []), dtype=float)
            if not len(values):
                continue
            ax.boxplot([values], positions=[i], widths=0.5, showfliers=False,
                       medianprops={"color": colour})
            ax.scatter(i + rng.uniform(-0.15, 0.15, len(values)), values, s=9, alpha=0.6,
                       color=colour)
            ax.annotate(f"p50 {np.percentile(values, 50):.0f}\np95 "
                        f"{np.percentile(values, 95):.0f}", (i, 0.0),
                        xycoords=("data", "axes fraction"), xytext=(0, 3),
                        textcoords="offset points", ha="center", fontsize=7)
        ax.set_xticks([0, 1], [m for m, _ in _MODES], fontsize=8)
        ax.set_xlim(-0.6, 1.6)
        ax.set_title(name, fontsize=9)
        ax.set_ylabel("ms", fontsize=8)
        ax.set_ylim(bottom=min(0.0, ax.get_ylim()[0]))
        ax.grid(axis="y", alpha=0.3)
    for ax in axes[len(names):]:
        ax.set_visible(False)
    fig.suptitle("cabin bench: latency per metric (ms), streaming vs sequential baseline",
                 fontsize=10)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out)
    return out


def resources_png(report: Mapping[str, Any], out: Path) -> Path:
    """Stage real-time factors (wall and CPU) and the memory shares."""
    Figure = figure_class()  # noqa: N806  # a class; no font cache under ~/.cache

    fig = Figure(figsize=(12.0, 4.0), dpi=100, layout="constrained")
    rtf_ax, mem_ax = fig.subplots(1, 2, width_ratios=[1.0, 1.3])
    stages = list(report["rtf"])
    x = np.arange(len(stages))
    for offset, key, colour in ((-0.2, "rtf", "#4c78a8"), (0.2, "cpu_rtf", "#f58518")):
        values = [report["rtf"][s][key] for s in stages]
        rtf_ax.bar(x + offset, values, width=0.4, color=colour,
                   label="wall / audio" if key == "rtf" else "CPU / audio")
        for xi, v in zip(x, values, strict=True):
            rtf_ax.text(xi + offset, v, f"{v:.3f}", ha="center", va="bottom", fontsize=7)
    rtf_ax.set_xticks(x, stages)
    rtf_ax.set_ylabel("real-time factor (s per audio s)")
    rtf_ax.set_title("stages alone on the corpus audio", fontsize=9)
    rtf_ax.legend(fontsize=8)
    mem = report["memory_mb"]
    parts = [*mem["shares"].items(), ("working (replays)", mem["working"])]
    left = 0.0
    colours = ["#bab0ac", "#9d755d", "#4c78a8", "#72b7b2", "#54a24b", "#eeca3b", "#e45756",
               "#b279a2", "#ff9da6", "#f58518"]
    for i, (name, mb) in enumerate(parts):
        width = max(float(mb), 0.0)
        mem_ax.barh([0], [width], left=left, color=colours[i % len(colours)],
                    label=f"{name}: {mb:.0f} MB")
        left += width
    mem_ax.axvline(1200.0, color="black", linestyle="--", linewidth=1.0)
    mem_ax.text(1200.0, -0.38, " goal 1.2 GB", fontsize=7, va="bottom")
    mem_ax.set_yticks([])
    mem_ax.set_xlim(0.0, max(1300.0, left * 1.05))
    mem_ax.set_xlabel("resident memory, MB")
    mem_ax.set_title(f"peak RSS {mem['peak_rss']:.0f} MB by share", fontsize=9)
    mem_ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=3)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out)
    return out


def write_plots(report: Mapping[str, Any], json_path: Path) -> list[Path]:
    """Both PNGs next to `json_path` (``bench.json`` -> ``bench_latency.png`` ...)."""
    stem = json_path.with_suffix("")
    return [latency_png(report["samples_ms"], Path(f"{stem}_latency.png")),
            resources_png(report, Path(f"{stem}_resources.png"))]
