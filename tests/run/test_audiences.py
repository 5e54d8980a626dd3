"""Publishing by audience: each folder of a published month read as its readers would.

Every file of each audience is scanned: page text, the JSON embedded in pages (figures) decoded, and
every cell of every workbook. The field sees no pay, KPI score or customer contact; a region sees no
dealer, customer or lead of another region; the assessment is only in management.

Names are looked for with one Aho-Corasick automaton per list (``pyahocorasick``): a single pass over a
folder's text finds every name of the list that occurs in it, where a ``name in text`` per name made
the demo month's scan a minute long (thousands of customer names over each region's text).
"""

from __future__ import annotations

import html
import json
import re
from functools import cache
from pathlib import Path

import ahocorasick
import pytest
from hypothesis import given
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from kaplan.core.glossary import label
from kaplan.inputs.loader import load_tables
from kaplan.leads.registry import lead_facts
from kaplan.run.audiences import audience_of
from kaplan.run.publish import verify_version

pytestmark = pytest.mark.slow

JSON_BLOCK = re.compile(r'<script type="application/json"[^>]*>(.*?)</script>', re.S)


@cache
def file_text(path: Path) -> str:
    """What a reader can get out of a file: a page's text and its decoded JSON, or every workbook cell."""
    if path.suffix == ".xlsx":
        book = CalamineWorkbook.from_path(str(path))
        return "\n".join(str(v) for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python()
                         for v in row if v != "")  # fmt: skip
    raw = path.read_text(encoding="utf-8")
    decoded = [json.dumps(json.loads(block), ensure_ascii=False) for block in JSON_BLOCK.findall(raw)]
    return "\n".join([html.unescape(raw), *decoded])


def folder_text(folder: Path) -> str:
    return "\n".join(file_text(p) for p in sorted(folder.rglob("*")) if p.is_file())


def occurring(names: object, text: str) -> list[str]:
    """The names of ``names`` (any iterable of text) that occur in ``text``, sorted: every occurrence, overlapping
    or not, as ``name in text`` for each name would find it."""
    automaton = ahocorasick.Automaton()
    for name in set(names) - {""}:
        automaton.add_word(name, name)
    if len(automaton) == 0:
        return []
    automaton.make_automaton()
    return sorted({name for _, name in automaton.iter(text)})


def world_of(data: Path) -> dict:
    """What the scans look for, from the input tables of the month: dealers, leads, staff, contacts."""
    tables = load_tables(data)
    return {"org": tables.org, "leads": lead_facts(tables), "staff": tables.staff, "contacts": tables.lead_contacts}


@pytest.fixture(scope="module")
def world(hostile_dir: Path) -> dict:
    return world_of(hostile_dir)


def check_audiences(version: Path, world: dict) -> None:
    """Every check of this module on a published ``version`` of the month ``world`` describes."""
    test_every_audience_has_its_folder_index_and_headline(version)
    test_the_field_sees_targets_and_progress_but_no_pay_scores_or_contacts(version, world)
    test_the_assessment_is_only_in_management(version)
    test_a_region_sees_no_dealer_customer_or_lead_of_another_region(version, world)
    test_region_figures_are_drawn_from_the_region_s_rows_only(version)


def test_every_audience_has_its_folder_index_and_headline(published: Path) -> None:
    folders = sorted(p.name for p in published.iterdir() if p.is_dir())
    assert folders[:3] == ["analysts", "field", "management"] and len(folders) == 3 + 8
    for folder in folders:
        assert (published / folder / "index.html").is_file()
        assert (published / folder / "headline.json").is_file()
    manifest = json.loads((published / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["audiences"]) == set(manifest["outputs"])
    assert {manifest["audiences"][f] for f in manifest["outputs"]} == {"field", "management", "analysts",
                                                                       *(f"region:{f[7:]}" for f in folders[3:])}
    assert all(manifest["audiences"][f] == audience_of(f) for f in manifest["outputs"])
    verify_version(published)


def test_the_field_sees_targets_and_progress_but_no_pay_scores_or_contacts(published: Path, world: dict) -> None:
    field = published / "field"
    names = sorted(p.relative_to(field).as_posix() for p in field.rglob("*") if p.is_file())
    assert names == ["01_targets.html", "02_progress.html", "headline.json", "index.html",
                     "progress_2026-06.xlsx", "targets_2026-06.xlsx"]  # fmt: skip
    text = folder_text(field)
    assert occurring(world["staff"]["name"], text) == []
    assert occurring(world["contacts"]["name"], text) == []
    for term in ("payout", "kpi_score", "kpi_pay_share", "incentive", "report_assessment"):
        assert label(term, "zh") not in text, term


def test_the_assessment_is_only_in_management(published: Path) -> None:
    books = sorted(p.relative_to(published).as_posix() for p in published.rglob("assessment_*.xlsx"))
    assert books == ["management/assessment_2026-05.xlsx"]
    pages = sorted(p.relative_to(published).as_posix() for p in published.rglob("04_assessment.html"))
    assert pages == ["management/04_assessment.html"]
    payout = label("payout", "zh")
    outside = [p.relative_to(published).as_posix() for p in published.rglob("*")
               if p.is_file() and p.suffix in (".html", ".xlsx") and not p.is_relative_to(published / "management")
               and p.parent.name != "notebooks" and payout in file_text(p)]  # fmt: skip
    assert outside == []


def test_a_region_sees_no_dealer_customer_or_lead_of_another_region(published: Path, world: dict) -> None:
    org, leads = world["org"], world["leads"]
    regions = sorted(p.name.removeprefix("region-") for p in published.glob("region-*"))
    assert len(regions) == 8
    for region in regions:
        text = folder_text(published / f"region-{region}")
        others = org[org["region"] != region]
        own_dealers = set(org.loc[org["region"] == region, "dealer_name"])
        seen_ids = set(re.findall(r"\b[A-Z]\d{3,}\b", text))
        assert seen_ids & set(others["dealer_id"]) == set(), region
        assert occurring(set(others["dealer_name"]) - own_dealers, text) == [], region
        own_leads = leads[leads["region"] == region]
        other_leads = leads[leads["region"] != region]
        assert seen_ids & set(other_leads["lead_id"]) == set(), region
        assert set(own_leads["lead_id"]) & seen_ids, region  # its own leads are there
        foreign = set(other_leads["customer_name"]) - set(own_leads["customer_name"])
        assert occurring(foreign, text) == [], region
        assert region in text and occurring(own_dealers, text) != []


def test_region_figures_are_drawn_from_the_region_s_rows_only(published: Path) -> None:
    regions = sorted(p.name.removeprefix("region-") for p in published.glob("region-*"))
    page = (published / f"region-{regions[0]}" / "progress.html").read_text(encoding="utf-8")
    figure = json.loads(JSON_BLOCK.findall(page)[0])
    bars = [trace for trace in figure["data"] if trace.get("type") == "bar"]
    assert len(bars) == 1 and set(bars[0]["x"][0]) == {regions[0]}  # x: [regions, lines], one bar per line
    assert len(bars[0]["x"][0]) == 3


@given(st.lists(st.text("甲乙丙ab", max_size=4), max_size=8), st.text("甲乙丙ab\n", max_size=40))
def test_occurring_finds_exactly_the_names_in_the_text(names: list[str], text: str) -> None:
    assert occurring(names, text) == sorted({n for n in names if n and n in text})
