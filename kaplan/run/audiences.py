"""Publishing by audience: which files of a version each reader may see (docs/operations.md §5).

The notebooks write one staging folder: the national pages and workbooks, the executed notebooks,
the regional issue workbooks and, per region, ``regions/<region>/`` (:mod:`kaplan.report.regions`).
:func:`arrange` then gives every audience its own folder holding only what ``params.audiences``
lets it see, and removes the rest, before the version is published:

    field/            the national contents of ``audiences.field`` (targets, progress) and the headline
    management/       everything of ``audiences.management``, the assessment and incentives among it
    analysts/         the executed notebooks
    region-<name>/    that region's pages, workbooks and issue pack (``audiences.region``), its headline

A file two audiences may see is copied into both; the version's ``manifest.json`` names each
file's audience (:func:`audience_of`).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from kaplan.core.glossary import Lang, label
from kaplan.core.params import NATIONAL_AUDIENCES, REGION_PREFIX, Audiences
from kaplan.report.layout import HEADLINE_FILE, REGION_DIR

REGION_FOLDER = "region-"
TITLES = {"01_targets.html": "report_targets", "02_progress.html": "report_progress",
          "03_pipeline.html": "report_pipeline", "04_assessment.html": "report_assessment",
          "progress.html": "report_progress", "pipeline.html": "report_pipeline",
          "rectification.html": "rectification"}  # fmt: skip


@dataclass(frozen=True)
class Audience:
    name: str  # field, management, analysts, region:<name>
    files: dict[str, str]  # staged relative path -> its path in the audience's folder

    @property
    def folder(self) -> str:
        return folder_of(self.name)


def folder_of(audience: str) -> str:
    """The folder of an audience in a version: ``region:华东大区`` -> ``region-华东大区``."""
    return REGION_FOLDER + audience.removeprefix(REGION_PREFIX) if audience.startswith(REGION_PREFIX) else audience


def audience_name(folder: str) -> str:
    """The audience of a version's folder (:func:`folder_of` reversed)."""
    return REGION_PREFIX + folder.removeprefix(REGION_FOLDER) if folder.startswith(REGION_FOLDER) else folder


def staged_regions(staging: Path) -> list[str]:
    """The regions the notebooks wrote pages for (``regions/<region>/``), sorted."""
    folder = staging / REGION_DIR
    return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def national_files(staging: Path, contents: tuple[str, ...], month: str, assessed: str) -> dict[str, str]:
    """The staged files of the national ``contents`` (and the headline), each kept at its path."""
    named = {"targets": ["01_targets.html", f"targets_{month}.xlsx"],
             "progress": ["02_progress.html", f"progress_{month}.xlsx"],
             "pipeline": ["03_pipeline.html", f"pipeline_{month}.xlsx"],
             "assessment": ["04_assessment.html", f"assessment_{assessed}.xlsx"]}  # fmt: skip
    paths = [HEADLINE_FILE]
    for content in contents:
        if content in named:
            paths += named[content]
        else:  # issue, notebooks: every file of the folder
            folder = staging / content
            paths += [p.relative_to(staging).as_posix() for p in sorted(folder.rglob("*")) if p.is_file()]
    return {p: p for p in paths if (staging / p).is_file()}


def region_files(staging: Path, region: str, contents: tuple[str, ...], month: str, assessed: str) -> dict[str, str]:
    """The staged files of one region's ``contents`` (and its headline), at their paths in the region's folder."""
    own = f"{REGION_DIR}/{region}"
    named = {"progress": ["progress.html", f"progress_{month}.xlsx"],
             "pipeline": ["pipeline.html", f"pipeline_{month}.xlsx"],
             "rectification": ["rectification.html", f"rectification_{assessed}.xlsx"]}  # fmt: skip
    files = {f"{own}/{HEADLINE_FILE}": HEADLINE_FILE}
    for content in contents:
        if content == "issue":
            files[f"issue/{region}.xlsx"] = f"issue/{region}.xlsx"
        else:
            files.update({f"{own}/{name}": name for name in named[content]})
    return {source: target for source, target in files.items() if (staging / source).is_file()}


def audiences(staging: Path, params: Audiences, month: str, assessed: str) -> list[Audience]:
    """Every audience of the version and the staged files it may see: field, management, analysts, then the
    regions."""
    out = [Audience(name, national_files(staging, getattr(params, name), month, assessed))
           for name in NATIONAL_AUDIENCES]  # fmt: skip
    out += [Audience(f"{REGION_PREFIX}{r}", region_files(staging, r, params.region, month, assessed))
            for r in staged_regions(staging)]  # fmt: skip
    return out


def arrange(staging: Path, published: list[Audience]) -> None:
    """Copy each audience's files into its folder of ``staging``, then remove everything else staged."""
    staged = [p for p in staging.iterdir()]
    for audience in published:
        root = staging / audience.folder
        root.mkdir()
        for source, target in audience.files.items():
            (root / target).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(staging / source, root / target)
    for path in staged:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()


def audience_of(rel: str) -> str:
    """The audience of a file of a version by its relative path; ``""`` for the version's own files (the manifest)."""
    parts = rel.split("/")
    return audience_name(parts[0]) if len(parts) > 1 else ""


def audience_label(audience: str, lang: Lang) -> str:
    """What a person reads for an audience: 一线 / Field, …, 大区：华东大区 / Region: 华东大区."""
    if audience.startswith(REGION_PREFIX):
        return label("audience_region", lang).format(region=audience.removeprefix(REGION_PREFIX))
    return label(f"audience_{audience}", lang)


def page_titles(folder: Path, lang: Lang) -> dict[str, str]:
    """The title of every report page of an audience's folder, by relative path."""
    return {p.name: label(TITLES[p.name], lang) for p in folder.glob("*.html") if p.name in TITLES}
