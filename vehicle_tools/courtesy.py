"""Courtesy, forms of address and dialect tags: the words a driver says around a request that
ask for nothing. The matcher skips them (`POLITE`), reads a command between them
(`EDGE_WORDS`), and never lets them end a name or a title (`TAGS`, `POLITE`: "call Kwame
chale" calls Kwame, "play Kassav, mersi" searches Kassav)."""

from __future__ import annotations

THANKS_BY_LANGUAGE: dict[str, tuple[str, ...]] = {
    # "thank you" (and "thanks a lot") in the languages drivers speak first, romanised the way
    # an English recogniser writes them; a form that is also an English word, a frequent
    # name or a short title ("toda", "tack", "malo", "ese") is left out or in DOUBTFUL_ENDS
    "afrikaans": ("dankie", "baie dankie"), "albanian": ("faleminderit",),
    "amharic": ("ameseginalehu", "amesegnalehu"), "arabic": ("shukran", "shukran jazeelan"),
    "armenian": ("shnorhakalutyun",), "azerbaijani": ("sag ol", "chox sag ol", "tashakkur"),
    "basque": ("eskerrik asko", "milesker"), "belarusian": ("dziakuj",),
    "bengali": ("dhonnobad", "dhanyabad", "dhonyobad"), "breton": ("trugarez",),
    "bulgarian": ("blagodarya",), "burmese": ("kyay zu tin ba de", "kyay zu"),
    "cantonese": ("m goi", "mh goi", "doh je", "do jeh"), "catalan": ("gracies", "moltes gracies"),
    "cebuano": ("salamat",), "chamorro": ("si yuos maase",), "chechen": ("barkal",),
    "chichewa": ("zikomo", "zikomo kwambiri"), "cornish": ("meur ras",),
    "croatian": ("hvala", "hvala vam", "hvala lijepa"), "czech": ("dekuji", "diky"),
    "danish": ("mange tak", "tusind tak"), "dutch": ("dank u wel", "dank u", "dank je wel",
                                                     "dank je", "bedankt"),
    "esperanto": ("dankon",), "estonian": ("aitah", "aitäh", "tanan"), "ewe": ("akpe na wo",),
    "fijian": ("vinaka", "vinaka vakalevu"), "finnish": ("kiitos", "kiitos paljon"),
    "french": ("merci", "mersi", "merci beaucoup"), "galician": ("grazas",),
    "georgian": ("madloba", "didi madloba", "gmadlobt"), "german": ("danke", "danke schon",
                                                                    "vielen dank"),
    "greek": ("efharisto", "efcharisto", "efharisto poli"), "guarani": ("aguyje",),
    "gujarati": ("aabhar", "abhar"), "haitian creole": ("mesi", "mesi anpil"),
    "hausa": ("na gode", "nagode"), "hawaiian": ("mahalo", "mahalo nui loa"),
    "hebrew": ("toda raba",), "hindi and urdu": ("dhanyavad", "dhanyavaad", "shukriya",
                                                 "bahut shukriya", "meharbani"),
    "hmong": ("ua tsaug",), "hungarian": ("koszonom", "köszönöm", "koszi"),
    "icelandic": ("takk fyrir",), "igbo": ("daalu", "imela"),
    "indonesian and malay": ("terima kasih", "makasih", "trima kasih"),
    "inuktitut and greenlandic": ("qujannamiik", "nakurmiik", "qujanaq"),
    "irish": ("go raibh maith agat",), "italian": ("grazie", "grazie mille"),
    "japanese": ("arigato", "arigatou", "domo arigato", "arigato gozaimasu"),
    "javanese": ("matur nuwun",), "kannada": ("dhanyavadagalu",), "kazakh": ("rakhmet", "rahmet"),
    "khmer": ("arkoun", "orkun", "aw kohn"), "kikuyu": ("ni wega",), "kinyarwanda": ("murakoze",),
    "korean": ("kamsahamnida", "gamsahamnida", "gomawo", "gomapseumnida"),
    "krio and tok pisin": ("tenki", "tenkyu", "tangkyu"), "kurdish": ("spas", "sipas", "supas"),
    "kyrgyz and uzbek": ("rakhmat", "rahmat", "raxmat"), "lao": ("khop jai", "khop chai"),
    "latvian": ("paldies",), "lingala": ("melesi", "matondo"),
    "lithuanian": ("aciu", "ačiū", "dekui"), "luganda": ("webale", "webale nyo"),
    "macedonian": ("blagodaram",), "malagasy": ("misaotra",), "malayalam": ("nanni", "nanniyundu"),
    "maltese": ("grazzi",), "maori": ("kia ora", "tena koe", "ka pai"),
    "marathi and nepali": ("dhanyawad",), "mongolian": ("bayarlalaa",),
    "norwegian": ("takk", "tusen takk"), "oromo": ("galatoomi",),
    "pashto": ("manana", "deera manana"),
    "persian and dari": ("mamnoon", "mamnun", "moteshakeram", "tashakor", "tashakkor"),
    "polish": ("dziekuje", "dziękuję"), "portuguese": ("obrigado", "obrigada", "muito obrigado",
                                                        "muito obrigada"),
    "quechua": ("sulpayki", "yusulpayki"), "romanian": ("multumesc", "mulțumesc"),
    "russian": ("spasibo", "bolshoe spasibo"), "samoan": ("faafetai", "faafetai lava"),
    "scottish gaelic": ("tapadh leat", "tapadh leibh"),
    "serbian and bosnian": ("hvala puno", "hvala lepa", "hvala vam puno"),
    "shona": ("tatenda", "ndatenda", "maita basa"), "sinhala": ("istuti", "bohoma istuti"),
    "slovak and slovene": ("dakujem", "ďakujem", "najlepša hvala"),
    "somali": ("mahadsanid",), "sotho and tswana": ("kea leboha", "ke a leboga"),
    "spanish": ("gracias", "muchas gracias"), "swahili": ("asante", "asante sana"),
    "tagalog": ("maraming salamat", "salamat po"), "tamil": ("nandri", "romba nandri"),
    "telugu": ("dhanyavadalu",), "thai": ("khop khun kha", "khop khun khrap", "khop khun",
                                         "kob kun ka", "kob kun krub"),
    "tibetan": ("thuk je che",), "tigrinya": ("yekenyeley",), "tongan": ("malo aupito",),
    "turkish": ("tesekkurler", "teşekkürler", "tesekkur ederim", "sagol"),
    "turkmen": ("sag bol",), "twi": ("medaase", "meda wo ase"), "ukrainian": ("dyakuyu",),
    "uyghur": ("rehmet",), "vietnamese": ("cam on", "xin cam on"), "welsh": ("diolch",
                                                                          "diolch yn fawr"),
    "wolof": ("jerejef",), "xhosa": ("enkosi", "ndiyabulela"), "yoruba": ("e se", "e seun"),
    "zulu": ("ngiyabonga", "siyabonga"), "mandarin": ("xie xie", "xiexie"),
    "arabic gulf": ("mashkoor",), "swedish": ("tack sa mycket",),
    "mandinka and fula": ("a jaraama", "abaraka"),
    # the Americas' first languages, the Pacific's, and Europe's and Africa's smaller ones
    "navajo": ("ahehee",), "cherokee": ("wado",), "lakota": ("pilamaya", "pilamayaye"),
    "ojibwe": ("miigwech", "chi miigwech"), "mohawk": ("niawen",), "yupik": ("quyana",),
    "nahuatl": ("tlazohcamati",), "aymara": ("yuspagara",), "mapudungun": ("chaltumay",),
    "papiamento": ("danki", "masha danki"), "sranan": ("grantangi",),
    "garifuna": ("seremein",), "ilocano": ("agyamanak",), "bikol": ("dios mabalos",),
    "northern sami": ("giitu", "giitu giitu"), "faroese": ("takk fyri",),
    "manx": ("gura mie ayd",), "west frisian": ("tankewol", "tige tank"),
    "yiddish": ("a dank", "a sheynem dank"), "occitan": ("merce",), "sardinian": ("grazias",),
    "friulian": ("graciis",), "sorbian": ("dziakuju",), "romani": ("nais tuke",),
    "cook islands maori": ("meitaki", "meitaki maata"), "tahitian": ("mauruuru",),
    "marshallese": ("kommol tata",), "palauan": ("sulang",), "chuukese": ("kinisou",),
    "niuean and tuvaluan": ("fakaaue lahi", "fakafetai"), "gilbertese": ("ko rabwa",),
    "bemba": ("natotela",), "luo": ("erokamano",), "kalenjin": ("kongoi",),
    "tsonga": ("inkomu",), "venda": ("ndo livhuwa",), "bambara": ("i ni ce",),
    "dzongkha": ("kadrinche",), "dhivehi": ("shukuriyaa",), "ossetian": ("buznyg",),
    "punjabi": ("dhanvaad", "bahut dhanvaad"), "balochi": ("minnatwar",),
}
"""Thanks in the driver's first language, by language: the world's widely spoken languages
and the regional ones of the corpus's populations. Each form is a whole word or phrase in
`POLITE` ("play Kassav, mersi" searches Kassav)."""

