"""Replay recordings and compare the event logs of two code versions, timing aside.

A refactoring that must not change behaviour (e.g. the listener taken out of the pipeline,
issue 19) is checked by replaying the same WAVs before and after it and comparing the logs:
the same events, in the same order, with the same fields and values. Wall-clock fields
(`WALL_CLOCK_FIELDS`: latencies, processing times) always differ and are ignored; input-audio
times (``t_ms``, ``last_speech_ms``, ``played_ms`` ...) are ignored too unless
``--audio-times`` asks for them: a replay runs turns inline, so the listening side of the
timeline is the same every run, but Piper's sampled variation changes each reply's length by a
few per cent, and with it the times of whatever follows a reply.

    # before the change
    python tools/compare_event_logs.py replay build/commands build/demo/session.wav \
        --out /tmp/before [--config cabin.yaml] [--tree /path/to/other/checkout]
    # after it
    python tools/compare_event_logs.py replay build/commands build/demo/session.wav --out /tmp/after
    python tools/compare_event_logs.py compare /tmp/before /tmp/after [--audio-times]

`replay` runs one ``cabin replay WAV --events OUT.jsonl`` per file (``OUT/<name>.jsonl``, the
name made of the path below the directory given, ``/`` as ``__``); ``--tree`` replays the code
of another checkout (put first on ``PYTHONPATH``). `compare` exits 0 when every log of the first
directory has an equal counterpart in the second, 1 otherwise, and prints the first difference
of each file that differs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

WALL_CLOCK_FIELDS = frozenset({
    ("*", "latency_ms"), ("*", "processing_ms"), ("*", "tts_first_ms"),
    ("*", "after_endpoint_ms"), ("llm", "first_token_ms"), ("llm", "total_ms"),
})
"""(event type or ``*``, field) pairs measured on the wall clock: never compared."""
AUDIO_TIME_FIELDS = frozenset({
    ("*", "t_ms"), ("speech_end", "last_speech_ms"), ("interrupted", "played_ms"),
    ("interrupted", "total_ms"), ("playback_end", "played_ms"), ("audio_out", "duration_ms"),
})
"""(event type or ``*``, field) pairs in input-audio ms: compared with ``--audio-times``."""


def _drop(fields: frozenset[tuple[str, str]], kind: str, name: str) -> bool:
    return ("*", name) in fields or (kind, name) in fields


def normalise(row: dict[str, object], *, audio_times: bool) -> dict[str, object]:
    """One event without the fields that are not compared."""
    kind = str(row.get("type"))
    return {k: v for k, v in row.items()
            if not _drop(WALL_CLOCK_FIELDS, kind, k)
            and (audio_times or not _drop(AUDIO_TIME_FIELDS, kind, k))}


def read_log(path: Path, *, audio_times: bool) -> list[dict[str, object]]:
    """The normalised events of one JSONL log."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rows.append(normalise(json.loads(line), audio_times=audio_times))
    return rows


def first_difference(before: list[dict[str, object]], after: list[dict[str, object]]
                     ) -> str | None:
    """A description of where two normalised logs first differ; None when they are equal."""
    for i, (a, b) in enumerate(zip(before, after, strict=False)):
        if a != b:
            return f"event {i}: before {json.dumps(a)}\n{' ' * 10}after  {json.dumps(b)}"
    if len(before) != len(after):
        return f"{len(before)} events before, {len(after)} after"
    return None


