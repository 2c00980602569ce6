"""Courtesy, forms of address and dialect tags: the words a driver says around a request that
ask for nothing. The matcher skips them (`POLITE`), reads a command between them
(`EDGE_WORDS`), and never lets them end a name or a title (`TAGS`, `POLITE`: "call Kwame
chale" calls Kwame, "play Kassav, mersi" searches Kassav)."""

from __future__ import annotations

FOREIGN_THANKS = (
    "merci", "mersi", "merci beaucoup", "dank u wel", "dank u", "dank je wel", "danke",
    "danke schon", "gracias", "muchas gracias", "obrigado", "obrigada", "grazie", "asante",
    "asante sana", "khop khun kha", "khop khun khrap", "cam on", "xie xie", "arigato",
    "shukran", "toda raba", "spasibo", "dziekuje", "efharisto", "mahalo", "dyakuyu",
    "kiitos", "i beg", "right about now", "about now", "dead on", "shukriya", "takk", "spas",
    "webale", "mesi", "faafetai", "copy that", "cheers drive",
)
"""Thanks said in the driver's first language, and tails that ask for nothing ("... I beg",
"... right about now", Belfast's "dead on": all right); not the short ones that are also
titles or words ("toda", "tack")."""

POLITE = (
    *FOREIGN_THANKS,
    "please", "pls", "thanks", "thank you", "for me", "now", "right now", "hey jarvis", "jarvis",
    "hey", "okay", "ok", "um", "uh", "erm", "hmm", "so", "oh", "well", "just",
    "can you", "could you", "would you", "will you", "can i get", "i want you to",
    "id like you to", "i would like you to", "id like to", "i want to", "go ahead and",
    "would you mind", "if you can", "if you could", "kindly", "quickly", "maybe", "actually",
    "instead", "cheers", "ta", "mate", "tell me", "can you tell me", "let me know",
    "can i have", "could i have", "can we have", "could we have", "can i get", "give me",
    "be a love and", "would you be so kind as to", "i would be grateful if you could",
    "be a darling and", "be a darlin and", "be a dear and", "be a doll and", "be a star and",
    "be a sweetheart and", "be a gem and", "be a pal and", "be a mate and",
    "be a good lass and", "be a good lad and",
    "would you be so good as to", "could you be so good as to", "be so good as to",
    "would you be good enough to", "may i know", "could i know", "can i know",
    "please do the needful and", "do the needful and", "can ya", "would ya", "for us",
    "if you please", "thank you very much", "thanks a lot", "sir", "boss", "eh", "boet",
    "thank you so much", "thanks so much", "thank you ever so much", "thanks ever so much",
    "much appreciated", "hey cabin", "okay cabin", "ok cabin", "roughly", "approximately",
    "for the kids", "for the children", "for the little ones", "for the baby", "for everyone",
    "for everybody", "would you ever", "could you ever", "would ye", "would ye mind",
    "would you kindly", "could you kindly", "looking like", "do you reckon", "you reckon",
    "if its no trouble", "if its not too much trouble", "for the little one",
    "my lover", "ey up", "eh up", "ay up",
    "ah", "ahh", "oh god", "oh my god", "oh gosh", "oh dear",
    "help me", "please help me", "can help me", "could help me", "help me to", "or not",
    "do me a favour and", "do me a favor and", "would you mind awfully", "por favor",
    "sorry to bother you but", "sorry to bother you", "if you would", "if you dont mind",
    "if you do not mind", "may i have", "when you get a chance", "when you can",
    "sil vous plait", "svp", "bitte", "bitte schon", "per favore", "onegai", "onegaishimasu",
    "kudasai", "lutfen", "prosze", "pozhaluysta", "alsjeblieft", "se faz favor", "faz favor",
    # a question asked inside another ("i wonder how fast i'm going")
    "i wonder", "i was wondering", "im wondering", "i wanna know", "i want to know",
    "id like to know", "i would like to know", "ive no idea", "i have no idea", "do you know",
    "any idea", "have you any idea", "do you have any idea",
)
"""Fillers and politeness a sentence may carry anywhere: skipped by the matcher, never an
argument. Anything else left over means the sentence is not understood."""

TAGS = ("po", "jor", "oya", "sha", "abeg", "chur", "lah", "leh", "lor", "innit", "bruv", "ta", "ja",
        "brah", "chale", "cher", "machan", "bhai", "yaar", "habibi", "wai", "sah", "nat",
        "bai", "sebo", "nyabo", "uso", "loon", "quine", "bor", "marra", "dawlin")
"""Dialect tags and forms of address that are no English word ("call Tita Marites po", "play
Burna Boy jor", "play some Six60 chur", "volume 35 ta", Pittsburgh's "n'at", Guyanese "bai",
Luganda "sebo" and "nyabo", Samoan "uso", Doric "loon" and "quine", Norfolk "bor", Cumbrian
"marra", New Orleans "dawlin"): dropped from the end of any free text, a title too,
where the other `EDGE_WORDS` ("man", "honey") could end one ("play Piano Man")."""

DOUBTFUL_ENDS = ("fuh me", "fuh us", "me lover", "tack", "toda")
"""Words that end a driver's sentence more often than a name or a title, but may end one (a
Swedish "tack", Bristol's "me lover", "fuh me"): cut from the end of a free text, and the call
asked about first ("play abba tack": "Play abba?"; never acted on as heard)."""

TITLE_ENDS = ("again", "la", "sugar")
"""Words that end a driver's sentence ("the kids want to hear baby shark again", Scouse "la",
Georgia's "sugar") as often as a title ("Hello Again", "Ooh La La", "Brown Sugar"): kept, and
the call asked about first."""

EDGE_WORDS = (
    "bro", "bru", "bruh", "brah", "hoss", "lad", "lads", "lass", "love", "luv",
    "pet", "hun", "hon", "honey", "dear", "darling", "sweetheart", "babe", "dude", "man",
    "buddy", "bud", "pal", "chief", "guv", "mister", "madam", "maam", "cuz", "fam", "mon",
    "eh", "aye", "yo", "yeah", "yep", "yup", "quick", "sharpish", "pronto", "boyo", "partner",
    "la", "bab", "chef", "sugar", "shug",  # Scouse "la", Brummie "bab", Georgia's "sugar"
    *TAGS,
)
"""Words a driver says before or after a command that ask for nothing: forms of address
("fan on 4 bro", "would you switch on the fog lights pet"), dialect tags ("lock the ute up eh",
"abeg unlock the doors", "volume 35 ta") and hurry ("all the windows up quick"). Read only at
the ends of a sentence the language does not otherwise cover (daemon/understanding/edges.py),
never inside a name or a title ("play love" searches for love)."""