ADDRESS_BY_LANGUAGE: dict[str, tuple[str, ...]] = {
    # forms of address and tags a driver ends a request with in a first language or dialect,
    # romanised; those that are English words, frequent names, car words or frequent ends of
    # titles are left out ("beta", "bros", "bang", "dong", "mare": "Super Mario Bros")
    "spanish": ("che", "boludo", "mijo", "mija", "mijito", "mijita", "hermano", "hermana",
                "amigo", "amiga", "compa", "compadre", "carnal", "guey", "wey", "parce",
                "parcero", "parcera", "chamo", "chama", "pibe", "piba", "papi", "mami", "jefe",
                "jefa", "oye", "orale", "andale", "dale", "porfa", "listo", "pues",
                "ahorita", "chevere", "mi amor", "mi vida", "mi reina", "carino", "con gusto",
                "con mucho gusto", "de nada", "claro", "mil gracias", "dimelo", "klk",
                "tiguere", "mi pana", "manito"),
    "portuguese": ("cara", "meu", "irmao", "parceiro", "querido", "querida", "valeu",
                   "beleza", "fixe", "meu amor"),
    "italian": ("ragazzi", "amico", "amica", "bello", "caro", "tesoro", "dai", "allora",
                "ecco", "capo", "grazia"),
    "french": ("mon ami", "mon vieux", "mon chou", "allez", "voila", "hein",
               "frerot", "mec", "wesh", "ma belle", "mon pote", "quoi"),
    "german and dutch": ("digga", "schatz", "mensch", "gell", "joh", "hoor", "toch", "schat",
                         "jongen", "kompis"),
    "polish and russian": ("stary", "kochanie", "dobra", "kurcze", "bratan", "bratok",
                           "davai", "dorogoi", "dorogaya", "slushai", "koroche", "druzhe"),
    "greek": ("koukla", "agapi mou", "moro"),
    "turkish": ("abi", "abla", "kanka", "hocam", "canim", "kardesim", "haydi", "hadi", "tamam",
                "yani", "bey", "hanim"),
    "arabic and hebrew": ("habibti", "yalla", "akhi", "ukhti", "wallah", "wallahi", "khalas",
                          "ya akhi", "ya habibi", "inshallah", "mashallah", "achi", "motek",
                          "sababa", "boychik", "bubbeleh"),
    "south asian": ("bhaiya", "bhaisahab", "ji", "didi", "arre", "jaan", "chalo",
                    "acha", "accha", "theek hai", "janu", "macha", "maga", "akka",
                    "thambi", "dadash", "azizam", "joon", "saar"),
    "african": ("rafiki", "bwana", "kaka", "sasa", "poa", "bana", "ndugu", "oga", "omo",
                "jare", "chaley", "eish", "tjo", "howzit", "mfethu", "sisi"),
    "caribbean": ("bredren", "bredda", "breddah", "bwoy", "yute", "wah gwaan", "tanks"),
    "east and southeast asian": ("pare", "tol", "kuya", "lods", "bes", "beshie", "kak",
                                 "mbak", "pak", "gan", "bos", "deh",
                                 "krub", "khrap", "kha", "san", "kun", "sensei", "senpai",
                                 "oppa", "unnie", "hyung", "noona", "ajusshi", "ajumma",
                                 "jagiya", "yeobo", "laoban", "xiongdi", "gege", "jiejie"),
    "celtic and island": ("a chara", "a stor", "a ghraidh", "a chroi", "mo chroi", "cariad",
                          "bruddah", "braddah", "sistah", "e hoa", "genatsvale",
                          "dzmao", "aper", "akhper", "buddo", "peedie"),
    "farewells": ("ta ra", "tara a bit", "ta ra a bit", "hasta luego", "au revoir",
                  "auf wiedersehen", "tot ziens", "do svidaniya", "hamba kahle", "khuda hafiz",
                  "traa dy liooar", "slan", "hwyl", "hwyl fawr", "kwaheri", "totsiens"),
}
"""Forms of address, tags and farewells in the driver's first language or dialect, by
language: skipped at the ends of a command (`EDGE_WORDS`), and cut from the end of a name,
a place or a title with the call asked about first (`DOUBTFUL_ENDS`: "play Carlos Gardel
che" asks "Play Carlos Gardel?"; "che" may end a title)."""

