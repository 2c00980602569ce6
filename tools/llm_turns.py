"""Where the time of model-answered turns goes: replay files with one loaded model and print each
such turn's parts (end of utterance, decode overlap, first token, tokens, first audio).

    .venv/bin/python tools/llm_turns.py                 # the 18 barge-in files + the model set
    .venv/bin/python tools/llm_turns.py --barge-in 0 --config my.yaml
    .venv/bin/python tools/llm_turns.py --realtime --speculate both   # issue 21's A/B

``--realtime`` feeds each file at the speed of speech with turns running beside listening, as
in the car, so work started during the final silence (the transcript peek, `llm.speculate`)
overlaps it in wall time as it would live (a replay faster than real time leaves no silence to
overlap). ``--speculate both`` replays every file with `llm.speculate` off, then on, and prints
both summaries and their ratio.

Inputs are built by `make commands` (build/llm_commands) and tools/build_barge_in_set.py. The
figures are wall clock: run it on a quiet machine (docs/llm.md, "LLM-answered voice-to-voice").
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from daemon.bench.corpus import _on_channel, barge_files  # noqa: E402
from daemon.bench.memory import RssProbe, load_llm, load_measured  # noqa: E402
from daemon.config import load_config  # noqa: E402
from daemon.reports.metrics import turn_metrics  # noqa: E402
from daemon.runtime.replay import replay  # noqa: E402


def _row(rows: list[dict[str, object]], turn: int, kind: str) -> dict[str, object]:
    return next((r for r in rows if r["turn"] == turn and r["type"] == kind), {})


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--config", type=Path, default=REPO / "cabin.yaml")
    p.add_argument("--barge-in", type=int, default=18, help="barge-in files to replay")
    p.add_argument("--model-set", type=Path, default=REPO / "build" / "llm_commands" / "snr20")
    p.add_argument("--realtime", action="store_true", help="feed the audio in real time")
    p.add_argument("--speculate", choices=("config", "on", "off", "both"), default="config",
                   help="llm.speculate for the replays (both: off then on, per file)")
    args = p.parse_args()
    config = load_config(args.config)
    probe = RssProbe()
    stages = load_measured(config, probe)
    agent = load_llm(config, probe)
    if agent is None:
        print("the language model did not load (see the log)", file=sys.stderr)
        return 2
    files = [f.path for f in barge_files(REPO / "build" / "barge_in", args.barge_in)]
    files += sorted(args.model_set.glob("*.wav"))
    modes = {"config": [None], "on": [True], "off": [False], "both": [False, True]}[
        args.speculate]
    v2v: dict[bool | None, list[float]] = {m: [] for m in modes}
    print("file                   spec  v2v   eou  decode+  first  total  new gen kind")
    for wav, mode in ((w, m) for w in files for m in modes):
        run_config = _on_channel(config) if mode is None else _on_channel(config).model_copy(
            update={"llm": config.llm.model_copy(update={"speculate": mode})})
        result = asyncio.run(replay(run_config, wav, stages=stages, agent=agent,
                                    realtime=args.realtime))
        rows = [e.to_dict() for e in result.events]
        for metrics in turn_metrics(rows):
            value = metrics.values.get("llm_voice_to_voice_ms")
            if value is None:
                continue
            llm, out = _row(rows, metrics.turn, "llm"), _row(rows, metrics.turn, "audio_out")
            heard = _row(rows, metrics.turn, "transcript").get("text", "")
            latency, after = float(str(out["latency_ms"])), float(str(out["after_endpoint_ms"]))
            new = int(str(llm["prompt_tokens"])) - int(str(llm["cached_tokens"]))
            v2v[mode].append(value)
            shown = "-" if mode is None else ("on" if mode else "off")
            print(f"{wav.name:22s} {shown:4s} {value:5.0f} "
                  f"{metrics.values.get('eou_delay_ms', 0):5.0f} "
                  f"{latency - after:7.0f} {float(str(llm['first_token_ms'])):6.0f} "
                  f"{float(str(llm['total_ms'])):6.0f} {new:4d} {llm['generated_tokens']!s:>3} "
                  f"{llm['kind']}  {heard!r}")
    p50s = {}
    for mode, values in v2v.items():
        if values:
            values.sort()
            p50s[mode] = statistics.median(values)
            shown = "" if mode is None else f" (llm.speculate {'on' if mode else 'off'})"
            print(f"LLM voice-to-voice{shown}: n {len(values)}, p50 {p50s[mode]:.0f} ms, "
                  f"p95 {values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]:.0f} ms")
    if p50s.get(True) and p50s.get(False):
        print(f"p50 speculate on / off: {p50s[True] / p50s[False]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
