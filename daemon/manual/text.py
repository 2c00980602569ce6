"""Words for retrieval: lower case tokens, one spelling per synonym, stems, no stop words.

The same `Analyzer` turns sections and questions into terms, so "tire", "tires" and "tyre"
meet, as do "trunk" and "boot". Pure apart from the Snowball stemmer (PyStemmer).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import Stemmer  # type: ignore[import-not-found]  # PyStemmer ships no type information

_TOKEN = re.compile(r"[a-z0-9]+")

SYNONYMS: dict[str, str] = {
    "tire": "tyre", "tires": "tyres", "trunk": "boot", "windshield": "windscreen",
    "gas": "fuel", "gasoline": "fuel", "petrol": "fuel", "hood": "bonnet",
    "moonroof": "sunroof", "aircon": "ac", "defroster": "defrost", "defogger": "defrost",
    "headlamp": "headlight", "headlamps": "headlights",
    "liftgate": "tailgate", "sat": "navigation", "nav": "navigation", "gps": "navigation",
    "amber": "orange", "yellow": "orange", "kids": "child",
    "children": "child", "childproof": "child", "seatbelt": "belt", "seatbelts": "belt",
    "kilopascals": "kpa", "mph": "speed", "kph": "speed",
    "cellphone": "phone", "mobile": "phone", "iphone": "phone", "wrench": "spanner",
    "lug": "wheel", "motor": "engine",
    "windows": "window", "lights": "light", "lamp": "light", "lamps": "light",
    "blinking": "flashing", "blinks": "flashes", "warmer": "heating", "heated": "heating",
    "heater": "heating", "faster": "fast", "slower": "slow", "quicker": "fast",
    "weigh": "weight", "weighs": "weight", "heavy": "weight", "wide": "width",
    "tall": "height", "temp": "temperature", "flickering": "flashing", "flicker": "flashing",
    "flickers": "flashes", "display": "dashboard", "dash": "dashboard", "squiggly": "wavy",
    "wiggly": "wavy", "automatic": "auto", "automatically": "auto", "sit": "seat",
    "sitting": "seat", "recalibrate": "calibrate",
    # drivers' words for the manual's (the tune split's fifth batch)
    "bolt": "nut", "bolts": "nuts", "lead": "cable", "leads": "cables", "slippy": "slippery",
    "misty": "misted", "steamed": "misted", "goo": "sealant", "squirter": "washer",
    "blind": "sunshade", "helpline": "assistance", "miles": "km", "mileage": "km",
    # who rides in the back
    "kid": "child", "son": "child", "sons": "child", "daughter": "child",
    "daughters": "child", "toddler": "child", "toddlers": "child",
    # units spelled out -> as the manual writes them after a number ("15,000 km", "60 Ah")
    "kilometres": "km", "kilometers": "km", "kilometre": "km", "kilometer": "km", "kms": "km",
    "millimetres": "mm", "millimeters": "mm", "millimetre": "mm", "millimeter": "mm",
    "centimetres": "cm", "centimeters": "cm", "kilograms": "kg", "kilos": "kg", "kilo": "kg",
    "liters": "litres", "liter": "litre",
    # the everyday word for the manual's ("the doors are all *shut*")
    "shut": "close", "shuts": "closes", "shutting": "closing",
    # drivers' words for the manual's (heldout2-9's questions, read by class)
    "flat": "dead", "ding": "chime", "dings": "chimes", "dinging": "chiming",
    "dinged": "chimed", "ping": "chime", "pings": "chimes", "pinging": "chiming",
    "bong": "chime", "bonging": "chiming", "blower": "fan",
    "clicker": "fob", "keyfob": "fob", "remote": "fob", "gap": "distance", "undo": "loosen",
    "bum": "seat", "balloon": "airbag",
    "bags": "luggage", "bag": "luggage", "suitcases": "luggage", "baggage": "luggage",
    "ring": "call", "ringing": "calling", "wet": "damp", "rainy": "damp", "humid": "damp",
    # a person drawn on a light ("the red *fella* with a belt across him")
    "fella": "person", "fellow": "person", "bloke": "person", "figure": "person",
}
"""Word -> the spelling the manual's sections use (both sides are mapped the same way)."""

PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\ba\s*/\s*c\b"), "ac"), (re.compile(r"\bair\s+con\b"), "ac"),
    (re.compile(r"\bair\s+bags?\b"), "airbag"), (re.compile(r"\b12\s*v\b"), "12 volt"),
    (re.compile(r"\bhand\s*brake\b"), "parking brake"),
    (re.compile(r"\bbr(oke|eaks?|oken) down\b"), "breakdown"),
    (re.compile(r"\bpop (open )?the\b"), "open the"),
    (re.compile(r"\bamp(ere)?[\s-]*hours?\b"), "ah"),
    (re.compile(r"\b(rear|back) screen\b"), "rear window"),
    (re.compile(r"\bfront screen\b"), "windscreen"),
    # the back of the car is its rear ("the *back* seats", "a USB port *in the back*")
    (re.compile(r"\bback (?=(seats?|doors?|windows?|tyres?|tires?|wheels?|passengers?)\b)"),
     "rear "),
    (re.compile(r"\b(in|at) the back\b(?! of)"), r"\1 the rear"),
    # how drivers say the manual's words in pieces ("pump up" -> inflate, "screen wash")
    (re.compile(r"\bpump(s|ed|ing)? (it |them |her )?up\b"), "inflate"),
    # what a tyre is pumped to is its pressure ("what should the tyres be *pumped to*", "what
    # do I *pump* the spare *up to*", "*how much air* goes in the spare"), not the pump or
    # the air of checking and inflating them
    (re.compile(r"\b(pumped|pumping|pump(?= (the|them|it|her|my|all|each|both|tyres?)\b)) "
                r"((?:[a-z]+ ){0,5})(up )?to\b"), r"inflate \3to"),
    (re.compile(r"\bhow much air\b"), "how much pressure"),
    # the car left for a while stands, as the manual says ("leaving her *parked for a couple
    # of months*", "going *away for a month*": "if the car will stand for more than 4 weeks")
    (re.compile(r"\b(?:leav\w*|left|park\w*|away|stor\w*|sit|sits|sitting|stand\w*)\b"
                r"(?: (?:her|him|it|them|the car))?(?: parked)?"
                r"([^,.?!]{0,40}?) for (?:a|an|one|two|three|four|five|six|a few|a couple of|"
                r"several|some|\d+) (?:weeks?|months?)\b"), r"\1 stand for weeks"),
    # doors that open when the key unlocks them ("only my door opened", "get every door
    # open with the fob", "how do I open the rest"): unlocking, not the door open warning
    (re.compile(r"\bonly (opens?|opened) (my|the drivers?|one) door\b"), r"only unlocks \2 door"),
    (re.compile(r"\bonly (my|the drivers?|one|the one) doors? (opens?|opened|opening)\b"),
     r"only \1 door unlocks"),
    (re.compile(r"\b(every|each|all|all the|all four|the other|the rest of the) doors? "
                r"(to )?(opens?|opened|opening)\b"), r"\1 doors unlock"),
    (re.compile(r"\bopen (the rest|the others|the other doors?)\b"), r"unlock \1"),
    # "this *motor*", "inside the *motor*": the car, as British drivers say it; the motor
    # light, oil or temperature is the engine's
    (re.compile(r"\b(this|my|me|our|your|inside the|in the|on the) motor\b"
                r"(?! (light|lamp|warning|oil|temp\w*|is|has|was|keeps|running|overheat\w*)\b)"),
     r"\1 car"),
    # ISOFIX points, hooks or mounts are what the manual calls its anchors
    (re.compile(r"\bisofix (points?|hooks?|mounts?|mountings?|fittings?|connectors?|bars?|"
                r"latch(es)?|loops?)\b"), "isofix anchors"),
    # the space-saver as drivers call it ("the *skinny* spare", "the *donut*")
    (re.compile(r"\b(skinny|temporary|doughnut|donut) (spare|wheel|tyre|tire)\b"),
     r"space saver \2"),
    (re.compile(r"\bscreenwash\b"), "screen wash"), (re.compile(r"\bbrights\b"), "high beam"),
    (re.compile(r"\b(medical|first\s*aid) (kit|box)\b"), "first aid kit"),
    (re.compile(r"\b(full|main) beam\b"), "high beam"),
    (re.compile(r"\bkey\s*fob\b"), "key fob"),
    # the symbols as drivers see them: the oil can as a teapot or a genie's lamp, the
    # airbag as a ball in front of the person, the car seen "from the top"
    (re.compile(r"\b(tea\s*pot|genie'?s? lamp|aladdin'?s? lamp|magic lamp)\b"), "oil can"),
    (re.compile(r"\b(big |round |large )?ball in front\b"), "airbag in front"),
    (re.compile(r"\bfrom the top\b"), "from above"),
    # seats folded "flat" or "down" are folded; what "fits" is what a space holds
    (re.compile(r"\bfold(ed|s|ing)? (flat|down)\b"), r"fold\1"),
    (re.compile(r"\b(how much (?:\w+ ){0,2})(?:fits|will fit|can fit|fit)\b"), r"\1holds"),
    # being online, as the manual says it ("without a *connection*")
    (re.compile(r"\b(mobile data|phone signal|phone reception|the internet|internet|"
                r"signal|reception)\b"), "connection"),
    # what the car does alone, as the manual says it ("lock *on their own*": by themselves)
    (re.compile(r"\bon (its|their) own\b"), "by themselves"),
    # a term of address after a comma ("what should I switch off, *pet*", "..., my lover")
    (re.compile(r",\s*(my )?(pet|love|lover|duck|darling|dear|honey|sweetheart|babe|chief|"
                r"sir|madam|maam|mister|missus)\b(?=\s*(,|$|[?.!]))"), ","),
)
"""Spellings of one word in several pieces, joined before the text is split into words
("A/C", "air con" -> "ac"; "air bag" -> "airbag"; "12v" -> "12 volt"; "handbrake" ->
"parking brake")."""

