"""French typography: one colon per language, sub-sports by their names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

from core import l10n
from core.sports import SUB_SPORT_NAMES, SUB_SPORT_WORDS, sub_sport_name

ROOT = Path(__file__).resolve().parents[2]
# A label written by a translate tag or a variable, then a colon typed in the template.
HARD_CODED_COLON = re.compile(r"(\{%\s*(?:trans|translate)\s[^%]*%\}|\}\})\s?:\s")
TRANSLATED_BLOCKS = re.compile(
    r"\{%\s*(?:blocktrans|blocktranslate)\b.*?\{%\s*end(?:blocktrans|blocktranslate)\s*%\}"
    r"|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}",
    re.S,
)


def test_a_label_colon_takes_a_non_breaking_space_in_french() -> None:
    assert l10n.colon("en") == ":"
    assert l10n.colon("fr") == "\u00a0:"
    assert l10n.labelled("Load", "52", "fr") == "Load\u00a0: 52"
    with translation.override("fr"):
        assert Template("{% load typography %}A{% colon %} b").render(Context()) == "A\u00a0: b"
    with translation.override("en"):
        assert Template("{% load typography %}A{% colon %} b").render(Context()) == "A: b"


def test_templates_write_a_labels_colon_with_the_colon_tag() -> None:
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = TRANSLATED_BLOCKS.sub("", path.read_text())
        found += [
            f"{path.relative_to(ROOT)}: {m.group(0)}" for m in HARD_CODED_COLON.finditer(text)
        ]
    assert found == [], "use {% colon %} (core/templatetags/typography.py): " + "; ".join(found)


@pytest.mark.parametrize(
    ("sub_sport", "name"),
    [
        ("road", "Road"),
        ("lap_swimming", "Pool"),
        ("open_water", "Open water"),
        ("indoor_cycling", "Indoor ride"),
        ("virtual_activity", "Virtual ride"),
        ("indoor_climbing", "Indoor climbing"),  # not in the table: still readable
        ("generic", None),
        ("", None),
    ],
)
def test_a_sub_sport_reads_as_a_name_not_a_code(sub_sport: str, name: str | None) -> None:
    assert sub_sport_name(sub_sport) == name


def test_every_sub_sport_we_recognise_has_a_name() -> None:
    produced = {value for words in SUB_SPORT_WORDS.values() for value in words.values()}
    assert produced <= set(SUB_SPORT_NAMES)


def test_the_sub_sport_filter_hides_generic_and_names_the_others() -> None:
    text = "{% load units %}[{{ a|sub_sport_label }}][{{ b|sub_sport_label }}]"
    with translation.override("en"):
        rendered = Template(text).render(Context({"a": "generic", "b": "treadmill"}))
    assert rendered == "[][Treadmill]"
