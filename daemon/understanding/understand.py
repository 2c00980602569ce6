"""What a transcript asks of the car: the fast path's whole decision, pure.

`Understander.understand` returns a `Plan`:

- ``calls``: the commands understood, in the order said, each resolved (units, relative
  changes) and later validated by the dispatcher one by one;
- ``question``: one short question for an argument that was not said ("Which window?"),
  asked after the calls before it ran; the answer is read by `Understander.answer`;
- ``refusal``: a text that tries to speak for the system or to override its instructions,
  refused with no bus call of any kind;
- ``unable``: understood but impossible as said (a relative change with no reading).

None means not understood: the language model (or "sorry") takes it, never a partial action.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass

from hassil import Intents, recognize_all

from daemon.understanding.correction import LENT_VERBS, POLITE_WORDS
from daemon.understanding.edges import MAX_AROUND_WORDS, MAX_EDGE_WORDS, Edges, Trimmed
from daemon.understanding.free_text import broken_free_text
from daemon.understanding.grammar import list_dict, with_digits
from daemon.understanding.injection import is_injection
from daemon.understanding.joins import SAYS_WHAT_TO_DO, says_what_to_do
from daemon.understanding.matcher import Matcher
from daemon.understanding.parse import Parse
from daemon.understanding.resolve import (
    Call,
    Question,
    Readings,
    Unable,
    after_call,
    complete,
    resolve,
)
from daemon.understanding.retract import RETRACTED, retracted
from daemon.understanding.text import normalize, trim_polite
from vehicle_tools.language import CORRECTIONS, POLITE, FreeText
from vehicle_tools.registry import Registry

REFUSAL = "I can't take instructions like that. Ask me for something in the car."
"""Said to a request that tries to override Cabin's instructions or speak for the system."""

@dataclass(frozen=True)
class Plan:
    """What to do about one transcript (see the module docstring)."""

    calls: tuple[Call, ...] = ()
    question: Question | None = None
    refusal: str = ""
    unable: str = ""
    inferred: bool = False
    """Read from what the driver said is wrong (a `Complaint`), not asked for: the Decider
    asks before acting ("Do you want me to change the temperature: ...?")."""


_SLOT_REF = re.compile(r"\{(\w+)(?::(\w+))?\}")
_ANSWER_FILLERS = ("[the] {slot} [one|window|seat|side|zone|please]", "{slot}")


_ARTICLES = frozenset(("the", "a", "an", "my", "to", "please"))


def _asked_first(parses: tuple[Parse, ...]) -> bool:
    """Whether commands read around words the language does not know may be asked about:
    not a reading of the car alone, no complaint, nothing beside a name, place or title."""
    return not all(p.tool.startswith("get_") for p in parses) and not any(
        p.inferred or isinstance(slot, FreeText) for p in parses
        for slot in p.block.language.lists.values())


_ASKING = frozenset((*LENT_VERBS, *SAYS_WHAT_TO_DO, "go", "let", "give", "get", "navigate",
                     "find", "tell", "show", "dial"))
"""First words that make a sentence ending in "?" a request ("open it?")."""
_REQUEST = frozenset(("can", "could", "would", "will", "please", "mind", "want"))
"""Words that make a sentence ending in "?" a request wherever they are ("can you ...?")."""


def _a_state_asked_about(transcript: str, parses: tuple[Parse, ...]) -> bool:
    """Whether ``transcript`` asks whether a state holds ("sunroof open?", "windows up?")
    rather than asks for it: it ends with "?", starts with no verb, says no request word, and
    is read as an action. Asked about first ("Do you want me to open the sunroof?")."""
    words = [w for w in normalize(transcript).split() if w not in _ARTICLES]
    while words and words[0] in POLITE_WORDS:  # "hey jarvis, um, open the sunroof?"
        words = words[1:]
    return transcript.rstrip().endswith("?") and bool(words) and words[0] not in _ASKING \
        and not set(words) & _REQUEST and not all(p.tool.startswith("get_") for p in parses)


def _restated(before: Parse, parse: Parse) -> bool:
    """Whether ``parse`` says nothing the command ``before`` it of the same tool did not: no
    word of its own fills an argument, and its fixed ones agree ("demister back" then "on").
    Not after a command that said nothing either ("skip, skip" is two skips)."""
    return parse.tool == before.tool and not parse.said and bool(before.said) and \
        not parse.follows and all(before.args.get(k, v) == v for k, v in parse.args.items())


