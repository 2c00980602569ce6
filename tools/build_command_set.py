"""Build Cabin's spoken car-command test set: real "hey jarvis" + Piper command + real car noise.

For every command in tools/commands.yaml: a real "hey jarvis" recording (only clips whose
openWakeWord hey_jarvis score in ../shared/audio/MANIFEST.tsv is at least 0.9, taken in turn),
a 0.3-0.5 s pause, the command spoken by the Piper voice (22.05 kHz resampled to 16 kHz), with
1 s of room before and 1.5 s after. Both speech parts are normalised to the same active speech
level, then the real car-interior noise (NOISEX-92 Volvo) is mixed in at each SNR.

Writes DIR/snr{20,10,5}/cmd_XX.wav (DIR/clean/ for ``--snr clean``) and DIR/manifest.jsonl, one
JSON object per file, and DIR/labels.jsonl, the same set as a labelled manifest for scoring fleet
replays (docs/eval.md). A file is rebuilt only when its inputs (text, wake clip, SNR, seed, build
version) changed. Usage:

    python tools/build_command_set.py --snr 20 10 5 clean
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from tqdm import tqdm

from daemon.audio import mix
from daemon.audio.resample import resample
from daemon.audio.wavio import PIPELINE_RATE_HZ, read_wav, write_wav
from daemon.speaking.tts import PiperTts

REPO_ROOT = Path(__file__).resolve().parents[1]
COMMANDS_YAML = REPO_ROOT / "tools" / "commands.yaml"
DEFAULT_SHARED = REPO_ROOT.parent / "shared"
DEFAULT_OUT = REPO_ROOT / "build" / "commands"
VOICE_DIR = REPO_ROOT / "models" / "piper-joe-medium"
NOISE_REL = "audio/noise/noisex92/volvo_car_interior_dev.wav"
WAKE_REL = "audio/wakeword/positive"
MANIFEST_NAME = "manifest.jsonl"
LABELS_NAME = "labels.jsonl"
"""The set as a labelled manifest (daemon/eval/manifest.py): `cabin eval commands --manifest`
and `cabin replay ... --manifest` score fleet replays of it."""

BUILD_VERSION = "3"
"""Bump when a change here or in daemon/audio/mix.py alters the audio that is written."""
SPEECH_DBFS = -26.0
"""Active speech level of both the wake word and the command before noise, in dBFS."""
LEAD_S = 1.0
"""Room before the wake word, in seconds."""
TRAIL_S = 1.5
"""Room after the command, in seconds."""
GAP_RANGE_S = (0.3, 0.5)
"""Range of the pause between wake word and command, in seconds (drawn per command)."""
TRIM_MARGIN_S = 0.05
"""Silence kept around each trimmed speech part, in seconds (counted in the room and pause)."""
WAKE_MIN_SCORE = 0.9
WAKE_PHRASE = "hey jarvis"
"""Minimum openWakeWord hey_jarvis score (MANIFEST.tsv) for a clip to be used."""
WAKE_MODEL = "hey_jarvis"
RATE_HZ = PIPELINE_RATE_HZ

Snr = float | None
"""An SNR in dB, or None for the clean (no noise) variant."""


@dataclass(frozen=True)
class ExpectedCall:
    """The tool call a command should produce: the registry's tool name and its arguments."""

    tool: str
    args: dict[str, Any]


@dataclass(frozen=True)
class Command:
    """One entry of commands.yaml."""

    id: str
    text: str
    expected: ExpectedCall | None


@dataclass(frozen=True)
class Utterance:
    """Wake word + command on a silent background, with where each part's speech is.

    Attributes:
        signal: full-scale float samples at `RATE_HZ`.
        wake_span: (start, end) samples of the wake word speech.
        command_span: (start, end) samples of the command speech.
    """

    signal: mix.FloatArray
    wake_span: tuple[int, int]
    command_span: tuple[int, int]


