"""Speak the driver corpus: build/corpus_audio/<split>/<condition>/<id>.wav + manifest.jsonl.

Every item of ``build/corpus/<split>.jsonl`` (tools/build_corpus.py) is synthesised and laid out
exactly as tools/build_command_set.py lays out a command (its functions are used): a real
"hey jarvis" recording (the eligible clips taken in turn), a 0.3-0.5 s pause, the item's text,
1 s of room before and 1.5 s after, both speech parts at the same active level. Voices:

- held-out splits (heldout to heldout16): espeak-ng ``en-gb``, ``en-gb-scotland``, ``en-029``,
  ``en-us``, each ``+m3`` and ``+f3``, assigned round-robin by the item's position in its split;
- tune: Piper joe (models/piper-joe-medium) at length scales 1.0, 0.85 and 1.2, round-robin.
  Piper's sampled variation (its noise scales) is off so a rebuild gives the same samples;
  `daemon.speaking.tts.PiperTts` exposes only the length scale and variation on/off.

Conditions (the noise is placed relative to the driver's active speech level, as in
`daemon.audio.mix.mix_at_snr`; offsets seeded per item, the same for every condition):

- ``clean``: no noise;
- ``car10``: NOISEX-92 Volvo car interior at 10 dB;
- ``passenger``: real speech by other speakers (``PASSENGER_RELS``: LibriSpeech, speechbrain,
  LJSpeech, JFK, a three-speaker conversation from ../shared/audio/speech) joined in a seeded
  order and looped/trimmed to the file's length, its active level 10 dB below the driver's, plus
  the car noise at 10 dB;
- ``traffic0``: **an approximation of city traffic** (../shared/audio has no traffic recording):
  the car noise, NOISEX-92 babble 3 dB below it and synthetic low-frequency pass-by rumbles
  (`rumble`: 25-250 Hz noise under slow bell-shaped envelopes) at the car noise's level, the
  bed as a whole at 0 dB.

Each manifest row gives the nominal SNR, the measured broadband SNR (driver active level vs the
RMS of everything else) and the same in the 300-3400 Hz telephone speech band (an FFT band-pass
of both parts; the driver's active frames are those of the broadband signal), and the command's
end time (``command_end_s``). A file is rebuilt only when its inputs changed (a hash per file).

    .venv/bin/python tools/build_corpus_audio.py [--split heldout2 heldout] [--limit N]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from daemon.audio import mix  # noqa: E402
from daemon.audio.wavio import read_wav, write_wav  # noqa: E402
from tools.build_command_set import (  # noqa: E402
    DEFAULT_SHARED,
    GAP_RANGE_S,
    NOISE_REL,
    RATE_HZ,
    VOICE_DIR,
    Sources,
    Utterance,
    command_rngs,
    compose,
    load_speech,
    read_manifest,
    synthesize,
    write_manifest,
)

CORPUS_DIR = REPO_ROOT / "build" / "corpus"
OUT = REPO_ROOT / "build" / "corpus_audio"
MANIFEST_NAME = "manifest.jsonl"
BUILD_VERSION = "1"
"""Bump when a change here alters the audio that is written."""
SEED = 17
DEFAULT_SPLITS = ("heldout2", "heldout")
CONDITIONS = ("clean", "car10", "passenger", "traffic0")
NOMINAL_SNR_DB: dict[str, float | None] = {"clean": None, "car10": 10.0, "passenger": 10.0,
                                           "traffic0": 0.0}
"""The condition's SNR in dB: car noise (car10, passenger) or the traffic bed (traffic0)."""
ESPEAK_VOICES = tuple(f"{v}{s}" for v in ("en-gb", "en-gb-scotland", "en-029", "en-us")
                      for s in ("+m3", "+f3"))
PIPER_LENGTH_SCALES = (1.0, 0.85, 1.2)
PASSENGER_BELOW_DB = 10.0
"""The passenger's active speech level below the driver's, dB."""
BABBLE_BELOW_CAR_DB = 3.0
RUMBLE_BAND_HZ = (25.0, 250.0)
SPEECH_BAND_HZ = (300.0, 3400.0)
BABBLE_REL = "audio/noise/noisex92/babble.wav"
PASSENGER_RELS = (
    "audio/speech/picovoice-leopard/test_librispeech_1272-128104-0000.wav",
    "audio/speech/picovoice-leopard/diarization_test.wav",
    "audio/speech/speechbrain/spk1_snt1.wav",
    "audio/speech/speechbrain/spk1_snt2.wav",
    "audio/speech/speechbrain/spk1_snt3.wav",
    "audio/speech/speechbrain/spk1_snt4.wav",
    "audio/speech/speechbrain/spk1_snt5.wav",
    "audio/speech/speechbrain/LJ050-0131.wav",
    "audio/speech/whisper.cpp/jfk.wav",
)
"""Other speakers for the passenger condition (none of them says a car command)."""
PASSENGER_GAP_S = (0.2, 0.8)