_POLITE = re.compile(
    r"\b(would|could|can|will) you (please )?(mind )?(tell(ing)?|help(ing)?|show(ing)?|"
    r"explain(ing)?|remind(ing)?)( me)?( to)?\b|\bdo you (know|have any idea)\b|"
    r"\bi (was )?(wonder(ing)?|would like to know)\b|"
    r"\b(sorry|apologies) to (bother|trouble|disturb) you\b|\bsorry\b|\bexcuse me\b|"
    r"\b(a )?quick question\b|\bi (have|ve got|got) a question\b|\b(hi|hello) there\b",
    re.IGNORECASE)
"""Polite wrappers around a question ("could you tell me ...", "would you mind telling me
...", "do you know ...", "sorry to bother you, ...", "quick question, ..."): the "you" in them
is not the assistant asked about, and their words are about no topic."""

_CARRY_ON = re.compile(
    r"\b(is it|is that|would it be) (safe|ok|okay|alright|all right|fine) to (keep )?"
    r"(drive|driving|carry on|continue)( on)?\b|"
    r"\b(can|could|should|may) (i|we) (still |keep |carry on |continue )?(drive|driving)( on)?\b|"
    r"\b(keep|carry on|continue) driving\b|"
    # or to stop ("do I have to *pull over*", "can I *limp on to the truck stop*", "can I
    # *keep going* or do I need to *pull in*")
    r"\b(can|could|should|may|do|must) (i|we) (still )?"
    r"(keep going|carry on|go on|limp( on)?( home)?|make it)"
    r"( to (the |my |a )?[a-z]+( [a-z]+)?)?\b|"
    r"\b(have|need|got|ought) to (stop|pull (over|in))\b|\bgotta (stop|pull (over|in))\b|"
    r"\bpull(ing)? (over|in)\b",
    re.IGNORECASE)
"""Asking whether to carry on driving ("is it safe to drive with ...", "can I keep driving
with ...") or to stop ("do I have to pull over"): the light or fault named after it is the
topic, not driving."""