FOREIGN_ADDRESS = tuple(form for forms in ADDRESS_BY_LANGUAGE.values() for form in forms)

_SONGS = frozenset(("mi amor", "mi vida", "meu amor", "hasta luego", "au revoir",
                    "auf wiedersehen", "agapi mou"))
"""Phrases of `ADDRESS_BY_LANGUAGE` that are also well-known titles: only `DOUBTFUL_ENDS`."""

FOREIGN_THANKS = (
    *(form for forms in THANKS_BY_LANGUAGE.values() for form in forms),
    "i beg", "right about now", "about now", "dead on", "copy that", "cheers drive",
)
"""Thanks said in the driver's first language (`THANKS_BY_LANGUAGE`), and tails that ask for
nothing ("... I beg", "... right about now", Belfast's "dead on": all right)."""

POLITE = (
    *FOREIGN_THANKS, *(f for f in FOREIGN_ADDRESS if " " in f and f not in _SONGS),
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
    "much appreciated", "much obliged", "obliged", "many thanks", "ta very much", "ta muchly",
    "thank you kindly", "thanks a million", "thanks a bunch", "appreciate it",
    "i appreciate it", "appreciate that", "i appreciate that", "appreciated", "hey cabin",
    "okay cabin", "ok cabin", "roughly", "approximately",
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

DOUBTFUL_ENDS = ("fuh me", "fuh us", "me lover", "tack", "toda",
                 *(f for f in FOREIGN_ADDRESS if f not in TAGS))
"""Words that end a driver's sentence more often than a name or a title, but may end one (a
Swedish "tack", Bristol's "me lover", "fuh me", the forms of `ADDRESS_BY_LANGUAGE`): cut from
the end of a free text, and the call asked about first ("play abba tack": "Play abba?"; never
acted on as heard)."""

TITLE_ENDS = ("again", "la", "sugar", "boy")
"""Words that end a driver's sentence ("the kids want to hear baby shark again", Scouse "la",
Georgia's "sugar", the Isle of Man's and Cork's "boy") as often as a title ("Hello Again", "Ooh
La La", "Brown Sugar", "Danny Boy"): kept, and the call asked about first."""

EDGE_WORDS = (
    "bro", "bru", "bruh", "brah", "hoss", "lad", "lads", "lass", "love", "luv",
    "pet", "hun", "hon", "honey", "dear", "darling", "sweetheart", "babe", "dude", "man",
    "buddy", "bud", "pal", "chief", "guv", "mister", "madam", "maam", "cuz", "fam", "mon",
    "eh", "aye", "yo", "yeah", "yep", "yup", "quick", "sharpish", "pronto", "boyo", "partner",
    "la", "bab", "chef", "sugar", "shug",  # Scouse "la", Brummie "bab", Georgia's "sugar"
    *TAGS, *(f for f in FOREIGN_ADDRESS if " " not in f),
)
"""Words a driver says before or after a command that ask for nothing: forms of address
("fan on 4 bro", "would you switch on the fog lights pet"), dialect tags ("lock the ute up eh",
"abeg unlock the doors", "volume 35 ta") and hurry ("all the windows up quick"). Read only at
the ends of a sentence the language does not otherwise cover (daemon/understanding/edges.py),
never inside a name or a title ("play love" searches for love)."""

FOREIGN_NO = (
    "nyet", "niet", "hayir", "hayır", "rara", "ochi", "ohi", "iie", "aniyo", "aniyo aniyo",
    "khong", "tidak", "bukan", "kwete", "hayi", "tsia", "deedeet", "daabi", "illai", "hoina",
    "aole", "nao", "não", "yox", "yoq", "zhok", "nakheir", "mba", "nee", "hapana", "nahi",
    "nahin", "nej", "nei", "voch", "leai",
)
"""A "no" in the driver's first language, said to correct what was just said ("fan to five,
nyet, four"), that is no English word, number or likely name (not "ne", "nu", "na", "jo",
"hindi", nor "nein" and "non", which are only read after a pause): read as
`vehicle_tools.language.CORRECTIONS` are, with or without a pause. (Another unknown word
where a "no" would be is read as one only under the conditions of
`daemon.understanding.understand`.)"""
