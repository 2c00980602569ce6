"""Words at the edges of a sentence that the declared language does not know ("fan on 4 bro",
"yo call mom", "lock the ute up eh", "all the windows up quick").

A driver adds a form of address, a dialect tag or a word of their own before or after a command.
When the whole sentence is not understood, `Edges.trimmed` gives it back without up to two such
words at its start, its end or both, so the matcher can read the command in between. A word is
dropped when it is a declared form of address (`vehicle_tools.language.EDGE_WORDS`), or when no
template, slot list, politeness, correction or joiner of the language says it, it is no number
and, after one, nothing a number could be misheard as (`NUMBER_LIKE`: a misheard "twenty won"
must not become 20). Whether the command
then runs at once or is asked about first is the caller's choice: `Trimmed.declared` says every
dropped word was a form of address; any other word may have been a misheard one that mattered,
so the reading is asked about before the car moves. Pure; built once per grammar.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from hassil.expression import Alternative, Group, ListReference, Sequence, TextChunk
from hassil.parse_expression import parse_sentence

from daemon.understanding.grammar import Grammar
from daemon.understanding.shape import (
    FUNCTION_WORDS,
    LOOSE_FILLERS,
    NEGATIONS,
    phrases,
    template_words,
)
from daemon.understanding.text import normalize
from vehicle_tools.courtesy import FOREIGN_THANKS
from vehicle_tools.language import (
    CORRECTIONS,
    EDGE_WORDS,
    POLITE,
    SPLITTERS,
    Range,
    SlotList,
    Values,
)

_ONE_WORD_JOINS = frozenset(p for p in SPLITTERS if " " not in p and p != "that")
"""Joiners of one word ("and", "then", "also", "plus")."""
MAX_EDGE_WORDS = 2
"""At most this many unknown words are dropped at each end."""
MIN_KEPT = 2
"""A command found inside a longer sentence (`Edges.around`) has at least this many words."""
MAX_AROUND = 6
"""`Edges.around` gives at most this many pieces (the longest), and none for a sentence of more
than `MAX_AROUND_WORDS` words: each is a parse (~3 ms), paid before the language model starts
on a sentence the fast path does not take."""
MAX_AROUND_WORDS = 16
CLAUSE_STARTS = frozenset((
    "i", "im", "ive", "id", "ill", "my", "we", "were", "weve", "our", "its", "it", "the",
    "there", "theres", "this", "that", "thats", "he", "hes", "she", "shes", "they", "theyre",
    "his", "her", "their", "because", "cause", "cos", "since", "so", "as", "before", "while",
    "when", "until", "after", "if", "at", "for", "on", "in", "with", "oh", "wow", "man", "gosh",
))
"""Words that can open a clause said after a command ("lock the doors before we go through the
drive thru", "close the back window my son keeps playing with it"): `Edges.around` only cuts
before one of them, which bounds the parses it tries."""
ENGLISH = frozenset((
    "am", "are", "any", "anyone", "anything", "by", "does", "did", "doing", "done", "from",
    "has", "here", "got", "going", "gone", "getting", "feel", "feeling", "fine", "out",
    "really", "them", "things", "which", "yet", "many", "must", "lets", "use", "usual", "see",
    "show", "showing", "saying", "someone", "somebody", "everything", "everywhere",
    "altogether", "absolutely", "completely", "fully", "properly", "slightly", "moment",
    "minute", "sec", "second", "time", "times", "long", "playing", "keep", "keeps", "find",
    "hear", "hearing", "listen", "listening", "move", "place", "reach", "read", "reading",
    "running", "end", "late", "far", "further", "farther", "nearly", "still", "inside",
))
"""Plain English words some template also says ("are the doors locked", "my son keeps
playing with it"): not the car's own when `Edges.around` checks what it leaves out."""
QUESTION_STARTS = frozenset((
    "is", "are", "was", "am", "does", "do", "did", "has", "have", "had", "what",
    "whats", "which", "how", "when", "where", "why", "who", "whose", "isnt", "arent",
))
"""First words of a question ("is the ac on right now"): `Edges.around` never reads a command
after them. Not "were": the recogniser's "we're" is written so ("we're in a dodgy area ...")."""
COMMAND_WORDS = frozenset(("turn", "set", "put", "make", "switch", "change", "off", "up",
                           "down", "open", "close", "start", "stop", "give", "take"))
"""Words of a command that `Edges.around` never leaves out, though plain English has them too:
with a joiner ("and", "then") they mark a second command heard in part ("turn on the ache and
close the windows" is not "close the windows")."""


@dataclass(frozen=True)
class Trimmed:
    """A sentence without its unknown edge words.

    Attributes:
        text: the normalised words left.
        dropped: the words dropped, in order.
        declared: every dropped word is a declared form of address.
    """

    text: str
    dropped: tuple[str, ...]
    declared: bool


def said_words(grammar: Grammar) -> set[str]:
    """Every word a template or a slot list (names aside) of the language can say."""
    words: set[str] = set()
    for block in grammar.blocks:
        for template in block.sentences.templates:
            words |= template_words(template)
    for slot in grammar.lists.values():
        if isinstance(slot, Values):
            for phrase in phrases(slot):
                words.update(phrase)
    return words


def vocabulary(grammar: Grammar) -> frozenset[str]:
    """Every word the language can say: templates, slot lists, politeness, corrections,
    joiners, negations and the function words a loose reading allows. A word of a thanks in
    another language is known only as the whole thanks ("kia ora", not "kia"; "malo aupito",
    not a lone "malo", which is dropped at an end as unknown words are)."""
    words = said_words(grammar) | FUNCTION_WORDS | NEGATIONS
    partial = {normalize(t) for t in FOREIGN_THANKS if " " in normalize(t)}
    for said in (*POLITE, *CORRECTIONS, *SPLITTERS):
        if normalize(said) not in partial:
            words.update(normalize(said).split())
    return frozenset(words)


NUMBER_LIKE = frozenset((
    "won", "one", "to", "too", "two", "tu", "for", "fore", "four", "tree", "free", "three",
    "fife", "five", "sex", "sicks", "six", "seven", "ate", "eight", "nein", "nine", "ten",
    "teen", "teens", "ty", "tee", "then", "hundred", "thousand", "half", "point", "oh", "o",
    "and", "per", "cent", "percent", "degree", "degrees", "c", "f", "fahrenheit", "celsius",
    "kelvin", "k", "kilometres", "kilometers", "km", "kph", "miles", "mph", "metres", "meters",
    "feet", "foot", "inches", "minutes", "minute", "seconds", "hours", "hour", "notch",
    "notches", "level", "levels", "clicks", "bars", "psi", "kpa", "litres", "liters",
    "gallons", "times", "x",
))
"""Words after a number that may be a misheard part of it, or a unit that changes what it
means ("twenty won" must not become 20, "300 kelvin" not 300 degrees): never dropped after
one. Any other unknown word after a number is ("fan down to one hen"), and the reading is
asked about first."""
MEANINGFUL = frozenset((
    "few", "couple", "lot", "lots", "several", "bunch", "enough", "except", "but", "either",
    "neither", "anymore", "outside", "instead", "each", "every",
))
"""Words no template says that still change what a command means ("bring the heat up a few",
"all the windows except mine"): never dropped."""


def _firsts(expr: Any, lists: Mapping[str, SlotList]) -> tuple[set[str], bool]:
    """The words ``expr`` can start with ("#": a number), and whether it can say nothing."""
    if isinstance(expr, TextChunk):
        said = normalize(str(expr.original_text or expr.text)).split()
        return ({said[0]}, False) if said else (set(), True)
    if isinstance(expr, ListReference):
        slot = lists.get(expr.list_name)  # "{all_windows:window}": all_windows
        firsts = {phrase[0] for phrase in phrases(slot)} if isinstance(slot, Values) else (
            {"#"} if isinstance(slot, Range) else set())
        return firsts, False
    found: set[str] = set()
    if isinstance(expr, Alternative):
        empty = expr.is_optional
        for item in expr.items:
            first, item_empty = _firsts(item, lists)
            found |= first
            empty = empty or item_empty
        return found, empty
    for item in expr.items if isinstance(expr, Sequence | Group) else ():
        first, item_empty = _firsts(item, lists)
        found |= first
        if not item_empty:
            return found, False
    return found, isinstance(expr, Sequence | Group)


def starting_words(grammar: Grammar) -> frozenset[str]:
    """The words a command can start with: the first word a template can say ("#" for a
    number), or the first of a politeness phrase ("could", "please")."""
    words: set[str] = {normalize(p).split()[0] for p in POLITE if normalize(p)}
    for block in grammar.blocks:
        for template in block.sentences.templates:
            words |= _firsts(parse_sentence(template).expression, grammar.lists)[0]
    return frozenset(words)


def _is_number(word: str) -> bool:
    return any(ch.isdigit() for ch in word)


class Edges:
    """Drops unknown words at the ends of a sentence.

    Args:
        grammar: the compiled language; its words are the known ones.
    """

    def __init__(self, grammar: Grammar) -> None:
        self.known = vocabulary(grammar)
        self.address = frozenset(normalize(a) for a in EDGE_WORDS)
        self.starts = starting_words(grammar)
        self.joiners = frozenset(w for p in SPLITTERS for w in normalize(p).split())
        said = frozenset(w for p in (*POLITE, *CORRECTIONS) for w in normalize(p).split())
        self.content = (self.known - NEGATIONS - CLAUSE_STARTS - ENGLISH - LOOSE_FILLERS
                        - said) | COMMAND_WORDS | frozenset(
            w for p in SPLITTERS for w in normalize(p).split())
        # words a command starts with that say what to do or ask politely ("lock", "can"),
        # not "me" or "a": a command read after words left out starts with one
        self.heads = self.starts & (self.content | frozenset(
            normalize(p).split()[0] for p in POLITE if normalize(p)))

    def around(self, text: str) -> tuple[Trimmed, ...]:
        """The pieces of ``text`` (normalised) that could be a command said with something
        else before or after it ("we're in a dodgy area lock the doors", "close the back right
        window my son keeps playing with it"): every end part starting with a word a command
        can start with, and every start part cut before a word that can open a clause; the
        longest first. The part left out holds no number, no word of `MEANINGFUL` (it would be
        a refinement or a limit) and no word of the car's own (it may be a second command,
        heard in part: "turn on the ache and close the windows" is not "close the windows").
        Which of them is a command is the matcher's; what is left out may still be a misheard
        word that mattered, so the caller asks before acting."""
        words = text.split()
        found: list[Trimmed] = []
        for cut in range(1, 0 if len(words) > MAX_AROUND_WORDS else len(words) - MIN_KEPT + 1):
            if words[0] in QUESTION_STARTS:
                pass  # "is the ac on right now" asks, it is no "ac on" with words before it
            elif words[cut] in self.heads or (_is_number(words[cut]) and "#" in self.starts):
                found.append(Trimmed(" ".join(words[cut:]), tuple(words[:cut]), False))
            if words[-cut] in CLAUSE_STARTS and not self._begun(words[:-cut], words[-cut:]):
                found.append(Trimmed(" ".join(words[:-cut]), tuple(words[-cut:]), False))
        return tuple(t for t in sorted(found, key=lambda t: len(t.dropped))
                     if len(t.text.split()) >= MIN_KEPT and not any(
                         _is_number(w) or w in MEANINGFUL or w in self.content
                         for w in t.dropped))[:MAX_AROUND]

    def unjoined(self, text: str) -> tuple[tuple[str, str], ...]:
        """Two commands said one after the other without a joiner ("windows up sunroof shut",
        "ac on fan to 3"): the cuts of ``text`` (normalised, at most `MAX_AROUND_WORDS` words)
        before a word a command can start with, each side at least `MIN_KEPT` words; at most
        `MAX_AROUND`. Which are two commands is the matcher's; the caller asks first (a
        joiner may have been misheard). Never beside a joiner: there the matcher has tried
        the commands it joins ("turn on the AC and make it 20": "it" is the A/C, no
        temperature guessed); a joiner inside a side is the matcher's again ("set the cabin
        to 22 put the ac on and shut the windows")."""
        words = text.split()
        if len(words) > MAX_AROUND_WORDS:
            return ()
        return tuple((" ".join(words[:cut]), " ".join(words[cut:]))
                     for cut in range(MIN_KEPT, len(words) - MIN_KEPT + 1)
                     if words[cut] in self.starts and not {words[cut - 1], words[cut]}
                     & self.joiners)[:MAX_AROUND]

    def _begun(self, kept: list[str], dropped: list[str],
               whole: Callable[[str], bool] | None = None) -> bool:
        """Whether leaving out ``dropped`` would cut a second command begun in ``kept``: a
        joiner of one word among its last four words ("... and tell me the <leader>"), and a
        dropped word that is no form of address, function word or clause start; not when
        the words after that joiner are a whole command by themselves (``whole``: "high beam
        off and fogs on <bub>")."""
        joins = [i for i, w in enumerate(kept) if w in _ONE_WORD_JOINS]
        return bool(joins) and joins[-1] >= len(kept) - 4 and any(
            w not in self.address | FUNCTION_WORDS | CLAUSE_STARTS for w in dropped) and not (
            whole is not None and whole(" ".join(kept[joins[-1] + 1:])))

    def unknown(self, word: str) -> bool:
        """Whether no template, slot list, politeness, correction or joiner says ``word``
        (normalised), and it is no number and no word of `MEANINGFUL`."""
        return word not in self.known | MEANINGFUL and not _is_number(word)

    def _droppable(self, word: str) -> bool:
        return word in self.address or self.unknown(word)

    def trimmed(self, text: str, whole: Callable[[str], bool] | None = None
                ) -> tuple[Trimmed, ...]:
        """``text`` (normalised) without up to `MAX_EDGE_WORDS` unknown words at its start, at
        its end, and at both, in that order; empty when there are none or nothing known would
        be left. ``whole``: whether words are a whole command (`_begun`)."""
        words = text.split()
        start = 0
        while start < min(MAX_EDGE_WORDS, len(words)) and self._droppable(words[start]):
            start += 1
        end = len(words)
        while len(words) - end < MAX_EDGE_WORDS and end > start and self._droppable(
                words[end - 1]) and not (end >= 2 and _is_number(words[end - 2])
                                         and words[end - 1] in NUMBER_LIKE):
            end -= 1
        if self._begun(words[start:end], words[end:], whole):
            end = len(words)  # "pause the podcast and tell me the <leader>": a second command
            # begun and misheard, never dropped (the first alone would drop it silently)
        found: list[Trimmed] = []
        for first, last in ((start, len(words)), (0, end), (start, end)):
            kept, dropped = words[first:last], (*words[:first], *words[last:])
            if kept and first and words[first] not in self.heads and not all(
                    w in self.address for w in words[:first]):
                continue  # the word left out may be the verb ("sing me a song")
            if kept and dropped and all(t.text != " ".join(kept) for t in found):
                found.append(Trimmed(" ".join(kept), dropped,
                                     all(w in self.address for w in dropped)))
        return tuple(found)
