"""Whole-utterance matching against the declared command language (hassil).

An utterance is understood only when templates cover all of it (fillers and politeness
declared in `vehicle_tools.language.POLITE` aside). In order, `Matcher.parse` tries:

1. the whole utterance as one command;
2. a correction ("set it to 20, no, 22", "open the driver window, no, the passenger one",
   "crack my window a little... maybe ten percent"): the words after the correction replace
   as many words before it;
3. several commands joined by "and", "then", a comma: every piece must parse on its own (or
   with the verb of the piece before it: "open the driver window and the passenger window").

Anything else is not understood (None): never a partial action. Pure; hassil matches."""

from __future__ import annotations

import dataclasses
import itertools

from hassil import recognize_all
from hassil.recognize import RecognizeResult

from daemon.understanding import aside
from daemon.understanding.complaint import ComplaintReader
from daemon.understanding.correction import (
    CORRECTION_PHRASE,
    CORRECTION_WORDS,
    LENT_VERBS,
    MARKED,
    PRONOUN,
    bare_value_for,
    corrections_of,
    hesitated,
    refines,
    restarted,
    starts_a_command,
    stepped_to,
    strip_markers,
    toward,
    verb_of,
    without_denial,
)
from daemon.understanding.ellipsis import (
    gapped,
    lent_too,
    names_whose,
    parallel,
    same_for,
    without_same_again,
)
from daemon.understanding.fit import Fit
from daemon.understanding.follow import about_it, read_it, restored
from daemon.understanding.free_text import (
    NOT_A_NAME_START,
    a_name_after,
    across_a_pause,
    broken_free_text,
    comma_in_free_text,
    joins_commands,
    names_a_device,
    read_as_named,
    spoken_free_text,
    told_value,
)
from daemon.understanding.grammar import Grammar, compile_language
from daemon.understanding.groups import grouped, groups_of
from daemon.understanding.inverted import inversions
from daemon.understanding.joins import (
    SPLIT_WORDS,
    comma_points,
    drop_joiners,
    latest,
    restated_steps,
    says_what_to_do,
)
from daemon.understanding.loose import LooseReader
from daemon.understanding.parse import Parse
from daemon.understanding.reference import referents
from daemon.understanding.refining import AMOUNT_WORDS, pause_cuts, tidied, without_enough
from daemon.understanding.resolve import Question, complete
from daemon.understanding.retract import hedged_into
from daemon.understanding.stammer import unstammered
from daemon.understanding.text import clauses_of, normalize, plain_requests, plain_verbs
from daemon.understanding.wonder import WonderReader
from vehicle_tools.language import CORRECTIONS, ArgValue
from vehicle_tools.registry import Registry

MAX_SPLITS = 4
"""At most this many join points are tried (2^4 segmentations): five commands in a row."""


def _rank(result: RecognizeResult) -> tuple[int, int, int]:
    wildcards = sum(1 for e in result.entities_list if e.is_wildcard)
    return (-wildcards, len(result.entities_list), result.text_chunks_matched)


