"""How a site's name, address and city are read before two sites are compared (issue 11).

Suppliers spell one factory many ways: "Hon Hai Precision Ind. Co., Ltd. (Kunshan)", "HONHAI PRECISION INDUSTRY
CO LTD", "鸿海精密 昆山". Normalisation sets aside what does not tell two sites apart (case, accents, full-width
characters, punctuation, legal forms, abbreviations, the spaces of a transliteration: Shen Zhen / Shenzhen) and
keeps, on their own, what must agree: the numbers of a name (Plant 2 is not Plant 3) and of an address (No. 18 is
not No. 81).

Legal forms: a list of our own, not cleanco's. cleanco (2.3) strips one trailing form at a time (it leaves "Co." of
"Co., Ltd."), cuts a name at an unclosed parenthesis ("Celestica (Thailand"), costs about 45 µs a name (45 s for a
registry of a million sites), and its list changes between releases; a change would change the fingerprints of
records (hrdd.domain.sitematch.types.record_fingerprint) and so forget reviewers' decisions. The list below covers
the forms of the countries where ICT hardware is made; a new form is one line here and a test case.

Everything here is pure Python and deterministic; one call costs a few microseconds, so a registry of a million
sites is read in under a minute on one core.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from unidecode import unidecode

# Multi-word legal forms first (longest first), as token sequences; single tokens below. Matched at the end of a
# name, or anywhere for forms that never begin a trading name ("sdn bhd", "co ltd", "cong ty tnhh").
LEGAL_PHRASES: tuple[tuple[str, ...], ...] = tuple(
    sorted(
        (
            tuple(p.split())
            for p in (
                "s de rl de cv", "s de r l de cv", "s a de c v", "sa de cv", "sapi de cv", "s de rl", "sa de rl",
                "sdn bhd", "sendirian berhad", "pvt ltd", "private limited", "pte ltd", "public company limited",
                "public co ltd", "pcl", "co ltd", "company limited", "co limited", "corp ltd", "ltd co",
                "joint stock company", "joint stock co", "cong ty co phan", "cong ty tnhh", "cong ty", "tnhh mtv",
                "mot thanh vien", "one member", "spol s r o", "spol s ro", "s r o", "a s", "k s", "kft", "zrt", "nyrt", "bt",
                "gmbh co kg", "gmbh and co kg", "co kg", "ag and co kg", "b v", "n v", "s a", "s p a", "s r l",
                "private ltd", "opc pvt ltd", "llp", "inc", "phils inc", "philippines inc", "corporation",
                "you xian gong si", "youxian gongsi", "gufen youxian gongsi", "you xian", "gong si",
                "jsc", "ltd", "limited", "co", "corp", "company", "llc", "plc", "gmbh", "bv", "nv", "sa", "sas",
                "sarl", "srl", "spa", "sro", "as", "ag", "kg", "bhd", "berhad", "tbk", "pte", "pty", "oy", "ab",
                "pt", "tnhh", "cv", "lda", "ltda", "sab", "kk", "ооо",
            )
        ),
        key=lambda words: (-len(words), words),
    )
)  # fmt: skip
# A multi-word form of single letters ("s a", "b v") is only dropped at the end: inside a name it may be initials.
_LEGAL_ANYWHERE = tuple(p for p in LEGAL_PHRASES if len(p) > 1 and max(map(len, p)) > 1)  # longest first

# Words a supplier abbreviates; both sides read the long form. Name and address share one table.
ABBREVIATIONS: dict[str, str] = {
    "rd": "road", "st": "street", "str": "street", "ave": "avenue", "av": "avenue", "blvd": "boulevard",
    "hwy": "highway", "ln": "lane", "dist": "district", "distr": "district", "bldg": "building", "blk": "block",
    "fl": "floor", "flr": "floor", "ind": "industry", "indl": "industry", "indus": "industry",
    "industrial": "industry", "industries": "industry", "perindustrian": "industry", "industria": "industry",
    "industrias": "industry", "industriales": "industry", "industrie": "industry", "industriepark": "industry park", "est": "estate", "pk": "park", "tech": "technology",
    "technologies": "technology", "techn": "technology", "elec": "electronics", "electr": "electronics",
    "electronic": "electronics", "mfg": "manufacturing", "manuf": "manufacturing", "intl": "international",
    "int": "international", "eng": "engineering", "engg": "engineering", "semicon": "semiconductor",
    "semiconductors": "semiconductor", "comp": "components", "component": "components", "sys": "systems",
    "system": "systems", "prec": "precision", "hi": "high", "dev": "development", "devt": "development",
    "nr": "no", "num": "no", "number": "no", "jln": "jalan", "jl": "jalan", "kaw": "kawasan",
    "cty": "city", "tp": "city", "ul": "ulice", "u": "utca", "sz": "szam",
    "mu": "moo", "col": "colonia", "fracc": "fraccionamiento", "parque": "park",
    "ecozone": "economic zone", "sez": "economic zone",
    "epz": "export processing zone", "edz": "economic development zone", "hitech": "high technology",
    "hightech": "high technology", "factory": "plant", "fab": "plant", "werk": "plant", "planta": "plant", "ph": "phase", "kcn": "industry park", "ip": "industry park",
}  # fmt: skip

# Multi-token spellings read as one (transliteration spacing, well-known short forms). Applied on tokens.
JOINED: dict[tuple[str, ...], str] = {
    tuple(k.split()): v
    for k, v in {
        "ho chi minh city": "hochiminh", "ho chi minh": "hochiminh", "hcm city": "hochiminh",
        "hcmc": "hochiminh", "hcm": "hochiminh", "sai gon": "hochiminh", "saigon": "hochiminh",
        "ha noi": "hanoi", "hai phong": "haiphong", "bac ninh": "bacninh", "bac giang": "bacgiang",
        "vinh phuc": "vinhphuc", "dong nai": "dongnai", "binh duong": "binhduong", "da nang": "danang",
        "hai duong": "haiduong", "kuala lumpur": "kualalumpur", "pulau pinang": "penang", "pinang": "penang",
        "bayan lepas": "bayanlepas", "shah alam": "shahalam", "johor bahru": "johorbahru",
        "petaling jaya": "petalingjaya", "new taipei": "newtaipei", "new taipei city": "newtaipei",
        "hsin chu": "hsinchu", "tai chung": "taichung", "tao yuan": "taoyuan", "kao hsiung": "kaohsiung",
        "tai nan": "tainan", "ciudad juarez": "juarez", "cd juarez": "juarez", "san jeronimo": "sanjeronimo",
        "nuevo leon": "nuevoleon", "san luis potosi": "sanluispotosi", "bangalore": "bengaluru",
        "gurgaon": "gurugram", "new delhi": "delhi", "greater noida": "greaternoida", "sri city": "sricity",
        "sri perumbudur": "sriperumbudur", "sriperumbadur": "sriperumbudur", "laguna technopark": "technopark",
        "cabuyao city": "cabuyao", "santa rosa": "santarosa", "lapu lapu": "lapulapu", "lapu-lapu": "lapulapu",
        "chon buri": "chonburi", "prachin buri": "prachinburi", "pathum thani": "pathumthani",
        "ayutthaya": "ayutthaya", "phra nakhon si ayutthaya": "ayutthaya", "nava nakorn": "navanakorn",
        "hradec kralove": "hradeckralove", "usti nad labem": "ustinadlabem", "praha": "prague",
        "kutna hora": "kutnahora", "pilsen": "plzen", "madras": "chennai", "bombay": "mumbai",
        "pressburg": "bratislava", "raab": "gyor", "fuenfkirchen": "pecs", "szekesfehervar": "szekesfehervar", "tatabanya": "tatabanya",
        "zala egerszeg": "zalaegerszeg", "hong kong": "hongkong",
    }.items()
}  # fmt: skip

# City words that are only the kind of place ("Kunshan City", "Shenzhen Shi", "Longhua District").
PLACE_SUFFIXES = frozenset(
    {"city", "shi", "municipality", "province", "sheng", "county", "xian", "town", "zhen", "district", "qu",
     "prefecture", "state", "metro", "municipio", "ciudad"}
)  # fmt: skip

# Words too common in site names to tell two sites apart: blocking keys skip them (the score still compares the
# whole name).
GENERIC_NAME_WORDS = frozenset(
    {"electronics", "technology", "industry", "precision", "manufacturing", "components",
     "international", "group", "holdings", "holding", "global", "systems", "products", "product", "plant",
     "factory", "works", "semiconductor", "circuit", "circuits", "optoelectronics", "electric", "electrical",
     "communication", "communications", "computer", "devices", "device", "materials", "material", "trading",
     "enterprise", "enterprises", "development", "science", "new", "the", "and", "of", "branch", "site",
     "campus", "high", "engineering", "metal", "metals", "plastic", "plastics", "solutions", "asia", "pacific",
     "no", "unit", "phase", "building", "display", "energy", "power", "hi", "smart", "digital", "micro",
     "mechanical", "automotive", "optical", "photonics", "software", "information", "services", "service",
     "de", "la", "el", "los", "y", "del", "s", "zhi", "zao", "ke", "ji", "dian", "zi"}
)  # fmt: skip

GENERIC_ADDRESS_WORDS = frozenset(
    {"road", "street", "avenue", "boulevard", "highway", "lane", "district", "building", "block", "floor",
     "industry", "park", "zone", "estate", "no", "lot", "jalan", "kawasan", "area", "town", "village",
     "city", "province", "county", "section", "east", "west", "north", "south", "middle", "central", "sub",
     "economic", "export", "processing", "development", "high", "technology", "new", "free", "trade",
     "phase", "moo", "tambon", "amphoe", "soi", "colonia", "fraccionamiento", "ulice", "utca", "szam", "khu",
     "the", "and", "of", "de", "la", "del", "el", "unit", "room", "tower", "plaza", "science", "hi", "km",
     "carretera", "calle", "sector", "plot", "gate", "bhd", "ward", "commune", "xa", "phuong",
     "huyen", "quan", "tinh", "sez", "mukim", "taman", "kg", "kampung", "barangay", "brgy", "cavite", "laguna",
     "special", "cluster", "hsiang", "li", "lu", "jie", "dao", "cun", "zhen", "qu", "shi", "hao"}
)  # fmt: skip

ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7", "viii": "8", "ix": "9",
         "x": "10"}  # fmt: skip
NUMBER_WORDS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
                "eight": "8", "nine": "9", "ten": "10", "first": "1", "second": "2", "third": "3"}  # fmt: skip
# A Roman numeral or number word counts as a number only after one of these (so "Plant II" is 2 but the "I" of
# "I-Tech" or the "v" of "Jalan V" is not taken for one, unless a number word follows "no").
NUMBERED_WORDS = frozenset({"plant", "factory", "phase", "building", "no", "unit", "site", "campus", "line",
                            "works", "fab", "block", "zone", "hall", "branch"})  # fmt: skip

# Places that often appear inside a site's name ("Foxconn (Kunshan)"): taken out of the name and read as its
# city when the record names no city. Cities of the ten producing countries the benchmark covers, plus provinces
# that Chinese names carry in front.
KNOWN_PLACES = frozenset(
    {"shenzhen", "dongguan", "kunshan", "suzhou", "shanghai", "beijing", "chongqing", "chengdu", "zhengzhou",
     "wuhan", "xian", "tianjin", "guangzhou", "huizhou", "zhuhai", "foshan", "zhongshan", "xiamen", "ningbo",
     "hangzhou", "wuxi", "changzhou", "nanjing", "hefei", "taiyuan", "yantai", "qingdao", "langfang",
     "jiangsu", "guangdong", "zhejiang", "sichuan", "henan", "hubei", "shandong", "fujian", "anhui",
     "taipei", "newtaipei", "hsinchu", "taoyuan", "taichung", "tainan", "kaohsiung", "penang", "bayanlepas",
     "kulim", "johorbahru", "shahalam", "ipoh", "melaka", "senai", "kualalumpur", "selangor", "johor", "kedah",
     "hochiminh", "hanoi", "haiphong", "bacninh", "bacgiang", "vinhphuc", "dongnai", "binhduong", "danang",
     "haiduong", "thainguyen", "bangkok", "ayutthaya", "chonburi", "rayong", "prachinburi", "pathumthani",
     "lamphun", "chachoengsao", "juarez", "guadalajara", "tijuana", "reynosa", "monterrey", "chihuahua",
     "queretaro", "apodaca", "sanjeronimo", "nuevoleon", "jalisco", "sanluispotosi", "mexicali", "prague",
     "brno", "pardubice", "ostrava", "plzen", "kutnahora", "hradeckralove", "ustinadlabem", "liberec",
     "budapest", "gyor", "tatabanya", "pecs", "szekesfehervar", "zalaegerszeg", "sarvar", "komarom",
     "bengaluru", "chennai", "sriperumbudur", "noida", "greaternoida", "gurugram", "delhi", "pune", "mumbai",
     "hyderabad", "sricity", "hosur", "manila", "cabuyao", "santarosa", "calamba", "cebu", "lapulapu",
     "clark", "batangas", "lipa", "mactan", "hongkong"}
)  # fmt: skip
COUNTRY_WORDS = frozenset(
    {"vietnam", "malaysia", "thailand", "mexico", "mex", "india", "philippines", "phils", "czech", "czechia",
     "hungary", "taiwan", "china", "prc", "cz", "hu", "th", "vn", "my", "ph", "mx", "cn", "tw", "in"}
)  # fmt: skip
_PLACE_OR_COUNTRY = KNOWN_PLACES | COUNTRY_WORDS

_DOTTED = re.compile(r"\b(\w)\.(?=\w\.)")
_DOTTED_PAIR = re.compile(r"\b(\w)\.(\w)\.?")
_APOSTROPHES = re.compile(r"['’`´]")
_WORDS = re.compile(r"[a-z0-9]+")
_DIGITS_LETTERS = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z]{2,})")


def fold(text: str) -> str:
    """Return text in plain lower-case ASCII: full-width forms, accents and other scripts transliterated."""
    text = unicodedata.normalize("NFKC", text or "")
    if not text.isascii():
        text = unidecode(text)
    return text.casefold()


def tokens(text: str) -> list[str]:
    """Return the words of a text, folded, with dotted abbreviations joined and abbreviations expanded."""
    text = fold(text).replace("&", " and ")
    text = _APOSTROPHES.sub("", text)  # Bao'an -> baoan
    text = _DOTTED.sub(r"\1", text)  # s.a. de c.v. -> sa de cv
    text = _DOTTED_PAIR.sub(r"\1\2", text)
    text = _DIGITS_LETTERS.sub(" ", text)  # plant2 -> plant 2, no18 -> no 18 (18a stays)
    words = _WORDS.findall(text)
    out: list[str] = []
    for word in words:
        expanded = ABBREVIATIONS.get(word, word)
        out.extend(expanded.split())
    return _join(out)


_JOIN_SIZES = (4, 3, 2)
_JOIN_FIRST = frozenset(k[0] for k in JOINED if len(k) > 1)


def _join(words: list[str]) -> list[str]:
    """Read multi-word spellings as one word: the table above, and any split place name (Shen Zhen, Kun Shan)."""
    out: list[str] = []
    i = 0
    n = len(words)
    while i < n:
        word = words[i]
        if i + 1 < n:
            for size in _JOIN_SIZES:
                if i + size > n:
                    continue
                key = tuple(words[i : i + size])
                joined = JOINED.get(key) if word in _JOIN_FIRST else None
                if joined is None and "".join(key) in _PLACE_OR_COUNTRY:
                    joined = "".join(key)
                if joined is not None:
                    out.append(joined)
                    i += size
                    break
            else:
                out.append(JOINED.get((word,), word))
                i += 1
        else:
            out.append(JOINED.get((word,), word))
            i += 1
    return out


_LEGAL_BY_LAST: dict[str, tuple[tuple[str, ...], ...]] = {}
for _phrase in LEGAL_PHRASES:
    _LEGAL_BY_LAST[_phrase[-1]] = (*_LEGAL_BY_LAST.get(_phrase[-1], ()), _phrase)
_LEGAL_BY_FIRST: dict[str, tuple[tuple[str, ...], ...]] = {}
for _phrase in _LEGAL_ANYWHERE:
    _LEGAL_BY_FIRST[_phrase[0]] = (*_LEGAL_BY_FIRST.get(_phrase[0], ()), _phrase)


def _strip_legal(words: list[str]) -> list[str]:
    """Drop legal forms: any trailing form (repeatedly), and the multi-word forms wherever they stand."""
    kept: list[str] = []
    i = 0
    while i < len(words):
        for phrase in _LEGAL_BY_FIRST.get(words[i], ()):  # longest first
            size = len(phrase)
            if tuple(words[i : i + size]) == phrase and len(words) - size >= 1:
                i += size
                break
        else:
            kept.append(words[i])
            i += 1
    words = kept or list(words)
    stripped = True
    while stripped and len(words) > 1:
        stripped = False
        for phrase in _LEGAL_BY_LAST.get(words[-1], ()):  # longest first
            size = len(phrase)
            if len(words) > size and tuple(words[-size:]) == phrase:
                del words[-size:]
                stripped = True
                break
    while len(words) > 1 and words[0] in {"pt", "cong", "ty"}:  # forms written in front: PT ..., Cong ty ...
        words.pop(0)
    return words


def _numbers(words: list[str]) -> tuple[list[str], list[str]]:
    """Split words into (words without numbers, the numbers): digits, and Roman numerals or number words that
    follow a word such as plant or phase."""
    kept: list[str] = []
    numbers: list[str] = []
    previous = ""
    for word in words:
        if word.isdigit():
            numbers.append(word.lstrip("0") or "0")
        elif word[0].isdigit():  # 18a, 3f
            numbers.append(word)
        elif previous in NUMBERED_WORDS and (word in ROMAN or word in NUMBER_WORDS):
            numbers.append(ROMAN.get(word) or NUMBER_WORDS[word])
        else:
            kept.append(word)
        previous = word
    return kept, numbers


@lru_cache(maxsize=65536)
def city_key(city: str) -> str:
    """Return a city as one comparable word: 'Shen Zhen Shi', 'SHENZHEN' and '深圳市' give 'shenzhen'."""
    words = tokens(city)
    while len(words) > 1 and words[-1] in PLACE_SUFFIXES:
        words.pop()
    return "".join(words)


@dataclass(frozen=True)
class NormalisedSite:
    """What the comparison reads of one site. Text fields are space-separated words; `*_numbers` are sorted and
    space-separated, '' when there are none."""

    key: str
    country: str
    name: str  # name words without legal form, places and numbers
    name_compact: str  # the name without spaces (Hon Hai / HonHai)
    name_in_country: str  # the country and the compact name (the key of the names' frequencies)
    name_distinct: (
        str  # the name's distinctive words run together, without the generic ones (Electronics ...)
    )
    name_numbers: str
    name_key1: str  # blocking keys: the first and the longest distinctive words of the name
    name_key2: str
    name_prefix: str  # the first three letters of the name's distinctive words, run together
    city: str  # city_key of the city, or of a place the name carries when the city is blank
    address: str  # address words without numbers
    address_numbers: str
    address_key: str  # the first distinctive word of the address (the street, the park)
    postal_code: str


def _distinctive(words: list[str], generic: frozenset[str]) -> list[str]:
    return [w for w in words if w not in generic and len(w) > 1]


_POSTAL = re.compile(r"\d{5,6}")
_CZECH_POSTAL = re.compile(r"\b(\d{3}) (\d{2})\b")


def normalise_site(
    *, key: str, name: str, address: str = "", city: str = "", postal_code: str = "", country: str = ""
) -> NormalisedSite:
    """Read one site as the comparison does; see the module's docstring."""
    own_city = city_key(city)
    words, name_numbers = _numbers(_strip_legal(tokens(name)))
    places = [w for w in words if w in KNOWN_PLACES or w == own_city]
    kept = [w for w in words if w not in _PLACE_OR_COUNTRY and w != own_city] or words
    folded_address = fold(address)
    if country.upper() in {"CZE", "SVK", "CZ", "SK"}:
        folded_address = _CZECH_POSTAL.sub(r"\1\2", folded_address)  # 530 06 is one postal code
    kept = [w for w in kept if w != "no"] or kept  # "Factory No. 3" and "Plant 3" read alike
    address_words, address_numbers = _numbers(tokens(folded_address))
    if not own_city:
        places += [w for w in address_words if w in KNOWN_PLACES]
        own_city = places[0] if places else ""
    address_words = [w for w in address_words if w not in _PLACE_OR_COUNTRY and w != own_city]
    # A five- or six-digit number in an address is its postal code: one list gives it, the next leaves it out.
    postal = [n for n in address_numbers if _POSTAL.fullmatch(n)]
    address_numbers = [n for n in address_numbers if not _POSTAL.fullmatch(n)]
    if not postal_code and postal:
        postal_code = postal[0]
    distinctive = _distinctive(kept, GENERIC_NAME_WORDS) or kept
    key1 = distinctive[0] if distinctive else ""
    key2 = max(distinctive, key=lambda w: (len(w), w)) if distinctive else ""
    street = _distinctive(address_words, GENERIC_ADDRESS_WORDS | KNOWN_PLACES)
    return NormalisedSite(
        key=key,
        country=(country or "").strip().upper(),
        name=" ".join(kept),
        name_compact="".join(kept),
        name_in_country=f"{(country or '').strip().upper()}:{''.join(kept)}",
        name_distinct="".join(distinctive),
        name_numbers=" ".join(sorted(set(name_numbers))),
        name_key1=key1,
        name_key2=key2,
        name_prefix="".join(distinctive)[:3],
        city=own_city,
        address=" ".join(w for w in address_words if w != "no"),
        address_numbers=" ".join(sorted(set(address_numbers))),
        address_key=street[0] if street else "",
        postal_code="".join(_WORDS.findall(fold(postal_code))),
    )