def load_commands(path: Path = COMMANDS_YAML) -> list[Command]:
    """Read the command list from `path` (see tools/commands.yaml for the format)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = []
    for entry in data["commands"]:
        exp = entry["expected"]
        call = None if exp is None else ExpectedCall(str(exp["tool"]), dict(exp["args"]))
        out.append(Command(str(entry["id"]), str(entry["text"]), call))
    return out


def parse_oww_score(check: str, model: str = WAKE_MODEL) -> float | None:
    """The openWakeWord score for `model` in a MANIFEST ``wakeword_model_check`` cell, if any.

    The cell looks like ``oww:hey_jarvis=1.00 | mww:hey_jarvis``.
    """
    for part in check.split("|"):
        name, _, value = part.strip().removeprefix("oww:").partition("=")
        if part.strip().startswith("oww:") and name == model and value:
            return float(value)
    return None


def read_audio_manifest(shared: Path) -> dict[str, dict[str, str]]:
    """Rows of ``shared/audio/MANIFEST.tsv`` by path relative to `shared` (``audio/...``)."""
    lines = (shared / "audio" / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    rows = (dict(zip(header, line.split("\t"), strict=False)) for line in lines[1:] if line)
    return {f"audio/{row['file']}": row for row in rows}


def select_wake_clips(shared: Path, min_score: float = WAKE_MIN_SCORE) -> list[str]:
    """Paths (relative to `shared`) of positive clips scoring >= `min_score` for hey_jarvis.

    Sorted, so rotating through them is deterministic.
    """
    clips = []
    for rel, row in read_audio_manifest(shared).items():
        score = parse_oww_score(row.get("wakeword_model_check", ""))
        # The product's phrase is "hey jarvis": clips of "jarvis" alone are not positives
        # (hey_jarvis fires on some of them when clean, rarely in car noise).
        phrase = row.get("transcript_or_label", "").strip().lower() == WAKE_PHRASE
        if rel.startswith(WAKE_REL) and phrase and score is not None and score >= min_score:
            clips.append(rel)
    if not clips:
        raise RuntimeError(f"no wake clips with oww:{WAKE_MODEL} >= {min_score} in {shared}")
    return sorted(clips)


def parse_snr(text: str) -> Snr:
    """``"20"`` -> 20.0 dB; ``"clean"`` -> None."""
    return None if text.lower() == "clean" else float(text)


def condition_name(snr: Snr) -> str:
    """Output sub-directory for an SNR: ``snr20``, ``snr7.5`` or ``clean``."""
    return "clean" if snr is None else f"snr{snr:g}"


def load_speech(path: Path) -> mix.FloatArray:
    """A recording as full-scale floats at `RATE_HZ`."""
    return mix.to_float(read_wav(path, resample_to=RATE_HZ).samples)


def synthesize(tts: PiperTts, text: str) -> mix.FloatArray:
    """`text` spoken by Piper, resampled from the voice rate to `RATE_HZ`, as floats."""
    return mix.to_float(resample(tts.synthesize_all(text), tts.rate_hz, RATE_HZ))


def _speech_span(part: mix.FloatArray, offset: int) -> tuple[int, int]:
    first, end = mix.active_span(part, RATE_HZ)
    return offset + first, offset + end


def compose(wake: mix.FloatArray, command: mix.FloatArray, gap_s: float) -> Utterance:
    """Trim both parts to their speech, level them to `SPEECH_DBFS`, and join them.

    Layout, measured between the speech itself: `LEAD_S` s room, wake word, `gap_s` s pause,
    command, `TRAIL_S` s room.
    """
    parts = [mix.normalize_to_dbfs(mix.trim_to_active(p, RATE_HZ, TRIM_MARGIN_S), RATE_HZ,
                                   SPEECH_DBFS) for p in (wake, command)]
    lead, trail = (mix.silence(t - TRIM_MARGIN_S, RATE_HZ) for t in (LEAD_S, TRAIL_S))
    pause = max(0.0, gap_s - 2 * TRIM_MARGIN_S)
    joined, spans = mix.concat_with_gaps([lead, *parts, trail], [0.0, pause, 0.0], RATE_HZ)
    wake_span = _speech_span(parts[0], spans[1][0])
    return Utterance(joined, wake_span, _speech_span(parts[1], spans[2][0]))


def render(utt: Utterance, snr: Snr, noise: mix.FloatArray,
           rng: np.random.Generator) -> tuple[mix.FloatArray, dict[str, Any]]:
    """The utterance with noise at `snr` dB (or clean), and its measured levels."""
    if snr is None:
        peak = float(np.max(np.abs(utt.signal)))
        scale = min(1.0, mix.CLIP_LIMIT / peak) if peak > 0 else 1.0
        signal = utt.signal * scale
        return signal, {"speech_dbfs": round(mix.active_level_dbfs(signal, RATE_HZ), 2),
                        "noise_dbfs": None, "measured_snr_db": None,
                        "headroom_db": round(20 * float(np.log10(scale)), 2)}
    res = mix.mix_at_snr(utt.signal, noise, snr, rng, RATE_HZ)
    return res.mix, {"speech_dbfs": round(mix.active_level_dbfs(res.speech, RATE_HZ), 2),
                     "noise_dbfs": round(mix.rms_dbfs(res.noise), 2),
                     "measured_snr_db": round(mix.measured_snr_db(res.speech, res.noise), 2),
                     "headroom_db": round(res.headroom_db, 2)}


def item_hash(command: Command, index: int, wake_clip: str, snr: Snr, seed: int) -> str:
    """Fingerprint of everything that determines one output file."""
    key = json.dumps({"text": command.text, "index": index, "wake": wake_clip, "snr": snr,
                      "seed": seed, "version": BUILD_VERSION, "noise": NOISE_REL,
                      "voice": VOICE_DIR.name, "level": SPEECH_DBFS, "lead": LEAD_S,
                      "trail": TRAIL_S, "gap": GAP_RANGE_S,
                      "margin": TRIM_MARGIN_S}, sort_keys=True)
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _seconds(samples: int) -> float:
    return round(mix.samples_to_seconds(samples, RATE_HZ), 3)


@dataclass(frozen=True)
class BuildConfig:
    """What to build.

    Attributes:
        out: output directory.
        snrs: SNRs in dB (None = clean), one output sub-directory each.
        seed: seed of the pauses and noise offsets.
    """

    out: Path
    snrs: tuple[Snr, ...]
    seed: int


class Sources:
    """The inputs of a build, loaded on first use (Piper only if something must be built).

    `wake_clips` are the eligible wake recordings (paths relative to `shared`); `wake_labels`
    says what each one says according to MANIFEST.tsv ("hey jarvis", or just "jarvis").

    Args:
        shared: the shared data directory (holding ``audio/``).
        voice_dir: the Piper voice directory.
        variation: Piper's sampled variation (off: the same text gives the same samples; the
            tests build their audio that way so a run cannot differ from the last).
    """

    def __init__(self, shared: Path, voice_dir: Path = VOICE_DIR, *,
                 variation: bool = True) -> None:
        self.shared = shared
        self._variation = variation
        self.wake_clips = select_wake_clips(shared)
        labels = read_audio_manifest(shared)
        self.wake_labels = {c: labels[c].get("transcript_or_label", "") for c in self.wake_clips}
        self._voice_dir = voice_dir
        self._tts: PiperTts | None = None
        self._noise: mix.FloatArray | None = None
        self._wake: dict[str, mix.FloatArray] = {}

    @property
    def noise(self) -> mix.FloatArray:
        """The car noise recording as floats at `RATE_HZ`."""
        if self._noise is None:
            self._noise = load_speech(self.shared / NOISE_REL)
        return self._noise

    def wake(self, rel: str) -> mix.FloatArray:
        """A wake clip (path relative to `shared`) as floats at `RATE_HZ`."""
        if rel not in self._wake:
            self._wake[rel] = load_speech(self.shared / rel)
        return self._wake[rel]

    def speak(self, text: str) -> mix.FloatArray:
        """`text` spoken by the Piper voice at `RATE_HZ`."""
        if self._tts is None:
            self._tts = PiperTts(self._voice_dir, variation=self._variation)
        return synthesize(self._tts, text)

    def wake_clip_for(self, index: int) -> str:
        """The wake clip for the command at `index` (rotating through the eligible clips)."""
        return self.wake_clips[index % len(self.wake_clips)]


def command_rngs(seed: int, index: int) -> tuple[np.random.Generator, np.random.Generator]:
    """Independent generators for a command's pause length and its noise offset.

    The noise offset does not depend on the SNR, so all SNR variants share the same noise.
    """
    return np.random.default_rng([seed, index, 0]), np.random.default_rng([seed, index, 1])


def build_command(command: Command, index: int, cfg: BuildConfig, sources: Sources,
                  existing: dict[str, dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """Build (or reuse) every SNR variant of one command.

    A variant is reused when its WAV exists and `existing` (rows by path) has the same hash.
    Returns the variants' manifest rows and how many files were written.
    """
    wake_clip = sources.wake_clip_for(index)
    rows: list[dict[str, Any]] = []
    written = 0
    utt: Utterance | None = None
    for snr in cfg.snrs:
        rel = f"{condition_name(snr)}/{command.id}.wav"
        digest = item_hash(command, index, wake_clip, snr, cfg.seed)
        old = existing.get(rel)
        if old is not None and old.get("hash") == digest and (cfg.out / rel).is_file():
            rows.append({**old, "expected": _expected(command)})  # not in the audio's hash
            continue
        gap_rng, noise_rng = command_rngs(cfg.seed, index)
        if utt is None:
            gap_s = float(gap_rng.uniform(*GAP_RANGE_S))
            utt = compose(sources.wake(wake_clip), sources.speak(command.text), gap_s)
        signal, levels = render(utt, snr, sources.noise, noise_rng)
        write_wav(cfg.out / rel, mix.to_int16(signal), RATE_HZ)
        levels["wake_label"] = sources.wake_labels[wake_clip]
        rows.append(manifest_row(command, rel, snr, wake_clip=wake_clip, utt=utt,
                                 seed=cfg.seed, digest=digest, levels=levels))
        written += 1
    return rows, written


def _expected(command: Command) -> dict[str, Any] | None:
    """The manifest's ``expected``: the tool call the command should make, or None."""
    if command.expected is None:
        return None
    return {"tool": command.expected.tool, "args": command.expected.args}


