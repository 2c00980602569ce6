"""Command accuracy on the built command set (build/commands/manifest.jsonl): front end -> wake
word -> VAD + endpointing -> ASR -> fast path (then, with ``--with-llm``, the language model for
what the fast path does not know), compared with the expected tool and arguments.
Also the command-set WER (biasing on vs off) and, on real audio, the endpoint delay.

With a manifest (``--manifest``, daemon/eval/manifest.py) it scores any labelled set from the
event logs of a fleet replay instead (`evaluate_manifest`): accuracy by category, wrong-action
rate, WER and latency distributions, as the daemon ran them."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from daemon.audio.frontend import FrontEndSettings
from daemon.conversation.decide import Agent
from daemon.eval.common import Int16Array, Report, WerCounter, fmt, load_audio
from daemon.eval.manifest import ExpectedCall, LabelledFile
from daemon.eval.manifest import read_manifest as read_labelled
from daemon.eval.models import EvalModels
from daemon.eval.turn import run_turn
from daemon.events import read_jsonl
from daemon.fleet.summary import Call, FileSummary, read_index, summarize_file
from daemon.hearing.endpoint import EndpointParams
from daemon.llm.types import AgentAnswer, CancelToken
from daemon.reports.metrics import METRICS, Summary
from daemon.reports.metrics import summarize as summarize_ms
from daemon.understanding.intents import parse

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


# --- a labelled set scored from event logs (`cabin eval commands --manifest`, fleet report) ---

VERDICTS = ("correct", "wrong_action", "missed", "error", "no_log")
"""A file's verdict: its calls match; a call was made that was not asked for (or with other
arguments); fewer calls than asked, all right; its log is an error row; it has no log."""


@dataclass(frozen=True)
class FileScore:
    """One labelled file's verdict (`VERDICTS`) and its replay's summary (None: no log)."""

    item: LabelledFile
    verdict: str
    summary: FileSummary | None


def _same(want: object, got: object) -> bool:
    numbers = (int, float)
    if isinstance(want, numbers) and isinstance(got, numbers) \
            and not isinstance(want, bool) and not isinstance(got, bool):
        return abs(float(want) - float(got)) <= 1e-6
    return want == got


def call_matches(expected: ExpectedCall, call: Call) -> bool:
    """The same tool, and every listed argument the same (numbers to 1e-6)."""
    return expected.tool == call.tool and all(
        k in call.args and _same(v, call.args[k]) for k, v in expected.args.items())


def verdict(expected: Sequence[ExpectedCall], calls: Sequence[Call]) -> str:
    """``correct``, ``wrong_action`` (a call that does not match the expected one at its
    place, or one too many) or ``missed`` (the calls made are right but fewer)."""
    for n, call in enumerate(calls):
        if n >= len(expected) or not call_matches(expected[n], call):
            return "wrong_action"
    return "correct" if len(calls) == len(expected) else "missed"


def score(items: Sequence[LabelledFile],
          summaries: Mapping[str, FileSummary]) -> list[FileScore]:
    """Each item's verdict; `summaries` by the recording's resolved path."""
    out = []
    for item in items:
        s = summaries.get(str(item.file))
        if s is None or s.status == "missing":
            out.append(FileScore(item, "no_log", None))
        elif s.status == "error":
            out.append(FileScore(item, "error", s))
        else:
            out.append(FileScore(item, verdict(item.expected, s.calls), s))
    return out


def summaries_from_dir(items: Sequence[LabelledFile], events_dir: Path,
                       manifest_dir: Path) -> dict[str, FileSummary]:
    """The replays of `items` in a fleet's OUT: found through its summary.json, else at
    OUT/<file relative to the manifest>.jsonl, else OUT/<stem>.jsonl."""
    index = read_index(events_dir)
    found: dict[str, FileSummary] = {}
    for item in items:
        wav = str(item.file)
        candidates = [index[wav]] if wav in index else []
        with contextlib.suppress(ValueError):
            candidates.append(item.file.relative_to(manifest_dir.resolve()).with_suffix("")
                              .as_posix())
        candidates.append(item.file.stem)
        log = next((events_dir / f"{c}.jsonl" for c in candidates
                    if (events_dir / f"{c}.jsonl").is_file()), None)
        if log is None:
            continue
        try:
            rows: list[dict[str, object]] = read_jsonl(log)
        except (OSError, ValueError) as exc:
            _LOG.warning("%s", exc)
            rows = []
        found[wav] = summarize_file(log.stem, wav, rows)
    return found


@dataclass(frozen=True)
class CategoryScore:
    """The figures of one category (or ``all``): counts of each verdict, WER %, latencies."""

    category: str
    verdicts: Mapping[str, int]
    wer_pct: float | None
    voice_to_voice: Summary | None

    @property
    def scored(self) -> int:
        """Files with a log (``no_log`` ones are not scored)."""
        return sum(n for v, n in self.verdicts.items() if v != "no_log")

    def pct(self, verdict_name: str) -> float:
        """Share of the scored files with this verdict, percent."""
        return 100.0 * self.verdicts.get(verdict_name, 0) / self.scored if self.scored else 0.0


def categories(scores: Sequence[FileScore]) -> list[CategoryScore]:
    """One row per category, sorted, then ``all``."""
    groups: dict[str, list[FileScore]] = {}
    for s in scores:
        groups.setdefault(s.item.category, []).append(s)
    rows = [_category(name, group) for name, group in sorted(groups.items())]
    return [*rows, _category("all", list(scores))] if len(groups) > 1 else rows


def _category(name: str, scores: Sequence[FileScore]) -> CategoryScore:
    counts = {v: sum(s.verdict == v for s in scores) for v in VERDICTS}
    wer, any_text = WerCounter(), False
    v2v: list[float] = []
    for s in scores:
        if s.summary is None or s.verdict == "error":
            continue
        if s.item.transcript is not None:
            wer.add(s.item.transcript, s.summary.transcript)
            any_text = True
        v2v.extend(s.summary.latencies_ms.get("voice_to_voice_ms", ()))
    return CategoryScore(name, counts, wer.wer_pct if any_text else None, summarize_ms(v2v))


def latency_rows(summaries: Iterable[FileSummary]) -> list[list[str]]:
    """Table rows (header first) of every latency metric over all the files' turns, ms."""
    merged: dict[str, list[float]] = {}
    for s in summaries:
        for name, values in s.latencies_ms.items():
            merged.setdefault(name, []).extend(values)
    rows = [["metric (ms)", "turns", "p50", "p95", "mean", "max"]]
    for name in [m for m in METRICS if m in merged] + sorted(set(merged) - set(METRICS)):
        d = summarize_ms(merged[name])
        if d is not None:
            rows.append([name, str(d.n), f"{d.p50:.0f}", f"{d.p95:.0f}", f"{d.mean:.0f}",
                         f"{d.max:.0f}"])
    return rows


