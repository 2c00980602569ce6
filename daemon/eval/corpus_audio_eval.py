"""The spoken driver corpus through the real hearing path (docs/corpus.md, "Spoken corpus").

Every file of ``build/corpus_audio/<split>/manifest.jsonl`` (tools/build_corpus_audio.py) goes
through what ``cabin eval commands`` runs: the front end, the wake word, VAD + endpointing with
partial decodes (`daemon.eval.turn.run_turn`), the biased faster-whisper decode
(`EvalModels.transcribe`), then ``daemon.understanding.intents.understander().understand(transcript,
state)``; the plan is scored by the text evaluation's own `understanding_eval.score` (right /
asked or not understood / missed / wrong action). A file whose wake word does not fire is
``not_heard`` and is counted as a wake miss. WER is over the files the wake word fired on.

Only aggregate figures are printed or written (per split: overall, per condition, per voice,
per category, per condition x voice): the held-out texts and what was heard of them are not
shown, so the language can be tuned without looking at them.

Each file also keeps the recogniser's confidence in its final decode (the lowest segment
``avg_logprob``, `daemon.hearing.whisper_decoding.whisper_decode_scored`) and whether its plan acts;
the confidence table (`confidence_table`) says, per threshold, what ``asr.confirm_below`` would do:
the wrong actions it would turn into a question and the right ones it would ask about.

    cabin eval corpus-audio [--split heldout2|heldout|tune|all] [--conditions ...] [--limit N]
                            [--json PATH]
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from daemon.config import REPO_ROOT

AUDIO_DIR = REPO_ROOT / "build" / "corpus_audio"
HELDOUT_SPLITS = ("heldout2", "heldout")
CONDITIONS = ("clean", "car10", "passenger", "traffic0")
OUTCOMES = ("right", "asked", "missed", "wrong", "not_heard")
THRESHOLDS = (-0.3, -0.4, -0.5, -0.6, -0.7, -0.8, -1.0)
"""Candidate ``asr.confirm_below`` values (natural-log probability per token) in the table."""


@dataclass(frozen=True)
class AudioItem:
    """One file of the spoken corpus: its manifest row and where the WAV is."""

    path: Path
    row: Mapping[str, Any]

    @property
    def condition(self) -> str:
        return str(self.row["condition"])


@dataclass(frozen=True)
class FileResult:
    """What happened to one file: the outcome and the word errors (no text kept)."""

    id: str
    split: str
    condition: str
    voice: str
    category: str
    outcome: str
    wer_errors: int
    wer_words: int
    confidence: float | None = None
    """The final decode's lowest segment avg_logprob (None: nothing heard)."""
    acts: bool = False
    """The plan has an action (a call other than a ``get_`` query): what confirm_below asks."""
    looked_up: bool = False
    """The dispatcher would ask about or refuse one of its calls for a name the simulated phone
    book or map is not sure of, before anything is sent (`daemon.eval.lookup.stopped`)."""
    inferred: bool = False
    """The plan was read from a complaint or proposed by the language model: the Decider asks
    about it first whatever the confidence (its right answers are asked first at every
    threshold; a wrong one is scored as asked)."""
    doubted: bool = False
    """The recogniser's beam named another free text as likely (``asr.value_margin``): asked
    about first whatever the confidence, as ``inferred``."""
    heard: str = field(default="", repr=False)
    """What the recogniser heard; written only to ``--rows`` (never to the figures)."""
    plan: str = field(default="", repr=False)
    """The plan, described; written only to ``--rows``."""


def read_manifest(split: str, audio_dir: Path = AUDIO_DIR) -> list[AudioItem]:
    """The files of one split's spoken corpus (empty when it was not built)."""
    path = audio_dir / split / "manifest.jsonl"
    if not path.is_file():
        return []
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [AudioItem(path.parent / r["path"], r) for r in rows]


def select(items: Sequence[AudioItem], conditions: Sequence[str],
           limit: int | None) -> list[AudioItem]:
    """The files of `conditions` for `limit` items (all when None), spread evenly over the
    split in corpus order (the builder's `pick`), so every condition has the same items."""
    position = {i.row["id"]: int(i.row.get("index", 0)) for i in items}
    ids = sorted({i.row["id"] for i in items}, key=lambda i: (position.get(i, 0), i))
    if limit is not None and limit < len(ids):
        step = len(ids) / limit
        ids = [ids[int(k * step)] for k in range(limit)]
    wanted = set(ids)
    order = {c: n for n, c in enumerate(conditions)}
    chosen = [i for i in items if i.row["id"] in wanted and i.condition in order]
    return sorted(chosen, key=lambda i: (order[i.condition], position[i.row["id"]]))