ATTRIBUTE_WORDS = frozenset((
    "weight", "heavy", "pressure", "capacity", "size", "limit", "height", "length", "width",
    "big", "level", "far", "fast", "slow", "speed", "often", "long", "how", "maximum", "max",
    "minimum", "min", "location", "located", "side", "colour", "color", "number",
    # how something is, not what it is ("check the tyres hot or cold", "on the left or right")
    "hot", "cold", "warm", "cool", "left", "tall", "high",
    # which one of a kind ("engine oil spec", "fuel grade"): the code the section states
    "spec", "specs", "specification", "specifications", "grade", "rating",
    # the extreme of a property ("the *hottest* and *coldest* it goes"): its value is asked
    "hottest", "coldest", "warmest", "coolest", "highest", "lowest", "fastest", "slowest",
    "biggest", "smallest", "heaviest", "lightest", "longest", "widest", "tallest", "loudest",
))
"""Words asking for a property of something ("the trailer *weight*", "the spare wheel's
*pressure*"): they say what is asked about a topic, not which topic, so they never mean
"another section's topic" (`Answerer.covers`)."""

WEAK_WORDS = frozenset((
    "keep", "keeps", "kept", "put", "leave", "leaves", "leaving", "run", "running", "long", "new",
    "check", "checking",
    "automatic", "automatically", "work", "works", "working", "find", "look", "looks",
    "use", "using", "used", "turn", "make", "auto", "help", "symbol", "sign", "icon", "light",
    "warning", "dashboard", "mean", "means", "meaning", "show", "shows", "showing", "fix",
    "stuff", "happened", "right", "now", "still", "again", "suddenly", "today", "morning",
    "night", "read", "anywhere", "someone", "everything", "let", "stay", "stays", "staying",
    "try", "trying", "tried", "start", "started", "stuck", "little", "flash", "flashes",
    "flashing", "first", "goes", "back", "off",
    # a light's state ("lit up", "popped up", "appeared"): the warning light it is says which
    "lit", "illuminated", "popped", "pops", "appeared", "appears",
    "glowing", "glows", "glow", "picture", "pictures", "image", "drawing",
    # how it feels to the driver, not what it is ("feels really stiff", "sounds fine")
    "feel", "feels", "felt", "really", "seems", "fine",
    # what the driver hears or feels of a fault: the part or the light says which topic
    "sound", "sounds", "noise", "noises", "noisy", "judder", "juddering", "judders", "shaking",
    "shudder", "shuddering", "vibrating", "vibration", "squeak", "squeaking", "squeaks",
    "squealing", "rattling", "stiff",
    # where the car is ("on the motorway", "out in the bush")
    "motorway", "highway", "freeway", "interstate", "expressway", "autobahn", "turnpike",
    "farm", "bush", "outback",
    "buy", "buying",
    # where and when, not which topic ("without a child seat", "before my son can ...")
    "without", "before",
    # the driver's stance on the question, not its topic ("what's the deal", "am I allowed
    # to", "I want to understand how it decides", "definitely off", "is that possible")
    "deal", "allowed", "allow", "understand", "decide", "decides", "wonder", "curious",
    "matter", "matters", "mistake",
    # where a thing is put away ("where have they *hidden* the spare", "where's the jack
    # *hiding*"): the thing says which topic
    "hide", "hides", "hidden", "hiding", "stashed", "tucked",
    # the kind of control the driver sees ("the auto hold *button*"): its name or what it
    # does says which topic, and the manual names some controls alone ("Press AUTO HOLD")
    "button", "buttons",
    # small ("a *wee* green light", "a *tiny* drip"), like "little"
    "wee", "tiny",
    # the people in the driver's life, not the car's topics ("my *mate* in the front seat",
    # "the *wife* keeps moving the seat")
    "mate", "mates", "wife", "husband", "partner", "friend", "friends", "sister", "brother",
    "mum", "mom", "dad", "grandkids", "grandchildren", "family", "boss", "neighbour",
))
"""Words that say nothing about which topic a question is on ("keep", "put", "light",
"symbol", "this morning"): they count for retrieval, but not for or against a section
covering the question (`Answerer.covers`)."""

