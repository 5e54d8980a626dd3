"""The documentation under docs/ checked against the code, so that the two cannot drift apart.

- docs/data.md: one section per table of the schema, each with a row per column (name, type,
  required, codes), its key, its references and whether it may be empty; no table or column the
  schema lacks; every parameter with its default.
- docs/method.md: the sections §2.1 .. §2.6 that the code cites; every citation ``docs/NAME.md §X.Y``
  in the package points at an existing heading; every parameter is named, with its default.
- Links between the three pages point at existing files and headings.
- No file of the package, the docs, the notebooks, the tests or the README refers to material
  outside the repository.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from kaplan.core.params import Params
from kaplan.core.schema import TABLES

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
DATA_MD = DOCS / "data.md"
METHOD_MD = DOCS / "method.md"

METHOD_HEADINGS = {
    "§2.1": "Target management: annual lock, seasonal cascade, rolling plan, quarterly evaluation",
    "§2.2": "The month split",
    "§2.3": "Progress board",
    "§2.4": "Leads and customers",
    "§2.5": "Assessment and incentives",
    "§2.6": "Reference lists",
}
TABLE_HEADER = ("column", "type", "required", "rule")
# a level-2 heading that is a bare table name marks a table section of data.md
TABLE_SECTION = re.compile(r"[a-z][a-z0-9_]*")
BACKTICKED = re.compile(r"`([^`]+)`")
SECTION_NUMBER = re.compile(r"^#{1,6}\s+(§\d+(?:\.\d+)*)(?=\s|$)", re.MULTILINE)
# ``docs/method.md``, ``docs/method.md §2.2`` or ``docs/method.md §2.2, §2.3 and §2.4``
CITATION = re.compile(r"docs/([\w-]+\.md)((?:(?:\s*,\s*|\s+and\s+|\s+)§\d+(?:\.\d+)*)*)")
NUMBER = re.compile(r"§\d+(?:\.\d+)*")
REFERENCE = re.compile(r"`(\w+)`\s*→\s*`(\w+)\.(\w+)`")
# the forbidden words are assembled here, so that this file does not contain them itself
FORBIDDEN = ("DES" + "IGN", "NOTES" + ".md", ".." + "/shared")
TEXT_SUFFIXES = {".py", ".md", ".ipynb", ".txt", ".yaml", ".yml", ".toml", ".cfg", ".ini", ".json", ".csv",
                 ".j2", ".html", ".css", ".js", ".sh"}  # fmt: skip


# --- markdown helpers ------------------------------------------------------------------------


def read(path: Path) -> str:
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing"
    return path.read_text(encoding="utf-8")


def without_code_blocks(text: str) -> str:
    """``text`` with fenced code blocks blanked out (their lines kept, empty)."""
    out, fenced = [], False
    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            out.append("")
        else:
            out.append("" if fenced else line)
    return "\n".join(out)


def sections(text: str) -> dict[str, str]:
    """Level-2 heading -> the text below it up to the next level-2 heading (code blocks removed)."""
    found: dict[str, str] = {}
    heading, lines = None, []
    for line in without_code_blocks(text).splitlines():
        if line.startswith("## "):
            if heading is not None:
                found[heading] = "\n".join(lines)
            heading, lines = line[3:].strip(), []
        elif heading is not None:
            lines.append(line)
    if heading is not None:
        found[heading] = "\n".join(lines)
    return found


def cells(line: str) -> list[str]:
    """The cells of a Markdown table row (``\\|`` is a pipe inside a cell)."""
    body = line.strip().removeprefix("|").removesuffix("|")
    return [c.replace("\\|", "|").strip() for c in re.split(r"(?<!\\)\|", body)]


def table_rows(text: str) -> Iterator[list[str]]:
    """Every row of every Markdown table in ``text``, separator rows left out."""
    for line in text.splitlines():
        if line.lstrip().startswith("|"):
            row = cells(line)
            if not all(re.fullmatch(r":?-{3,}:?", c) for c in row):
                yield row


def backticked_name(cell: str) -> str | None:
    """``name`` when the cell is exactly one backticked name, else None."""
    match = re.fullmatch(r"`([^`]+)`", cell.strip())
    return match.group(1) if match else None


def data_sections() -> dict[str, str]:
    return sections(read(DATA_MD))


def table_sections() -> dict[str, str]:
    return {name: body for name, body in data_sections().items() if TABLE_SECTION.fullmatch(name)}


def column_rows(body: str) -> list[list[str]]:
    """The rows of a table section whose first cell is a backticked name (the column rows)."""
    return [row for row in table_rows(body) if backticked_name(row[0])]


def labelled_line(body: str, label: str) -> str:
    """The text after ``**label:**`` in a section (up to the next blank line)."""
    match = re.search(rf"\*\*{re.escape(label)}:\*\*(.*?)(?:\n\s*\n|\Z)", body, re.DOTALL)
    assert match, f"no **{label}:** line"
    return match.group(1)


# --- docs/data.md: tables and columns --------------------------------------------------------


def test_data_md_has_one_section_per_table_and_no_other():
    found = list(table_sections())
    missing = [name for name in TABLES if name not in found]
    unknown = [name for name in found if name not in TABLES]
    assert not missing, f"docs/data.md lacks a section '## NAME' for table(s) {missing}"
    assert not unknown, f"docs/data.md has section(s) {unknown} for table(s) the schema does not have"
    assert len(found) == len(set(found)), "docs/data.md has a table section twice"


@pytest.mark.parametrize("name", list(TABLES))
def test_data_md_lists_every_column_of_the_table(name):
    spec = TABLES[name]
    body = table_sections().get(name)
    assert body is not None, f"docs/data.md has no section '## {name}'"
    headers = [tuple(c.lower() for c in row) for row in table_rows(body) if not backticked_name(row[0])]
    assert TABLE_HEADER in headers, f"## {name}: no table headed | {' | '.join(TABLE_HEADER)} |"
    documented = [backticked_name(row[0]) for row in column_rows(body)]
    unknown = [c for c in documented if c not in spec.column_names]
    missing = [c for c in spec.column_names if c not in documented]
    assert not unknown, f"## {name} documents column(s) {unknown} that the schema's {name} lacks"
    assert not missing, f"## {name} lacks a row for column(s) {missing}"
    assert documented == list(spec.column_names), f"## {name}: columns not in the schema's order or repeated"


@pytest.mark.parametrize("name", list(TABLES))
def test_data_md_column_rows_state_type_required_and_codes(name):
    spec = TABLES[name]
    rows = {backticked_name(row[0]): row for row in column_rows(table_sections()[name])}
    for column in spec.columns:
        row = rows.get(column.name)
        assert row is not None, f"## {name} lacks a row for column {column.name}"
        assert len(row) == len(TABLE_HEADER), f"{name}.{column.name}: expected {len(TABLE_HEADER)} cells, found {row}"
        _, kind, required, rule = row
        assert kind.strip("`") == column.kind, f"{name}.{column.name}: type {kind!r}, the schema says {column.kind!r}"
        says_required = required.lower().startswith("yes")
        assert says_required == column.required, (
            f"{name}.{column.name}: required {required!r}, the schema says {'yes' if column.required else 'no'}"
        )
        may_be_absent = "may be absent" in rule
        assert may_be_absent == column.optional_column, (
            f"{name}.{column.name}: the rule {'says' if may_be_absent else 'does not say'} the column may be absent"
        )
        listed = set(BACKTICKED.findall(rule))
        missing_codes = [code for code in column.codes if code not in listed]
        assert not missing_codes, f"{name}.{column.name}: the rule does not list code(s) {missing_codes}"


@pytest.mark.parametrize("name", list(TABLES))
def test_data_md_states_key_references_and_emptiness(name):
    spec = TABLES[name]
    body = table_sections()[name]
    key = tuple(BACKTICKED.findall(labelled_line(body, "Key")))
    assert key == spec.key, f"## {name}: key {key}, the schema's key is {spec.key}"
    documented = set(REFERENCE.findall(labelled_line(body, "References")))
    expected = {(r.columns[0], r.table, r.target_columns[0]) for r in spec.references}
    assert documented == expected, f"## {name}: references {sorted(documented)}, the schema's are {sorted(expected)}"
    for _, table, target in documented:
        assert table in TABLES and target in TABLES[table].column_names, f"## {name}: {table}.{target} is not a column"
    empty = labelled_line(body, "Empty").strip().lower()
    assert empty.startswith("allowed" if spec.may_be_empty else "not allowed"), (
        f"## {name}: **Empty:** {empty!r}, but the schema {'allows' if spec.may_be_empty else 'forbids'} no rows"
    )


# --- parameters ------------------------------------------------------------------------------


def parameter_defaults(model: BaseModel | None = None, prefix: str = "") -> dict[str, Any]:
    """Every leaf parameter as a dotted key -> its default in YAML/JSON form (sub-models recursed)."""
    model = Params() if model is None else model
    out: dict[str, Any] = {}
    dumped = model.model_dump(mode="json")
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            out.update(parameter_defaults(value, f"{prefix}{name}."))
        else:
            out[f"{prefix}{name}"] = dumped[name]
    return out


def dict_members(defaults: dict[str, Any]) -> dict[str, Any]:
    """Members of mapping-valued parameters as dotted keys (``kpi.weights.deal_stats``)."""
    return {f"{key}.{k}": v for key, value in defaults.items() if isinstance(value, dict) for k, v in value.items()}


def same(documented: Any, default: Any) -> bool:
    if isinstance(default, bool) or isinstance(documented, bool):
        return documented is default
    if isinstance(default, int | float) and isinstance(documented, int | float):
        return abs(float(documented) - float(default)) < 1e-12
    if isinstance(default, list) and isinstance(documented, list) and len(default) == len(documented):
        return all(same(a, b) for a, b in zip(documented, default, strict=True))
    if isinstance(default, dict) and isinstance(documented, dict):
        return set(map(str, documented)) == set(map(str, default)) and all(
            same(documented[k], default.get(k, default.get(str(k)))) for k in documented
        )
    return documented == default


def parameters_section() -> str:
    found = [body for heading, body in data_sections().items() if heading.lower().startswith("parameters file")]
    assert len(found) == 1, "docs/data.md needs one section '## Parameters file ...'"
    return found[0]


def test_data_md_documents_every_parameter_with_its_default():
    defaults = parameter_defaults()
    rows = {backticked_name(row[0]): row for row in table_rows(parameters_section()) if backticked_name(row[0])}
    unknown = [key for key in rows if key not in defaults]
    missing = [key for key in defaults if key not in rows]
    assert not unknown, f"docs/data.md documents parameter(s) {unknown} that the params model lacks"
    assert not missing, f"docs/data.md lacks a row for parameter(s) {missing}"
    for key, row in rows.items():
        text = row[1].strip("`")
        documented = yaml.safe_load(text)
        assert same(documented, defaults[key]), (
            f"docs/data.md: {key} default {text!r}, the model's is {defaults[key]!r}"
        )


def test_method_md_names_every_parameter_and_states_defaults_right():
    text = without_code_blocks(read(METHOD_MD))
    defaults = parameter_defaults()
    spans = BACKTICKED.findall(text)
    named = {span.split(":", 1)[0].strip() for span in spans}
    missing = [key for key in defaults if key not in named]
    assert not missing, f"docs/method.md never names parameter(s) {missing}"
    known = {**defaults, **dict_members(defaults)}
    for span in spans:
        key, colon, value = span.partition(":")
        if colon and key.strip() in known and value.strip():
            documented = yaml.safe_load(value.strip())
            assert same(documented, known[key.strip()]), (
                f"docs/method.md says `{span}`, the model's default is {known[key.strip()]!r}"
            )


# --- docs/method.md: sections and citations --------------------------------------------------


def numbered_headings(text: str) -> dict[str, str]:
    """``§X.Y`` -> the heading line, for every numbered heading of a Markdown text."""
    found: dict[str, str] = {}
    for line in without_code_blocks(text).splitlines():
        match = SECTION_NUMBER.match(line)
        if match:
            assert match.group(1) not in found, f"heading {match.group(1)} appears twice"
            found[match.group(1)] = line
    return found


@pytest.mark.parametrize("number", list(METHOD_HEADINGS))
def test_method_md_has_the_cited_sections(number):
    headings = numbered_headings(read(METHOD_MD))
    expected = f"## {number} {METHOD_HEADINGS[number]}"
    assert headings.get(number) == expected, f"docs/method.md: expected the heading {expected!r}"


def package_sources() -> list[Path]:
    return sorted(p for p in (ROOT / "kaplan").rglob("*") if p.suffix in (".py", ".ipynb") and p.is_file())


def citations() -> list[tuple[Path, str, str]]:
    """(file, docs file name, section or "") for every ``docs/NAME.md [§X.Y, ...]`` in the package."""
    found = []
    for path in package_sources():
        for match in CITATION.finditer(path.read_text(encoding="utf-8")):
            numbers = NUMBER.findall(match.group(2))
            found += [(path, match.group(1), number) for number in numbers] or [(path, match.group(1), "")]
    return found


def test_every_citation_in_the_package_points_at_an_existing_heading():
    problems = []
    headings: dict[str, dict[str, str]] = {}
    for path, doc, number in citations():
        where = path.relative_to(ROOT)
        target = DOCS / doc
        if not target.is_file():
            problems.append(f"{where}: cites docs/{doc}, which does not exist")
            continue
        known = headings.setdefault(doc, numbered_headings(read(target)))
        if number and number not in known:
            problems.append(f"{where}: cites docs/{doc} {number}, which has no such heading")
    assert not problems, "\n".join(problems)


def test_the_package_cites_the_method():
    cited = {number for _, doc, number in citations() if doc == "method.md" and number}
    assert cited, "no docstring in kaplan/ cites 'docs/method.md §X.Y'"


# --- links between the docs ------------------------------------------------------------------


def anchor(heading: str) -> str:
    """The anchor a Markdown renderer gives a heading: lower case, punctuation dropped, spaces as -."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(text: str) -> set[str]:
    return {anchor(line.lstrip("#")) for line in without_code_blocks(text).splitlines() if re.match(r"#{1,6} ", line)}


