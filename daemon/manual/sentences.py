"""Which sentences of a section answer a question (daemon/manual/answer.py finds the section).

Extractive: the answer is the section's own sentences, the ones that share the most (rare)
words with the question, of the shape it asks for (`kinds.py`), in the section's order, at
most `AnswerSettings.max_sentences` and `AnswerSettings.max_chars`. Pure: feed it questions
and sections."""

from __future__ import annotations

import math
import re

from daemon.manual.clauses import asking_clause
from daemon.manual.document import Section
from daemon.manual.kinds import (
    Kind,
    fits,
    flashing,
    is_instruction,
    kind_of,
    reported,
    seen_light,
    value_of,
    which_kind,
)
from daemon.manual.settings import AnswerSettings
from daemon.manual.text import Analyzer

_PURPOSE = re.compile(r"^To ([A-Za-z]+)")
"""A procedure's first step: "To change a wheel, park ..." (docs/manual.md)."""

_PRONOUN_START = re.compile(r"^(It|They|This|That|These|Then|After that|There)\b")
_FLASHES = re.compile(r"^(If|When) (it|the light) flash(es)?\b")
"""What a light does when it flashes ("If it flashes, the engine is misfiring")."""
_PROHIBITION = re.compile(r"^(Never|Do not|Don't)\b")
"""A warning, not a step: "how do I ..." is answered by what to do."""
_NEXT_STEP = re.compile(r"^(Then|After that)\b")
"""A step that follows another: it reads well alone, so the step before it comes along only
when both fit in `AnswerSettings.max_chars`."""
_ASKED_STEP_LEAD = 5.0
"""How much more of the question's rare words an instruction must share than the section's
first one to answer "what should I do" instead ("what should I do about the wipers before
the automatic car wash": "Switch the wipers off before an automatic car wash", not the
first step of using them)."""


