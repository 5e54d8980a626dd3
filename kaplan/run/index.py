"""The front pages: each audience's index of a version, each audience's month index, the front page.

An audience's index of a version (``outputs/YYYY-MM/vN/<audience>/index.html``) opens with its
headline (:mod:`kaplan.report.headline`, read from the folder's ``headline.json``), links its
reports by their titles and its workbooks by what they hold (华东大区 下达表, not
``issue/华东大区.xlsx``), and the executed notebooks under a heading for analysts. An audience's
month index (``outputs/<audience>/index.html``) lists its folder of every published version, newest
month first and newest version first within it, with the headline numbers; the front page
``outputs/index.html`` links each audience's month index and shows no numbers (versions published
before audiences are listed there as they were). Each is rebuilt after every publish into a
temporary file renamed over the old one, so a reader never sees half a page; published versions are
only read."""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from kaplan.core.files import write_atomically
from kaplan.core.glossary import Lang, label
from kaplan.core.params import NATIONAL_AUDIENCES
from kaplan.report.headline import Headline, headline_sentences
from kaplan.report.layout import HEADLINE_FILE
from kaplan.run.publish import MANIFEST, versions

log = logging.getLogger(__name__)

MONTH_INDEX = "index.html"
BOOK_ORDER = ("targets", "progress", "pipeline", "assessment")
PAGE_STYLE = """body{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#1f2328}
th{text-align:left;padding:2px 1em 2px 0;color:#57606a;font-weight:600} td{padding:2px 1em 2px 0}
li{margin:.3em 0} .kp-headline{background:#f3f6f9;border-left:4px solid #2f6fb0;padding:6px 14px;margin:1em 0}
.kp-headline li{line-height:1.5} .kp-analysts{color:#57606a;font-size:14px} td.num{text-align:right}
table.kp-months{border-collapse:collapse} table.kp-months td, table.kp-months th{border-bottom:1px solid #e5e8ec}"""


@dataclass(frozen=True)
class Link:
    href: str  # relative to the page
    text: str


def workbook_text(rel: str, lang: Lang) -> str:
    """What a workbook of a version holds, from its relative path (``issue/华东大区.xlsx`` -> 华东大区 下达表)."""
    path = Path(rel)
    if path.parts[0] == "issue" and len(path.parts) == 2:
        return f"{path.stem} {label('book_issue', lang)}"
    name, _, month = path.stem.rpartition("_")
    term = f"book_{name}"
    text = label(term, lang)
    if text == term:
        return rel
    return f"{text} ({month})" if name == "assessment" else text


def workbook_links(folder: Path, lang: Lang) -> list[Link]:
    """The workbooks of a version in the reports' order, then any other, then the regional issue workbooks."""
    paths = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.xlsx"))

    def rank(rel: str) -> tuple[int, str]:
        name = rel.rpartition("_")[0]
        return (BOOK_ORDER.index(name) if name in BOOK_ORDER else len(BOOK_ORDER) + ("/" in rel), rel)

    ordered = sorted(paths, key=rank)
    return [Link(p, workbook_text(p, lang)) for p in ordered]


def read_headline(folder: Path) -> Headline | None:
    """The headline a version recorded, or None (a version published before headlines, or without one)."""
    path = folder / HEADLINE_FILE
    if not path.is_file():
        return None
    try:
        return Headline(**json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError) as exc:
        log.warning("%s is not a headline (%s): left out of the index", path, exc)
        return None


def _items(links: Iterable[Link]) -> str:
    return "".join(f'<li><a href="{html.escape(k.href, quote=True)}">{html.escape(k.text)}</a></li>' for k in links)


