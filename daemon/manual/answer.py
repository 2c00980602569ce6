"""Answers from the manual: the section that covers a question, its sentences, grounded.

This module decides whether, and from which section, the manual answers a question (the word
rules, then the meaning gate of daemon/manual/gate.py); daemon/manual/sentences.py chooses the
section's sentences. Extractive: no language model, so an answer costs about a millisecond.
When no section matches well enough (`AnswerSettings`) the answer is `NOT_COVERED`. Pure
apart from the index: feed it questions."""

from __future__ import annotations

import logging
import math
import re
import time
from itertools import pairwise

from daemon.manual.clauses import asking_clause
from daemon.manual.document import Section
from daemon.manual.framing import framed
from daemon.manual.gate import Gate
from daemon.manual.grounding import ungrounded
from daemon.manual.index import Hit, ManualIndex
from daemon.manual.kinds import (
    fits,
    kind_of,
    signalled,
    uncounted,
    value_of,
    without_purpose,
)
from daemon.manual.related import RelatedWords
from daemon.manual.sentences import Extractor
from daemon.manual.settings import AnswerSettings
from daemon.manual.speak import spoken
from daemon.manual.things import CarThings
from daemon.manual.types import NOT_COVERED, ManualAnswer

_LOG = logging.getLogger(__name__)

_DEFAULTS = AnswerSettings()


