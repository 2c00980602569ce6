"""The spoken driver corpus through the real hearing path (docs/corpus.md, "Spoken corpus").

Every file of ``build/corpus_audio/<split>/manifest.jsonl`` (tools/build_corpus_audio.py) goes
through what ``cabin eval commands`` runs: the front end, the wake word, VAD + endpointing with
partial decodes (`daemon.eval.turn.run_turn`), the biased faster-whisper decode
(`EvalModels.transcribe`), then ``daemon.intents.understander().understand(transcript,
state)``; the plan is scored by the text evaluation's own `understanding_eval.score` (right /
asked or not understood / missed / wrong action). A file whose wake word does not fire is
``not_heard`` and is counted as a wake miss. WER is over the files the wake word fired on.

Only aggregate figures are printed or written (per split: overall, per condition, per voice,
per category, per condition x voice): the held-out texts and what was heard of them are not
shown, so the language can be tuned without looking at them.

    cabin eval corpus-audio [--split heldout2|heldout|tune|all] [--conditions ...] [--limit N]
                            [--json PATH]
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from daemon.config import REPO_ROOT

AUDIO_DIR = REPO_ROOT / "build" / "corpus_audio"
HELDOUT_SPLITS = ("heldout2", "heldout")
CONDITIONS = ("clean", "car10", "passenger", "traffic0")
OUTCOMES = ("right", "asked", "missed", "wrong", "not_heard")


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
                        understand: Callable[[str, Mapping[str, Any]], Any]) -> FileResult:
    """One file through `cabin eval commands`' hearing path, then understood and scored."""
    from daemon.eval.common import WerCounter, load_audio
    from daemon.eval.turn import run_turn
    from daemon.eval.understanding_eval import DEFAULT_STATE, Item, score

    audio = models.front_end(fe).process_all(load_audio(item.path))
    turn = run_turn(audio, models.wake_detector(), models.vad(), params,
                    partial_decoder=lambda a: models.transcribe(a, biased=True))
    corpus_item = Item.from_row(item.row)
    voice = str(item.row.get("voice", ""))
    if turn.wake is None:
        return FileResult(corpus_item.id, corpus_item.split, item.condition, voice,
                          corpus_item.category, "not_heard", 0, 0)
    text = models.transcribe(turn.utterance, biased=True)
    plan = understand(text, {**DEFAULT_STATE, **(corpus_item.state or {})})
    wer = WerCounter()
    errors = wer.add(corpus_item.text, text)
    return FileResult(corpus_item.id, corpus_item.split, item.condition, voice,
                      corpus_item.category, score(corpus_item, plan).outcome, errors, wer.words)


def splits_for(split: str) -> tuple[str, ...]:
    """``all`` is the held-out splits (tune only when asked for by name)."""
    return HELDOUT_SPLITS if split == "all" else (split,)


def run(models: Any, fe: Any, params: Any, *, split: str = "all",
        conditions: Sequence[str] = CONDITIONS, limit: int | None = None,
        json_path: Path | None = None, audio_dir: Path = AUDIO_DIR) -> dict[str, Any]:
    """Evaluate the spoken corpus; prints the tables, optionally writes the numbers as JSON."""
    from tqdm import tqdm

    from daemon.intents import understander

    u = understander()
    results: list[FileResult] = []
    started = time.perf_counter()
    audio_s = 0.0
    for name in splits_for(split):
        items = select(read_manifest(name, audio_dir), conditions, limit)
        if not items:
            print(f"{name}: no spoken corpus in {audio_dir / name} "
                  "(run tools/build_corpus_audio.py); skipped")
            continue
        for item in tqdm(items, desc=name, unit="file"):
            results.append(hear_and_understand(models, item, fe, params, u.understand))
            audio_s += float(item.row.get("duration_s", 0.0))
    elapsed = time.perf_counter() - started
    numbers = aggregate(results)
    for name, figures in numbers.items():
        print(markdown(name, figures))
    numbers["run"] = {"files": len(results), "seconds": round(elapsed, 1),
                      "files_per_s": round(len(results) / elapsed, 2) if elapsed else 0.0,
                      "audio_s": round(audio_s, 1), "limit": limit,
                      "conditions": list(conditions)}
    print(f"{len(results)} files ({audio_s / 60:.1f} min of audio) in {elapsed:.0f} s: "
          f"{numbers['run']['files_per_s']} files/s")
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(numbers, indent=2) + "\n", encoding="utf-8")
        print(f"results: {json_path}")
    return numbers