def category_rows(cats: Sequence[CategoryScore]) -> list[list[str]]:
    """Table rows (header first) of the per-category figures."""
    rows = [["category", "files", "correct %", "wrong action %", "missed", "errors", "no log",
             "WER %", "voice-to-voice p50/p95 ms"]]
    for c in cats:
        d = c.voice_to_voice
        rows.append([c.category, str(c.scored), fmt(c.pct("correct")), fmt(c.pct("wrong_action")),
                     str(c.verdicts["missed"]), str(c.verdicts["error"]), str(c.verdicts["no_log"]),
                     "-" if c.wer_pct is None else fmt(c.wer_pct),
                     "-" if d is None else f"{d.p50:.0f}/{d.p95:.0f}"])
    return rows


def manifest_report(scores: Sequence[FileScore]) -> Report:
    """The ``commands`` report of a labelled set scored from logs."""
    report = Report("commands")
    cats = categories(scores)
    report.rows = category_rows(cats)
    report.results["categories"] = {
        c.category: {"files": c.scored, **c.verdicts, "accuracy_pct": round(c.pct("correct"), 2),
                     "wrong_action_pct": round(c.pct("wrong_action"), 2),
                     "wer_pct": None if c.wer_pct is None else round(c.wer_pct, 2)}
        for c in cats}
    report.results["latency_ms"] = latency_rows(s.summary for s in scores if s.summary)
    report.results["failures"] = [
        {"file": str(s.item.file), "verdict": s.verdict,
         "heard": s.summary.transcript if s.summary else None,
         "calls": [c.text() for c in s.summary.calls] if s.summary else [],
         "expected": [Call(c.tool, c.args).text() for c in s.item.expected]}
        for s in scores if s.verdict != "correct"][:100]
    return report


def latency_report(scores: Sequence[FileScore]) -> Report:
    """The latency distributions of the scored files' turns, as a table."""
    return Report("commands latency",
                  rows=latency_rows(s.summary for s in scores if s.summary is not None))


def evaluate_manifest(manifest: Path, events_dir: Path) -> tuple[Report, list[FileScore]]:
    """Score the labelled set `manifest` from the event logs in `events_dir` (a fleet's OUT).

    Raises:
        ManifestError: the manifest cannot be read.
    """
    items = read_labelled(manifest)
    scores = score(items, summaries_from_dir(items, events_dir, manifest.parent))
    return manifest_report(scores), scores
