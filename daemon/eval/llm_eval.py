"""The language-model agent on text, with the fast path switched off (`cabin eval llm`).

Two sets: the command set's texts (tools/commands.yaml: expected tool and arguments, or null
for what the car cannot do) and tools/eval_sets/llm_cases.yaml (paraphrases, several actions
in a sentence, unsupported requests, ambiguous ones, follow-ups, small talk). Measured:

- tool-call accuracy: right tools AND exact arguments (defaults filled in by the registry);
  the expected kind (decline, clarify, say) for the rest; "model alone" counts the calls the
  model's first generation got right before the agent's checks, repairs and second tries;
- well-formed rate: local generations that parse in the output language;
- grounding violations: final calls with an argument the transcript and history do not state
  (daemon/llm/grounding.py, checked again here; must be 0);
- latency per answer p50/p95, ms per generated token, prompt tokens evaluated per request;
- the prompt-cache effect: first-token time and evaluated tokens with the system prompt cached
  (warm) and without (cold).

Writes build/eval/llm.json; returns a `Report` for the table.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from daemon.eval.common import Report, fmt
from daemon.llm.config import llm_threads, usable_cores
from daemon.llm.grammar import parse_output
from daemon.llm.grounding import ungrounded
from daemon.llm.router import Router
from daemon.llm.types import AgentAnswer, CancelToken, Message, PlannedCall
from vehicle_tools.errors import ToolError
from vehicle_tools.registry import Registry


@dataclass(frozen=True)
class Case:
    """One text to answer and what is expected."""

    id: str
    category: str
    text: str
    kind: str
    calls: tuple[tuple[PlannedCall, ...], ...] = ()
    history: tuple[Message, ...] = ()


def _calls(raw: Sequence[Mapping[str, Any]] | None) -> tuple[PlannedCall, ...]:
    return tuple(PlannedCall(c["tool"], dict(c.get("args") or {})) for c in raw or ())


def load_commands(path: Path) -> list[Case]:
    """tools/commands.yaml as cases (null expectation: decline)."""
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))["commands"]
    return [Case(r["id"], "command", r["text"], "calls" if r["expected"] else "decline",
                 (_calls([r["expected"]]),) if r["expected"] else ()) for r in rows]


def load_cases(path: Path) -> list[Case]:
    """tools/eval_sets/llm_cases.yaml (see its header)."""
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]
    out = []
    for r in rows:
        expect = r["expect"]
        options = (_calls(expect.get("calls")), *(_calls(o) for o in expect.get("or", ())))
        out.append(Case(r["id"], r["category"], r["text"], expect["kind"],
                        options if expect.get("calls") else (),
                        tuple(Message(m["role"], m["text"]) for m in r.get("history", ()))))
    return out


def _canonical(registry: Registry, call: PlannedCall) -> tuple[str, str] | None:
    try:
        _, args = registry.validate(call.name, call.args)
    except ToolError:
        return None
    return call.name, json.dumps(args.model_dump(mode="json"), sort_keys=True)


def correct(registry: Registry, case: Case, answer: AgentAnswer) -> bool:
    """Whether `answer` is what `case` expects (calls: same tools, same validated arguments)."""
    if answer.kind != case.kind:
        return False
    if case.kind != "calls":
        return True
    got = [_canonical(registry, c) for c in answer.calls]
    return any(got == [_canonical(registry, c) for c in option] for option in case.calls)


@dataclass
class _Stats:
    rows: list[dict[str, Any]] = field(default_factory=list)
    generations: int = 0
    well_formed: int = 0
    violations: int = 0


async def _answer(router: Router, text: str, history: Sequence[Message]) -> AgentAnswer:
    final: AgentAnswer | None = None
    async for item in router.answer(text, history, CancelToken()):
        if isinstance(item, AgentAnswer):
            final = item
    assert final is not None
    return final


def _run(router: Router, cases: Sequence[Case], stats: _Stats, set_name: str) -> None:
    registry = router.registry
    for case in cases:
        started = time.perf_counter()
        answer = asyncio.run(_answer(router, case.text, case.history))
        wall_ms = (time.perf_counter() - started) * 1000.0
        for gen in router.trace:
            stats.generations += 1
            stats.well_formed += int(not gen.truncated and parse_output(
                gen.text, router.checker.tools).kind != "malformed")
        first = parse_output(router.trace[0].text, router.checker.tools) if router.trace \
            else None
        raw_ok = case.kind == "calls" and first is not None and correct(
            registry, case, AgentAnswer("calls", first.calls))
        bad = {c.name: ungrounded(c, case.text, case.history, router.checker.tools)
               for c in answer.calls}
        stats.violations += sum(len(v) for v in bad.values())
        stats.rows.append({
            "set": set_name, "id": case.id, "category": case.category, "text": case.text,
            "expected_kind": case.kind, "kind": answer.kind, "text_said": answer.text,
            "calls": [{"tool": c.name, "args": dict(c.args)} for c in answer.calls],
            "raw": [g.text for g in router.trace], "ok": correct(registry, case, answer),
            "model_alone_ok": raw_ok,
            "ungrounded": {k: v for k, v in bad.items() if v}, "wall_ms": round(wall_ms, 1),
            "generated_tokens": sum(g.timing.generated_tokens for g in router.trace),
            "decode_ms": sum(g.timing.total_ms - g.timing.first_token_ms for g in router.trace),
            "prompt_tokens": router.trace[0].timing.prompt_tokens if router.trace else 0,
            "cached_tokens": router.trace[0].timing.cached_tokens if router.trace else 0,
            "first_token_ms": router.trace[0].timing.first_token_ms if router.trace else 0.0})


def _cache_effect(router: Router, texts: Sequence[str]) -> dict[str, float]:
    """First-token ms and evaluated prompt tokens, cold (no cached prefix) vs warm."""
    local = router.local
    assert local is not None
    cold, warm = [], []
    for text in texts:
        cold.append(local.generate(text, [], lambda: False, cold=True).timing)
        local.generate("hello", [], lambda: False)  # another request: only the prefix is reused
        warm.append(local.generate(text, [], lambda: False).timing)
    return {
        "requests": len(texts), "prefix_tokens": local.prefix_tokens,
        "cold_first_token_ms": statistics.median(t.first_token_ms for t in cold),
        "warm_first_token_ms": statistics.median(t.first_token_ms for t in warm),
        "cold_evaluated_tokens": statistics.median(t.prompt_tokens - t.cached_tokens
                                                   for t in cold),
        "warm_evaluated_tokens": statistics.median(t.prompt_tokens - t.cached_tokens
                                                   for t in warm),
        "load_ms": local.load_ms}


def _pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


def _summary(stats: _Stats) -> dict[str, Any]:
    rows = stats.rows
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        key = "commands (supported)" if r["set"] == "commands" and r["expected_kind"] == "calls" \
            else "commands (cannot do)" if r["set"] == "commands" else r["category"]
        groups.setdefault(key, []).append(r)
    decode = [r["decode_ms"] / max(1, r["generated_tokens"] - 1) for r in rows
              if r["generated_tokens"] > 1]
    return {
        "groups": {k: {"n": len(v), "correct": sum(r["ok"] for r in v),
                       "accuracy_pct": 100.0 * sum(r["ok"] for r in v) / len(v),
                       "model_alone_correct": sum(r["model_alone_ok"] for r in v),
                       "expecting_calls": sum(r["expected_kind"] == "calls" for r in v)}
                   for k, v in groups.items()},
        "well_formed_pct": 100.0 * stats.well_formed / max(1, stats.generations),
        "generations": stats.generations, "grounding_violations": stats.violations,
        "latency_ms_p50": _pct([r["wall_ms"] for r in rows], 0.5),
        "latency_ms_p95": _pct([r["wall_ms"] for r in rows], 0.95),
        "ms_per_generated_token": statistics.median(decode) if decode else 0.0,
        "generated_tokens_mean": statistics.mean(r["generated_tokens"] for r in rows),
        "prompt_tokens_mean": statistics.mean(r["prompt_tokens"] for r in rows),
        "evaluated_prompt_tokens_mean": statistics.mean(
            r["prompt_tokens"] - r["cached_tokens"] for r in rows),
    }


def evaluate(router: Router, commands: Sequence[Case], cases: Sequence[Case],
             out: Path, *, cache_texts: int = 3) -> Report:
    """Run both sets through `router` (loaded); writes `out` (llm.json)."""
    stats = _Stats()
    _run(router, commands, stats, "commands")
    _run(router, cases, stats, "cases")
    summary = _summary(stats)
    cache = _cache_effect(router, [c.text for c in commands[:cache_texts]])
    report = Report("llm")
    report.results = {"summary": summary, "prompt_cache": cache, "model": router.config.model,
                      "threads": llm_threads(router.config.threads, usable_cores()),
                      "failures": [r for r in stats.rows if not r["ok"]], "items": stats.rows}
    report.rows.append(["set", "n", "correct", "accuracy %", "model alone"])
    for name, g in summary["groups"].items():
        report.rows.append([name, str(g["n"]), str(g["correct"]), fmt(g["accuracy_pct"]),
                            f"{g['model_alone_correct']}/{g['expecting_calls']}"
                            if g["expecting_calls"] else "-"])
    report.rows.append(["well-formed generations %", str(summary["generations"]), "",
                        fmt(summary["well_formed_pct"])])
    report.rows.append(["grounding violations", "", str(summary["grounding_violations"]), ""])
    report.rows.append(["latency p50 / p95 ms", "", "",
                        f"{summary['latency_ms_p50']:.0f} / {summary['latency_ms_p95']:.0f}"])
    report.rows.append(["ms per generated token", "", "",
                        fmt(summary["ms_per_generated_token"])])
    report.rows.append(["prompt tokens evaluated, cold / warm", "", "",
                        f"{cache['cold_evaluated_tokens']:.0f} / "
                        f"{cache['warm_evaluated_tokens']:.0f}"])
    report.rows.append(["first token ms, cold / warm", "", "",
                        f"{cache['cold_first_token_ms']:.0f} / "
                        f"{cache['warm_first_token_ms']:.0f}"])
    report.checks["zero ungrounded argument values"] = summary["grounding_violations"] == 0
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report.results, indent=2, sort_keys=True) + "\n",
                   encoding="utf-8")
    return report