# --- voices ------------------------------------------------------------------------------------

def voice_for(split: str, index: int) -> str:
    """The voice of the item at `index` of `split`: ``espeak:<v>`` or ``piper:joe@<length>``."""
    if split == "tune":
        return f"piper:joe@{PIPER_LENGTH_SCALES[index % len(PIPER_LENGTH_SCALES)]:g}"
    return f"espeak:{ESPEAK_VOICES[index % len(ESPEAK_VOICES)]}"


def speak_espeak(voice: str, text: str) -> mix.FloatArray:
    """`text` spoken by espeak-ng voice `voice` (e.g. ``en-gb+m3``) as floats at `RATE_HZ`.

    The text goes in on stdin so nothing in it is read as an option."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "speech.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-w", str(out)], input=text.encode(),
                       check=True, capture_output=True)
        return mix.to_float(read_wav(out, expect_rate_hz=None, resample_to=RATE_HZ).samples)


class Voices:
    """Synthesis for every voice name `voice_for` gives (Piper voices loaded on first use)."""

    def __init__(self, voice_dir: Path = VOICE_DIR) -> None:
        self._voice_dir = voice_dir
        self._piper: dict[float, Any] = {}

    def speak(self, voice: str, text: str) -> mix.FloatArray:
        engine, _, name = voice.partition(":")
        if engine == "espeak":
            return speak_espeak(name, text)
        length = float(name.partition("@")[2])
        if length not in self._piper:
            from daemon.speaking.tts import PiperTts

            self._piper[length] = PiperTts(self._voice_dir, length_scale=length,
                                           variation=False)
        return synthesize(self._piper[length], text)


# --- levels, bands and noise beds --------------------------------------------------------------

def bandpass(signal: mix.FloatArray, rate_hz: int, band: tuple[float, float]) -> mix.FloatArray:
    """`signal` with everything outside `band` (Hz) removed (FFT, brick wall)."""
    spectrum = np.fft.rfft(signal)
    freqs = np.fft.rfftfreq(len(signal), 1.0 / rate_hz)
    spectrum[(freqs < band[0]) | (freqs > band[1])] = 0.0
    return np.asarray(np.fft.irfft(spectrum, n=len(signal)), dtype=np.float64)


def snr_db(speech: mix.FloatArray, noise: mix.FloatArray, rate_hz: int = RATE_HZ,
           band: tuple[float, float] | None = None) -> float:
    """Active speech level of `speech` minus the RMS level of `noise`, dB; within `band` (Hz)
    when given. The active frames are always the broadband speech's (`mix.active_mask`)."""
    mask = mix.active_mask(speech, rate_hz)
    if band is not None:
        speech, noise = bandpass(speech, rate_hz, band), bandpass(noise, rate_hz, band)
    if not mask.any():
        return mix.SILENCE_DBFS
    level = mix.power_to_db(float(mix.frame_powers(speech, rate_hz)[mask].mean()))
    return level - mix.rms_dbfs(noise)


def at_level(signal: mix.FloatArray, target_dbfs: float, *, active: bool,
             rate_hz: int = RATE_HZ) -> mix.FloatArray:
    """`signal` scaled so its active speech level (`active`) or RMS is `target_dbfs` dBFS."""
    level = mix.active_level_dbfs(signal, rate_hz) if active else mix.rms_dbfs(signal)
    if level <= mix.SILENCE_DBFS:
        raise ValueError("cannot set the level of a silent signal")
    return mix.gain(signal, target_dbfs - level)