STOP_WORDS = frozenset((
    "a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "for", "with", "by", "from",
    "is", "are", "was", "be", "been", "it", "its", "this", "that", "these", "those", "i",
    "me", "my", "we", "our", "you", "your", "he", "she", "they", "them", "do", "does",
    "did", "can", "could", "should", "would", "will", "shall", "may", "might", "must",
    "what", "whats", "which", "who", "how", "where", "wheres", "when", "why", "there",
    "s", "t", "d", "ll", "re", "ve", "m", "if", "so", "as", "up", "about", "into", "out",
    "please", "hey", "jarvis", "tell", "know", "car", "cars", "vehicle", "aria",
    "want", "need", "get", "got", "have", "has", "any", "some", "then", "than", "just",
    "one", "here", "am", "be", "being", "like", "also", "only", "all", "not", "no",
    "kind", "type", "sort", "much", "many", "way", "thing", "things", "something",
    "anything", "okay", "ok", "supposed", "exactly", "really", "time", "take", "takes",
    "taking", "go", "going", "once", "happen", "happens", "wont", "dont", "doesnt", "isnt",
    "cant", "didnt", "arent", "im", "ive", "its", "theres", "thats", "hows", "whos", "youre",
    "lets", "heres", "bad", "normal", "serious", "worry",
    "worried", "problem", "come", "comes", "came", "coming", "went", "gone", "say", "said",
    # function words and their contractions, said around any topic ("even with the
    # handbrake off", "while we're driving", "hasn't buckled up", "it's getting worse")
    "even", "though", "although", "while", "were", "was", "wasnt", "werent", "hasnt",
    "havent", "hadnt", "wouldnt", "couldnt", "shouldnt", "theyre", "theyve", "weve", "were",
    "id", "youve", "getting", "gets", "too", "definitely", "possible", "whole", "between",
    "but", "over", "their", "theirs", "own", "because", "until", "each", "other", "others",
    # irregular forms of the stop verbs (the regular ones: `INFLECTED_STOP_WORDS`)
    "told", "knew", "known", "took", "taken",
    # the pronouns' other forms ("shut *himself* in", "put E10 in *her*"; "by itself", which
    # the manual says of what the car does alone, is kept)
    "him", "her", "his", "hers", "himself", "herself", "myself", "yourself", "ourselves",
    "us", "mine", "yours", "ours",
    # interjections, fillers and terms of address said around any question ("uh, I'm new to
    # this", "what now eh", "serious or not lah", "what must I do boet", "abeg"; not "ah",
    # the unit Ah)
    "uh", "um", "er", "erm", "hmm", "oh", "eh", "oi", "hi", "hello", "yeah", "yes",
    "yep", "nah", "ja", "lah", "leh", "lor", "hen", "boet", "bru", "bro", "abeg", "innit",
    "dude", "buddy", "pal", "cheers", "thanks",
    "chale", "brah", "bruh", "cher", "lass", "lad", "wor", "uff", "da", "fam", "cuz", "dawg",
    "oya", "sha", "don", "dey", "wey", "aye", "och", "guv", "yall", "yinz", "hon",
    # spoken contractions of stop words ("do I *gotta* pull over": got to)
    "gotta", "gonna", "wanna", "hafta", "oughta",
    # hedges and intensifiers ("roughly how many", "what can you actually do", "totally dead")
    "actually", "totally", "roughly", "basically", "literally", "completely", "quite", "very",
    "alright", "whys", "somewhere", "wrong",
    # how the driver frames it, not what is asked ("what am I *meant* to do" is "supposed to",
    # "what should they be at *normally*", "does it turn off *eventually*", "heated *as well*",
    # "orange *rather* than red", "only *ever*"; "he's", "she's" like "it's")
    "meant", "normally", "usually", "eventually", "ever", "rather", "well", "hes", "shes",
))
"""Words too common to tell sections apart ("car" is in every question about the car)."""