@pytest.mark.parametrize("doc", ["method.md", "data.md", "operations.md"])
def test_links_between_the_docs_resolve(doc):
    text = without_code_blocks(read(DOCS / doc))
    problems = []
    for target, fragment in re.findall(r"\]\(([\w./-]*\.md)?(?:#([^)\s]+))?\)", text):
        path = DOCS / target if target else DOCS / doc
        if not path.is_file():
            problems.append(f"link to {target}, which does not exist")
        elif fragment and fragment not in anchors(read(path)):
            problems.append(f"link to {target or doc}#{fragment}, which has no such heading")
    assert not problems, f"docs/{doc}: " + "; ".join(problems)


# --- no references to material outside the repository ----------------------------------------


def scanned_files() -> Iterator[Path]:
    this = Path(__file__).resolve()
    roots = [ROOT / "kaplan", ROOT / "docs", ROOT / "tests", ROOT / "notebooks"]
    for root in roots:
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            text_file = path.is_file() and path.suffix in TEXT_SUFFIXES and "__pycache__" not in path.parts
            if text_file and path.resolve() != this:
                yield path
    yield ROOT / "README.md"


def test_no_file_refers_to_material_outside_the_repository():
    problems = []
    for path in scanned_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            for word in FORBIDDEN:
                if word in line:
                    problems.append(f"{path.relative_to(ROOT)}:{number}: {word!r}")
    assert not problems, f"{len(problems)} reference(s) to material outside the repository:\n" + "\n".join(
        problems[:100]
    )