def passenger_bed(pool: Sequence[mix.FloatArray], length: int, rng: np.random.Generator,
                  rate_hz: int = RATE_HZ) -> mix.FloatArray:
    """`length` samples of other people talking: the clips of `pool` (trimmed to their speech,
    each at the same active level) in a seeded order with short pauses, looped as needed, from a
    seeded offset."""
    order = rng.permutation(len(pool))
    pieces: list[mix.FloatArray] = []
    total = 0
    cycle = sum(len(p) for p in pool) + len(pool) * mix.seconds_to_samples(
        PASSENGER_GAP_S[1], rate_hz)
    start = int(rng.integers(0, max(1, cycle)))
    k = 0
    while total < start + length:
        clip = pool[int(order[k % len(order)])]
        gap = mix.silence(float(rng.uniform(*PASSENGER_GAP_S)), rate_hz)
        pieces += [clip, gap]
        total += len(clip) + len(gap)
        k += 1
    return np.concatenate(pieces)[start:start + length].copy()


def rumble(length: int, rng: np.random.Generator, rate_hz: int = RATE_HZ) -> mix.FloatArray:
    """Synthetic pass-by rumble: low-frequency noise (`RUMBLE_BAND_HZ`) under bell-shaped
    envelopes (one vehicle about every 3 s, each 1-2.5 s wide), unit RMS."""
    t = np.arange(length) / rate_hz
    envelope = np.full(length, 0.15)
    for _ in range(max(1, round(length / rate_hz / 3.0))):
        centre, width = rng.uniform(0.0, t[-1] if length else 0.0), rng.uniform(1.0, 2.5)
        envelope += rng.uniform(0.5, 1.0) * np.exp(-0.5 * ((t - centre) / (width / 2)) ** 2)
    low = bandpass(rng.standard_normal(length), rate_hz, RUMBLE_BAND_HZ) * envelope
    rms = float(np.sqrt(np.mean(np.square(low)))) if length else 0.0
    return np.asarray(low / rms if rms > 0 else low, dtype=np.float64)


def traffic_bed(car: mix.FloatArray, babble: mix.FloatArray, length: int,
                rng: np.random.Generator) -> mix.FloatArray:
    """The traffic approximation (module docstring): car noise, babble `BABBLE_BELOW_CAR_DB`
    below it, pass-by rumble at the car noise's level; any overall level."""
    car_seg = at_level(mix.noise_segment(car, length, rng), -30.0, active=False)
    babble_seg = at_level(mix.noise_segment(babble, length, rng), -30.0 - BABBLE_BELOW_CAR_DB,
                          active=False)
    return car_seg + babble_seg + at_level(rumble(length, rng), -30.0, active=False)


@dataclass(frozen=True)
class Rendered:
    """One condition of an utterance: the mix and its measured levels (manifest fields)."""

    signal: mix.FloatArray
    levels: dict[str, Any]


def combine(driver: mix.FloatArray, others: Sequence[mix.FloatArray],
            rate_hz: int = RATE_HZ) -> tuple[mix.FloatArray, mix.FloatArray, float]:
    """driver + others, scaled down as a whole if it would clip; returns the mix, the
    interference as contained in it, and the scale in dB (0.0 or negative)."""
    noise = np.sum(others, axis=0) if others else np.zeros(len(driver))
    mixed = driver + noise
    peak = float(np.max(np.abs(mixed))) if len(mixed) else 0.0
    scale = min(1.0, mix.CLIP_LIMIT / peak) if peak > 0 else 1.0
    return mixed * scale, noise * scale, 20.0 * float(np.log10(scale))


class Beds(Protocol):
    """What the conditions are made of (`NoiseBeds` loads them from ../shared/audio)."""

    @property
    def car(self) -> mix.FloatArray: ...

    @property
    def babble(self) -> mix.FloatArray: ...

    @property
    def passengers(self) -> list[mix.FloatArray]: ...


def render_condition(utt: Utterance, condition: str, beds: Beds,
                     rng: np.random.Generator) -> Rendered:
    """The utterance in `condition` (`CONDITIONS`) and its measured levels."""
    driver = utt.signal
    level = mix.active_level_dbfs(driver, RATE_HZ)
    n = len(driver)
    nominal = NOMINAL_SNR_DB[condition]
    others: list[mix.FloatArray] = []
    passenger: mix.FloatArray | None = None
    if condition in ("car10", "passenger"):
        assert nominal is not None
        others.append(at_level(mix.noise_segment(beds.car, n, rng), level - nominal,
                               active=False))
    if condition == "passenger":
        passenger = at_level(passenger_bed(beds.passengers, n, rng), level - PASSENGER_BELOW_DB,
                             active=True)
        others.append(passenger)
    if condition == "traffic0":
        assert nominal is not None
        others.append(at_level(traffic_bed(beds.car, beds.babble, n, rng), level - nominal,
                               active=False))
    if condition not in NOMINAL_SNR_DB:
        raise ValueError(f"unknown condition {condition!r}")
    signal, noise, headroom = combine(driver, others)
    speech = driver * 10.0 ** (headroom / 20.0)
    levels: dict[str, Any] = {"snr_db": nominal, "headroom_db": round(headroom, 2),
                              "speech_dbfs": round(mix.active_level_dbfs(speech, RATE_HZ), 2),
                              "measured_snr_db": None, "band_snr_db": None,
                              "passenger_below_db": None}
    if others:
        levels["measured_snr_db"] = round(snr_db(speech, noise), 2)
        levels["band_snr_db"] = round(snr_db(speech, noise, band=SPEECH_BAND_HZ), 2)
    if passenger is not None:
        levels["passenger_below_db"] = round(
            level - mix.active_level_dbfs(passenger, RATE_HZ), 2)
    return Rendered(signal, levels)


