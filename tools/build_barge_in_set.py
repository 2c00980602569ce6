"""Build double-talk recordings for barge-in: the driver speaks over the assistant's reply.

Each file: a real "hey jarvis" recording, a Piper-spoken question ("how much range do I have")
whose reply lasts a few seconds, then -- while that reply is playing -- a real recorded sentence
(the Lombard GRID recordings in ../shared/audio) starting `--overlap-after` seconds after the
question ends; real car noise under everything. A JSONL manifest gives the ground-truth onset of
the interrupting speech, measured on the clean clip, so `barge_in_latency` can be computed from
the event log as (interrupted.t_ms - onset_ms).

Usage: python tools/build_barge_in_set.py [--out build/barge_in] [--snr 15] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from daemon.audio import mix  # noqa: E402 (after the path set-up above)
from daemon.audio.wavio import write_wav  # noqa: E402
from tools.build_command_set import DEFAULT_SHARED, RATE_HZ, Sources, load_speech  # noqa: E402

QUESTION = "how much range do I have"
WAKE_CLIP = "audio/wakeword/positive/pymicro-wakeword-tests/hey_jarvis_2.wav"
SPEECH_DIR = "audio/speech/lombard-grid"


def build_item(sources: Sources, question: mix.FloatArray, clip: Path, *, overlap_after_s: float,
               snr_db: float, seed: int) -> tuple[mix.FloatArray, dict[str, float]]:
    """One double-talk recording and its ground truth (seconds)."""
    wake = mix.normalize_to_dbfs(mix.trim_to_active(sources.wake(WAKE_CLIP), RATE_HZ),
                                 RATE_HZ, -26.0)
    talk = mix.normalize_to_dbfs(load_speech(clip), RATE_HZ, -24.0)
    head, _spans = mix.concat_with_gaps([mix.silence(1.0, RATE_HZ), wake, question], [0.0, 0.4],
                                        RATE_HZ)
    question_end = len(head) / RATE_HZ
    lead = mix.silence(overlap_after_s, RATE_HZ)
    clean = np.concatenate([head, lead, talk, mix.silence(3.0, RATE_HZ)])
    onset_in_clip = mix.active_span(talk, RATE_HZ)[0] / RATE_HZ
    rng = np.random.default_rng(seed)
    mixed = mix.mix_at_snr(clean, sources.noise, snr_db, rng).mix
    return mixed, {"question_end_s": round(question_end, 3),
                   "onset_s": round(question_end + overlap_after_s + onset_in_clip, 3)}


def main(argv: Sequence[str] | None = None) -> int:
    """Build the set and print a summary."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--out", type=Path, default=REPO / "build" / "barge_in")
    p.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    p.add_argument("--snr", type=float, default=15.0, help="speech-to-car-noise ratio, dB")
    p.add_argument("--overlap-after", type=float, default=2.0,
                   help="seconds from the end of the question to the interrupting speech")
    p.add_argument("--limit", type=int, default=None)
    args = p.parse_args(argv)
    sources = Sources(args.shared)
    question = mix.normalize_to_dbfs(sources.speak(QUESTION), RATE_HZ, -26.0)
    clips = sorted((args.shared / SPEECH_DIR).glob("*/*.wav"))[: args.limit]
    rows = []
    args.out.mkdir(parents=True, exist_ok=True)
    for i, clip in enumerate(clips):
        audio, truth = build_item(sources, question, clip, overlap_after_s=args.overlap_after,
                                  snr_db=args.snr, seed=i)
        path = args.out / f"barge_{i:02d}.wav"
        write_wav(path, mix.to_int16(audio), RATE_HZ)
        rows.append({"path": path.name, "interrupting_clip": str(clip.relative_to(args.shared)),
                     "snr_db": args.snr, **truth})
    with (args.out / "manifest.jsonl").open("w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in rows)
    print(f"{len(rows)} double-talk files in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