# --- aggregation ---------------------------------------------------------------------------------

def _pct(n: int, total: int) -> float:
    return round(100.0 * n / total, 1) if total else 0.0


def rates(results: Sequence[FileResult]) -> dict[str, Any]:
    """Counts and percentages of one group of files (JSON-able)."""
    n = len(results)
    counts = {o: sum(1 for r in results if r.outcome == o) for o in OUTCOMES}
    heard = [r for r in results if r.outcome != "not_heard"]
    words = sum(r.wer_words for r in heard)
    failures = [r for r in heard if r.outcome != "right"]
    misheard = sum(1 for r in failures if r.wer_errors > 0)
    return {"n": n, **{f"{o}_pct": _pct(counts[o], n) for o in OUTCOMES},
            "wake_misses": counts["not_heard"], "wrong": counts["wrong"],
            "wer_pct": round(100.0 * sum(r.wer_errors for r in heard) / words, 1)
            if words else 0.0,
            "failures_misheard_pct": _pct(misheard, len(failures))}


def _groups(results: Iterable[FileResult], key: Callable[[FileResult], str],
            order: Sequence[str] = ()) -> dict[str, dict[str, Any]]:
    by: dict[str, list[FileResult]] = defaultdict(list)
    for r in results:
        by[key(r)].append(r)
    names = [k for k in order if k in by] + sorted(k for k in by if k not in order)
    return {k: rates(by[k]) for k in names}


def aggregate(results: Sequence[FileResult]) -> dict[str, Any]:
    """Per split: overall, by condition, by voice, by category and by condition x voice."""
    from daemon.eval.understanding_eval import CATEGORIES

    out: dict[str, Any] = {}
    by_split: dict[str, list[FileResult]] = defaultdict(list)
    for r in results:
        by_split[r.split].append(r)
    for split, group in by_split.items():
        out[split] = {"overall": rates(group),
                      "by_condition": _groups(group, lambda r: r.condition, CONDITIONS),
                      "by_voice": _groups(group, lambda r: r.voice),
                      "by_category": _groups(group, lambda r: r.category, CATEGORIES),
                      "by_condition_voice": _groups(group,
                                                    lambda r: f"{r.condition} / {r.voice}")}
    return out


def confidence_rows(results: Sequence[FileResult],
                    thresholds: Sequence[float] = THRESHOLDS) -> list[dict[str, Any]]:
    """Per threshold t: were every action heard with a confidence below t asked about instead
    (the Decider's `_doubt`: only plans that act, never without a confidence; a plan read from
    a complaint or proposed by the model is asked about at every threshold, "off" too), the
    wrong actions that remain and the right ones that would be asked (aggregate counts,
    JSON-able)."""
    heard = [r for r in results if r.outcome != "not_heard"]
    wrong = [r for r in heard if r.outcome == "wrong"]
    right = [r for r in heard if r.outcome == "right"]

    def below(r: FileResult, t: float | None) -> bool:
        return r.acts and (r.inferred or r.doubted or (
            t is not None and r.confidence is not None and r.confidence < t))

    rows = []
    for t in (None, *thresholds):
        caught = sum(1 for r in wrong if below(r, t))
        asked = sum(1 for r in right if below(r, t))
        # of the actions left, those the phone book or the map stops before anything is sent
        looked = sum(1 for r in wrong if r.looked_up and not below(r, t))
        rows.append({"threshold": t, "n": len(results),
                     "wrong_looked_up": looked, "wrong_after_lookup": len(wrong) - caught - looked,
                     "wrong_after_lookup_pct": _pct(len(wrong) - caught - looked, len(results)),
                     "right_looked_up": sum(1 for r in right if r.looked_up
                                            and not below(r, t)),
                     "wrong": len(wrong) - caught, "wrong_pct": _pct(len(wrong) - caught,
                                                                     len(results)),
                     "wrong_caught": caught, "right_asked": asked,
                     "right_asked_pct": _pct(asked, len(right)),
                     "right": len(right) - asked,
                     "right_pct": _pct(len(right) - asked, len(results))})
    return rows