class NoiseBeds:
    """The recordings the conditions are made of, loaded on first use from `shared`."""

    def __init__(self, shared: Path) -> None:
        self.shared = shared
        self._car: mix.FloatArray | None = None
        self._babble: mix.FloatArray | None = None
        self._passengers: list[mix.FloatArray] | None = None

    @property
    def car(self) -> mix.FloatArray:
        if self._car is None:
            self._car = load_speech(self.shared / NOISE_REL)
        return self._car

    @property
    def babble(self) -> mix.FloatArray:
        if self._babble is None:
            self._babble = load_speech(self.shared / BABBLE_REL)
        return self._babble

    @property
    def passengers(self) -> list[mix.FloatArray]:
        if self._passengers is None:
            self._passengers = [
                mix.normalize_to_dbfs(mix.trim_to_active(load_speech(self.shared / rel),
                                                         RATE_HZ), RATE_HZ, -26.0)
                for rel in PASSENGER_RELS]
        return self._passengers


# --- the build ---------------------------------------------------------------------------------

def pick(items: Sequence[Any], limit: int | None) -> list[Any]:
    """`limit` items spread evenly over `items` (all when None): deterministic, and covering
    every category of a split that lists its items grouped."""
    if limit is None or limit >= len(items):
        return list(items)
    step = len(items) / limit
    return [items[int(k * step)] for k in range(limit)]


def read_corpus_rows(split: str, corpus_dir: Path = CORPUS_DIR) -> list[dict[str, Any]]:
    """The rows of ``corpus_dir/<split>.jsonl``."""
    path = corpus_dir / f"{split}.jsonl"
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def file_hash(row: dict[str, Any], index: int, *, voice: str, wake_clip: str, condition: str,
              seed: int) -> str:
    """Fingerprint of everything that determines one output file."""
    key = json.dumps({"text": row["text"], "index": index, "voice": voice, "wake": wake_clip,
                      "condition": condition, "seed": seed, "version": BUILD_VERSION,
                      "passengers": PASSENGER_RELS, "noise": NOISE_REL, "babble": BABBLE_REL},
                     sort_keys=True)
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _seconds(samples: int) -> float:
    return round(mix.samples_to_seconds(samples, RATE_HZ), 3)


ITEM_FIELDS = ("id", "split", "text", "category", "expected", "ask", "source", "state",
               "tolerance")


def build_item(row: dict[str, Any], index: int, out: Path, *, conditions: Sequence[str],
               sources: Sources, voices: Voices, beds: NoiseBeds,
               existing: dict[str, dict[str, Any]], seed: int = SEED,
               ) -> tuple[list[dict[str, Any]], int]:
    """Build (or reuse) every condition of one corpus item; returns its rows and how many
    files were written. `index` is the item's position in its split (voice, wake clip, seeds)."""
    voice = voice_for(row["split"], index)
    wake_clip = sources.wake_clip_for(index)
    rows: list[dict[str, Any]] = []
    written = 0
    utt: Utterance | None = None
    for condition in conditions:
        rel = f"{condition}/{row['id']}.wav"
        digest = file_hash(row, index, voice=voice, wake_clip=wake_clip, condition=condition,
                           seed=seed)
        old = existing.get(rel)
        item = {k: row.get(k) for k in ITEM_FIELDS}
        if old is not None and old.get("hash") == digest and (out / rel).is_file():
            rows.append({**old, **item, "index": index})
            continue
        gap_rng, noise_rng = command_rngs(seed, index)
        if utt is None:
            utt = compose(sources.wake(wake_clip), voices.speak(voice, row["text"]),
                          float(gap_rng.uniform(*GAP_RANGE_S)))
        rendered = render_condition(utt, condition, beds, noise_rng)
        write_wav(out / rel, mix.to_int16(rendered.signal), RATE_HZ)
        rows.append({**item, "index": index, "path": rel, "condition": condition, "voice": voice,
                     "wake_clip": wake_clip, "wake_label": sources.wake_labels[wake_clip],
                     "wake_start_s": _seconds(utt.wake_span[0]),
                     "wake_end_s": _seconds(utt.wake_span[1]),
                     "command_start_s": _seconds(utt.command_span[0]),
                     "command_end_s": _seconds(utt.command_span[1]),
                     "duration_s": _seconds(len(utt.signal)), "rate_hz": RATE_HZ,
                     **rendered.levels, "seed": seed, "build_version": BUILD_VERSION,
                     "hash": digest})
        written += 1
    return rows, written


