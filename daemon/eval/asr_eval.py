"""ASR word error rate on transcribed real recordings: clean and in car noise, front end on/off,
open vocabulary or biased towards the vehicle vocabulary."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from tqdm import tqdm

from daemon.audio.frontend import FrontEndSettings
from daemon.eval.common import (
    EvalItem,
    Report,
    WerCounter,
    fmt,
    load_audio,
    mix_noise,
    pad,
    snr_name,
)
from daemon.eval.models import EvalModels

_LOG = logging.getLogger(__name__)

WER_MARGIN_POINTS = 3.0


def evaluate(models: EvalModels, items: Sequence[EvalItem], *, noise_path: Path,
             snrs: Sequence[float | None], fe: dict[str, FrontEndSettings],
             biasing: Sequence[bool] = (False,), seed: int = 0) -> Report:
    """WER per condition (SNR x front end x biasing); fills a report."""
    noise = load_audio(noise_path)
    report = Report("asr")
    conditions = [(snr, name, b) for snr in snrs for name in fe for b in biasing]
    results: dict[str, dict[str, object]] = {}
    examples: dict[str, list[dict[str, str]]] = {}
    bar = tqdm(total=len(conditions) * len(items), desc="asr WER", unit="utt")
    for snr, fe_name, biased in conditions:
        rng = np.random.default_rng(seed)
        counter = WerCounter()
        key = f"{snr_name(snr)}|fe={fe_name}|bias={'on' if biased else 'off'}"
        worst: list[dict[str, str]] = []
        for item in items:
            audio = mix_noise(pad(load_audio(item.path), 0.3, 0.3), noise, snr, rng)
            audio = models.front_end(fe[fe_name]).process_all(audio)
            hyp = models.transcribe(audio, biased=biased)
            if counter.add(item.label, hyp):
                worst.append({"file": item.path.name, "ref": item.label, "hyp": hyp})
            bar.update()
        results[key] = {"snr": snr_name(snr), "frontend": fe_name, "biasing": biased,
                        "utterances": len(items), "words": counter.words,
                        "errors": counter.errors, "wer_pct": counter.wer_pct}
        examples[key] = worst[:8]
    bar.close()
    report.results["wer"] = results
    report.results["errors_sample"] = examples
    report.rows.append(["condition", "frontend", "biasing", "words", "errors", "WER %"])
    for r in results.values():
        report.rows.append([str(r["snr"]), str(r["frontend"]), "on" if r["biasing"] else "off",
                            str(r["words"]), str(r["errors"]), fmt(float(str(r["wer_pct"])))])
    _check(results, report)
    return report


def _check(results: dict[str, dict[str, object]], report: Report) -> None:
    def wer(snr: str, fe_name: str) -> float | None:
        for r in results.values():
            if r["snr"] == snr and r["frontend"] == fe_name and not r["biasing"]:
                return float(str(r["wer_pct"]))
        return None

    clean = wer("clean", "off")
    noisy = wer("10dB", "on")
    if clean is not None and noisy is not None:
        report.checks[f"WER at 10 dB (front end on) within {WER_MARGIN_POINTS:g} points of clean "
                      f"(front end off): {noisy:.1f}% vs {clean:.1f}%"] = (
            noisy - clean <= WER_MARGIN_POINTS)