def compare(before_dir: Path, after_dir: Path, *, audio_times: bool) -> int:
    """Compare each ``*.jsonl`` of `before_dir` with its namesake in `after_dir`; 0: all match."""
    names = sorted(p.name for p in before_dir.glob("*.jsonl"))
    if not names:
        print(f"no *.jsonl logs in {before_dir}")
        return 1
    differ = 0
    for name in names:
        other = after_dir / name
        if not other.is_file():
            print(f"{name}: missing in {after_dir}")
            differ += 1
            continue
        diff = first_difference(read_log(before_dir / name, audio_times=audio_times),
                                read_log(other, audio_times=audio_times))
        if diff is not None:
            print(f"{name}: differs\n  {diff}")
            differ += 1
    extra = sorted({p.name for p in after_dir.glob("*.jsonl")} - set(names))
    for name in extra:
        print(f"{name}: only in {after_dir}")
    what = "including audio times" if audio_times else "timing fields ignored"
    print(f"{len(names) - differ} of {len(names)} logs identical ({what})")
    return 0 if differ == 0 and not extra else 1


def wavs(inputs: list[Path]) -> list[tuple[str, Path]]:
    """(log name, WAV) of every input file, directories searched recursively."""
    found: list[tuple[str, Path]] = []
    for item in inputs:
        if item.is_dir():
            for wav in sorted(item.rglob("*.wav")):
                rel = wav.relative_to(item).with_suffix("")
                found.append((f"{item.name}__{'__'.join(rel.parts)}", wav))
        else:
            found.append((item.stem, item))
    return found


def replay_one(wav: Path, out: Path, config: Path | None, tree: Path | None) -> str | None:
    """``cabin replay WAV --events OUT``; returns the error output when it failed."""
    command = [sys.executable, "-c", "import sys; from daemon.cli import main; sys.exit(main())",
               "replay", str(wav.resolve()), "--events", str(out.resolve())]
    if config is not None:
        command += ["--config", str(config.resolve())]
    env = dict(os.environ)
    if tree is not None:  # `python -c` imports from its working directory first
        env["PYTHONPATH"] = os.pathsep.join(
            [str(tree.resolve()), *filter(None, [env.get("PYTHONPATH")])])
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False,
                          cwd=tree.resolve() if tree is not None else None)
    return None if done.returncode == 0 else (done.stderr or done.stdout)[-2000:]


def replay(inputs: list[Path], out_dir: Path, config: Path | None, tree: Path | None,
           jobs: int) -> int:
    """Replay every input into ``out_dir/<name>.jsonl``; 0 when all replays succeeded."""
    out_dir.mkdir(parents=True, exist_ok=True)
    todo = wavs(inputs)

    def run(item: tuple[str, Path]) -> tuple[str, str | None]:
        name, wav = item
        return name, replay_one(wav, out_dir / f"{name}.jsonl", config, tree)

    failed = 0
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for name, error in pool.map(run, todo):
            print(f"{name}: {'ok' if error is None else 'FAILED'}", flush=True)
            if error is not None:
                print(error)
                failed += 1
    print(f"replayed {len(todo) - failed} of {len(todo)} files into {out_dir}")
    return 0 if failed == 0 else 1


def main(argv: list[str] | None = None) -> int:
    """The command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    sub = parser.add_subparsers(dest="command", required=True)
    rp = sub.add_parser("replay", help="replay WAVs (files or directories) into OUT/*.jsonl")
    rp.add_argument("inputs", nargs="+", type=Path)
    rp.add_argument("--out", type=Path, required=True)
    rp.add_argument("--config", type=Path, default=None, help="passed to `cabin replay`")
    rp.add_argument("--tree", type=Path, default=None,
                    help="replay the code of this checkout (first on PYTHONPATH)")
    rp.add_argument("--jobs", type=int, default=1, help="replays run at once")
    cp = sub.add_parser("compare", help="compare BEFORE/*.jsonl with AFTER/*.jsonl")
    cp.add_argument("before", type=Path)
    cp.add_argument("after", type=Path)
    cp.add_argument("--audio-times", action="store_true",
                    help="also compare input-audio times (t_ms, last_speech_ms, played_ms ...)")
    args = parser.parse_args(argv)
    if args.command == "replay":
        return replay(args.inputs, args.out, args.config, args.tree, args.jobs)
    return compare(args.before, args.after, audio_times=args.audio_times)


if __name__ == "__main__":
    sys.exit(main())
