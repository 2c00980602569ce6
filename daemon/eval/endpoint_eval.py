"""Endpointing on real audio: how soon a complete command ends its turn after the last word, and
that an unfinished one ("set the temperature to" ... pause ... "twenty one degrees") is not cut
off inside the pause.

Complete commands: the built command set (Piper commands after real wake words, car noise).
Paused commands: a real "hey jarvis", the first half of a command, a pause, the second half
(Piper), built deterministically and cached under build/eval/endpoint/.
"""

from __future__ import annotations

import logging
import statistics
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from tqdm import tqdm

from daemon.audio import mix
from daemon.audio.frontend import FrontEndSettings
from daemon.eval.commands_eval import CommandItem
from daemon.eval.common import RATE_HZ, Report, fmt, load_audio, mix_noise
from daemon.eval.models import EvalModels
from daemon.eval.turn import run_turn
from daemon.hearing.endpoint import EndpointParams

_LOG = logging.getLogger(__name__)

COMPLETE_TARGET_MS = 300.0
PAUSE_S = 0.6

SPLIT_COMMANDS: tuple[tuple[str, str], ...] = (
    ("set the temperature to", "twenty one degrees"),
    ("open the driver window to", "fifty percent"),
    ("set the fan to", "level three"),
    ("turn the temperature down to", "eighteen"),
    ("set the passenger side to", "nineteen degrees"),
    ("turn on the", "air conditioning"),
    ("open the passenger window to", "a quarter of the way"),
    ("open the sunroof to", "halfway"),
    ("navigate to", "the nearest gas station"),
)
"""Commands spoken with a pause after an unfinished first half."""


def paused_utterances(models: EvalModels, wake_clip: Path, voice_dir: Path, cache: Path
                      ) -> list[tuple[str, np.ndarray, float, float]]:
    """(text, audio, pause start s, second half start s) per split command (cached)."""
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"paused-v3-{int(PAUSE_S * 1000)}ms-{wake_clip.stem}.npz"
    if not path.is_file():
        from daemon.audio.resample import resample
        from daemon.speaking.tts import PiperTts

        tts = PiperTts(voice_dir, variation=False)  # the same clips on every machine
        wake = mix.trim_to_active(mix.to_float(load_audio(wake_clip)), RATE_HZ)
        arrays = {}
        for i, (a, b) in enumerate(SPLIT_COMMANDS):
            parts = [mix.trim_to_active(mix.to_float(resample(tts.synthesize_all(t), tts.rate_hz,
                                                              RATE_HZ)), RATE_HZ) for t in (a, b)]
            parts = [mix.normalize_to_dbfs(p, RATE_HZ, -26.0) for p in [wake, *parts]]
            sig, spans = mix.concat_with_gaps(parts, [0.4, PAUSE_S], RATE_HZ)
            sig = np.concatenate([np.zeros(RATE_HZ), sig, np.zeros(2 * RATE_HZ)])
            arrays[f"a{i}"] = sig.astype(np.float32)
            arrays[f"t{i}"] = np.array([(spans[1][1] + RATE_HZ) / RATE_HZ,
                                        (spans[2][0] + RATE_HZ) / RATE_HZ])
        np.savez_compressed(path, **arrays)  # type: ignore[arg-type]  # numpy stub kwargs
    data = np.load(path)
    return [(f"{a} ... {b}", mix.to_int16(data[f"a{i}"].astype(np.float64)),
             float(data[f"t{i}"][0]), float(data[f"t{i}"][1]))
            for i, (a, b) in enumerate(SPLIT_COMMANDS)]


def evaluate(models: EvalModels, *, complete: Sequence[CommandItem],
             paused: Sequence[tuple[str, np.ndarray, float, float]], noise_path: Path,
             fe: FrontEndSettings, params: EndpointParams, snrs: Sequence[float | None] = (None,
                                                                                        10.0)
             ) -> Report:
    """Endpoint delays (complete commands) and cut-offs (paused ones); fills a report."""
    report = Report("endpoint")
    noise = load_audio(noise_path)
    report.results["params"] = {"silence_s": params.silence_s,
                                "complete_silence_s": params.complete_silence_s,
                                "incomplete_silence_s": params.incomplete_silence_s}
    report.rows.append(["set", "condition", "n", "median ms", "p90 ms", "max ms", "ok"])
    delays: dict[str, list[float]] = {}
    bar = tqdm(total=len(complete) + len(paused) * len(snrs), desc="endpoint", unit="utt")
    for item in complete:
        audio = models.front_end(fe).process_all(load_audio(item.path))
        turn = run_turn(audio, models.wake_detector(), models.vad(), params,
                        partial_decoder=lambda a: models.transcribe(a, biased=True))
        if turn.wake is not None:
            delays.setdefault(item.condition, []).append(turn.end_ms - item.command_end_s * 1e3)
        bar.update()
    for cond, ds in delays.items():
        ds.sort()
        ok = sum(d <= COMPLETE_TARGET_MS for d in ds)
        report.results[f"complete|{cond}"] = {"n": len(ds), "delays_ms": ds, "within": ok}
        report.rows.append(["complete", cond, str(len(ds)), fmt(statistics.median(ds), 0),
                            fmt(ds[int(0.9 * (len(ds) - 1))], 0), fmt(ds[-1], 0),
                            f"{ok}/{len(ds)} <= {COMPLETE_TARGET_MS:.0f} ms"])
    all_delays = sorted(d for ds in delays.values() for d in ds)
    if all_delays:
        med = statistics.median(all_delays)
        report.checks[f"complete command ends <= {COMPLETE_TARGET_MS:.0f} ms after the last word "
                      f"(median {med:.0f} ms, {sum(d <= COMPLETE_TARGET_MS for d in all_delays)}"
                      f"/{len(all_delays)} within)"] = med <= COMPLETE_TARGET_MS
    _paused(models, paused=paused, noise=noise, fe=fe, params=params, snrs=snrs, report=report,
            bar=bar)
    bar.close()
    return report


def _paused(models: EvalModels, *, paused: Sequence[tuple[str, np.ndarray, float, float]],
            noise: np.ndarray, fe: FrontEndSettings, params: EndpointParams,
            snrs: Sequence[float | None], report: Report, bar: tqdm) -> None:  # type: ignore[type-arg]
    cut_total = 0
    for snr in snrs:
        rng = np.random.default_rng(0)
        cut = 0
        details = []
        for text, audio, _pause_s, resume_s in paused:
            mic = models.front_end(fe).process_all(mix_noise(audio, noise, snr, rng))
            turn = run_turn(mic, models.wake_detector(), models.vad(), params,
                            partial_decoder=lambda a: models.transcribe(a, biased=True))
            early = turn.wake is None or turn.end_ms < resume_s * 1000.0
            cut += int(early)
            details.append({"text": text, "end_ms": turn.end_ms, "resume_ms": resume_s * 1e3,
                            "cut_off": early, "partials": [p[1] for p in turn.partials]})
            bar.update()
        name = "clean" if snr is None else f"{snr:g}dB"
        report.results[f"paused|{name}"] = details
        report.rows.append([f"paused {PAUSE_S * 1000:.0f} ms", name, str(len(paused)), "-", "-",
                            "-", f"{len(paused) - cut}/{len(paused)} not cut off"])
        cut_total += cut
    report.checks[f"unfinished command not cut off inside a {PAUSE_S * 1000:.0f} ms pause "
                  f"({cut_total} cut off)"] = cut_total == 0
