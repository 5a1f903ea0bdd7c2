"""What the synthesiser is given: narration with numbers, names and stress spelled out.

Captions and transcripts keep the written narration (digits, Latin names); only the text
handed to espeak-ng goes through :func:`normalise`. Per language:

* the pronunciation lexicon (``modules/lexicon.yaml``) replaces names, acronyms and
  words the voice stresses wrongly, as whole words regardless of case, longest entry
  first; a replacement may be espeak-ng phoneme input ``[[...]]``;
* Russian numbers are declined: years before a form of «год» become ordinals in the
  case the preposition asks for («в 1989 году» -> «в тысяча девятьсот восемьдесят
  девятом году»), numbers after common prepositions take their case («в 13 странах» ->
  «в тринадцати странах», «до 18 лет» -> «до восемнадцати лет»), ordinals with a
  suffix («25-й», «3-го») and percentages («71 %» -> «семьдесят один процент»);
* English years are read as years («1989» -> «nineteen eighty-nine»), percentages as
  «per cent»;
* a few written abbreviations are expanded («т. е.», «e.g.»).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from num2words import num2words

from courseware.content.yamlfile import load_yaml

#: The lexicon authors edit, relative to the content folder.
LEXICON_FILE = Path("modules") / "lexicon.yaml"

Lexicon = Mapping[str, Mapping[str, str]]

_WORD = r"[^\W\d_]"  # a letter
_NUMBER = r"\d+(?:[.,]\d+)?"


def load_lexicon(path: Path) -> dict[str, dict[str, str]]:
    """The lexicon file as {language: {written: spoken}}; empty when there is none."""
    if not path.is_file():
        return {}
    data = load_yaml(path.read_text(encoding="utf-8")).data or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected languages at the top level")
    lexicon: dict[str, dict[str, str]] = {}
    for lang, entries in data.items():
        if not isinstance(entries, dict):
            raise ValueError(f"{path}: {lang}: expected written: spoken entries")
        lexicon[str(lang)] = {str(k): str(v) for k, v in entries.items()}
    return lexicon


@cache
def _lexicon_pattern(keys: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def apply_lexicon(text: str, entries: Mapping[str, str]) -> str:
    """Replace each lexicon entry, as a whole word regardless of case."""
    if not entries:
        return text
    folded = {k.casefold(): v for k, v in entries.items()}
    pattern = _lexicon_pattern(tuple(entries))
    return pattern.sub(lambda m: folded[m.group(0).casefold()], text)


# --- Russian ---------------------------------------------------------------------

#: Preposition -> the case of the number after it.
RU_CASES = {
    "до": "genitive",
    "от": "genitive",
    "из": "genitive",
    "без": "genitive",
    "после": "genitive",
    "около": "genitive",
    "более": "genitive",
    "менее": "genitive",
    "больше": "genitive",
    "меньше": "genitive",
    "младше": "genitive",
    "старше": "genitive",
    "моложе": "genitive",
    "свыше": "genitive",
    "для": "genitive",
    "кроме": "genitive",
    "среди": "genitive",
    "к": "dative",
    "ко": "dative",
    "по": "dative",
    "при": "prepositional",
    "о": "prepositional",
    "об": "prepositional",
    "за": "accusative",
    "через": "accusative",
    "про": "accusative",
    "между": "instrumental",
    "над": "instrumental",
    "под": "instrumental",
    "перед": "instrumental",
}
#: The form of «год» -> (case, plural) of the year before it.
RU_YEAR_FORMS = {
    "год": ("nominative", False),
    "года": ("genitive", False),
    "году": ("prepositional", False),
    "годом": ("instrumental", False),
    "годы": ("nominative", True),
    "годов": ("genitive", True),
    "годах": ("prepositional", True),
    "годам": ("dative", True),
}
#: Ordinal suffix -> (case, gender, plural): «25-й», «3-го», «1-я».
RU_ORDINAL_SUFFIXES = {
    "й": ("nominative", "m", False),
    "ый": ("nominative", "m", False),
    "ий": ("nominative", "m", False),
    "ой": ("nominative", "m", False),
    "го": ("genitive", "m", False),
    "ого": ("genitive", "m", False),
    "му": ("dative", "m", False),
    "ому": ("dative", "m", False),
    "м": ("prepositional", "m", False),
    "ом": ("prepositional", "m", False),
    "ым": ("instrumental", "m", False),
    "я": ("nominative", "f", False),
    "ая": ("nominative", "f", False),
    "ю": ("accusative", "f", False),
    "ую": ("accusative", "f", False),
    "е": ("nominative", "n", False),
    "ое": ("nominative", "n", False),
    "х": ("prepositional", "m", True),
    "ых": ("prepositional", "m", True),
    "ые": ("nominative", "m", True),
}
RU_ABBREVIATIONS = {
    r"т\.\s?е\.": "то есть",
    r"т\.\s?д\.": "так далее",
    r"т\.\s?п\.": "тому подобное",
    r"напр\.": "например",
    r"см\.": "смотрите",
    r"млн\.?": "миллионов",
    r"млрд\.?": "миллиардов",
    r"тыс\.": "тысяч",
    r"№": "номер",
}
_RU_PERCENT = {
    "nominative": ("процент", "процента", "процентов"),
    "accusative": ("процент", "процента", "процентов"),
    "genitive": ("процента", "процентов", "процентов"),
    "dative": ("проценту", "процентам", "процентам"),
    "instrumental": ("процентом", "процентами", "процентами"),
    "prepositional": ("проценте", "процентах", "процентах"),
}


def _ru_number(value: str, case: str = "nominative", gender: str = "m") -> str:
    if "," in value or "." in value:
        return num2words(float(value.replace(",", ".")), lang="ru")
    return num2words(int(value), lang="ru", case=case, gender=gender)


def _ru_case_before(text: str, start: int, following: str = "") -> str | None:
    """The case a preposition right before ``start`` gives the number, if any."""
    match = re.search(rf"({_WORD}+)\s+$", text[:start])
    if not match:
        return None
    word = match.group(1).lower()
    if word in ("в", "во", "на"):
        # «в 13 странах» (where: prepositional) but «в 13 лет», «на 5 минут».
        return "prepositional" if re.match(r"\w*[ая]х\b", following) else None
    if word in ("с", "со"):
        return "instrumental" if re.match(r"\w*[ая]ми\b", following) else "genitive"
    return RU_CASES.get(word)


def _ru_years(text: str) -> str:
    def year(match: re.Match[str]) -> str:
        number, noun = match.group(1), match.group(2)
        case, plural = RU_YEAR_FORMS[noun.lower()]
        before = re.search(rf"({_WORD}+)\s+$", text[: match.start()])
        if noun.lower() == "году" and before and before.group(1).lower() in ("к", "по"):
            case = "dative"
        words = num2words(
            int(number), lang="ru", to="ordinal", case=case, plural=plural
        )
        return f"{words} {noun}"

    def years(match: re.Match[str]) -> str:
        # «в 2011–2012 годах»: each year in the case of the noun, in the singular.
        first, second, noun = match.groups()
        case, _plural = RU_YEAR_FORMS[noun.lower()]
        words = [
            num2words(int(n), lang="ru", to="ordinal", case=case)
            for n in (first, second)
        ]
        return f"{words[0]} — {words[1]} {noun}"

    noun = rf"(год(?:а|у|ом|ы|ов|ах|ам)?)(?!{_WORD})"
    text = re.sub(
        rf"(?<![\d,.])(\d{{4}})\s*[–—-]\s*(\d{{4}})\s+{noun}",
        years,
        text,
        flags=re.IGNORECASE,
    )
    pattern = rf"(?<![\d,.])(\d{{4}})\s+{noun}"
    return re.sub(pattern, year, text, flags=re.IGNORECASE)


def _ru_ordinals(text: str) -> str:
    suffixes = "|".join(sorted(RU_ORDINAL_SUFFIXES, key=len, reverse=True))

    def ordinal(match: re.Match[str]) -> str:
        case, gender, plural = RU_ORDINAL_SUFFIXES[match.group(2).lower()]
        if case == "prepositional" and not plural:
            before = re.search(rf"({_WORD}+)\s+$", text[: match.start()])
            where = ("в", "во", "на", "о", "об")
            if not before or before.group(1).lower() not in where:
                case = "instrumental"
        return num2words(
            int(match.group(1)),
            lang="ru",
            to="ordinal",
            case=case,
            gender=gender,
            plural=plural,
        )

    return re.sub(rf"(\d+)-({suffixes})(?!{_WORD})", ordinal, text)


def _ru_percentages(text: str) -> str:
    def percent(match: re.Match[str]) -> str:
        value = match.group(1)
        case = _ru_case_before(text, match.start()) or "nominative"
        whole = "," not in value and "." not in value
        n = int(value) if whole else 0
        if not whole:
            form = _RU_PERCENT["genitive"][0]  # «две целых пять десятых процента»
        elif n % 10 == 1 and n % 100 != 11:
            form = _RU_PERCENT[case][0]
        elif 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
            form = _RU_PERCENT[case][1]
        else:
            form = _RU_PERCENT[case][2]
        return f"{_ru_number(value, case)} {form}"

    return re.sub(rf"({_NUMBER})\s?%", percent, text)


def _ru_cardinals(text: str) -> str:
    def cardinal(match: re.Match[str]) -> str:
        following = text[match.end() :].lstrip()
        case = _ru_case_before(text, match.start(), following) or "nominative"
        return _ru_number(match.group(0), case)

    return re.sub(rf"(?<![\w.,]){_NUMBER}(?![\w])|\d+", cardinal, text)


def normalise_ru(text: str) -> str:
    """Russian narration as the synthesiser should read it."""
    for pattern, spoken in RU_ABBREVIATIONS.items():
        text = re.sub(rf"(?<!\w){pattern}(?!\w)", spoken, text)
    text = _ru_years(text)
    text = _ru_ordinals(text)
    text = _ru_percentages(text)
    return _ru_cardinals(text)


# --- English ---------------------------------------------------------------------

EN_ABBREVIATIONS = {
    r"e\.g\.": "for example",
    r"i\.e\.": "that is",
    r"etc\.": "et cetera",
    r"No\.(?=\s?\d)": "number",
}


def _en_year(year: int) -> str:
    if 2000 <= year <= 2009:
        return num2words(year, lang="en")
    return num2words(year, lang="en", to="year")


def normalise_en(text: str) -> str:
    """English narration as the synthesiser should read it."""
    for pattern, spoken in EN_ABBREVIATIONS.items():
        text = re.sub(rf"(?<!\w){pattern}", spoken, text)
    text = re.sub(
        rf"({_NUMBER})\s?%|({_NUMBER}) per ?cent",
        lambda m: (
            f"{num2words(float(m.group(1) or m.group(2)), lang='en')} per cent"
            if "." in (m.group(1) or m.group(2))
            else f"{num2words(int(m.group(1) or m.group(2)), lang='en')} per cent"
        ),
        text,
    )
    # A year: four digits from 1100 to 2099 that are not part of a longer number.
    return re.sub(
        r"(?<![\d,.])(1[1-9]\d\d|20\d\d)(?!\d|[,.]\d)",
        lambda m: _en_year(int(m.group(1))),
        text,
    )


NORMALISERS = {"ru": normalise_ru, "en": normalise_en}


def normalise(text: str, language: str, lexicon: Lexicon | None = None) -> str:
    """The synthesiser's input for narration ``text`` in ``language``."""
    text = " ".join(text.split())
    text = apply_lexicon(text, (lexicon or {}).get(language, {}))
    return NORMALISERS.get(language, lambda t: t)(text)