class Matcher:
    """Parses transcripts with the registry's declared language.

    Args:
        registry: the vehicle tools, each with its `Language`.
    """

    def __init__(self, registry: Registry) -> None:
        self.grammar: Grammar = compile_language(registry)
        self._topics = {tool.name: frozenset(map(normalize, tool.topics)) for tool in registry}
        self.loose = LooseReader(self.grammar, self._topics)
        self.fit = Fit(self.grammar, registry)
        self.complaints = ComplaintReader(registry, self.grammar.lists)
        self.wonders = WonderReader(registry)
        self.groups = groups_of(tool.language for tool in registry if tool.language)
        self._referents = referents(registry)
        self._registry = registry
        self._carrying = aside.vocabulary(self.grammar, (t for tool in registry
                                                         for t in tool.topics))

    def _whole(self, parse: Parse) -> bool:
        return not isinstance(complete(parse.tool, parse.args, self._registry), Question)

    def clause(self, text: str, original: str = "") -> Parse | None:
        """``text`` (normalised) as exactly one command, or None."""
        if not text:
            return None
        results = sorted(recognize_all(text, self.grammar.intents), key=_rank, reverse=True)
        for plain in [] if results else plain_requests(text):  # "mind putting the AC on"
            results = sorted(recognize_all(plain, self.grammar.intents), key=_rank,
                             reverse=True)
            if results:
                text = plain
                break
        read = [(p, _rank(r)) for p, r in ((self._read(r, text, original), r) for r in results)
                if p is not None]  # best first; a free text that is no value gives way
        if not read:
            return None
        tied = [p for p, rank in read if rank == read[0][1]]  # of equal readings, one whose
        return next((p for p in tied if self.fit.within_limits(p)), read[0][0])  # numbers its
        # tool takes ("heat passengers 1": level 1, not 1 C)

    def _read(self, best: RecognizeResult, text: str, original: str) -> Parse | None:
        """One recognised reading as a `Parse`; None when its free text is no value."""
        metadata = best.intent_metadata or {}
        block = self.grammar.blocks[int(metadata["block"])]
        args: dict[str, ArgValue] = dict(block.sentences.args)
        said: set[str] = set()
        doubtful: set[str] = set()
        remarked = False
        for entity in best.entities_list:
            if entity.is_wildcard:
                value: ArgValue = self.free_text(entity.name, str(entity.value), original)
                told, asked = told_value(self.grammar.lists.get(entity.name), str(value),
                                         self._carrying, self._holds_a_command)  # asked first
                value = value if told == value else self.free_text(entity.name, told, original)
                remarked = remarked or asked
                if not str(value).strip():
                    return None
                if broken_free_text(str(value)):
                    doubtful.add(entity.name)
            else:
                value = entity.value
            if isinstance(value, float) and value.is_integer() and not isinstance(
                    args.get(entity.name), float):
                value = int(value)
            args[entity.name] = value
            said.add(entity.name)
        return Parse(block.tool, args, frozenset(said), block, text, frozenset(doubtful),
                     inferred=remarked)

    def free_text(self, name: str, value: str, original: str) -> str:
        """The driver's own wording of the free-text slot ``name`` (`spoken_free_text`)."""
        return spoken_free_text(self.grammar.lists.get(name), value, original)

    def parse(self, transcript: str) -> tuple[Parse, ...] | None:
        """Every command in ``transcript``, in order; None when not all of it is understood."""
        transcript = restarted(hesitated(unstammered(transcript, self._carrying)))  # "c c call"
        text = " ".join(drop_joiners(normalize(transcript).split()))  # "then speed two"
        if not text:
            return None
        whole = self.clause(text, transcript)
        if whole is not None and not self._swallows(whole, transcript):
            split = self._split(text, transcript) if comma_in_free_text(whole) else None
            return (whole,) if split is None else latest(split)  # "play, fog lights on"
        found = self._corrected_or_split(text, transcript)
        if found is not None or whole is not None:
            return found  # (a free text that swallowed more than a name: None)
        found = grouped(text, self.groups, self.parse) or next(  # "open the back windows"
            (f for f in map(self.parse, inversions(text))  # "minimum on the temp"
             if f is not None and len(f) == 1 and not f[0].free_said()), None)
        if found is not None:
            return found
        plain = plain_verbs(transcript)  # "whack the temp up to 23": "put the temp up to 23"
        if plain != transcript:
            return self.parse(plain)
        loose = self._loose_one(text) or self.complaints.read(text, self.clause) \
            or self.wonders.read(text, self.clause)  # loosely
        return None if loose is None else (loose,)  # (loose.py), or what is wrong

    def _corrected_or_split(self, text: str, transcript: str) -> tuple[Parse, ...] | None:
        corrected = self._corrected(transcript)
        words = text.split()
        for cut in [] if corrected is not None or "," in transcript else pause_cuts(words):
            corrected = self._corrected(" ".join(words[:cut]) + ", " + " ".join(words[cut:]))
            if corrected is not None:  # a refinement heard without its pause ("turn the
                break  # music down about 25")
        if corrected is not None:
            return (corrected,)
        split = self._split(text, transcript)
        if split is None:
            split = self._after_a_reason(transcript)
        return None if split is None else latest(restated_steps(aside.without_reasons(
            split, transcript), self.clause, self._topics))  # "speak up ... a bit louder"

    def _loose_one(self, text: str) -> Parse | None:
        match = self.loose.read(text)
        return None if match is None else Parse(
            match.block.tool, match.args, match.said, match.block, text)

    def _after_a_reason(self, transcript: str) -> tuple[Parse, ...] | None:
        """The commands before or after a statement of why ("it's noisy, close the windows",
        "close all the windows the kids are cold", "unlock the car so the kids can hop out"):
        the statement asks for nothing itself. A trailing one that says an amount or a number
        is a refinement, never dropped ("open the window so it's half open")."""
        pieces = clauses_of(transcript, as_said=True)  # "it's noisy, call Dana": Dana
        if len(pieces) > 1 and aside.is_why(normalize(pieces[0])):
            return self.parse(", ".join(pieces[1:]))
        words = normalize(transcript).split()
        for cut in aside.why_cuts(words):
            found = self.parse(" ".join(words[:cut]))
            if found is not None:
                return found
        for rest, after in aside.without_remarks(transcript, self._carrying, self.grammar):
            found = self.parse(rest)
            if found is not None and not (after and found[-1].free_said()):
                return found
        return None

    def _swallows(self, parse: Parse, transcript: str = "") -> bool:
        """Whether a free-text value swallowed more than a name: words across a pause ("put on
        the heat ... 22 will do"), another tool's device ("put on the heat"), a join word, a
        correction ("navigate to Leeds, I mean York"), a phrase that starts like no name does,
        a purpose ("call mom so she knows we are late") or a command at either end ("ring Dave
        then play the next song", "play Purple Rain, no, play Kiss", "call me when you land",
        "play, activate the fog lights"); such a sentence is tried as corrections and several
        commands instead, and not understood when neither covers it."""
        for name in parse.said:
            if name not in self.grammar.free_text:
                continue
            value = str(parse.args[name])
            words = normalize(value).split()
            if across_a_pause(value, transcript) \
                    or names_a_device(words, parse.tool, self._topics) \
                    or joins_commands(words) or any(w in CORRECTION_WORDS for w in words) \
                    or CORRECTION_PHRASE.search(" ".join(words)) \
                    or (words and words[0] in NOT_A_NAME_START) \
                    or any(aside.PURPOSE.match(" ".join(words[i:])) for i in range(1, len(words))) \
                    or self._holds_a_command(words):
                return True
        return False

    def _holds_a_command(self, words: list[str]) -> bool:
        """Whether a free text is a command, or starts or ends with one of two words or more
        ("play, activate the fog lights"; "phone lights on high beam fog": a recogniser's
        garbage, no contact)."""
        spans = {tuple(words)} | {tuple(words[:n]) for n in range(2, len(words))} \
            | {tuple(words[n:]) for n in range(1, len(words) - 1)}
        return any(len(span) > 1 and self.clause(" ".join(span)) is not None for span in spans)

    def _corrected(self, transcript: str) -> Parse | None:
        """The command with its correction applied (see the module docstring); a correction
        word cuts the sentence like a comma ("temp to 25 no no 22")."""
        pieces = tidied([p for p in (normalize(p) for p in clauses_of(
            MARKED.sub(r", \1", transcript))) if p])  # "fan on ... gentle, level two"
        heard = clauses_of(transcript)  # the pauses the recogniser marked (words before)
        paused = {len(normalize(" ".join(heard[:n])).split()) for n in range(len(heard))}
        for index in range(len(pieces) - 1, 0, -1):
            before = " ".join(pieces[:index]).split()
            after_text = " ".join(pieces[index:])
            stripped = strip_markers(after_text)
            corrects = stripped != after_text
            if not (strip_markers(pieces[index - 1]) and (corrects or len(pieces) - index == 1)):
                continue  # a marker just before, or none and more than a refinement follows
            after = without_enough([w for w in stripped.split() if w not in CORRECTIONS])
            if (denied := without_denial(before, after)) != after:
                after, corrects = denied, True  # "..., not Khalid, Fatima"
            if not after:
                continue
            alone = self.clause(" ".join(after), transcript)
            strict = self.clause(" ".join(before), transcript)
            first = strict or self._loose_one(" ".join(before))
            if alone is not None and corrects and not self._swallows(alone) and not PRONOUN.match(
                    " ".join(after)) and (first is not None or len(before) in paused or
                                          starts_a_command(before)) and not hedged_into(
                    after_text, first, alone):  # not "the maps work with no phone signal"
                return alone  # "..., no, turn on the AC instead"; "..., like home" is no trip
            if first is None:  # what would be corrected is not understood itself: only the
                lent = self._with_verb_of(before, after, transcript) if corrects else None
                if lent is not None:  # correcting words with its verb ("close the rear left,
                    return lent  # sorry, the rear right window")
                continue
            named = not corrects and alone is None and len(before) in paused and a_name_after(
                before, after)  # "call my brother ... Tunde"
            if not corrects and not (named and first.free_said()) and (first.free_said() or (
                    alone is not None and not bare_value_for(alone, first))):
                continue  # a refinement refines a whole value, in words that are no command
                # ("crack my window a little... maybe ten percent") or the same tool's value
            titled = named and read_as_named(before, after, lambda t: self.clause(t, transcript))
            if isinstance(titled, Parse) and titled.free_said():  # (a name after a pause
                return dataclasses.replace(titled, inferred=True)  # may be a remark: asked)
            for words in corrections_of(before, after):
                said = normalize(" ".join(words))  # "20 and a half": 20.5
                candidate = self.clause(said, transcript) or (  # read as loosely as the
                    None if strict else self._loose_one(said))  # command it corrects
                if candidate is not None and refines(first, candidate, after, self.grammar.lists):
                    return toward(first, candidate, asked=named and candidate.free_said())
            stepped = stepped_to(first, after, self._registry.get(first.tool).topics, self.clause)
            if stepped is not None:  # "louder ... sixty five": the volume at 65
                return stepped
        return None

    def _with_verb_of(self, before: list[str], after: list[str],
                      transcript: str) -> Parse | None:
        """The correcting words as a command with the verb said before them, when they name
        what the verb acts on ("the rear right window"); never a name (free text)."""
        verb = verb_of(" ".join(before))
        if not verb or verb[0] not in LENT_VERBS or after[:len(verb)] == verb:
            return None  # "driver window down to 40, no, 60": "driver" is no verb
        parsed = self.clause(" ".join(verb + after), transcript)
        return None if parsed is None or parsed.free_said() or self._swallows(parsed) \
            else parsed

    def _split(self, text: str, transcript: str) -> tuple[Parse, ...] | None:
        words = text.split()
        joins = [i for i, w in enumerate(words) if w in SPLIT_WORDS][:MAX_SPLITS]
        commas = comma_points(transcript, words)
        points = sorted(set(joins) | commas)[:MAX_SPLITS]
        for count in range(1, len(points) + 1):
            for chosen in itertools.combinations(points, count):
                parsed = self._segments(words, chosen, transcript)
                if parsed is not None:
                    return parsed
        return None

    def _segments(self, words: list[str], cuts: tuple[int, ...],
                  transcript: str) -> tuple[Parse, ...] | None:
        parses: list[Parse] = []
        start = 0
        for cut in (*cuts, len(words)):
            joined = words[start] in SPLIT_WORDS  # "and"/"then", not a comma
            sequenced = "then" in words[start:start + 2]  # "... and then the one after that"
            piece = drop_joiners(words[start:cut])
            start = cut
            if not piece:
                return None
            if parses and not joined and start < len(words) and aside.is_why(" ".join(
                    piece)) and not any(w in AMOUNT_WORDS or w[0].isdigit() for w in piece):
                continue  # why, between two commands ("..., the kids are getting out, then")
            said_too = bool(parses) and (joined or same_for(piece)) and without_same_again(
                piece) != piece  # "..., the same for me"
            if parses and (joined or said_too):  # "... and the sunroof too", "... then close it
                piece = restored(without_same_again(piece))  # again"
            if parses and PRONOUN.match(" ".join(w for w in piece if w not in CORRECTIONS)) \
                    and (not joined or any(w in CORRECTIONS for w in piece)):
                return None  # "..., make it 3" corrects the command before: no new command
            parsed = self._piece(piece, parses[-1] if parses else None, joined, transcript)
            if parsed is None or self._swallows(parsed, transcript):
                return None
            if parses and parsed.tool != parses[-1].tool and not self.fit.names_its_tool(
                    parsed, parses[-1], piece):
                return None  # "heat my seat to 3 and the passenger's to 1" is about the seat
            again = bool(parses) and (parsed.tool, parsed.args) == (parses[-1].tool,
                                                                   parses[-1].args)
            if (sequenced and again) or (said_too and parsed.tool == parses[-1].tool):
                parsed = dataclasses.replace(parsed, follows=True)  # a second skip; "the rear
                # demister on and the front one too" asks for each on its own
            parses.append(lent_too(parsed, parses[-1]) if said_too else parsed)
        return tuple(parses)

    def _piece(self, piece: list[str], before: Parse | None, joined: bool,
               transcript: str) -> Parse | None:
        """One piece of several commands, after the command ``before`` (None: the first)."""
        if before is not None and joined and about_it(piece):  # "... then bring it down to 2":
            return read_it(piece, before, lambda t: self.clause(t) or self._loose_one(t),
                           self._whole, self._referents)  # what the command before acted on
        parsed = self.clause(" ".join(piece), transcript)
        if parsed is None and before is not None and (joined or names_whose(piece)):
            read = self.clause if self.clause(before.text) is not None else (
                lambda t: self.clause(t) or self._loose_one(t))  # as loosely as the one before
            parsed = parallel(piece, before, read, self._whole) or gapped(
                piece, before, read, self._whole, self._topics[before.tool])
        if parsed is None and before is not None:  # "... and the passenger window": the verb
            parsed = self.clause(" ".join(verb_of(before.text) + piece), transcript)
            if parsed is not None and parsed.free_said():
                parsed = None  # a borrowed verb never makes a name ("ring Alice then ...")
        loose = None if parsed is not None else self._loose_one(" ".join(piece))
        if loose is not None and before is not None and not says_what_to_do(loose):
            return None  # a thing named after a pause is no command ("open the sunroof, just a
        return parsed or loose  # track" heard for "a crack" is not "play")