def manifest_row(command: Command, rel: str, snr: Snr, *, wake_clip: str, utt: Utterance,
                 seed: int, digest: str, levels: dict[str, Any]) -> dict[str, Any]:
    """The manifest.jsonl object describing one written file (times in s, levels in dBFS).

    `levels` (measured levels, the wake clip's label) is merged in as is.
    """
    exp = _expected(command)
    return {"path": rel, "id": command.id, "text": command.text, "snr_db": snr,
            "wake_clip": wake_clip, "expected": exp,
            "wake_start_s": _seconds(utt.wake_span[0]), "wake_end_s": _seconds(utt.wake_span[1]),
            "command_start_s": _seconds(utt.command_span[0]),
            "command_end_s": _seconds(utt.command_span[1]),
            "duration_s": _seconds(len(utt.signal)), "rate_hz": RATE_HZ, **levels,
            "seed": seed, "build_version": BUILD_VERSION, "hash": digest}


def read_manifest(path: Path) -> dict[str, dict[str, Any]]:
    """Rows of an existing manifest.jsonl by their ``path``; empty if there is none."""
    if not path.is_file():
        return {}
    rows = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line)
    return {row["path"]: row for row in rows}


def write_manifest(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    """Write rows (sorted by path) as JSON lines, replacing the file atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".jsonl.tmp")
    ordered = sorted(rows, key=lambda r: str(r["path"]))
    text = "".join(json.dumps(r, sort_keys=True) + "\n" for r in ordered)
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def _still_valid(row: dict[str, Any], out: Path, commands: Sequence[Command]) -> bool:
    texts = {c.id: c.text for c in commands}
    return texts.get(row.get("id", "")) == row.get("text") and (out / row["path"]).is_file()


def build_set(commands: Sequence[Command], cfg: BuildConfig, sources: Sources, *,
              limit: int | None = None, progress: Callable[[int], object] | None = None,
              ) -> tuple[list[dict[str, Any]], int]:
    """Build the first `limit` (default all) commands at every SNR into `out`; update its manifest.

    Manifest rows of files not built in this run are kept while their command is still in
    `commands` with the same text. Returns this run's rows and how many files were written.
    """
    manifest = cfg.out / MANIFEST_NAME
    existing = read_manifest(manifest)
    rows: list[dict[str, Any]] = []
    written = 0
    for index, command in enumerate(commands[:limit]):
        new_rows, n = build_command(command, index, cfg, sources, existing)
        rows += new_rows
        written += n
        if progress is not None:
            progress(len(cfg.snrs))
    done = {r["path"] for r in rows}
    by_id = {c.id: c for c in commands}
    kept = [{**r, "expected": _expected(by_id[r["id"]])} for p, r in existing.items()
            if p not in done and _still_valid(r, cfg.out, commands)]
    write_manifest(manifest, rows + kept)
    write_labels(cfg.out / LABELS_NAME, rows + kept, cfg.out)
    return rows, written


def write_labels(path: Path, rows: Iterable[dict[str, Any]], out: Path) -> None:
    """Write the set's rows as a labelled manifest (category = SNR folder, transcript = text)."""
    from daemon.eval.manifest import from_command_set
    from daemon.eval.manifest import write_manifest as write_labelled

    ordered = sorted(rows, key=lambda r: str(r["path"]))
    write_labelled(path, from_command_set(ordered, out))


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    p.add_argument("--snr", nargs="+", default=["20", "10", "5"],
                   help="SNRs in dB, and/or 'clean' for no noise (default: 20 10 5)")
    p.add_argument("--seed", type=int, default=0, help="seed of pauses and noise offsets")
    p.add_argument("--shared", type=Path, default=DEFAULT_SHARED,
                   help="shared data directory holding audio/ (default: ../shared)")
    p.add_argument("--commands", type=Path, default=COMMANDS_YAML, help="command list (YAML)")
    p.add_argument("--limit", type=int, default=None, help="only the first N commands")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Build the set and print a summary."""
    args = parse_args(argv)
    cfg = BuildConfig(args.out, tuple(parse_snr(s) for s in args.snr), args.seed)
    commands = load_commands(args.commands)
    count = len(commands[: args.limit])
    sources = Sources(args.shared)
    started = time.perf_counter()
    with tqdm(total=count * len(cfg.snrs), unit="file", desc="commands") as bar:
        rows, written = build_set(commands, cfg, sources, limit=args.limit, progress=bar.update)
    measured = [r["measured_snr_db"] for r in rows if r["measured_snr_db"] is not None]
    print(f"{len(rows)} files ({count} commands x {len(cfg.snrs)} conditions) in {args.out}: "
          f"{written} written, {len(rows) - written} up to date, "
          f"{time.perf_counter() - started:.1f} s; {len(sources.wake_clips)} wake clips")
    if measured:
        print(f"measured SNR {min(measured):.2f}..{max(measured):.2f} dB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
