"""Build the driver corpus:
build/corpus/{tune,heldout,heldout2,...,heldout16}.jsonl (docs/corpus.md).

Rows: ``{id, split, text, category, expected, ask, source, state, tolerance}``. The hand-written
items come from
tools/corpus/{tune,heldout,heldout2,heldout3,heldout4,heldout5,heldout6,heldout7,heldout8,
heldout9,heldout10,heldout11,heldout12,heldout13,heldout14,heldout15,heldout16}.yaml (the splits
of `daemon.eval.understanding_eval.SPLITS`); generated ones are drawn from the declared language
(daemon.understanding.sample) and go to the tune split only. Seeded: the same declarations give
the same files.

    .venv/bin/python tools/build_corpus.py [--out build/corpus] [--seed 17] [--voices]

``--voices`` prints the voice x noise conditions the audio corpus is to be rendered in
(`voice_conditions`, `noise_conditions`); the audio itself is not built here.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from daemon.eval.understanding_eval import CATEGORIES, DEFAULT_STATE, SPLITS  # noqa: E402
from daemon.understanding.sample import sample  # noqa: E402

CORPUS_SRC = REPO_ROOT / "tools" / "corpus"
OUT = REPO_ROOT / "build" / "corpus"
SEED = 17
GENERATED_ROUNDS = 6
GENERATED_MULTI = 200
GENERATED_OUT_OF_RANGE = 200
POLITE_MARKS = ("please", "could you", "would you", "can you", "kindly", "would you mind",
                "thank", "if you c", "id like", "i would like")


# --- hand-written items ------------------------------------------------------------------------

def load_hand(split: str, src: Path = CORPUS_SRC) -> list[dict[str, Any]]:
    """The hand-written items of ``split`` as rows (ids ``<split>-h0001``...)."""
    import yaml

    data = yaml.safe_load((src / f"{split}.yaml").read_text(encoding="utf-8"))
    rows = []
    for n, item in enumerate(data["items"], 1):
        rows.append({
            "id": f"{split}-h{n:04d}", "split": split, "text": str(item["text"]),
            "category": str(item["category"]),
            "expected": [{"tool": c["tool"], "args": _args(c.get("args") or {})}
                         for c in item.get("expected") or ()],
            "ask": bool(item.get("ask", False)), "source": "hand",
            "state": item.get("state"), "tolerance": dict(item.get("tolerance") or {}),
        })
    return rows


def _args(raw: Mapping[Any, Any]) -> dict[str, Any]:
    """Arguments as written in YAML; YAML 1.1 reads the key ``on`` as True, so it is mapped
    back ("on: true" is the argument ``on``)."""
    return {("on" if k is True else "off" if k is False else str(k)): v for k, v in raw.items()}


def problems(row: Mapping[str, Any], registry: Any) -> list[str]:
    """What is wrong with a corpus row: unknown category or tool, arguments the tool's model
    refuses (except out_of_range items, whose numbers are meant to be refused)."""
    found = []
    if row["category"] not in CATEGORIES:
        found.append(f"unknown category {row['category']!r}")
    if not row["text"].strip():
        found.append("empty text")
    for call in row["expected"]:
        try:
            tool = registry.get(call["tool"])
        except Exception:
            found.append(f"unknown tool {call['tool']!r}")
            continue
        if row["category"] == "out_of_range":
            unknown = set(call["args"]) - set(tool.args_model.model_fields)
            if unknown:
                found.append(f"{call['tool']}: unknown args {sorted(unknown)}")
            continue
        try:
            tool.validate(call["args"])
        except Exception as exc:
            found.append(f"{call['tool']}: {exc}")
    if not row["expected"] and row["category"] in ("terse", "polite", "multi", "correction",
                                                   "refinement", "out_of_range") \
            and not row["ask"]:
        found.append("a command category with no expected call")
    return found


# --- generated items ---------------------------------------------------------------------------

def _bounds(registry: Any, tool: str) -> dict[str, tuple[float, float]]:
    from daemon.understanding.resolve import _bounds as arg_bounds

    out = {}
    for arg in registry.get(tool).args_model.model_fields:
        b = arg_bounds(registry, tool, arg)
        if b is not None:
            out[arg] = b
    return out


@dataclass(frozen=True)
class _Drawn:
    text: str
    expected: list[dict[str, Any]]
    ask: bool
    out_of_range: bool = False


def _expected(s: Any, registry: Any, state: Mapping[str, Any]) -> _Drawn | None:
    """The call a sampled sentence asks for, after unit conversion and relative changes
    (against ``state``), or a question when the block leaves a required argument unsaid (or
    one the language asks about when unnamed, `Language.asked_unnamed`)."""
    from daemon.understanding.resolve import _state_key, _to_celsius, _typed

    block, language = s.block.sentences, s.block.language
    args = dict(s.args)
    for arg in block.fahrenheit:
        if isinstance(args.get(arg), int | float):
            args[arg] = _to_celsius(float(args[arg]))
    if block.relative is not None:
        key = _state_key(language.state_keys, block.relative, args)
        current = state.get(key) if key else None
        if not isinstance(current, int | float):
            return None
        args[block.relative] = float(current) + float(args[block.relative])
    args = {k: _typed(registry, s.tool, k, v) for k, v in args.items()}
    model = registry.get(s.tool).args_model
    if any((info.is_required() or name in language.asked_unnamed) and name not in args
           for name, info in model.model_fields.items()):
        return _Drawn(s.text, [], True)  # a required or an unnamed seat-like argument: asked
    return _Drawn(s.text, [{"tool": s.tool, "args": args}], False)


def _category(text: str) -> str:
    return "polite" if any(m in text.replace("'", "") for m in POLITE_MARKS) else "terse"


def _free_text_block(s: Any) -> bool:
    return any(isinstance(v, str) and k in ("destination", "contact", "query")
               for k, v in s.args.items())


def _from_templates(grammar: Any, registry: Any, rng: random.Random,
                    bounds: Mapping[str, Any]) -> tuple[list[tuple[str, _Drawn]], list[Any]]:
    """Every template, GENERATED_ROUNDS times; also the plain samples multi items join."""
    relative_bounds = {t: {a: (1.0, 2.0) for a in b} for t, b in bounds.items()}
    drawn: list[tuple[str, _Drawn]] = []
    plain: list[Any] = []
    for _ in range(GENERATED_ROUNDS):
        for block in grammar.blocks:
            b = relative_bounds if block.sentences.relative else bounds
            if block.sentences.fahrenheit:
                b = {block.tool: {a: (61.0, 82.0) for a in block.sentences.fahrenheit}}
            for template in block.sentences.templates:
                s = sample(grammar, block, rng, b.get(block.tool), template)
                d = _expected(s, registry, DEFAULT_STATE)
                if d is None:
                    continue
                drawn.append((_category(s.text), d))
                if (d.expected and not block.sentences.relative and not block.sentences.fahrenheit
                        and len(s.text.split()) <= 9):
                    plain.append(s)
    return drawn, plain


def _out_of_range(grammar: Any, registry: Any, rng: random.Random,
                  bounds: Mapping[str, Any]) -> list[tuple[str, _Drawn]]:
    """Numbers said above what the tool takes (below the Fahrenheit threshold)."""
    drawn = []
    blocks = [b for b in grammar.blocks if not b.sentences.relative
              and not b.sentences.fahrenheit and bounds[b.tool]]
    for _ in range(GENERATED_OUT_OF_RANGE):
        block = rng.choice(blocks)
        oor = {}
        for arg, (low, high) in bounds[block.tool].items():
            top = high + max(2.0, (high - low) / 2.0)
            above = block.language.fahrenheit_above.get(arg)
            oor[arg] = (high + 1.0, min(top, above) if above else top)
        try:
            s = sample(grammar, block, rng, oor)
        except ValueError:
            continue
        said_oor = any(isinstance(v, int | float) and not isinstance(v, bool)
                       and k in oor and v > bounds[block.tool][k][1] for k, v in s.args.items())
        d = _expected(s, registry, DEFAULT_STATE)
        if d is not None and d.expected and said_oor:
            drawn.append(("out_of_range", _Drawn(d.text, d.expected, False, True)))
    return drawn


def _multi(plain: list[Any], registry: Any, rng: random.Random) -> list[tuple[str, _Drawn]]:
    """Two commands in one sentence (no free text first: it would swallow the second)."""
    drawn = []
    joins = (" and ", " then ", ", then ", " and then ", ", ")
    for _ in range(GENERATED_MULTI):
        first, second = rng.sample(plain, 2)
        if _free_text_block(first) or first.tool == second.tool:
            continue
        d1 = _expected(first, registry, DEFAULT_STATE)
        d2 = _expected(second, registry, DEFAULT_STATE)
        if d1 is not None and d2 is not None:
            drawn.append(("multi", _Drawn(first.text + rng.choice(joins) + second.text,
                                          d1.expected + d2.expected, False)))
    return drawn


def generated(seed: int = SEED) -> list[dict[str, Any]]:
    """Sentences drawn from the declared language, with their expected calls (tune only)."""
    from daemon.understanding.intents import understander

    registry = understander().registry
    grammar = understander().matcher.grammar
    rng = random.Random(seed)
    bounds = {t.name: _bounds(registry, t.name) for t in registry}
    drawn, plain = _from_templates(grammar, registry, rng, bounds)
    drawn += _out_of_range(grammar, registry, rng, bounds)
    drawn += _multi(plain, registry, rng)
    rows, seen = [], set()
    for category, d in drawn:
        if d.text in seen:
            continue
        seen.add(d.text)
        rows.append({"id": "", "split": "tune", "text": d.text, "category": category,
                     "expected": d.expected, "ask": d.ask, "source": "generated",
                     "state": None, "tolerance": {}})
    for row in rows:
        if row["category"] != "out_of_range" and problems(row, registry):
            row["category"] = "out_of_range"  # a relative change or bound that lands outside
    for n, row in enumerate(rows, 1):
        row["id"] = f"tune-g{n:04d}"
    return rows


def build(out: Path = OUT, seed: int = SEED) -> dict[str, int]:
    """Write ``out``/<split>.jsonl for every split of `SPLITS` (tune, heldout, heldout2,
    heldout3, heldout4, heldout5, heldout6, heldout7, heldout8, heldout9, heldout10, heldout11,
    heldout12, heldout13, heldout14, heldout15, heldout16); returns the number of rows per
    split."""
    counts = {}
    out.mkdir(parents=True, exist_ok=True)
    hand_texts = set()
    by_split = {split: load_hand(split) for split in SPLITS}
    for rows in by_split.values():
        hand_texts |= {r["text"].lower() for r in rows}
    extra = [r for r in generated(seed) if r["text"].lower() not in hand_texts]
    by_split["tune"] = by_split["tune"] + extra
    for split, rows in by_split.items():
        path = out / f"{split}.jsonl"
        with path.open("w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, sort_keys=True) + "\n")
        counts[split] = len(rows)
    return counts


# --- the audio corpus's conditions (rendered by the audio build, not here) -----------------------

@dataclass(frozen=True)
class Voice:
    """One synthetic voice: ``engine`` piper (``name`` the voice, length/noise scales) or
    espeak-ng (``name`` the ``-v`` argument, e.g. ``en-gb-scotland+f3``)."""

    engine: str
    name: str
    length_scale: float = 1.0
    noise_scale: float = 0.667
    split: str = "tune"


@dataclass(frozen=True)
class Noise:
    """One noise condition: ``kind`` car, passenger (real speech 10 dB below the driver plus
    car noise) or traffic; ``snr_db`` None for clean."""

    kind: str
    snr_db: float | None


def voice_conditions() -> list[Voice]:
    """The voices of the audio corpus. Piper joe (the voice the project was tuned on) at
    several length/noise scales is tune only; espeak-ng voices are held out except en-us, so
    the held-out split is heard in voices and accents never tuned on."""
    voices = [Voice("piper", "en_US-joe-medium", ls, ns, "tune")
              for ls, ns in ((1.0, 0.667), (0.85, 0.5), (1.2, 0.8))]
    for variant in ("en-us", "en-gb", "en-gb-scotland", "en-029"):
        for sex in ("+m3", "+f3"):
            voices.append(Voice("espeak-ng", variant + sex, split="tune" if variant == "en-us"
                                else "heldout"))
    return voices


def noise_conditions() -> list[Noise]:
    """Noises (from ../shared/audio) at clean, 10, 5 and 0 dB."""
    out = [Noise("clean", None)]
    for kind in ("car", "passenger", "traffic"):
        out += [Noise(kind, snr) for snr in (10.0, 5.0, 0.0)]
    return out


def _iter_conditions() -> Iterator[str]:
    for v in voice_conditions():
        yield (f"voice {v.engine}:{v.name} length={v.length_scale} noise={v.noise_scale} "
               f"split={v.split}")
    for n in noise_conditions():
        yield f"noise {n.kind} {'clean' if n.snr_db is None else f'{n.snr_db:g} dB'}"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=OUT)
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument("--voices", action="store_true",
                   help="list the audio corpus's voice and noise conditions and exit")
    args = p.parse_args(argv)
    if args.voices:
        print("\n".join(_iter_conditions()))
        return 0
    counts = build(args.out, args.seed)
    print(", ".join(f"{args.out / s}.jsonl: {n}" for s, n in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
