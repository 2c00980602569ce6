"""``cabin eval manual``: answering questions from the owner's manual (docs/manual.md).

The question set (tools/eval_sets/manual_questions.yaml) has a ``tune`` split and fifteen
held-out splits (``heldout``; ``heldout2``, written before the tuning that followed the third
look at ``heldout``; ``heldout3``, written before the changes that followed heldout2's second
look; ``heldout4``, statements, terse phrasings and questions inside a sentence, written before
the routing changes that followed heldout3's first look; ``heldout5``, written on 2026-12-06 by
a helper session from the manual's text alone, before anything was measured on it;
``heldout6``, written the same way by another helper session, also before any measurement;
``heldout7``, written the same way by a third helper session, also before any measurement;
``heldout8``, written the same way by a fourth helper session, also before any measurement;
``heldout9``, written the same way by a fifth helper session, also before any measurement;
``heldout10``, written the same way by a sixth helper session, also before any measurement;
``heldout11``, written the same way by a seventh helper session, also before any measurement;
``heldout12``, written the same way by an eighth helper session, also before any measurement;
``heldout13``, written the same way by a ninth helper session, also before any measurement;
``heldout14``, written the same way by a tenth helper session, also before any measurement;
``heldout15``, written the same way by an eleventh helper session, also before any measurement),
each with manual questions (expected section and facts) and questions the manual does not cover;
``readings`` ask for live values and must stay with the vehicle tool. Reported per split: top-1
/ top-3 section, answers with every expected fact, answers grounded (of those answered: every
number, unit and name found in the section), questions the turn would route to the manual,
out-of-manual questions declined, and the wall-clock latency of retrieval + extraction. Also:
the index's build time and the memory it adds, and with ``--spoken N`` N questions spoken
through the whole pipeline (first audio).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from daemon.config import REPO_ROOT, CabinConfig

QUESTIONS = REPO_ROOT / "tools" / "eval_sets" / "manual_questions.yaml"
SPLITS = ("tune", "heldout", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6",
          "heldout7", "heldout8", "heldout9", "heldout10", "heldout11", "heldout12",
          "heldout13", "heldout14", "heldout15")
HELDOUT = ("heldout", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6", "heldout7",
           "heldout8", "heldout9", "heldout10", "heldout11", "heldout12", "heldout13",
           "heldout14", "heldout15")
"""Splits only ever reported as aggregates (no failures printed)."""


@dataclass(frozen=True)
class Question:
    """A manual question: its text, the section that answers it, the facts the answer needs."""

    text: str
    section: str
    facts: tuple[str, ...]


@dataclass(frozen=True)
class QuestionSet:
    """One split of the question set."""

    name: str
    manual: tuple[Question, ...]
    out_of_manual: tuple[str, ...]


def load_questions(path: Path = QUESTIONS) -> tuple[dict[str, QuestionSet], tuple[str, ...]]:
    """The splits by name, and the live-reading questions."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    splits = {}
    for name in SPLITS:
        part = data[name]
        splits[name] = QuestionSet(
            name, tuple(Question(q["q"], q["section"], tuple(str(f) for f in q["facts"]))
                        for q in part["manual"]), tuple(part["out_of_manual"]))
    return splits, tuple(data.get("readings", ()))


def _pct(n: int, total: int) -> float:
    return round(100.0 * n / total, 1) if total else 0.0


def _routed(text: str, answerer: Any) -> bool:
    """Whether the turn asks the manual about ``text`` and speaks its answer when it covers
    it (daemon/conversation/decide.py): a question asking for advice always; a question inside
    a sentence when the manual covers it, before the fast path; a question the fast path read
    only through free text (or gave up on) when the manual covers that text; another question
    for the manual when the fast path takes nothing from it."""
    from daemon.manual.route import for_the_manual, manual_first, yields_to_manual
    from daemon.understanding.intents import understander

    first = manual_first(text)
    if first == "always" or (first == "if_covered" and answerer.answer(text).covered):
        return True
    plan = understander().understand(text)
    if plan is None:
        return for_the_manual(text)
    free = yields_to_manual(text, [(c.tool, c.args) for c in plan.calls],
                            gave_up=plan.question is None and not plan.refusal)
    return bool(free) and answerer.answer(free).covered


def evaluate(answerer: Any, qs: QuestionSet, failures: list[str] | None) -> dict[str, Any]:
    """Score one split; appends a line per failure to ``failures`` when given."""
    from daemon.manual.grounding import ungrounded

    top1 = top3 = right = covered = grounded = routed = 0
    times: list[float] = []
    for q in qs.manual:
        got = [h.section.id for h in answerer.index.search(q.text, k=3)]
        answer = answerer.answer(q.text)
        times.append(answer.elapsed_ms)
        top1 += bool(got) and got[0] == q.section
        top3 += q.section in got
        has = answer.covered and all(f.lower() in answer.text.lower() for f in q.facts)
        right += has
        covered += answer.covered
        section = answerer.index.manual.get(answer.section_id) if answer.covered else None
        grounded += section is not None and not ungrounded(
            answer.text, f"{section.title}. {section.text}")
        routed += _routed(q.text, answerer)
        if failures is not None and not has:
            failures.append(f"{q.text!r}: want {q.section} {list(q.facts)}, got "
                            f"{answer.section_id or '-'} (top 3 {got}): {answer.text!r}")
    declined = 0
    for text in qs.out_of_manual:
        answer = answerer.answer(text)
        times.append(answer.elapsed_ms)
        declined += not answer.covered
        if failures is not None and answer.covered:
            failures.append(f"{text!r}: out of the manual, answered from "
                            f"{answer.section_id}: {answer.text!r}")
    n, m = len(qs.manual), len(qs.out_of_manual)
    return {"questions": n, "top1_pct": _pct(top1, n), "top3_pct": _pct(top3, n),
            "answer_right_pct": _pct(right, n), "grounded_pct": _pct(grounded, covered),
            "routed_pct": _pct(routed, n), "out_of_manual": m,
            "declined_pct": _pct(declined, m),
            "latency_ms_p50": round(statistics.median(times), 3),
            "latency_ms_max": round(max(times), 3)}


