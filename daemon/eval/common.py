"""Shared pieces of `cabin eval`: labelled list files, metrics, audio, reports.

A list file (tools/eval_sets/*.tsv) has a header line and one row per recording:
``path<TAB>label<TAB>kind``; relative paths are relative to the list file's directory. The label
is the transcript (ASR), the wake word (wake positives, e.g. ``hey jarvis``) or ``-`` (negatives).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from daemon.audio import mix
from daemon.audio.wavio import read_wav

_LOG = logging.getLogger(__name__)
RATE_HZ = 16000
Int16Array = npt.NDArray[np.int16]


@dataclass(frozen=True)
class EvalItem:
    """One labelled recording.

    Attributes:
        path: the WAV file (any PCM rate; resampled to 16 kHz on load).
        label: transcript, wake word, or ``-``.
        kind: free-form category (``speech``, ``wakeword-positive``, ...).
    """

    path: Path
    label: str
    kind: str = ""


def read_list(path: Path) -> list[EvalItem]:
    """Read a list file (see the module docstring); `#` lines and the header are skipped."""
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("path\t"):
            continue
        cells = line.split("\t")
        wav = Path(cells[0])
        items.append(EvalItem(wav if wav.is_absolute() else (path.parent / wav).resolve(),
                              cells[1] if len(cells) > 1 else "-",
                              cells[2] if len(cells) > 2 else ""))
    return items


def write_list(path: Path, items: Iterable[EvalItem], header_comment: str = "") -> None:
    """Write a list file with paths relative to its directory when possible."""
    lines = [f"# {line}" for line in header_comment.splitlines()] + ["path\tlabel\tkind"]
    for item in items:
        rel = Path(_relpath(item.path, path.parent))
        lines.append(f"{rel.as_posix()}\t{item.label}\t{item.kind}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _relpath(target: Path, base: Path) -> str:
    import os

    return os.path.relpath(target.resolve(), base.resolve())


def load_audio(path: Path) -> Int16Array:
    """A recording as 16 kHz mono int16 (converted when needed)."""
    return read_wav(path, expect_rate_hz=None, resample_to=RATE_HZ).samples


def normalize_words(text: str) -> list[str]:
    """Words for WER: lower case, digits as words' digits, punctuation and tags removed."""
    from daemon.understanding.numbers import words_to_digits

    text = re.sub(r"\[[^\]]*\]", " ", text.lower())
    text = words_to_digits(text.replace("-", " "))
    text = re.sub(r"(?<!\d)\.|\.(?!\d)", " ", text)
    text = re.sub(r"[^\w\s.']", " ", text).replace("'", "")
    return text.split()


def edit_distance(ref: Sequence[str], hyp: Sequence[str]) -> int:
    """Word-level Levenshtein distance (substitutions + deletions + insertions)."""
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h))
        prev = cur
    return prev[-1]


@dataclass
class WerCounter:
    """Accumulates word errors over a corpus (corpus WER = errors / reference words)."""

    errors: int = 0
    words: int = 0

    def add(self, reference: str, hypothesis: str) -> int:
        """Count one utterance; returns its errors."""
        ref, hyp = normalize_words(reference), normalize_words(hypothesis)
        errs = edit_distance(ref, hyp)
        self.errors += errs
        self.words += len(ref)
        return errs

    @property
    def wer_pct(self) -> float:
        """Word error rate, percent."""
        return 100.0 * self.errors / self.words if self.words else 0.0


def mix_noise(clean: Int16Array, noise: Int16Array, snr_db: float | None,
              rng: np.random.Generator) -> Int16Array:
    """`clean` with `noise` at `snr_db` dB (active speech level vs noise RMS); None = clean."""
    if snr_db is None:
        return clean
    result = mix.mix_at_snr(mix.to_float(clean), mix.to_float(noise), snr_db, rng)
    return mix.to_int16(result.mix)


def pad(samples: Int16Array, before_s: float, after_s: float) -> Int16Array:
    """`samples` with silence before and after, seconds."""
    return np.concatenate([np.zeros(round(before_s * RATE_HZ), dtype=np.int16), samples,
                           np.zeros(round(after_s * RATE_HZ), dtype=np.int16)])


def snr_name(snr: float | None) -> str:
    """``clean`` or ``10dB``."""
    return "clean" if snr is None else f"{snr:g}dB"


@dataclass
class Report:
    """One component's results: a JSON-able dict plus table rows.

    Attributes:
        component: ``wake``, ``asr``, ``commands``, ``aec`` or ``endpoint``.
        results: the figures (JSON-able).
        rows: table rows, the first one the header.
        checks: target name -> passed.
    """

    component: str
    results: dict[str, object] = field(default_factory=dict)
    rows: list[list[str]] = field(default_factory=list)
    checks: dict[str, bool] = field(default_factory=dict)

    def table(self) -> str:
        """The rows as an aligned plain-text table, then the target checks."""
        if not self.rows:
            return f"== {self.component}: no results"
        widths = [max(len(r[i]) for r in self.rows if i < len(r))
                  for i in range(max(len(r) for r in self.rows))]
        lines = [f"== {self.component}"]
        for n, row in enumerate(self.rows):
            lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)))
            if n == 0:
                lines.append("  ".join("-" * w for w in widths))
        lines += [f"   target {name}: {'PASS' if ok else 'MISS'}"
                  for name, ok in self.checks.items()]
        return "\n".join(lines)


def save_reports(reports: Sequence[Report], out_dir: Path) -> Path:
    """Write eval.json and eval.txt in `out_dir`; returns the JSON path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    data = {r.component: {"results": r.results, "checks": r.checks} for r in reports}
    path = out_dir / "eval.json"
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    (out_dir / "eval.txt").write_text("\n\n".join(r.table() for r in reports) + "\n",
                                      encoding="utf-8")
    return path


def fmt(value: float, digits: int = 1) -> str:
    """A number for a table cell."""
    return f"{value:.{digits}f}"