def confidence_table(results: Sequence[FileResult]) -> dict[str, Any]:
    """`confidence_rows` per split, overall and per condition."""
    out: dict[str, Any] = {}
    by_split: dict[str, list[FileResult]] = defaultdict(list)
    for r in results:
        by_split[r.split].append(r)
    for split, group in by_split.items():
        by_condition: dict[str, list[FileResult]] = defaultdict(list)
        for r in group:
            by_condition[r.condition].append(r)
        names = [c for c in CONDITIONS if c in by_condition] + sorted(
            c for c in by_condition if c not in CONDITIONS)
        out[split] = {"overall": confidence_rows(group),
                      "by_condition": {c: confidence_rows(by_condition[c]) for c in names},
                      # the acting files' confidences, sorted (no ids): for other thresholds
                      "acting": {o: sorted(round(r.confidence, 3) for r in group
                                           if r.outcome == o and r.acts
                                           and r.confidence is not None)
                                 for o in ("right", "wrong")}}
    return out


def confidence_markdown(split: str, table: Mapping[str, Any]) -> str:
    """One split's confidence table (aggregate): overall rows, then wrong/right-asked per
    condition."""
    lines = [f"### {split}: asking below a confidence ({table['overall'][0]['n']} files)", "",
             "| confirm_below | wrong actions left | wrong caught | right asked (of right) "
             "| right left | left after the name lookup | right the sim's lookup stops | "
             + " | ".join(f"{c} wrong / right asked" for c in table["by_condition"]) + " |",
             "|---|---:|---:|---:|---:|---:|---:|" + "---:|" * len(table["by_condition"])]
    for k, row in enumerate(table["overall"]):
        t = "off" if row["threshold"] is None else f"{row['threshold']:.1f}"
        cells = [f"{c[k]['wrong']} / {c[k]['right_asked']}"
                 for c in table["by_condition"].values()]
        lines.append(f"| {t} | {row['wrong']} ({row['wrong_pct']}%) | {row['wrong_caught']} | "
                     f"{row['right_asked']} ({row['right_asked_pct']}%) | "
                     f"{row['right']} ({row['right_pct']}%) | {row['wrong_after_lookup']} "
                     f"({row['wrong_after_lookup_pct']}%) | {row['right_looked_up']} | "
                     + " | ".join(cells) + " |")
    lines.append("")
    return "\n".join(lines)


def markdown(split: str, numbers: Mapping[str, Any]) -> str:
    """One split's tables (aggregate figures only)."""
    head = ("| {g} | n | right | wrong action | asked / not understood | missed | wake misses "
            "| WER | failures misheard |")
    rule = "|---|---:|---:|---:|---:|---:|---:|---:|---:|"

    def row(name: str, r: Mapping[str, Any]) -> str:
        return (f"| {name} | {r['n']} | {r['right_pct']}% | {r['wrong_pct']}% | "
                f"{r['asked_pct']}% | {r['missed_pct']}% | {r['wake_misses']} | "
                f"{r['wer_pct']}% | {r['failures_misheard_pct']}% |")

    lines = [f"### {split}: spoken corpus ({numbers['overall']['n']} files)", ""]
    for title, key in (("condition", "by_condition"), ("voice", "by_voice"),
                       ("category", "by_category")):
        lines += [head.format(g=title), rule]
        lines += [row(k, v) for k, v in numbers[key].items()]
        if key == "by_condition":
            lines.append(row("**all**", numbers["overall"]))
        lines.append("")
    return "\n".join(lines)


# --- the run -------------------------------------------------------------------------------------

def hear_and_understand(models: Any, item: AudioItem, fe: Any, params: Any,
                        understand: Callable[[str, Mapping[str, Any]], Any], *,
                        gate: Any = None) -> FileResult:
    """One file through `cabin eval commands`' hearing path, then understood and scored;
    `gate`: a `daemon.hearing.driver_level.GateParams` for the endpointing (an experiment, see
    docs/corpus.md), None for the product's endpointing."""
    from daemon.eval.common import WerCounter, load_audio
    from daemon.eval.hearing import transcribe_scored, value_doubted_of
    from daemon.eval.lookup import stopped
    from daemon.eval.turn import run_turn
    from daemon.eval.understanding_eval import DEFAULT_STATE, Item, score

    audio = models.front_end(fe).process_all(load_audio(item.path))
    turn = run_turn(audio, models.wake_detector(), models.vad(), params,
                    partial_decoder=lambda a: models.transcribe(a, biased=True), gate=gate)
    corpus_item = Item.from_row(item.row)
    voice = str(item.row.get("voice", ""))
    if turn.wake is None:
        return FileResult(corpus_item.id, corpus_item.split, item.condition, voice,
                          corpus_item.category, "not_heard", 0, 0)
    text, confidence = transcribe_scored(models, turn.utterance)
    doubted = value_doubted_of(models, turn.utterance, (text, confidence))
    plan = understand(text, {**DEFAULT_STATE, **(corpus_item.state or {})})
    wer = WerCounter()
    errors = wer.add(corpus_item.text, text)
    calls = tuple(getattr(plan, "calls", ())) if plan is not None else ()
    acts = any(not c.tool.startswith("get_") for c in calls)
    scored = score(corpus_item, plan)
    return FileResult(corpus_item.id, corpus_item.split, item.condition, voice,
                      corpus_item.category, scored.outcome, errors, wer.words,
                      confidence, acts, stopped(calls), bool(getattr(plan, "inferred", False)),
                      doubted,
                      heard=text, plan=scored.plan)


