"""The French catalogue: complete, placeholders intact, and actually shown (login, nav, zones)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from activities.services.manual import manual_activity_log
from athletes import zones
from athletes.models import Athlete, User
from athletes.services.thresholds import thresholds_set, zone_set_save
from athletes.templatetags.units import ZONE_NAMES, zone_name

PO_PATH = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")

# %(name)s / %(count)d, bare %s / %d, {name} and {0}, HTML tags, escaped newlines.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}|</?[a-zA-Z][^>]*>|\n")
KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (\".*\")$")
ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


@dataclass
class Entry:
    """One catalogue entry: its msgid, msgid_plural and msgstr forms, and its flags."""

    fields: dict[str, str]
    flags: set[str]

    @property
    def msgid(self) -> str:
        return self.fields.get("msgid", "")

    @property
    def translations(self) -> dict[str, str]:
        return {key: value for key, value in self.fields.items() if key.startswith("msgstr")}


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda match: ESCAPES[match.group(1)], text[1:-1])


def parse_po(text: str) -> list[Entry]:
    """A tiny .po reader: blank-line separated entries, continuation strings, flags."""
    entries: list[Entry] = []
    for block in text.strip().split("\n\n"):
        fields: dict[str, str] = {}
        flags: set[str] = set()
        current = ""
        for line in block.splitlines():
            if line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#") or not line.strip():
                continue
            elif match := KEYWORD.match(line):
                current = match.group(1)
                fields[current] = _unquote(match.group(2))
            else:
                fields[current] += _unquote(line.strip())
        entries.append(Entry(fields=fields, flags=flags))
    return entries


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


@pytest.fixture(scope="module")
def catalogue() -> list[Entry]:
    return parse_po(PO_PATH.read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def _english_after_each_test() -> Iterator[None]:
    yield
    translation.activate(settings.LANGUAGE_CODE)


# --- The catalogue file ---------------------------------------------------------------------


def test_the_french_catalogue_header_sets_french_plurals_and_utf8(catalogue: list[Entry]) -> None:
    header = catalogue[0]

    assert header.msgid == ""
    assert "Language: fr\n" in header.fields["msgstr"]
    assert "Plural-Forms: nplurals=2; plural=(n > 1);\n" in header.fields["msgstr"]
    assert "charset=UTF-8" in header.fields["msgstr"]


def test_every_french_entry_is_translated_and_not_fuzzy(catalogue: list[Entry]) -> None:
    entries = catalogue[1:]
    untranslated = [e.msgid for e in entries if any(not s for s in e.translations.values())]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]

    assert len(entries) > 350
    assert untranslated == []
    assert fuzzy == []


def test_plural_entries_fill_both_french_forms(catalogue: list[Entry]) -> None:
    plurals = [e for e in catalogue if "msgid_plural" in e.fields]

    assert plurals, "the catalogue should hold plural entries"
    for entry in plurals:
        assert set(entry.translations) == {"msgstr[0]", "msgstr[1]"}, entry.msgid


def test_every_translation_keeps_the_placeholders_of_its_msgid(catalogue: list[Entry]) -> None:
    broken = []
    for entry in catalogue[1:]:
        for key, text in entry.translations.items():
            source = entry.fields["msgid_plural"] if key == "msgstr[1]" else entry.msgid
            if _placeholders(source) != _placeholders(text):
                broken.append((entry.msgid, key, text))

    assert broken == []


def test_french_punctuation_uses_a_non_breaking_space(catalogue: list[Entry]) -> None:
    """French typography: a non-breaking space before : ; ? ! » and after «, never a plain one."""
    plain_space = re.compile(r" [:;?!»]|« ")
    broken = [
        (entry.msgid, text)
        for entry in catalogue[1:]
        for text in entry.translations.values()
        if plain_space.search(text)
    ]

    assert broken == []


def test_the_compiled_catalogue_is_not_older_than_the_po_file() -> None:
    assert MO_PATH.exists()
    assert MO_PATH.stat().st_mtime >= PO_PATH.stat().st_mtime - 1


# --- Zone names ------------------------------------------------------------------------------


def test_every_zone_name_that_zones_py_produces_is_marked_for_translation() -> None:
    produced = {
        name
        for value in vars(zones).values()
        if isinstance(value, tuple) and all(isinstance(item, str) for item in value)
        for name in value
    }

    assert produced
    assert produced == set(ZONE_NAMES)


def test_zone_names_show_in_french_and_custom_names_stay_as_typed() -> None:
    with translation.override("fr"):
        assert zone_name("Threshold") == "Seuil"
        assert zone_name("Active recovery") == "Récupération active"
        assert zone_name("Z5a") == "Z5a"
        assert zone_name("Edit") == "Edit"  # a coach's custom name is not a UI string
    assert zone_name("Threshold") == "Threshold"


# --- Pages -------------------------------------------------------------------------------------


def test_login_page_is_french_for_a_browser_asking_for_french(client: Client, db: None) -> None:
    response = client.get(reverse("account_login"), headers={"accept-language": "fr"})

    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr"' in body
    assert "Se connecter" in body
    assert "S&#x27;inscrire" in body or "S'inscrire" in body
    assert ">Log in<" not in body


def test_login_page_is_french_with_the_language_cookie(client: Client, db: None) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    body = client.get(reverse("account_login")).content.decode()

    assert "Se connecter" in body
    assert "Aller au contenu" in body


def _nav(body: str) -> str:
    match = re.search(r'<nav class="nav-links"[^>]*>(.*?)</nav>', body, re.S)
    assert match, "the page should have a navigation bar"
    return match.group(1)


def test_athlete_with_a_french_profile_sees_the_nav_in_french(
    client: Client, athlete: Athlete
) -> None:
    athlete.language = "fr"
    athlete.save(update_fields=["language"])
    client.force_login(athlete.user)

    response = client.get(reverse("athlete_detail", args=[athlete.id]))

    nav = _nav(response.content.decode())
    assert response.status_code == 200
    assert "Mon profil" in nav
    assert "Seuils" in nav
    assert "Objectifs" in nav
    assert "My profile" not in nav


def test_athlete_with_an_english_profile_keeps_the_english_nav(
    client: Client, athlete: Athlete
) -> None:
    client.force_login(athlete.user)

    nav = _nav(client.get(reverse("athlete_detail", args=[athlete.id])).content.decode())

    assert "My profile" in nav
    assert "Mon profil" not in nav


def test_coach_in_french_sees_the_roster_as_their_athletes(
    client: Client, coach: User, athlete: Athlete
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    client.force_login(coach)

    nav = _nav(client.get(reverse("roster")).content.decode())

    assert "Mes athlètes" in nav
    assert "Roster" not in nav


def test_thresholds_page_in_french_names_power_zones_in_french(
    client: Client, athlete: Athlete
) -> None:
    thresholds_set(
        athlete=athlete, sport="ride", valid_from=dt.date(2024, 1, 1), by=None, ftp_w=250
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    client.force_login(athlete.user)

    body = client.get(reverse("thresholds", args=[athlete.id])).content.decode()

    assert "Récupération active" in body
    assert "Neuromusculaire" in body
    assert ">Seuil<" in body
    assert "Active recovery" not in body


def test_custom_zone_names_are_shown_as_the_coach_typed_them(
    client: Client, athlete: Athlete
) -> None:
    zone_set_save(
        athlete=athlete,
        sport="run",
        kind="hr",
        valid_from=dt.date(2024, 1, 1),
        bounds=[140.0, 160.0],
        names=["Easy", "Steady", "Threshold"],
        by=None,
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    client.force_login(athlete.user)

    body = client.get(reverse("thresholds", args=[athlete.id])).content.decode()

    assert ">Easy<" in body
    assert ">Steady<" in body
    assert ">Seuil<" in body  # a custom zone that reuses a standard name is still translated


def test_athlete_with_a_french_profile_sees_the_activity_list_in_french(
    client: Client, athlete: Athlete
) -> None:
    athlete.language = "fr"
    athlete.save(update_fields=["language"])
    manual_activity_log(
        athlete=athlete,
        by=athlete.user,
        day=dt.date(2026, 3, 2),
        sport="run",
        duration_s=3000.0,
        distance_m=10_000.0,
    )
    client.force_login(athlete.user)

    response = client.get(reverse("activity_list", kwargs={"athlete_id": athlete.id}))

    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Activités" in body
    assert "Importer des fichiers" in body
    assert ">Allure / vitesse<" in body
    assert ">Source des valeurs<" in body
    assert "Saisie manuelle" in body
    assert "Course à pied" in body
    assert "Upload files" not in body
    assert "Pace / speed" not in body


def test_distances_are_shown_with_the_languages_decimal_sign() -> None:
    from django.utils import translation

    from athletes.templatetags.units import distance

    assert distance(10760.0) == "10.76 km"
    with translation.override("fr"):
        assert distance(10760.0) == "10,76 km"
