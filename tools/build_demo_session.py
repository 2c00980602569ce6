"""Build the recorded cabin session `make demo` replays: three spoken turns in real car noise.

Each turn is a real "hey jarvis" recording, a short pause and a command spoken by Piper; the
turns are several seconds apart and the real car-interior noise (NOISEX-92 Volvo) runs through
the whole session at 15 dB SNR. Writes the WAV and, beside it, a JSON sidecar with the expected
turns (times in s, text, expected tool call). Rebuilt only when its inputs change. Usage:

    python tools/build_demo_session.py --out build/demo/session.wav
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:  # run as `python tools/build_demo_session.py`
    sys.path.insert(0, str(REPO_ROOT))

from daemon.audio import mix  # noqa: E402 (after the sys.path fix above)
from daemon.audio.wavio import write_wav  # noqa: E402
from tools.build_command_set import (  # noqa: E402
    BUILD_VERSION,
    DEFAULT_SHARED,
    LEAD_S,
    NOISE_REL,
    RATE_HZ,
    TRAIL_S,
    Command,
    Sources,
    Utterance,
    compose,
    load_commands,
)

DEFAULT_OUT = REPO_ROOT / "build" / "demo" / "session.wav"
DEMO_TEXTS = (
    "set the temperature to twenty one degrees",
    "open the driver window halfway",
    "how much range do I have",
)
"""The commands spoken, in order; each must be in tools/commands.yaml (its expected call)."""
DEMO_WAKE_CLIPS = (
    "audio/wakeword/positive/pymicro-wakeword-tests/hey_jarvis_3.wav",
    "audio/wakeword/positive/pymicro-wakeword-tests/hey_jarvis_3.wav",
    "audio/wakeword/positive/pymicro-wakeword-tests/hey_jarvis_3.wav",
)
"""One real wake recording per turn (each must pass the builder's oww:hey_jarvis >= 0.9 check).

Only two eligible recordings say "hey jarvis" (the others, Picovoice's, say just "jarvis"), and
hey_jarvis_2 scored 0.51 in the session's second turn, against the 0.5 threshold: under load a
replay missed it now and then (the soak and the demo end-to-end test failed on it). The demo
uses hey_jarvis_3 (0.98-0.99) for every turn; hey_jarvis_2 is still used by the other tests.
"""
SNR_DB = 15.0
"""Speech-to-car-noise ratio of the whole session, in dB."""
PAUSE_S = 0.4
"""Pause between the wake word and the command, in seconds."""
TURN_GAP_S = 7.0
"""Silence (noise only) from the end of one command to the next wake word, in seconds."""
LEAD_IN_S = 2.0
"""Noise before the first wake word, in seconds."""
TAIL_S = 4.0
"""Noise after the last command, in seconds (time for the last reply)."""


@dataclass(frozen=True)
class DemoTurn:
    """One turn of the session: which wake clip and which command."""

    wake_clip: str
    command: Command


def demo_turns(commands: Sequence[Command], eligible_clips: Sequence[str]) -> list[DemoTurn]:
    """The session's turns, with expected calls taken from `commands` by text."""
    by_text = {c.text: c for c in commands}
    missing = [t for t in DEMO_TEXTS if t not in by_text]
    bad_clips = [c for c in DEMO_WAKE_CLIPS if c not in eligible_clips]
    if missing or bad_clips:
        raise ValueError(f"demo texts not in commands.yaml: {missing}; "
                         f"wake clips not eligible: {bad_clips}")
    return [DemoTurn(w, by_text[t]) for w, t in zip(DEMO_WAKE_CLIPS, DEMO_TEXTS, strict=True)]


def session_hash(turns: Sequence[DemoTurn], seed: int, snr_db: float) -> str:
    """Fingerprint of everything that determines the session audio."""
    key = json.dumps({"turns": [[t.wake_clip, t.command.text] for t in turns], "seed": seed,
                      "snr": snr_db, "version": BUILD_VERSION, "noise": NOISE_REL,
                      "layout": [PAUSE_S, TURN_GAP_S, LEAD_IN_S, TAIL_S, LEAD_S, TRAIL_S]},
                     sort_keys=True)
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def assemble(utterances: Sequence[Utterance], turn_gap_s: float = TURN_GAP_S
             ) -> tuple[mix.FloatArray, list[dict[str, float]]]:
    """Join the turns' utterances into one clean track; returns it and each turn's times (s).

    Each utterance already carries `LEAD_S` s of room before and `TRAIL_S` s after its speech;
    `turn_gap_s` is the room from one utterance's speech to the next one's, s.
    """
    between = turn_gap_s - LEAD_S - TRAIL_S
    parts = [mix.silence(LEAD_IN_S - LEAD_S, RATE_HZ), *(u.signal for u in utterances),
             mix.silence(TAIL_S - TRAIL_S, RATE_HZ)]
    gaps = [0.0] + [between] * (len(utterances) - 1) + [0.0]
    track, spans = mix.concat_with_gaps(parts, gaps, RATE_HZ)
    times = []
    for utt, (start, _) in zip(utterances, spans[1:-1], strict=True):
        (w0, w1), (c0, c1) = utt.wake_span, utt.command_span
        times.append({k: round(mix.samples_to_seconds(start + v, RATE_HZ), 3) for k, v in
                      (("wake_start_s", w0), ("wake_end_s", w1), ("command_start_s", c0),
                       ("command_end_s", c1))})
    return track, times


def build_session(out: Path, sources: Sources, commands: Sequence[Command], seed: int = 0,
                  snr_db: float = SNR_DB) -> tuple[dict[str, Any], bool]:
    """Build the session WAV at `out` and its sidecar (``out`` with suffix .json).

    Returns the sidecar content and whether anything was written (False: already up to date).
    """
    turns = demo_turns(commands, sources.wake_clips)
    digest = session_hash(turns, seed, snr_db)
    sidecar = out.with_suffix(".json")
    if out.is_file() and sidecar.is_file():
        old: dict[str, Any] = json.loads(sidecar.read_text(encoding="utf-8"))
        if old.get("hash") == digest:
            return old, False
    utterances = [compose(sources.wake(t.wake_clip), sources.speak(t.command.text), PAUSE_S)
                  for t in tqdm(turns, desc="demo turns", unit="turn")]
    track, times = assemble(utterances)
    res = mix.mix_at_snr(track, sources.noise, snr_db, np.random.default_rng(seed), RATE_HZ)
    write_wav(out, mix.to_int16(res.mix), RATE_HZ)
    info = {"wav": out.name, "rate_hz": RATE_HZ, "duration_s": round(len(track) / RATE_HZ, 3),
            "snr_db": snr_db, **_levels(res), "noise": NOISE_REL, "seed": seed,
            "build_version": BUILD_VERSION, "hash": digest,
            "turns": [_turn_row(t, tm, sources.wake_labels[t.wake_clip])
                      for t, tm in zip(turns, times, strict=True)]}
    sidecar.write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return info, True


def _levels(res: mix.MixResult) -> dict[str, float]:
    """Measured levels of a mix: speech (dBFS), noise (dBFS), SNR (dB), anti-clip gain (dB)."""
    return {"measured_snr_db": round(mix.measured_snr_db(res.speech, res.noise), 2),
            "speech_dbfs": round(mix.active_level_dbfs(res.speech, RATE_HZ), 2),
            "noise_dbfs": round(mix.rms_dbfs(res.noise), 2),
            "headroom_db": round(res.headroom_db, 2)}


def _turn_row(turn: DemoTurn, times: dict[str, float], wake_label: str) -> dict[str, Any]:
    exp = turn.command.expected
    return {"wake_clip": turn.wake_clip, "wake_label": wake_label, **times,
            "text": turn.command.text, "id": turn.command.id,
            "expected": None if exp is None else {"tool": exp.tool, "args": exp.args}}


def main(argv: Sequence[str] | None = None) -> int:
    """Build the demo session and print a summary."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="session WAV to write")
    p.add_argument("--seed", type=int, default=0, help="seed of the noise offset")
    p.add_argument("--snr", type=float, default=SNR_DB, help="speech-to-noise ratio in dB")
    p.add_argument("--shared", type=Path, default=DEFAULT_SHARED,
                   help="shared data directory holding audio/ (default: ../shared)")
    args = p.parse_args(argv)
    started = time.perf_counter()
    info, written = build_session(args.out, Sources(args.shared), load_commands(), args.seed,
                                  args.snr)
    state = "written" if written else "up to date"
    print(f"{args.out} {state} ({time.perf_counter() - started:.1f} s): {info['duration_s']} s, "
          f"{len(info['turns'])} turns, speech {info['speech_dbfs']} dBFS, "
          f"SNR {info['measured_snr_db']} dB")
    for t in info["turns"]:
        print(f"  {t['wake_start_s']:6.2f} s wake, {t['command_start_s']:6.2f}-"
              f"{t['command_end_s']:6.2f} s {t['text']!r} -> {t['expected']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