INFLECTED_STOP_WORDS = frozenset((
    "tell", "know", "want", "need", "get", "take", "go", "happen", "come", "say", "worry", "do",
    "suppose", "like", "sort", "kind", "type", "thing", "way", "problem",
))
"""Stop words whose every form is a stop word too ("what's the spanner symbol *telling* me",
"what *sorts* of things", "it *needs*", "what *happened*"): stems, so only words of the same
stem ("time" is not here: "timing" belt is a part)."""


@dataclass(frozen=True)
class Analyzer:
    """Text -> retrieval terms.

    Attributes:
        stem: reduce words to their Snowball (English) stem ("pairing" -> "pair").
        synonyms: map each word to the manual's spelling first (`SYNONYMS`).
    """

    stem: bool = True
    synonyms: bool = True
    _stemmer: object = field(default=None, repr=False, compare=False)
    _stop: frozenset[str] = field(default=frozenset(), repr=False, compare=False)
    _forms: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.stem:
            object.__setattr__(self, "_stemmer", Stemmer.Stemmer("english"))
            if self.synonyms:  # every form of a synonym: "blinked" as "blinking" (flashing)
                stemmer = self._stemmer
                pairs = zip(stemmer.stemWords(list(SYNONYMS)),  # type: ignore[attr-defined]
                            stemmer.stemWords(list(SYNONYMS.values())),  # type: ignore[attr-defined]
                            strict=True)
                object.__setattr__(self, "_forms", {k: v for k, v in pairs if k != v})
            object.__setattr__(self, "_stop", frozenset(self.stems(INFLECTED_STOP_WORDS)))

    @property
    def weak_terms(self) -> frozenset[str]:
        """`WEAK_WORDS` as terms (mapped and stemmed like every word)."""
        return frozenset(self.stems(SYNONYMS.get(w, w) for w in WEAK_WORDS))

    @property
    def attribute_terms(self) -> frozenset[str]:
        """`ATTRIBUTE_WORDS` as terms."""
        return frozenset(self.stems(SYNONYMS.get(w, w) for w in ATTRIBUTE_WORDS))

    def words(self, text: str) -> list[str]:
        """The content words of ``text``: lower case, synonyms mapped, stop words dropped."""
        lowered = text.lower().replace("'", "")
        for pattern, joined in PHRASES:
            lowered = pattern.sub(joined, lowered)
        raw = _TOKEN.findall(lowered)
        mapped = [SYNONYMS.get(w, w) for w in raw] if self.synonyms else raw
        kept = [w for w in mapped if w not in STOP_WORDS]
        if self._stemmer is None:
            return kept
        # the stop verbs' and nouns' other forms ("telling", "sorts", "needs", "happened")
        return [w for w, t in zip(kept, self.stems(kept), strict=True) if t not in self._stop]

    def question_terms(self, question: str, topic: bool = False) -> list[str]:
        """The retrieval terms of a question: `terms`, with "you" read as the assistant
        ("what can you do" asks about the assistant). ``topic``: without the words asking
        whether to carry on driving ("is it safe to drive with ..."), which name no topic."""
        return self.stems(self.question_words(question, topic))

    def question_words(self, question: str, topic: bool = False) -> list[str]:
        """The content words of a question (`words`, polite wrappers left out, "you" read as
        the assistant), unstemmed; ``topic``: as in `question_terms`."""
        plain = _POLITE.sub(" ", question)
        if topic:
            plain = _CARRY_ON.sub(" ", plain)
        return self.words(re.sub(r"\byou('(re|ve|ll|d))?\b", "assistant", plain,
                                 flags=re.IGNORECASE))

    def terms(self, text: str) -> list[str]:
        """The retrieval terms of ``text`` (`words`, stemmed when `stem`)."""
        return self.stems(self.words(text))

    def stems(self, words: Iterable[str]) -> list[str]:
        """``words`` stemmed (unchanged when `stem` is off)."""
        listed = list(words)
        if self._stemmer is None:
            return listed
        stemmed: list[str] = self._stemmer.stemWords(listed)  # type: ignore[attr-defined]
        return [self._forms.get(t, t) for t in stemmed]