def _completed(parses: tuple[Parse, ...]) -> tuple[Parse, ...]:
    """Commands where a bare state said after a command of the same tool completes it rather
    than starts another: "demister, rear, off" is the rear demister off (the "off" names no
    screen, and the command before named one but no state), not the rear one on and the
    front one off. Never a step ("fan to 3, up": relative), a said value, nor a next step."""
    kept: list[Parse] = []
    for parse in parses:
        before = kept[-1] if kept else None
        if before is None or parse.tool != before.tool or parse.said or parse.follows \
                or not before.said or len(parse.text.split()) > 2 or any(
                p.block.sentences.relative is not None for p in (before, parse)):
            kept.append(parse)
            continue
        added = {k: v for k, v in parse.args.items() if k not in before.said}
        if all(before.args.get(k) == v for k, v in added.items()):
            kept.append(parse)  # restated ("demister, back, on"): dropped below
            continue
        kept[-1] = dataclasses.replace(before, args={**before.args, **added},
                                       text=f"{before.text} {parse.text}")
    return tuple(kept)


def _without_closing_courtesy(transcript: str) -> str:
    """``transcript`` without the pieces after its last pauses (commas) that are courtesy
    alone ("heating down to 18, thanks", "..., tapadh leat"): said after the command, they
    change nothing in it; not after a correction ("..., no, for me": the driver's side)."""
    head, comma, tail = transcript.rpartition(",")
    while comma and normalize(head) and not normalize(trim_polite(tail)) and normalize(
            head.rpartition(",")[2]) not in CORRECTIONS:
        transcript = head
        head, comma, tail = transcript.rpartition(",")
    return transcript


_OPENER_WORDS = 4
"""At most this many words in an opener before the first pause ("on the double, ...")."""

_SHORT_EDGE = 6
"""At most this many letters in an unknown word left out between a command and a remark."""