def readings_kept(answerer: Any, readings: Sequence[str]) -> dict[str, Any]:
    """How many live-reading questions stay with the vehicle tool (never the manual)."""
    kept = sum(not _routed(t, answerer) for t in readings)
    return {"readings": len(readings), "kept_by_tool_pct": _pct(kept, len(readings))}


_MEMORY_PROBE = """
import json, time
def rss():
    return int(open('/proc/self/statm').read().split()[1]) * 4096 / 1e6
import numpy, scipy.sparse, yaml, pydantic
before = rss()
from daemon.manual.config import ManualConfig
from daemon.manual.loader import load_answerer
t = time.perf_counter()
answerer = load_answerer(ManualConfig())
load_ms = (time.perf_counter() - t) * 1000
answerer.answer("how do I pair my phone")
print(json.dumps({"rss_added_mb": round(rss() - before, 1), "load_ms": round(load_ms, 1),
                  "build_ms": round(answerer.index.build_ms, 2)}))
"""


def memory() -> dict[str, Any]:
    """RSS added by importing bm25s and PyStemmer, parsing and indexing the manual, and one
    answer, in a fresh interpreter that already has numpy, scipy, yaml and pydantic (the
    daemon imports them anyway), MB; and the wall-clock load time, ms."""
    out = subprocess.run([sys.executable, "-c", _MEMORY_PROBE], cwd=REPO_ROOT, check=True,
                         capture_output=True, text=True, timeout=120)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _spoken(config: CabinConfig, qs: QuestionSet, count: int,
            show: bool) -> dict[str, Any]:
    """Replay ``count`` tune questions (spread over the split) spoken; their figures."""
    import tempfile

    from daemon.eval.manual_spoken import replay_questions, summary

    step = max(1, len(qs.manual) // count)
    chosen = list(qs.manual[::step][:count])
    with tempfile.TemporaryDirectory(prefix="cabin-manual-") as work:
        turns = replay_questions(config, [q.text for q in chosen], Path(work))
    if show:
        for turn in turns:
            print(f"[spoken] {turn.question!r} heard {turn.heard!r} -> {turn.section or '-'}, "
                  f"{turn.tool_calls} tool calls, first audio {turn.first_audio_ms} ms")
    return summary(turns, [q.section for q in chosen])


def table(results: dict[str, dict[str, Any]], extra: dict[str, Any]) -> str:
    """The figures as a text table."""
    keys = ("questions", "top1_pct", "top3_pct", "answer_right_pct", "grounded_pct",
            "routed_pct", "out_of_manual", "declined_pct", "latency_ms_p50", "latency_ms_max")
    lines = [f"{'split':10}" + "".join(f"{k:>17}" for k in keys)]
    for name, r in results.items():
        lines.append(f"{name:10}" + "".join(f"{r[k]:>17}" for k in keys))
    lines += [f"{k}: {v}" for k, v in extra.items()]
    return "\n".join(lines)


def run(split: str, json_path: Path | None, *, show_failures: bool = True,
        config: CabinConfig | None = None, path: Path = QUESTIONS,
        spoken: int = 0) -> dict[str, Any]:
    """Evaluate ``split`` (tune, heldout, heldout2 to heldout15 or all), print the table
    (and the tune split's failures, never a held-out split's), write the figures to ``json_path``.
    ``spoken`` > 0: also replay that many tune questions, spoken, through the pipeline
    (daemon/eval/manual_spoken.py)."""
    from daemon.manual.loader import load_answerer

    config = config or CabinConfig()
    answerer = load_answerer(config.manual)
    if answerer is None:
        raise SystemExit("manual.enabled is false: nothing to evaluate")
    splits, readings = load_questions(path)
    wanted = SPLITS if split == "all" else (split,)
    results: dict[str, dict[str, Any]] = {}
    for name in wanted:
        failures: list[str] | None = (
            [] if show_failures and name not in HELDOUT else None)
        results[name] = evaluate(answerer, splits[name], failures)
        for line in failures or ():
            print(f"[{name}] {line}")
    started = time.perf_counter()
    extra = {**readings_kept(answerer, readings), "sections": len(answerer.index.manual.sections),
             **memory(), "memory_probe_s": round(time.perf_counter() - started, 1)}
    if spoken > 0:
        extra.update(_spoken(config, splits["tune"], spoken, show_failures))
    print(table(results, extra))
    report = {"splits": results, **extra}
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return report


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m daemon.eval.manual_eval [--split ...]``: one split alone (``cabin eval
    manual --split`` passes these splits through, and runs every split otherwise)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m daemon.eval.manual_eval")
    parser.add_argument("--split", choices=[*SPLITS, "all"], default="all")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--no-failures", action="store_true")
    args = parser.parse_args(argv)
    run(args.split, args.json, show_failures=not args.no_failures)


if __name__ == "__main__":
    main()
