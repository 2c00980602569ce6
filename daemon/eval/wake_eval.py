"""Wake-word evaluation: false rejects on real positives, false accepts per hour on long negative
streams (noise + other speech + the assistant's own voice through the echo path).

Every wake word listens at once (as in the daemon), each at its configured threshold.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from tqdm import tqdm

from daemon.audio.frontend import FrontEndSettings
from daemon.eval.common import (
    RATE_HZ,
    EvalItem,
    Int16Array,
    Report,
    fmt,
    load_audio,
    mix_noise,
    pad,
    snr_name,
)
from daemon.eval.models import EvalModels
from daemon.eval.streams import NegativeStream, mix_stream

_LOG = logging.getLogger(__name__)

FRR_TARGET_PCT = 5.0
FA_TARGET_PER_H = 0.5
TARGET_SNR_DB = 10.0


def _model_for(label: str, models: EvalModels) -> str | None:
    for spec in models.wake_specs:
        if label == spec.phrase or (spec.phrase.startswith("hey ")
                                    and label == spec.phrase.removeprefix("hey ")):
            return spec.model
    return None


def frr(models: EvalModels, positives: Sequence[EvalItem], *, noise: Int16Array,
        snrs: Sequence[float | None], fe: dict[str, FrontEndSettings], report: Report,
        seed: int = 0) -> None:
    """False-reject rate per wake phrase, SNR and front-end setting; fills `report`."""
    items = [(it, _model_for(it.label, models)) for it in positives]
    items = [(it, m) for it, m in items if m is not None]
    det = models.wake_detector()
    results: dict[str, dict[str, object]] = {}
    bar = tqdm(total=len(items) * len(snrs) * len(fe), desc="wake FRR", unit="clip")
    for fe_name, settings in fe.items():
        for snr in snrs:
            rng = np.random.default_rng(seed)
            per_label: dict[str, list[int]] = {}
            for item, model in items:
                clip = pad(load_audio(item.path), 1.0, 1.5)
                audio = models.front_end(settings).process_all(mix_noise(clip, noise, snr, rng))
                det.reset()
                hits = [d for d in det.process(np.concatenate([audio, np.zeros(RATE_HZ, np.int16)]))
                        if d.name == model]
                stats = per_label.setdefault(item.label, [0, 0])
                stats[0] += 1
                stats[1] += 0 if hits else 1
                bar.update()
            for label, (n, missed) in per_label.items():
                key = f"{label}|{snr_name(snr)}|{fe_name}"
                results[key] = {"label": label, "snr": snr_name(snr), "frontend": fe_name,
                                "clips": n, "rejected": missed, "frr_pct": 100.0 * missed / n}
    bar.close()
    report.results["frr"] = results
    report.rows.append(["set", "snr", "frontend", "clips", "rejected", "FRR %"])
    for r in results.values():
        report.rows.append([str(r["label"]), str(r["snr"]), str(r["frontend"]), str(r["clips"]),
                            str(r["rejected"]), fmt(float(str(r["frr_pct"])))])
    _frr_check(results, report)


def _frr_check(results: dict[str, dict[str, object]], report: Report) -> None:
    target = [r for r in results.values() if r["snr"] == snr_name(TARGET_SNR_DB)
              and r["frontend"] == "on" and r["label"] in ("alexa", "hey jarvis")]
    if target:
        clips = sum(int(str(r["clips"])) for r in target)
        missed = sum(int(str(r["rejected"])) for r in target)
        pct = 100.0 * missed / clips
        report.results["frr_target_pct"] = pct
        report.checks[f"FRR <= {FRR_TARGET_PCT:g}% ('alexa'+'hey jarvis', 10 dB, front end on): "
                      f"{pct:.1f}% of {clips}"] = pct <= FRR_TARGET_PCT


def false_accepts(models: EvalModels, streams: Sequence[NegativeStream], *, noise: Int16Array,
                  snrs: Sequence[float], fe: dict[str, FrontEndSettings], report: Report,
                  seed: int = 0) -> None:
    """False accepts per hour of negative stream, per SNR and front-end setting."""
    hours = sum(s.seconds for s in streams) / 3600.0
    results: dict[str, dict[str, object]] = {}
    bar = tqdm(total=len(streams) * len(snrs) * len(fe), desc="wake FA/h", unit="stream")
    for fe_name, settings in fe.items():
        for snr in snrs:
            rng = np.random.default_rng(seed)
            fired: list[str] = []
            for stream in streams:
                mic, far = mix_stream(stream, noise, snr, rng)
                audio = models.front_end(settings).process_all(mic, far)
                det = models.wake_detector()
                fired += [f"{stream.name}@{d.t_ms / 1000:.1f}s:{d.name}:{d.score:.2f}"
                          for d in det.process(audio)]
                bar.update()
            key = f"{snr_name(snr)}|{fe_name}"
            by_word = {s.model: sum(f.split(":")[1] == s.model for f in fired)
                       for s in models.wake_specs}
            results[key] = {"snr": snr_name(snr), "frontend": fe_name, "hours": hours,
                            "false_accepts": len(fired), "fa_per_hour": len(fired) / hours,
                            "by_word": by_word, "where": fired}
    bar.close()
    report.results["fa"] = results
    report.rows.append(["negatives", "snr", "frontend", "minutes", "false accepts", "FA/h",
                        "by wake word"])
    for r in results.values():
        words = r["by_word"]
        assert isinstance(words, dict)
        report.rows.append(["streams", str(r["snr"]), str(r["frontend"]),
                            fmt(float(str(r["hours"])) * 60.0), str(r["false_accepts"]),
                            fmt(float(str(r["fa_per_hour"])), 2),
                            " ".join(f"{k.removeprefix('wake-')}={v}" for k, v in words.items())])
    on = [r for r in results.values() if r["frontend"] == "on"]
    if on:
        worst = max(float(str(r["fa_per_hour"])) for r in on)
        report.checks[f"FA <= {FA_TARGET_PER_H:g}/h on >= 30 min (front end on, worst SNR): "
                      f"{worst:.2f}/h on {hours * 60:.0f} min"] = (
            worst <= FA_TARGET_PER_H and hours >= 0.5)


def evaluate(models: EvalModels, *, positives: Sequence[EvalItem],
             streams: Sequence[NegativeStream], noise_path: Path,
             snrs: Sequence[float | None], fe: dict[str, FrontEndSettings]) -> Report:
    """The whole wake-word report."""
    report = Report("wake")
    report.results["thresholds"] = {s.model: s.threshold for s in models.wake_specs}
    noise = load_audio(noise_path)
    frr(models, positives, noise=noise, snrs=snrs, fe=fe, report=report)
    if streams:
        false_accepts(models, streams, noise=noise, snrs=[s for s in snrs if s is not None], fe=fe,
                      report=report)
    return report