class Understander:
    """The fast path's decision over the registry's declared language.

    Args:
        registry: the vehicle tools.
        warm: parse one sentence of every template at once (hassil compiles lazily: the first
            sentence of a kind took 50-130 ms; all of them ~0.4 s here), so no turn pays it.
    """

    def __init__(self, registry: Registry, *, warm: bool = True) -> None:
        self.registry = registry
        self.matcher = Matcher(registry)
        self.edges = Edges(self.matcher.grammar)
        self._answers: dict[tuple[str, str], Intents | None] = {}
        if warm:
            self._warm()

    def _warm(self) -> None:
        import random

        from daemon.understanding.sample import every_template

        for drawn in every_template(self.matcher.grammar, random.Random(0)):
            self.matcher.parse(drawn.text)

    def understand(self, transcript: str, state: Readings | None = None, *,
                   edges: bool = True) -> Plan | None:
        """The plan for ``transcript`` given the car's last reported ``state``; None when the
        declared language does not cover it. ``edges``: also read it without unknown words at
        its ends (`_within_edges`); False for judging what a recogniser heard, where a clean
        reading of another hypothesis is worth more ("lock the floors")."""
        early = Plan(refusal=REFUSAL) if is_injection(transcript) else (
            Plan(unable=RETRACTED) if retracted(transcript) else None)  # "..., never mind"
        if early is not None:
            return early
        transcript = _without_closing_courtesy(transcript)
        whole = self.matcher.parse(transcript)
        text = normalize(transcript)
        said = [w for w in text.split() if w not in _ARTICLES]
        if whole is not None and len(whole) == 1 and whole[0].text == text \
                and len(set(said)) < len(said) and self.matcher.clause(text) is None:
            two = self._unjoined(text)  # read loosely with a word said twice: "air off fan
            # off" is two commands, not the fan's alone
            whole = two if two and any(p.tool != whole[0].tool for p in two) else whole
        parses = whole or (self._within_edges(transcript) or self._corrected_across(text)
                           or self._remark_after_edge(text) or self._after_opener(transcript)
                           if edges else None)
        if parses is None:
            return None
        parses = _completed(parses)
        calls: list[Call] = []
        for index, parse in enumerate(parses):
            if index and _restated(parses[index - 1], parse):
                continue  # "demister, back, on": one rear demister
            resolved = resolve(parse, self.registry, state)
            if isinstance(resolved, Question) and whole is None and any(
                    p.inferred for p in parses):
                return None  # a word left out may have been the answer ("turbo fan"); a
                # form of address cannot ("open the window a little dear": "Which window?")
            if isinstance(resolved, Question):  # the commands after it wait for the answer
                then = self._then(parses[index + 1:], state)
                return Plan(tuple(calls), question=dataclasses.replace(resolved, then=then))
            if isinstance(resolved, Unable):
                return Plan(tuple(calls), unable=resolved.text)
            if not calls or calls[-1] != resolved or parse.follows:  # "demister, front,
                calls.append(resolved)  # on": one call; "next, then the one after that": two
                state = after_call(resolved, parse.block.language, state)
        return Plan(tuple(calls), inferred=any(p.inferred for p in parses)
                    or _a_state_asked_about(transcript, parses))

    def _within_edges(self, transcript: str) -> tuple[Parse, ...] | None:
        """The commands between words at the ends the language does not know
        (`daemon.understanding.edges`): as said when the words are forms of address ("fan on 4
        bro"), asked about first otherwise (the word may have been a misheard one that
        mattered). An unknown word is never dropped beside a name, a place or a title (it may
        be one: "yo call mom" is not "call"), nor to read a complaint (the words around it
        say whether it is one: "it's cold outside"), nor for a reading of the car alone (a
        reading is not asked about, and "tyre pressure numbers?" is the manual's). Two
        commands said without a joiner are asked about first too."""
        text = normalize(transcript)
        def whole(words: str) -> bool:
            return self.matcher.clause(words) is not None

        return self._first_read(
            (*self.edges.trimmed(text, whole), *self.edges.around(text))) or self._unjoined(text)

    def _first_read(self, pieces: Iterable[Trimmed]) -> tuple[Parse, ...] | None:
        for trimmed in pieces:
            parses = self.matcher.parse(trimmed.text)
            if parses is None:
                continue
            if trimmed.declared:
                return parses
            if _asked_first(parses):
                return tuple(dataclasses.replace(p, inferred=True) for p in parses)
        return None

    def _remark_after_edge(self, text: str) -> tuple[Parse, ...] | None:
        """A command, unknown words at its end, then a remark that opens a clause ("please turn
        on the front fog lights ayuh it's thick out there"): the command, asked about first;
        read only when nothing else reads the sentence, and only past short unknown words (a
        tag or a cry, `_SHORT_EDGE`; a long one is more likely a word of what is asked for:
        "turn on the air recirculation, there's a pig farm ahead" is no A/C)."""
        def whole(words: str) -> bool:
            return self.matcher.clause(words) is not None

        return self._first_read(
            dataclasses.replace(t, declared=False) for a in self.edges.around(text)
            if text.startswith(a.text + " ") for t in self.edges.trimmed(a.text, whole)
            if a.text.startswith(t.text + " ") and all(len(w) <= _SHORT_EDGE for w in t.dropped))

    def _after_opener(self, transcript: str) -> tuple[Parse, ...] | None:
        """The commands after a short opener before the first pause that is no command itself
        ("hold tight, next track and volume thirty", "on the double, lock the doors and cancel
        the route"), asked about first (it may have been a misheard word that mattered);
        never after a number or a correction in the opener, never a reading of the car alone,
        a complaint or a name (`_asked_first`)."""
        head, comma, rest = transcript.partition(",")
        words = normalize(head).split()
        if not comma or not words or len(words) > _OPENER_WORDS or any(
                w[0].isdigit() or w in CORRECTIONS for w in words) \
                or self.matcher.parse(head) is not None:
            return None
        parses = self.matcher.parse(rest)
        if parses is None or not _asked_first(parses):
            return None
        return tuple(dataclasses.replace(p, inferred=True) for p in parses)

    def _corrected_across(self, text: str) -> tuple[Parse, ...] | None:
        """A correction said with a word the language does not know where "no" would be ("fan
        to five nie four", "open the sunroof ugui close it", "ring sokha ot te ring dara": a
        "no" in the driver's first language): one or two unknown words (`Edges.unknown`)
        after a command, followed by words that, after a "no", correct that same command: the
        same tools, other arguments, and a value not corrected by a step. A name is corrected
        so only when the words after restate its command ("ring dara"): an unknown word after
        one may be part of it."""
        words = text.split()
        for i in range(2, min(len(words), MAX_AROUND_WORDS) - 1):
            for j in range(i + 1, min(i + MAX_EDGE_WORDS, len(words) - 1) + 1):
                if not all(self.edges.unknown(w) for w in words[i:j]):
                    break
                if len(words) - j < 2 and not any(ch.isdigit() for ch in words[-1]):
                    break  # one word after is too little to correct by ("..., gg, rgb max")
                named = any(self.edges.unknown(w) for w in words[j:])  # a name, or a
                # word that is none of the car's ("..., gg, rgb max"): only a restated name
                first = self.matcher.parse(" ".join(words[:i]))
                fixed = None if first is None else self.matcher.parse(
                    " ".join((*words[:i], "no", *words[j:])))
                if first is None or fixed is None or [(p.tool, dict(p.args)) for p in fixed] \
                        == [(p.tool, dict(p.args)) for p in first] or \
                        [p.tool for p in fixed] != [p.tool for p in first]:
                    continue  # no correction, or of another command
                if any(p.block.sentences.relative is not None for p in fixed) and not any(
                        p.block.sentences.relative is not None for p in first):
                    continue  # a value is corrected by a value: "fan on 12, hammer down" is
                    # CB talk, no step down
                restated = self.matcher.parse(" ".join(words[j:]))
                if (named or any(p.free_said() for p in (*first, *fixed))) and (
                        restated is None or [p.tool for p in restated] != [p.tool for p in first]):
                    continue
                return fixed
        return None

    def _unjoined(self, text: str) -> tuple[Parse, ...] | None:
        """Two commands said one after the other without a joiner ("windows up sunroof
        shut"), or three ("close the sunroof windows up lock the doors"), to be asked about
        first; None when no cut of ``text`` gives them."""
        found = self._cut(text, 1)
        return None if found is None else tuple(
            dataclasses.replace(p, inferred=True) for p in found)

    def _cut(self, text: str, depth: int) -> tuple[Parse, ...] | None:
        """The commands of ``text`` cut once, or ``depth`` more times on the right."""
        for left, right in self.edges.unjoined(text):
            first = self.matcher.parse(left)
            second = None if first is None else self.matcher.parse(right) or (
                self._cut(right, depth - 1) if depth else None)
            if first is not None and second is not None and _asked_first((*first, *second)) \
                    and all(says_what_to_do(p) for p in second):
                return (*first, *second)
        return None

    def _then(self, parses: tuple[Parse, ...], state: Readings | None) -> tuple[Call, ...]:
        """The commands after a question, resolved; up to one that needs a question of its
        own (asked one at a time: the driver says it again)."""
        found: list[Call] = []
        for parse in parses:
            resolved = resolve(parse, self.registry, state)
            if not isinstance(resolved, Call):
                break
            found.append(resolved)
        return tuple(found)

    def answer(self, question: Question, transcript: str) -> Call | None:
        """``transcript`` as the answer to ``question`` ("the passenger one" to "Which
        window?"): the completed call, or None when it is not an answer."""
        lists = self.matcher.grammar.lists
        text = normalize(transcript)
        if not text or is_injection(transcript):
            return None
        if isinstance(lists.get(question.missing), FreeText):  # "Sorry, where to?" -> a place
            value = self.matcher.free_text(question.missing, text, transcript)
            if not value or broken_free_text(value):
                return None
            done = complete(question.tool, {**question.args, question.missing: value},
                            self.registry)
            return done if isinstance(done, Call) else None
        intents = self._answer_intents(question.tool, question.missing)
        if intents is None:
            return None
        results = list(recognize_all(text, intents))
        if not results:
            return None
        value = results[0].entities_list[0].value
        done = complete(question.tool, {**question.args, question.missing: value}, self.registry)
        return done if isinstance(done, Call) else None

    def _answer_intents(self, tool: str, arg: str) -> Intents | None:
        key = (tool, arg)
        if key not in self._answers:
            self._answers[key] = self._build_answer_intents(tool, arg)
        return self._answers[key]

    def _build_answer_intents(self, tool: str, arg: str) -> Intents | None:
        language = self.registry.get(tool).language
        if language is None:
            return None
        names = {ref.group(1) for s in language.sentences for t in s.templates
                 for ref in _SLOT_REF.finditer(t) if (ref.group(2) or ref.group(1)) == arg}
        grammar = self.matcher.grammar
        names = {n for n in names if n in grammar.lists and n not in grammar.free_text}
        if not names:
            return None
        sentences = [with_digits(t.replace("{slot}", f"{{{n}:{arg}}}"))
                     for n in sorted(names) for t in _ANSWER_FILLERS]
        spec = {"language": "en", "intents": {"answer": {"data": [{"sentences": sentences}]}},
                "lists": {n: list_dict(grammar.lists[n]) for n in names},
                "skip_words": list(POLITE)}
        return Intents.from_dict(spec)
