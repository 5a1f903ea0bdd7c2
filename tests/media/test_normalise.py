"""The narration normaliser: what the synthesiser is given, per language."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from courseware.media.normalise import (
    LEXICON_FILE,
    apply_lexicon,
    load_lexicon,
    normalise,
)

ROOT = Path(__file__).resolve().parents[2]
LEXICON = load_lexicon(ROOT / LEXICON_FILE)


def ru(text: str) -> str:
    return normalise(text, "ru", LEXICON)


def en(text: str) -> str:
    return normalise(text, "en", LEXICON)


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("в 1989 году", "в тысяча девятьсот восемьдесят девятом году"),
        ("В 2008 году", "В две тысячи восьмом году"),
        ("в 2000 году", "в двухтысячном году"),
        ("опрос 2019 года", "опрос две тысячи девятнадцатого года"),
        ("с 2007 года", "с две тысячи седьмого года"),
        ("к 2016 году", "к две тысячи шестнадцатому году"),
        ("2021 год", "две тысячи двадцать первый год"),
        (
            "в 2011–2012 годах",
            "в две тысячи одиннадцатом — две тысячи двенадцатом годах",
        ),
    ],
)
def test_russian_years_take_the_case_of_their_preposition(written, spoken):
    assert ru(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("в 13 странах", "в тринадцати странах"),
        ("в 30 странах", "в тридцати странах"),
        ("до 18 лет", "до восемнадцати лет"),
        ("младше 18 лет", "младше восемнадцати лет"),
        ("от 15 до 24 лет", "от пятнадцати до двадцати четырёх лет"),
        ("к 5 часам", "к пяти часам"),
        ("с 13 лет", "с тринадцати лет"),
        ("с 3 друзьями", "с тремя друзьями"),
        ("в 13 лет", "в тринадцать лет"),
        ("Статья 17", "Статья семнадцать"),
    ],
)
def test_russian_cardinals_are_declined_after_prepositions(written, spoken):
    assert ru(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("25-й", "двадцать пятый"),
        ("3-го числа", "третьего числа"),
        ("в 21-м веке", "в двадцать первом веке"),
        ("1-я часть", "первая часть"),
        ("71 %", "семьдесят один процент"),
        ("82%", "восемьдесят два процента"),
        ("45%", "сорок пять процентов"),
        ("до 40%", "до сорока процентов"),
        ("т. е. всё", "то есть всё"),
        ("№ 25", "номер двадцать пять"),
    ],
)
def test_russian_ordinals_percentages_and_abbreviations(written, spoken):
    assert ru(written) == spoken


def test_co_re_and_names_are_said_in_the_language_being_spoken():
    assert ru("Классификация 4C проекта CO:RE") == "Классификация четыре си проекта кор"
    assert en("The 4Cs classification from the CO:RE project") == (
        "The four C's classification from the core project"
    )
    assert "[[Inx'oup]]" in ru("Сеть INHOPE объединяет горячие линии")
    assert ru("Child Helpline International") == "чайлд хелплайн интернешнл"


def test_the_lexicon_fixes_stress_in_every_listed_form():
    assert ru("Груминг опасен") == "[[gr'um;ink]] опасен"
    assert ru("о груминге и груминга") == "о [[gr'um;ing;I]] и [[gr'um;ingV]]"


def test_the_lexicon_matches_whole_words_longest_first_ignoring_case():
    entries = {"ITU": "I T U", "ITU-T": "I T U T"}
    assert apply_lexicon("ITU-T and itu, not ITUX", entries) == (
        "I T U T and I T U, not ITUX"
    )


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("adopted in 1989.", "adopted in nineteen eighty-nine."),
        ("In 2008, ITU", "In two thousand and eight, I T U"),
        ("In 2020, UNICEF", "In twenty twenty, UNICEF"),
        ("71% of young people", "seventy-one per cent of young people"),
    ],
)
def test_english_years_and_percentages(written, spoken):
    assert en(written) == spoken


def test_ordinary_english_is_left_untouched():
    text = "Children learn, play and talk to friends. Article 17 puts access first."
    assert en(text) == text
    assert normalise(text, "en") == text


def test_russian_text_without_numbers_or_names_is_left_untouched():
    text = "Дети учатся, играют и общаются с друзьями."
    assert ru(text) == text


def _narrations(lang: str) -> list[str]:
    texts = []
    for script in sorted((ROOT / "modules").glob("*/video.yaml")):
        for slide in yaml.safe_load(script.read_text("utf-8"))["slides"]:
            texts.append(slide["narration"][lang])
    return texts


def test_russian_narration_leaves_no_digits_or_latin_words_for_the_voice():
    for text in _narrations("ru"):
        spoken = re.sub(r"\[\[.*?\]\]", "", ru(text))
        assert not re.search(r"\d", spoken), spoken
        assert not re.search(r"[A-Za-z]", spoken), spoken


def test_espeak_keeps_the_russian_voice_for_every_russian_narration():
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng not installed (apt-get install espeak-ng)")
    text = " ".join(ru(t) for t in _narrations("ru"))
    done = subprocess.run(
        ["espeak-ng", "-v", "ru", "-x", "-q", text],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "(en)" not in done.stdout