class Extractor:
    """Chooses a section's sentences for a question.

    Args:
        analyzer: the manual's words -> terms.
        idf: each term's inverse document frequency over the manual's sections.
        weak: `text.WEAK_WORDS` as terms.
        titles: each section's id -> its title's terms.
        settings: answer lengths and the title words' weight.
    """

    def __init__(self, analyzer: Analyzer, idf: dict[str, float], weak: frozenset[str],
                 titles: dict[str, frozenset[str]], settings: AnswerSettings) -> None:
        self.analyzer = analyzer
        self.settings = settings
        self._idf = idf
        self._weak = weak
        self._title = titles

    def extract(self, question: str, section: Section) -> str:
        """The sentences of ``section`` that answer ``question`` best, in the section's order.

        Each sentence scores the question's words it uses, weighted by how rare they are in
        the manual and in the section (the topic's own words, in every sentence, count
        little). The best sentence of the shape the question asks for is taken (`_best`), or
        the best of all when none has it. A light reported as on ("the tyre warning popped
        up") gets what it means and the first thing to do after it. Otherwise the sentence
        before the best one comes along when that starts with "It"/"They" and needs it (a
        "Then ..." step only when both fit in `AnswerSettings.max_chars`); then the sentence
        after it when that one goes on about the same thing ("It means ...") or, for a "how
        do I" question, is the next step; otherwise the next best that still fits in
        `AnswerSettings.max_chars`.
        """
        kind = kind_of(question)
        sentences = section.sentences
        scores = self._sentence_scores(question, kind, section)
        order = sorted(range(len(sentences)), key=lambda i: -scores[i])
        best = self._best(question, kind, sentences, order, scores)
        then = next((i for i in range(best + 1, len(sentences))
                     if is_instruction(sentences[i])), None)
        if kind == "meaning" and reported(question) and fits(kind, sentences[best]) and (
                then is not None) and len(
                f"{sentences[best]} {sentences[then]}") <= self.settings.max_chars:
            # "the tyre warning came on": what it means and what to do (the driver sees it)
            return f"{sentences[best]} {sentences[then]}"
        seen = seen_light(question, kind, sentences, best)
        if seen is not None and len(seen) <= self.settings.max_chars:
            return seen
        picked = {best}
        alone = False  # a next step said without the step before it
        if best > 0 and _PRONOUN_START.match(sentences[best]):
            alone = _NEXT_STEP.match(sentences[best]) is not None and len(
                f"{sentences[best - 1]} {sentences[best]}") > self.settings.max_chars
            if not alone:
                picked.add(best - 1)  # "It means ..." needs the sentence naming "it"
        after = best + 1 if best + 1 < len(sentences) else None
        follow = [after] if after is not None and (
            _PRONOUN_START.match(sentences[after])  # "It means ...": about the same thing
            or (kind in ("howto", "action") and is_instruction(sentences[after]))
            # no other sentence shares a word with the question: the next one goes on
            or sum(x > 0.0 for x in scores) <= 1) else []
        for i in follow + [i for i in order if scores[i] > 0.0]:
            if len(picked) >= self.settings.max_sentences:
                break
            if _PRONOUN_START.match(sentences[i]) and i - 1 not in picked:
                continue  # "It contains ..." without what "it" is
            if alone and i < best:
                continue  # "Then drive ..." after another sentence would follow that one
            joined = " ".join(sentences[j] for j in sorted(picked | {i}))
            if len(joined) <= self.settings.max_chars:
                picked.add(i)
        return " ".join(sentences[i] for i in sorted(picked))

    def _best(self, question: str, kind: Kind, sentences: tuple[str, ...],
              order: list[int], scores: list[float]) -> int:
        """The index of the sentence that answers ``question`` (``order``: best scored
        first; ``scores``: each sentence's): the best of the shape its kind wants
        (`kinds.fits`: "It means" for "what does ... mean"; for "what should I do" the first
        instruction, unless another shares far more of the question's words,
        `_ASKED_STEP_LEAD`; for "how much" the value it names, `kinds.value_of`, "80 km/h" for
        "how fast", before any number); for a light said to flash, the sentence for when it
        flashes; for "how do I", the step that starts the procedure ("To pair a phone, ...");
        else the best scored."""
        shaped = [i for i in order if kind != "howto" and fits(kind, sentences[i])]
        value = value_of(question) if kind == "amount" or which_kind(question) else None
        if value is not None:  # "how fast": the sentence with km/h, not any number
            valued = [i for i in order if value.search(sentences[i])]
            shaped = valued + [i for i in shaped if i not in valued]
        if kind == "action" and shaped:
            asked = shaped[0]  # the instruction sharing most of the question's words
            shaped.sort()  # the first instruction is the most urgent one ("Stop ...")
            if scores[asked] >= max(scores[shaped[0]], 0.0) + _ASKED_STEP_LEAD:
                shaped.insert(0, asked)  # "... before the car wash": the step it names
        if kind == "meaning" and flashing(question):
            # "the engine lamp is blinking": "If it flashes, the engine is misfiring"
            shaped = [i for i in order if _FLASHES.search(sentences[i])] + shaped
        if shaped:
            return shaped[0]
        wanted = set(self.analyzer.question_terms(question))
        steps = [i for i in order if kind == "howto"
                 and self.analyzer.stems([_purpose_verb(sentences[i])])[0] in wanted]
        if kind == "howto" and not steps and _PROHIBITION.match(sentences[order[0]]):
            # "how do I fit an isofix seat": the step ("Attach ..."), not the warning ("Never
            # fit ...") that scored a little higher
            steps = [i for i in order[1:2] if is_instruction(sentences[i])
                     and not _PROHIBITION.match(sentences[i])]
        return steps[0] if steps else order[0]

    def _sentence_scores(self, question: str, kind: Kind, section: Section) -> list[float]:
        analyzer = self.analyzer
        sentences = section.sentences
        wanted = set(analyzer.question_terms(question))
        clause = asking_clause(question)  # "..., can I open the coolant cap": asked, twice
        asked = set() if clause is None else set(analyzer.question_terms(clause)) - self._weak
        title = self._title[section.id]
        terms = [set(analyzer.terms(s)) for s in sentences]
        count = len(sentences)
        scores = []
        for i, sentence in enumerate(terms):
            words = sentence & wanted
            within = {t: math.log(1.0 + count / sum(t in other for other in terms))
                      for t in words}
            overlap = sum(self._idf.get(t, 0.0) * within[t]
                          * (self.settings.title_word_weight if t in title else 1.0)
                          * (2.0 if t in asked else 1.0) for t in words)
            scores.append(overlap - 0.01 * i)
        return scores


def _purpose_verb(sentence: str) -> str:
    match = _PURPOSE.match(sentence)
    return match.group(1).lower() if match else ""