def build_split(split: str, out_root: Path = OUT, *, conditions: Sequence[str] = CONDITIONS,
                limit: int | None = None, shared: Path = DEFAULT_SHARED,
                corpus_dir: Path = CORPUS_DIR, seed: int = SEED,
                progress: Callable[[int], object] | None = None,
                ) -> tuple[list[dict[str, Any]], int]:
    """Build `split` into ``out_root/<split>``; the manifest keeps rows of files built before
    whose item is unchanged. Returns this run's rows and the number of files written."""
    out = out_root / split
    rows_in = read_corpus_rows(split, corpus_dir)
    indexed = pick(list(enumerate(rows_in)), limit)
    existing = read_manifest(out / MANIFEST_NAME)
    sources, voices, beds = Sources(shared), Voices(), NoiseBeds(shared)
    rows: list[dict[str, Any]] = []
    written = 0
    for index, row in indexed:
        new, n = build_item(row, index, out, conditions=conditions, sources=sources,
                            voices=voices, beds=beds, existing=existing, seed=seed)
        rows += new
        written += n
        if progress is not None:
            progress(len(conditions))
    done = {r["path"] for r in rows}
    texts = {r["id"]: r for r in rows_in}
    kept = [{**r, **{k: texts[r["id"]].get(k) for k in ITEM_FIELDS}}
            for p, r in existing.items() if p not in done and r.get("id") in texts
            and texts[r["id"]]["text"] == r.get("text") and (out / p).is_file()]
    write_manifest(out / MANIFEST_NAME, rows + kept)
    return rows, written


def main(argv: Sequence[str] | None = None) -> int:
    from tqdm import tqdm

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--split", nargs="+", default=list(DEFAULT_SPLITS),
                   help="corpus splits (default: heldout2 heldout; tune optional)")
    p.add_argument("--conditions", nargs="+", default=list(CONDITIONS), choices=CONDITIONS)
    p.add_argument("--limit", type=int, default=None,
                   help="N items per split, spread evenly over it (default: all)")
    p.add_argument("--out", type=Path, default=OUT)
    p.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    p.add_argument("--corpus", type=Path, default=CORPUS_DIR)
    p.add_argument("--seed", type=int, default=SEED)
    args = p.parse_args(argv)
    for split in args.split:
        if not (args.corpus / f"{split}.jsonl").is_file():
            print(f"{split}: no {args.corpus / split}.jsonl (run tools/build_corpus.py); skipped")
            continue
        count = len(pick(read_corpus_rows(split, args.corpus), args.limit))
        started = time.perf_counter()
        with tqdm(total=count * len(args.conditions), unit="file", desc=split) as bar:
            rows, written = build_split(split, args.out, conditions=args.conditions,
                                        limit=args.limit, shared=args.shared,
                                        corpus_dir=args.corpus, seed=args.seed,
                                        progress=bar.update)
        print(f"{split}: {len(rows)} files ({count} items x {len(args.conditions)} conditions) "
              f"in {args.out / split}: {written} written, {len(rows) - written} up to date, "
              f"{time.perf_counter() - started:.1f} s")
        for cond in args.conditions:
            snrs = [(r["measured_snr_db"], r["band_snr_db"]) for r in rows
                    if r["condition"] == cond and r["measured_snr_db"] is not None]
            if snrs:
                bb, band = zip(*snrs, strict=True)
                print(f"  {cond}: broadband SNR {np.mean(bb):.1f} dB "
                      f"({min(bb):.1f}..{max(bb):.1f}), 300-3400 Hz {np.mean(band):.1f} dB "
                      f"({min(band):.1f}..{max(band):.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