def write_rows(path: Path, results: Sequence[FileResult],
               items: Mapping[tuple[str, str], AudioItem]) -> None:
    """One JSON line per file: id, split, condition, voice, category, outcome, what was said and
    heard, the plan, the expected calls and the confidence (a debugging aid for development
    splits: it holds the corpus's texts)."""
    from daemon.eval.understanding_eval import Item, describe_expected

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for r in results:
            row = items[(r.split, r.id)].row if (r.split, r.id) in items else {}
            expected = describe_expected(Item.from_row(row)) if row else ""
            out.write(json.dumps({
                "id": r.id, "split": r.split, "condition": r.condition, "voice": r.voice,
                "category": r.category, "outcome": r.outcome, "said": row.get("text", ""),
                "heard": r.heard, "plan": r.plan, "expected": expected,
                "confidence": r.confidence, "acts": r.acts, "inferred": r.inferred,
                "doubted": r.doubted}) + "\n")


def splits_for(split: str) -> tuple[str, ...]:
    """``all`` is the held-out splits (tune only when asked for by name)."""
    return HELDOUT_SPLITS if split == "all" else (split,)


def run(models: Any, fe: Any, params: Any, *, split: str = "all",
        conditions: Sequence[str] = CONDITIONS, limit: int | None = None,
        json_path: Path | None = None, audio_dir: Path = AUDIO_DIR,
        driver_gate_db: float | None = None,
        understand: Callable[[str, Mapping[str, Any]], Any] | None = None,
        rows_path: Path | None = None) -> dict[str, Any]:
    """Evaluate the spoken corpus; prints the tables, optionally writes the numbers as JSON.
    `driver_gate_db`: endpoint on the driver's speech only (`daemon.hearing.driver_level`, margin in
    dB); None: as the product does. `understand`: what reads the transcript (the fast path, the
    owner's manual and the language model with ``--with-llm``: `daemon.eval.understanding_llm`);
    None: the fast path alone. `rows_path`: one JSON row per file (what was heard, the plan,
    the expected calls, the confidence) for debugging a development split."""
    from tqdm import tqdm

    from daemon.hearing.driver_level import GateParams
    from daemon.understanding.intents import understander

    read = understand if understand is not None else understander().understand
    results: list[FileResult] = []
    items_by_id: dict[tuple[str, str], AudioItem] = {}
    started = time.perf_counter()
    audio_s = 0.0
    for name in splits_for(split):
        items = select(read_manifest(name, audio_dir), conditions, limit)
        if not items:
            print(f"{name}: no spoken corpus in {audio_dir / name} "
                  "(run tools/build_corpus_audio.py); skipped")
            continue
        items_by_id.update({(name, str(i.row["id"])): i for i in items})
        for item in tqdm(items, desc=name, unit="file"):
            results.append(hear_and_understand(
                models, item, fe, params, read,
                gate=None if driver_gate_db is None else GateParams(margin_db=driver_gate_db)))
            audio_s += float(item.row.get("duration_s", 0.0))
    elapsed = time.perf_counter() - started
    if rows_path is not None:
        write_rows(rows_path, results, items_by_id)
    numbers = aggregate(results)
    for name, figures in numbers.items():
        print(markdown(name, figures))
    confidence = confidence_table(results)
    for name, table in confidence.items():
        print(confidence_markdown(name, table))
    numbers["confidence"] = confidence
    numbers["run"] = {"files": len(results), "seconds": round(elapsed, 1),
                      "files_per_s": round(len(results) / elapsed, 2) if elapsed else 0.0,
                      "audio_s": round(audio_s, 1), "limit": limit,
                      "conditions": list(conditions), "driver_gate_db": driver_gate_db,
                      "with_llm": understand is not None}
    print(f"{len(results)} files ({audio_s / 60:.1f} min of audio) in {elapsed:.0f} s: "
          f"{numbers['run']['files_per_s']} files/s")
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(numbers, indent=2) + "\n", encoding="utf-8")
        print(f"results: {json_path}")
    return numbers
