"""Echo cancellation: ERLE in single talk and near-end recognition in double talk.

The far end is Piper speech (the assistant's replies), the echo is that speech through each real
room impulse response, scaled to -26 dBFS active level at the microphone. ERLE (echo return loss
enhancement, dB) = 10 log10(echo power in / residual power out), over the whole signal and after
the canceller converged (from `CONVERGED_S` on). Double talk: real transcribed speech (near end)
over the echo at 0 dB signal-to-echo ratio; the near end is transcribed clean, from the raw
microphone and from the front end output.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from scipy.signal import fftconvolve
from tqdm import tqdm

from daemon.audio import mix
from daemon.audio.frontend import FRAME_SAMPLES, FrontEndSettings
from daemon.eval.common import RATE_HZ, EvalItem, Int16Array, Report, WerCounter, fmt, load_audio
from daemon.eval.models import EvalModels
from daemon.eval.streams import REPLIES

_LOG = logging.getLogger(__name__)

CONVERGED_S = 5.0
ERLE_TARGET_DB = 25.0
ECHO_DBFS = -26.0


def erle_db(echo: Int16Array, residual: Int16Array, skip_s: float = 0.0) -> float:
    """10 log10(echo power / residual power) from `skip_s` s on, dB."""
    s = round(skip_s * RATE_HZ)
    n = min(len(echo), len(residual))
    e = float(np.sum(echo[s:n].astype(np.float64) ** 2))
    r = float(np.sum(residual[s:n].astype(np.float64) ** 2))
    return 10.0 * float(np.log10(max(e, 1.0) / max(r, 1.0)))


def far_end_speech(voice_dir: Path, cache: Path, *, previous: bool = False) -> Int16Array:
    """About 20 s of the assistant's replies at 16 kHz (cached); `previous`: other replies
    (those of an earlier drive, from which a warm-started canceller learned the echo path)."""
    path = cache / ("far-previous-v1.npy" if previous else "far-v1.npy")
    if not path.is_file():
        from daemon.audio.resample import resample
        from daemon.speaking.tts import PiperTts

        tts = PiperTts(voice_dir, variation=not previous)
        audio = tts.synthesize_all(" ".join(REPLIES[6:12] if previous else REPLIES[:6]))
        cache.mkdir(parents=True, exist_ok=True)
        np.save(path, resample(audio, tts.rate_hz, RATE_HZ))
    return np.asarray(np.load(path), dtype=np.int16)


def echo_of(far: Int16Array, rir_path: Path) -> Int16Array:
    """`far` through the room impulse response, at `ECHO_DBFS` active level."""
    rir = mix.to_float(load_audio(rir_path))
    heard = fftconvolve(mix.to_float(far), rir / float(np.max(np.abs(rir))))[:len(far)]
    return mix.to_int16(mix.normalize_to_dbfs(heard, RATE_HZ, ECHO_DBFS))


Canceller = Callable[[Int16Array, Int16Array], Int16Array]


def third_party(name: str, tail_ms: int) -> Canceller | None:
    """Other PyPI echo cancellers for the comparison (None when not installed)."""
    try:
        if name == "speexdsp-aec":
            from speexdsp_aec import SpeexAec

            aec = SpeexAec(RATE_HZ, 10, tail_ms)
            return lambda mic, far: np.frombuffer(aec.process(mic, far), dtype=np.int16)
        if name == "pyaec":
            from pyaec import Aec

            pa = Aec(FRAME_SAMPLES, tail_ms * 16, RATE_HZ, True)
            return lambda mic, far: np.concatenate([
                np.asarray(pa.cancel_echo(mic[i:i + FRAME_SAMPLES], far[i:i + FRAME_SAMPLES]),
                           dtype=np.int16) for i in range(0, len(mic) - FRAME_SAMPLES + 1,
                                                          FRAME_SAMPLES)])
    except ImportError:
        return None
    return None


def evaluate(models: EvalModels, *, rirs: Sequence[Path], near_items: Sequence[EvalItem],
             voice_dir: Path, cache: Path, fe: dict[str, FrontEndSettings],
             compare: Sequence[str] = ()) -> Report:
    """ERLE per RIR and canceller, then double talk; fills a report."""
    report = Report("aec")
    far = far_end_speech(voice_dir, cache)
    report.rows.append(["rir", "canceller", "ERLE all dB", f"ERLE >{CONVERGED_S:g}s dB"])
    erles: dict[str, dict[str, float]] = {}
    tail = next(iter(fe.values())).tail_ms
    cancellers: dict[str, Callable[[Path], Canceller | None]] = {
        f"cabin {name}": _cabin(models, s) for name, s in fe.items()}
    main = next(iter(fe))
    previous = far_end_speech(voice_dir, cache, previous=True)
    cancellers[f"cabin {main}, warm start"] = _warm(models, fe[main], previous)
    for name in compare:
        if third_party(name, tail) is not None:
            cancellers[name] = _other(name, tail)
    bar = tqdm(total=len(rirs) * len(cancellers) + len(near_items) * 3, desc="aec", unit="run")
    for rir in rirs:
        echo = echo_of(far, rir)
        for cname, make in cancellers.items():
            canceller = make(rir)
            assert canceller is not None
            out = canceller(echo, far)
            whole, conv = erle_db(echo, out), erle_db(echo, out, CONVERGED_S)
            erles[f"{rir.stem}|{cname}"] = {"erle_db": whole, "erle_converged_db": conv}
            report.rows.append([rir.stem, cname, fmt(whole), fmt(conv)])
            bar.update()
    report.results["erle"] = erles
    best = max((v["erle_converged_db"] for k, v in erles.items() if k.endswith(f"cabin {main}")),
               default=float("nan"))
    report.checks[f"ERLE >= {ERLE_TARGET_DB:g} dB single talk (converged, best RIR, cabin "
                  f"{main}): {best:.1f} dB"] = best >= ERLE_TARGET_DB
    warm = max((v["erle_db"] for k, v in erles.items()
                if k.endswith(f"cabin {main}, warm start")), default=float("nan"))
    report.checks[f"ERLE >= {ERLE_TARGET_DB:g} dB single talk from the first sample (warm "
                  f"start, best RIR, cabin {main}): {warm:.1f} dB"] = warm >= ERLE_TARGET_DB
    bar.total = len(rirs) * len(cancellers) + len(near_items) * 3 * len(rirs)
    for rir in rirs if near_items else []:
        _double_talk(models, far=far, echo=echo_of(far, rir), rir_name=rir.stem, items=near_items,
                     settings=fe[main], report=report, bar=bar)
    dt = report.results.get("double_talk", {})
    if isinstance(dt, dict) and dt:
        best_rir = max((k.split("|")[0] for k in erles if k.endswith(f"cabin {main}")),
                       key=lambda r: erles[f"{r}|cabin {main}"]["erle_converged_db"])
        res = dt[best_rir]
        clean, fe_wer, raw = (res[k]["wer_pct"] for k in ("near clean", "front end",
                                                         "mic (near+echo)"))
        report.checks[f"near end recognised in double talk ({best_rir}): WER {fe_wer:.1f}% "
                      f"after the front end vs {clean:.1f}% clean, {raw:.1f}% raw mic "
                      f"(pass: within 10 points of clean)"] = fe_wer <= clean + 10.0
    bar.close()
    return report


def _cabin(models: EvalModels, settings: FrontEndSettings
           ) -> Callable[[Path], Canceller | None]:
    return lambda _rir: lambda mic, far: models.front_end(settings).process_all(mic, far)


def _warm(models: EvalModels, settings: FrontEndSettings, previous: Int16Array
          ) -> Callable[[Path], Canceller | None]:
    """A front end primed with the echo path another front end learned from `previous` replies
    in the same room: what the daemon does from its second start on (frontend.echo_path_file)."""
    def make(rir: Path) -> Canceller:
        earlier = models.front_end(settings)
        earlier.process_all(echo_of(previous, rir), previous)
        learned = earlier.echo_path()

        def cancel(mic: Int16Array, far: Int16Array) -> Int16Array:
            fe = models.front_end(settings)
            if learned is not None:
                fe.prime(learned)
            return fe.process_all(mic, far)
        return cancel
    return make


def _other(name: str, tail_ms: int) -> Callable[[Path], Canceller | None]:
    return lambda _rir: third_party(name, tail_ms)


def _double_talk(models: EvalModels, *, far: Int16Array, echo: Int16Array, rir_name: str,
                 items: Sequence[EvalItem], settings: FrontEndSettings, report: Report,
                 bar: tqdm) -> None:  # type: ignore[type-arg]
    counters = {"near clean": WerCounter(), "mic (near+echo)": WerCounter(),
                "front end": WerCounter()}
    lead = round(CONVERGED_S * RATE_HZ)  # the canceller has converged on the echo path
    for item in items:
        near = mix.to_int16(mix.normalize_to_dbfs(mix.to_float(load_audio(item.path)), RATE_HZ,
                                                  ECHO_DBFS))
        n = lead + len(near)
        reps = -(-n // len(far))
        far_t, echo_t = np.tile(far, reps)[:n], np.tile(echo, reps)[:n]
        mic = echo_t.astype(np.int32)
        mic[lead:] += near
        mic16 = np.clip(mic, -32768, 32767).astype(np.int16)
        out = models.front_end(settings).process_all(mic16, far_t)
        for name, audio in (("near clean", near), ("mic (near+echo)", mic16[lead:]),
                            ("front end", out[lead:])):
            counters[name].add(item.label, models.transcribe(audio, biased=False))
            bar.update()
    dt = report.results.setdefault("double_talk", {})
    assert isinstance(dt, dict)
    dt[rir_name] = {k: {"wer_pct": c.wer_pct, "words": c.words} for k, c in counters.items()}
    for name, c in counters.items():
        report.rows.append([f"double talk {rir_name}", f"{name} WER %", fmt(c.wer_pct), ""])