class Answerer:
    """Answers questions from one indexed manual.

    Args:
        index: the manual's BM25 index.
        settings: thresholds and answer length.
        gate: decides by meaning too whether, and from which section, a question is answered
            (daemon/manual/gate.py); None: the word rules alone.
    """

    def __init__(self, index: ManualIndex, settings: AnswerSettings = _DEFAULTS,
                 gate: Gate | None = None) -> None:
        self.index = index
        self.settings = settings
        self.gate = gate
        self._things = None if gate is None else CarThings(gate)
        sections = index.manual.sections
        df: dict[str, int] = {}
        self._terms: dict[str, frozenset[str]] = {}
        self._topic: dict[str, frozenset[str]] = {}
        for section in sections:
            self._topic[section.id] = frozenset(index.analyzer.terms(
                f"{section.title} {' '.join(section.also)}"))
            terms = frozenset(index.analyzer.terms(
                f"{section.title} {' '.join(section.also)} {section.text}"))
            self._terms[section.id] = terms
            for term in terms:
                df[term] = df.get(term, 0) + 1
        self._idf = {t: math.log(1.0 + len(sections) / n) for t, n in df.items()}
        self._unknown_idf = math.log(1.0 + len(sections) / settings.unknown_df)
        self._weak = index.analyzer.weak_terms
        self._title = {s.id: frozenset(index.analyzer.terms(s.title)) for s in sections}
        self._attribute = index.analyzer.attribute_terms
        self._anchors = {sid: topic | frozenset(t for t in self._terms[sid] if df[t] <= 2)
                         for sid, topic in self._topic.items()}
        self._extractor = Extractor(index.analyzer, self._idf, self._weak, self._title,
                                    settings)
        self._related = RelatedWords(index.embedder, {s.id: index.analyzer.words(
            f"{s.title} {' '.join(s.also)} {s.text}") for s in sections})
        self._topic_of: dict[str, frozenset[str]] = {}
        for section in sections:
            for term in self._topic[section.id] - self._weak:
                self._topic_of[term] = self._topic_of.get(term, frozenset()) | {section.id}
        # a word of one section's topic only inside its `Also:` phrases ("jacking *points*",
        # "*glass* roof") names that topic only with the phrase's other words
        self._phrased: dict[str, tuple[frozenset[str], ...]] = {}
        for section in sections:
            entries = [frozenset(index.analyzer.terms(e)) for e in section.also]
            alone = self._title[section.id].union(*(e for e in entries if len(e) == 1))
            for term in self._topic[section.id] - alone:
                if self._topic_of.get(term) == frozenset((section.id,)):
                    self._phrased[term] = tuple(e for e in entries if term in e)

    def answer(self, question: str) -> ManualAnswer:
        """The answer to ``question``: one or two sentences of the best section, or
        `NOT_COVERED`."""
        started = time.perf_counter()
        question = framed(question, self.index.analyzer, self._idf)  # "..., sebo": not asked
        hits = self.index.search(question, k=3)
        best = self._answering(question, hits)
        if self.gate is not None:  # meaning as well as words (daemon/manual/gate.py)
            ruled = best
            best = self.gate.decide(question, hits, best)
            if ruled is None and best is not None and self._unknown_thing(
                    question, best.section.id):
                best = None  # "the towing capacity of a Ford Ranger": a thing it never names
        if best is None:
            return ManualAnswer(False, NOT_COVERED, NOT_COVERED,
                                score=0.0, elapsed_ms=_ms(started))
        text = self.extract(question, best.section)
        missing = ungrounded(text, f"{best.section.title}. {best.section.text}")
        if missing:  # never by construction; a guard for the rendering and future changes
            _LOG.warning("manual answer from %s not grounded (%s): declined",
                         best.section.id, ", ".join(missing))
            return ManualAnswer(False, NOT_COVERED, NOT_COVERED, score=best.score,
                                elapsed_ms=_ms(started))
        speech = f"{self.settings.intro} {spoken(text)}".strip()
        return ManualAnswer(True, text, speech, best.section.id, best.section.title,
                            best.score, _ms(started))

    def _answering(self, question: str, hits: list[Hit]) -> Hit | None:
        """The hit whose section answers ``question`` (``hits``: the top 3): the best one when
        it covers it, unless another covers it with more of the question's words in its title
        and the shape asked for (a value, a light's meaning: "tell me the tyre pressures" is
        not about checking them; a light's section only for a question about a light). Else
        the next that covers it and either has a word of the question the best section never
        uses in its own topic ("the temporary *spare*" is about the spare wheel, not the cruise
        control that "speed limit" found) or states the value asked for that the best one does
        not ("what should the front tyres be *inflated to*": the pressures, not inflating)."""
        if not hits:
            return None
        if self.covers(question, hits[0]):
            # "how often should the oil be checked": the engine oil, not the services that
            # change it ("the back doors won't open" is no door open warning: no light named)
            wanted = set(self.index.analyzer.question_terms(question))
            titled = len(wanted & self._title[hits[0].section.id])
            light = kind_of(question) == "meaning" or signalled(question)
            return next((h for h in hits[1:] if self._shaped(question, h.section)
                         and len(wanted & self._title[h.section.id]) > titled
                         and (light or not any(fits("meaning", s) for s in h.section.sentences))
                         and self.covers(question, h)), hits[0])
        content = self._content(question)
        unused = content - self._terms[hits[0].section.id] - self._forms(
            question, hits[0].section.id)
        misfit = not self._shaped(question, hits[0].section)
        for hit in hits[1:]:
            if (unused & self._topic[hit.section.id] or (
                    misfit and self._shaped(question, hit.section))) and self.covers(question, hit):
                return hit
        return None

    @staticmethod
    def _shaped(question: str, section: Section) -> bool:
        """Whether ``section`` has a sentence of the shape ``question`` wants, when that
        shape is specific: the value it asks for (`kinds.value_of`: "how high" -> mm), or what
        a light means for a question about a light."""
        kind = kind_of(question)
        value = value_of(question) if kind in ("amount", "other") else None
        if value is not None:
            return any(value.search(s) for s in section.sentences)
        if kind == "meaning":
            return any(fits("meaning", s) for s in section.sentences)
        return True

    def covers(self, question: str, hit: Hit) -> bool:
        """Whether the section of ``hit`` matches ``question`` (`_covers`) or the clause of it
        that asks, apart from the driver's situation around it (`clauses.asking_clause`: "...,
        how much air in the back tyres"): when that clause has a word naming a topic (not
        only `text.WEAK_WORDS`: "how do I start the car" after "the fob is dead") and the
        section is the closest in meaning to the whole question (`Gate.closest`; without
        the gate: the whole question names no other section's topic this one lacks)."""
        if self._covers(question, hit):
            return True
        clause = asking_clause(question)
        if clause is None or not self._content(clause) - self._weak:
            return False
        sid = hit.section.id
        if not self._covers(clause, hit):
            return False
        if self.gate is None:
            return not self._foreign(question, sid)
        return sid in (self.gate.closest(question), self.gate.closest(clause))

    def _foreign(self, question: str, sid: str) -> bool:
        """Whether ``question`` has a word naming another section's topic (`_names_topic`)
        that section ``sid`` never uses ("a *heated* steering wheel" is not the power
        steering light)."""
        have = self._terms[sid] | self._forms(question, sid)
        asked = set(self.index.analyzer.question_terms(question, topic=True))
        return any(self._names_topic(t, asked) and t not in have and t not in self._attribute
                   for t in self._content(question))

    def _covers(self, question: str, hit: Hit) -> bool:
        """Whether the section of ``hit`` matches ``question`` well enough to answer it.

        The question's content words (`text.WEAK_WORDS` left out: "keep", "put", "light")
        decide: a word that names another section's topic (in its title or ``Also:`` line;
        a word found only in one section's ``Also:`` phrases with the rest of one of them,
        `_names_topic`) and that this section never uses means the question is about
        something else ("a *heated* steering wheel" is not the power steering light, "the
        *rear* wiper" not the windscreen wipers); the question must share a word of this
        section's topic with it (one word alone must be of that topic); and the words it
        shares, weighted by rarity, must be at least `AnswerSettings.min_coverage` of the
        question's."""
        s = self.settings
        sid = hit.section.id
        content = self._content(question)
        if not content & self._anchors[sid] or uncounted(question, hit.section.text):
            return False  # no word of the section's own ("weather" in a demisting tip)
        if len(content) == 1 and (not content <= self._topic[sid] or self._phrase_alone(
                question, next(iter(content)))):
            return False  # "what's the turning *circle*": not the brake light's circle
        if self._foreign(question, sid) or self._unknown_thing(question, sid):
            return False  # another section's topic, or a thing the manual never names
        if self._property_only(question, content, sid):
            return False  # "the speed limit on French motorways": only what is asked
        coverage = self.coverage(question, hit.section)
        value = value_of(question)
        if value is not None and value.search(hit.section.text):
            # "how tall ...": "150 cm" answers it; the score alone must then be enough
            valued = self.coverage(question, hit.section, valued=True)
            if valued >= s.min_coverage and hit.score >= s.min_score:
                return True
        return coverage >= s.min_coverage and (
            hit.score >= s.min_score or (coverage >= 0.999 and hit.score >= s.full_coverage_score))

    def _unknown_thing(self, question: str, sid: str) -> bool:
        """Whether ``question`` has a word the manual never uses, in no form section ``sid``
        uses either (`_forms`), that names a car's part or device (daemon/manual/things.py:
        "a wireless phone *charger*", "a *dashcam*"; not the driver's situation: "at the
        *airport*", "the kids *fiddling*"): the question is about a thing the manual does not
        describe. Never without the sentence model (`manual.judge` off)."""
        if self._things is None:
            return False
        analyzer = self.index.analyzer
        words = analyzer.question_words(question, topic=True)
        unknown = [(w, t) for w, t in zip(words, analyzer.stems(words), strict=True)
                   if t not in self._idf and t not in self._weak and t not in self._attribute]
        if not unknown:
            return False
        forms = self._forms(question, sid)
        return any(t not in forms and self._things.names_a_car_thing(w) for w, t in unknown)

    def _property_only(self, question: str, content: set[str], sid: str) -> bool:
        """Whether the only words of ``question`` (its ``content`` terms) the manual uses ask
        for a property (`text.ATTRIBUTE_WORDS`: "speed", "limit", "size") and the rest are
        words it never uses, in no form section ``sid`` uses ("what's the speed limit on
        *French* motorways", "in the *Republic*"): a property of a thing the manual does not
        describe."""
        named = content - self._attribute
        if not named or named == content or any(t in self._idf for t in named):
            return False
        return not named & self._forms(question, sid)

    def _phrase_alone(self, question: str, term: str) -> bool:
        """Whether ``term``, the one content word of ``question``, is of a section's topic
        only inside its `Also:` phrases, and the question makes it another thing's by a word
        right before it, one the manual uses, that none of those phrases has ("what's the
        *turning circle*" is not the brake light's "exclamation mark in a *circle*"; "a
        little circle on the dash" and "the new *horseshoe* light", naming a light, still
        are)."""
        phrases = self._phrased.get(term)
        if phrases is None or signalled(question):  # "the new *horseshoe* light": its symbol
            return False
        analyzer = self.index.analyzer
        tokens = re.findall(r"[a-z0-9]+", question.lower().replace("'", ""))
        for before, word in pairwise(tokens):
            if analyzer.stems([word]) == [term]:
                named = analyzer.terms(before)
                if named and named[0] in self._idf and not any(named[0] in p for p in phrases):
                    return True
        return False

    def _names_topic(self, term: str, asked: set[str]) -> bool:
        """Whether ``term`` of a question (all its terms: ``asked``) names a section's topic:
        a word of its title or `Also:` line, but a word only in one section's `Also:`
        phrases ("jacking *points*") only with the rest of one of them ("isofix *points*"
        are not the jacking points)."""
        phrases = self._phrased.get(term)
        return term in self._topic_of and (
            phrases is None or any(p <= asked for p in phrases))

    def _forms(self, question: str, section_id: str) -> frozenset[str]:
        """The question's terms that section ``section_id`` uses in another form only
        (daemon/manual/related.py: "jumpstart" -> jump, "pear" -> pair)."""
        analyzer = self.index.analyzer
        have = self._terms[section_id]
        found = set()
        for word in analyzer.question_words(question, topic=True):
            term = analyzer.stems([word])[0]
            if term not in have and self._related.match(
                    word, section_id, unknown=term not in self._idf) is not None:
                found.add(term)
        return frozenset(found)

    def _content(self, question: str) -> set[str]:
        """The question's terms that can tell topics apart (all of them when every one is
        weak)."""
        wanted = set(self.index.analyzer.question_terms(question, topic=True))
        return (wanted - self._weak) or wanted

    def coverage(self, question: str, section: Section, valued: bool = False) -> float:
        """The share of ``question``'s content words that ``section`` uses, each weighted by
        its inverse document frequency in the manual (a word the manual never uses weighs
        as one in `AnswerSettings.unknown_df` sections), 0-1. ``valued``: the section states
        the value the question asks for (`kinds.value_of`), so the question's attribute words
        it does not use ("how *tall*", "battery *size*") are left out. A purpose said after
        the question ("... mirrors in *for a narrow lane*", "... *so the wife doesn't* ...")
        does not count against it when the question has two content words without it
        (`kinds.without_purpose`)."""
        asked = without_purpose(question)
        shares = [self._share(question, section, valued)]
        if asked != question and len(self._content(asked)) >= 2:
            shares.append(self._share(asked, section, valued))
        return max(shares)

    def _share(self, question: str, section: Section, valued: bool) -> float:
        wanted = self._content(question)
        have = self._terms.get(section.id, frozenset()) | self._forms(question, section.id)
        if valued:
            wanted = {t for t in wanted if t in have or t not in self._attribute} or wanted
        weights = {t: self._idf.get(t, self._unknown_idf) for t in wanted}
        total = sum(weights.values())
        if total <= 0.0:
            return 0.0
        return sum(w for t, w in weights.items() if t in have) / total

    def extract(self, question: str, section: Section) -> str:
        """The sentences of ``section`` that answer ``question`` best, in the section's order
        (daemon/manual/sentences.py)."""
        return self._extractor.extract(question, section)


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000.0, 3)
