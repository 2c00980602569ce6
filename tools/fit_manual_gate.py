"""Fit the manual's meaning gate (daemon/manual/gate.py) on the question set's dev splits.

Usage: .venv/bin/python tools/fit_manual_gate.py --splits tune heldout ... [--threshold 0.7]

Prints the logistic weights fitted on all the given splits (to copy into `GateWeights`), then
each split scored with weights fitted without it (leave one split out), as right answers (the
facts said) and out-of-manual questions declined, beside the word rules alone. Never pass a
clean split: it would be tuned on.
"""

from __future__ import annotations

import argparse
import logging
from dataclasses import dataclass, fields, replace

import numpy as np

from daemon.config import CabinConfig
from daemon.eval.manual_eval import load_questions
from daemon.manual.answer import Answerer
from daemon.manual.gate import Features, GateWeights
from daemon.manual.loader import load_answerer


@dataclass(frozen=True)
class Row:
    split: str
    inside: bool
    features: Features
    right_words: bool  # the word rules' answer says the facts
    right_closest: bool  # the closest section's answer says the facts
    covered: bool


def rows_of(answerer: Answerer, splits: list[str]) -> list[Row]:
    gate = answerer.gate
    assert gate is not None, "manual.judge is off"
    sections = answerer.index.manual.sections
    questions, _ = load_questions()
    out = []
    for name in splits:
        block = questions[name]
        items = [(q.text, q.section, q.facts) for q in block.manual] + [
            (t, None, ()) for t in block.out_of_manual]
        for text, want, facts in items:
            hits = answerer.index.search(text, k=3)
            covered = answerer._answering(text, hits)  # the word rules' choice
            first, features = gate.features(text, hits, covered)

            def says(section_id: str, text: str = text, want: str | None = want,
                     facts: tuple[str, ...] = tuple(facts)) -> bool:
                said = answerer.extract(text, next(
                    s for s in sections if s.id == section_id)).lower()
                return section_id == want and all(f.lower() in said for f in facts)

            out.append(Row(name, want is not None, features,
                           covered is not None and says(covered.section.id),
                           says(sections[first].id), covered is not None))
    return out


def fit(x: np.ndarray, y: np.ndarray, steps: int = 6000) -> np.ndarray:
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(xb.shape[1])
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-xb @ w))
        w -= (xb.T @ (p - y)) / len(y) + 1e-4 * np.r_[w[:-1], 0.0]
    return w


def weights_of(w: np.ndarray, threshold: float, keep_above: float) -> GateWeights:
    names = [f.name for f in fields(Features)]
    return replace(GateWeights(), **{n: round(float(v), 2) for n, v in zip(
        names, w[:-1], strict=True)}, bias=round(float(w[-1]), 2), threshold=threshold,
        keep_above=keep_above)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--splits", nargs="+", required=True)
    parser.add_argument("--threshold", type=float, default=GateWeights().threshold)
    parser.add_argument("--keep-above", type=float, default=GateWeights().keep_above)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    answerer = load_answerer(CabinConfig().manual)
    assert answerer is not None
    rows = rows_of(answerer, args.splits)
    x = np.array([r.features.values() for r in rows])
    right = np.array([r.right_words if r.covered else r.right_closest for r in rows])
    y = np.array([1.0 if r.inside and ok else 0.0 for r, ok in zip(rows, right, strict=True)])
    print(weights_of(fit(x, y), args.threshold, args.keep_above))
    print("split | word rules right / declined | gate right / declined (fitted without it)")
    for name in args.splits:
        own = np.array([r.split == name for r in rows])
        w = weights_of(fit(x[~own], y[~own]), args.threshold, args.keep_above)
        picked = [r for r in rows if r.split == name]
        inside = [r for r in picked if r.inside] or [None]
        outside = [r for r in picked if not r.inside] or [None]
        said = [w.score(r.features) >= (w.keep_above if r.covered else w.threshold)
                for r in picked]

        def pct(values: list[bool]) -> str:
            return f"{100.0 * sum(values) / max(1, len(values)):.1f} %"

        gate_right = [a and (r.right_words if r.covered else r.right_closest)
                      for r, a in zip(picked, said, strict=True) if r.inside]
        gate_declined = [not a for r, a in zip(picked, said, strict=True) if not r.inside]
        print(f"{name} | {pct([r.right_words for r in inside if r])} / "
              f"{pct([not r.covered for r in outside if r])} | {pct(gate_right)} / "
              f"{pct(gate_declined)}")


if __name__ == "__main__":
    main()
