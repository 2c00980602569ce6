"""Where the time of model-answered turns goes: replay files with one loaded model and print each
such turn's parts (end of utterance, decode overlap, first token, tokens, first audio).

    .venv/bin/python tools/llm_turns.py                 # the 18 barge-in files + the model set
    .venv/bin/python tools/llm_turns.py --barge-in 0 --config my.yaml

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
    v2v: list[float] = []
    print("file                     v2v   eou  decode+  first  total  new gen kind")
    for wav in files:
        result = asyncio.run(replay(_on_channel(config), wav, stages=stages, agent=agent))
        rows = [e.to_dict() for e in result.events]
        for metrics in turn_metrics(rows):
            value = metrics.values.get("llm_voice_to_voice_ms")
            if value is None:
                continue
            llm, out = _row(rows, metrics.turn, "llm"), _row(rows, metrics.turn, "audio_out")
            heard = _row(rows, metrics.turn, "transcript").get("text", "")
            latency, after = float(str(out["latency_ms"])), float(str(out["after_endpoint_ms"]))
            new = int(str(llm["prompt_tokens"])) - int(str(llm["cached_tokens"]))
            v2v.append(value)
            print(f"{wav.name:22s} {value:5.0f} {metrics.values.get('eou_delay_ms', 0):5.0f} "
                  f"{latency - after:7.0f} {float(str(llm['first_token_ms'])):6.0f} "
                  f"{float(str(llm['total_ms'])):6.0f} {new:4d} {llm['generated_tokens']!s:>3} "
                  f"{llm['kind']}  {heard!r}")
    if v2v:
        v2v.sort()
        print(f"LLM voice-to-voice: n {len(v2v)}, p50 {statistics.median(v2v):.0f} ms, "
              f"p95 {v2v[min(len(v2v) - 1, round(0.95 * (len(v2v) - 1)))]:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