def _page(lang: Lang, title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{PAGE_STYLE}</style></head>\n<body>{body}</body></html>\n")  # fmt: skip


def headline_box(h: Headline | None, lang: Lang) -> str:
    if h is None:
        return ""
    items = "".join(f"<li>{html.escape(s)}</li>" for s in headline_sentences(h, lang))
    return f'<section class="kp-headline"><h2>{html.escape(label("headline", lang))}</h2><ul>{items}</ul></section>'


def version_index_html(facts: list[tuple[str, str]], reports: list[Link], folder: Path, notebooks: list[Link],
                       lang: Lang, back: str = f"../../{MONTH_INDEX}", audience: str = "") -> str:  # fmt: skip
    """A version's front page (of one audience's folder, named by ``audience``): its facts (term, value), the
    headline, reports, workbooks, notebooks; ``back`` links the month index it is listed in."""

    def t(term: str) -> str:
        return html.escape(label(term, lang))

    rows = "".join(f"<tr><th>{t(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in facts if v)
    month = dict(facts).get("month", "")
    version = dict(facts).get("version", "")
    who = f" · {html.escape(audience)}" if audience else ""
    books = workbook_links(folder, lang)
    body = (f'<h1>{t("kaplan")}: {t("index_title")}{who}</h1><p><a href="{html.escape(back, quote=True)}">'
            f'{t("all_months")}</a></p><table>{rows}</table>{headline_box(read_headline(folder), lang)}'
            + (f'<h2>{t("open_report")}</h2><ul>{_items(reports)}</ul>' if reports else "")
            + (f'<h2>{t("workbooks")}</h2><ul>{_items(books)}</ul>' if books else "")
            + (f'<h2>{t("for_analysts")}</h2><p class="kp-analysts">{t("for_analysts_note")}</p>'
               f"<ul>{_items(notebooks)}</ul>" if notebooks else ""))  # fmt: skip
    return _page(lang, f"{label('kaplan', lang)} {month} {version}", body)


def published_versions(out_dir: Path, folder: str = "") -> list[tuple[str, int, Path]]:
    """(month, version number, folder) of every published version under ``out_dir``, newest first; with ``folder``,
    those holding that audience's folder; without, those published before audiences (their pages at the top)."""
    found = []
    for month_dir in (p for p in out_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for number in versions(month_dir):
            version = month_dir / f"v{number}"
            shown = version / folder / MONTH_INDEX if folder else version / MONTH_INDEX
            if (version / MANIFEST).is_file() and shown.is_file():
                found.append((month_dir.name, number, version))
    return sorted(found, key=lambda item: (item[0], item[1]), reverse=True)


def audience_folders(out_dir: Path) -> list[str]:
    """The audience folders of every published version under ``out_dir``: field, management, analysts, regions."""
    found = {p.name for month_dir in out_dir.iterdir() if month_dir.is_dir() and not month_dir.name.startswith(".")
             for number in versions(month_dir) for p in (month_dir / f"v{number}").iterdir()
             if (p / MONTH_INDEX).is_file()}  # fmt: skip
    national = [f for f in NATIONAL_AUDIENCES if f in found]
    return national + sorted(found - set(national))


def month_index_html(out_dir: Path, lang: Lang, folder: str = "", title: str = "") -> str:
    """The month index of one audience's ``folder`` (``<out_dir>/<folder>/index.html``; blank: the versions
    published before audiences, at the top): one row per version, newest month and version first."""

    def t(term: str) -> str:
        return html.escape(label(term, lang))

    up = "../" if folder else ""
    head = "".join(f"<th>{t(c)}</th>" for c in ("month", "version", "as_of", "issued", "mtd", "month_progress",
                                                  "time_progress", "generated_at"))  # fmt: skip
    rows = []
    for month, number, version in published_versions(out_dir, folder):
        manifest = json.loads((version / MANIFEST).read_text(encoding="utf-8"))
        h = read_headline(version / folder)
        numbers = ["", "", "", ""] if h is None else [
            f"{h.issued:,}", f"{h.mtd:,}", "" if h.month_progress is None else f"{h.month_progress:.1%}",
            f"{h.time_progress:.1%}"]  # fmt: skip
        href = "/".join(p for p in (f"{up}{month}", f"v{number}", folder, MONTH_INDEX) if p)
        cells = [f'<td><a href="{html.escape(href, quote=True)}">{html.escape(month)}</a></td>', f"<td>v{number}</td>",
                 f"<td>{html.escape(str(manifest.get('as_of', '')))}</td>",
                 *(f'<td class="num">{html.escape(n)}</td>' for n in numbers),
                 f"<td>{html.escape(str(manifest.get('created_at', '')))}</td>"]  # fmt: skip
        rows.append(f"<tr>{''.join(cells)}</tr>")
    if not rows:
        return ""
    table = f'<table class="kp-months"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    who = f" · {html.escape(title)}" if title else ""
    body = f'<h1>{t("kaplan")}: {t("month_index_title")}{who}</h1>{table}'
    return _page(lang, f"{label('kaplan', lang)}: {label('month_index_title', lang)}", body)


def front_index_html(out_dir: Path, lang: Lang, folders: list[tuple[str, str]]) -> str:
    """``<out_dir>/index.html``: a link to each audience's month index (``folders``: folder, what a person
    reads), then the versions published before audiences, if any. It shows no numbers."""

    def t(term: str) -> str:
        return html.escape(label(term, lang))

    links = [Link(f"{folder}/{MONTH_INDEX}", text) for folder, text in folders]
    earlier = month_index_html(out_dir, lang)
    table = earlier[earlier.index("<table"):earlier.index("</body>")] if earlier else ""
    body = f'<h1>{t("kaplan")}: {t("audiences_title")}</h1><ul>{_items(links)}</ul>{table}'
    return _page(lang, f"{label('kaplan', lang)}: {label('audiences_title', lang)}", body)


def write_month_index(out_dir: Path, lang: Lang, label_of: Callable[[str], str] = str) -> Path:
    """Rebuild ``<out_dir>/index.html`` and each audience's ``<out_dir>/<folder>/index.html``, each atomically
    (a temporary file renamed over it); ``label_of`` names an audience's folder for a person."""
    folders = audience_folders(out_dir)
    for folder in folders:
        (out_dir / folder).mkdir(exist_ok=True)
        write_atomically(out_dir / folder / MONTH_INDEX, month_index_html(out_dir, lang, folder, label_of(folder)))
    target = out_dir / MONTH_INDEX
    write_atomically(target, front_index_html(out_dir, lang, [(f, label_of(f)) for f in folders]))
    log.info("month index %s rebuilt", target)
    return target
