"""The fleet report's pictures: latency histograms and the worst files' timelines (PNG)."""

from __future__ import annotations

import io
import logging
import statistics
from collections.abc import Mapping, Sequence
from pathlib import Path

from daemon.errors import CabinError
from daemon.reports.mpl import figure_class

_LOG = logging.getLogger(__name__)
HISTOGRAMS = ("voice_to_voice_ms", "reply_latency_ms", "eou_delay_ms", "asr_final_ms",
              "tts_first_ms", "llm_first_token_ms")
"""The latency metrics drawn (daemon/reports/metrics.py), in this order, when the logs have them."""
MAX_PLOTS = 4
"""Histograms side by side, at most (metrics whose values are all the same are skipped)."""


def latency_histograms(latencies_ms: Mapping[str, Sequence[float]]) -> bytes | None:
    """A histogram per metric of `HISTOGRAMS` that varies in `latencies_ms` (every turn's value,
    ms; `MAX_PLOTS` at most), its median marked, as PNG bytes; None when there is none."""
    names = [n for n in HISTOGRAMS if len(set(latencies_ms.get(n, ()))) > 1][:MAX_PLOTS]
    if not names:
        return None
    Figure = figure_class()  # noqa: N806  # a class
    fig = Figure(figsize=(4.2 * len(names), 3.2), dpi=100, layout="constrained")
    axes = fig.subplots(1, len(names), squeeze=False)[0]
    for ax, name in zip(axes, names, strict=True):
        values = list(latencies_ms[name])
        ax.hist(values, bins=min(30, max(5, len(values) // 3)), color="#4c78a8")
        median = statistics.median(values)
        ax.axvline(median, color="#e45756", linewidth=1.2, label=f"median {median:.0f} ms")
        ax.set_title(name, fontsize=10)
        ax.set_xlabel("ms")
        ax.set_ylabel("turns")
        ax.legend(fontsize=8)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def timeline(rows: Sequence[Mapping[str, object]], wav: Path, out: Path) -> Path | None:
    """The replay's timeline (`cabin replay --plot`) into `out`; None when it cannot be drawn
    (no turn, the recording gone), logged."""
    from daemon.reports.plot import plot_replay

    try:
        return plot_replay(rows, wav, out)
    except (CabinError, OSError) as exc:
        _LOG.info("no timeline for %s: %s", wav.name, exc)
        return None
