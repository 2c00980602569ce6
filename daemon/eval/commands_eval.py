"""Command accuracy on the built command set (build/commands/manifest.jsonl): front end -> wake
word -> VAD + endpointing -> ASR -> fast path (then, with ``--with-llm``, the language model for
what the fast path does not know), compared with the expected tool and arguments.
Also the command-set WER (biasing on vs off) and, on real audio, the endpoint delay."""

from __future__ import annotations

import asyncio
import json
import logging
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from daemon.audio.frontend import FrontEndSettings
from daemon.decide import Agent
from daemon.endpoint import EndpointParams
from daemon.eval.common import Int16Array, Report, WerCounter, fmt, load_audio
from daemon.eval.models import EvalModels
from daemon.eval.turn import run_turn
from daemon.intents import parse
from daemon.llm.types import AgentAnswer, CancelToken

_LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class CommandItem:
    """One row of the command set manifest."""

    path: Path
    text: str
    condition: str
    expected: dict[str, Any] | None
    command_end_s: float


def read_manifest(path: Path) -> list[CommandItem]:
    """The command set's manifest.jsonl (paths relative to its directory)."""
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        snr = row.get("snr_db")
        items.append(CommandItem(path.parent / row["path"], row["text"],
                                 "clean" if snr is None else f"{snr:g}dB", row.get("expected"),
                                 float(row["command_end_s"])))
    return items


def _matches(expected: dict[str, Any] | None, name: str | None, args: dict[str, object]) -> bool:
    if expected is None:
        return name is None
    if name != expected["tool"]:
        return False
    want = expected["args"]
    return all(args.get(k) == v or (isinstance(v, float) and args.get(k) == v)
               for k, v in want.items()) and set(args) <= set(want) | {"zone"}


def _decoder(models: EvalModels, biased: bool) -> Callable[[Int16Array], str]:
    return lambda audio: models.transcribe(audio, biased=biased)


Understand = Callable[[str], tuple[str, dict[str, object]] | None]
"""A transcript -> (tool, args) of its first call, or None (declined, asked back, nothing)."""


def final_answer(agent: Agent, text: str) -> AgentAnswer | None:
    """The model's final answer to ``text`` with no history (blocking: runs its own loop)."""

    async def ask() -> AgentAnswer | None:
        final = None
        async for item in agent.answer(text, (), CancelToken()):
            if isinstance(item, AgentAnswer):
                final = item
        return final

    return asyncio.run(ask())


def agent_understanding(agent: Agent) -> Understand:
    """What the language model makes of a transcript, as the daemon would run it."""

    def understand(text: str) -> tuple[str, dict[str, object]] | None:
        answer = final_answer(agent, text)
        if answer is None or answer.kind != "calls" or not answer.calls:
            return None
        return answer.calls[0].name, dict(answer.calls[0].args)

    return understand


def _intent(text: str, fallback: Understand | None) -> tuple[str, dict[str, object]] | None:
    """The fast path first; the language model (when given) for what it does not know."""
    parsed = parse(text) if text else None
    if parsed is not None:
        return parsed.name, dict(parsed.args)
    return fallback(text) if fallback is not None and text.strip() else None


def evaluate(models: EvalModels, items: Sequence[CommandItem], fe: FrontEndSettings,
             params: EndpointParams, biasing: Sequence[bool] = (True, False), *,
             fallback: Understand | None = None) -> Report:
    """Accuracy, WER and endpoint delay per condition and biasing; fills a report.

    `fallback`: what the language model understands of transcripts the fast path does not
    (None: the fast path alone).
    """
    report = Report("commands")
    results: dict[str, dict[str, object]] = {}
    failures: list[dict[str, object]] = []
    bar = tqdm(total=len(items) * len(biasing), desc="commands", unit="cmd")
    for biased in biasing:
        per: dict[str, dict[str, Any]] = {}
        for item in items:
            audio = models.front_end(fe).process_all(load_audio(item.path))
            turn = run_turn(audio, models.wake_detector(), models.vad(), params,
                            partial_decoder=_decoder(models, biased))
            text = models.transcribe(turn.utterance, biased=biased) if turn.wake else ""
            intent = _intent(text, fallback) if turn.wake else None
            ok = turn.wake is not None and _matches(
                item.expected, intent[0] if intent else None, intent[1] if intent else {})
            stats = per.setdefault(item.condition, {"n": 0, "ok": 0, "wake": 0,
                                                    "wer": WerCounter(), "delays": []})
            stats["n"] += 1
            stats["ok"] += int(ok)
            stats["wake"] += int(turn.wake is not None)
            stats["wer"].add(item.text, text)
            if turn.wake is not None:
                stats["delays"].append(turn.end_ms - item.command_end_s * 1000.0)
            if not ok:
                failures.append({"file": str(item.path.name), "condition": item.condition,
                                 "biasing": biased, "heard": text,
                                 "intent": None if intent is None else
                                 {"tool": intent[0], "args": intent[1]},
                                 "expected": item.expected})
            bar.update()
        for cond, st in per.items():
            delays = st["delays"] or [float("nan")]
            results[f"{cond}|bias={'on' if biased else 'off'}"] = {
                "condition": cond, "biasing": biased, "commands": st["n"],
                "woke": st["wake"], "correct": st["ok"], "accuracy_pct": 100.0 * st["ok"] / st["n"],
                "wer_pct": st["wer"].wer_pct, "endpoint_delay_ms_median": statistics.median(delays),
                "endpoint_delay_ms_max": max(delays)}
    bar.close()
    report.results["accuracy"] = results
    report.results["failures"] = failures[:40]
    report.results["frontend"] = fe.describe()
    report.rows.append(["condition", "biasing", "woke", "correct", "accuracy %", "WER %",
                        "endpoint delay median/max ms"])
    for r in results.values():
        report.rows.append([str(r["condition"]), "on" if r["biasing"] else "off",
                            f"{r['woke']}/{r['commands']}", str(r["correct"]),
                            fmt(float(str(r["accuracy_pct"]))), fmt(float(str(r["wer_pct"]))),
                            f"{float(str(r['endpoint_delay_ms_median'])):.0f}/"
                            f"{float(str(r['endpoint_delay_ms_max'])):.0f}"])
    _bias_check(results, report)
    return report


def _bias_check(results: dict[str, dict[str, object]], report: Report) -> None:
    def total(biased: bool) -> float | None:
        rows = [r for r in results.values() if r["biasing"] is biased]
        return statistics.mean(float(str(r["wer_pct"])) for r in rows) if rows else None

    on, off = total(True), total(False)
    if on is not None and off is not None:
        report.checks[f"biasing lowers command-set WER: {on:.1f}% vs {off:.1f}% open "
                      f"vocabulary (mean over conditions)"] = on < off
