"""Headers: the machine name or the glossary label (zh or en) of each column; the closest expected named."""

from __future__ import annotations

from pathlib import Path

import pytest
from inputcases import clean_copy, load_problems

from kaplan.core.glossary import LANGS, label
from kaplan.core.schema import TABLES
from kaplan.inputs.loader import load_tables
from kaplan.inputs.validate import closest_header, header_names


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAPLAN_CACHE_DIR", str(tmp_path / "cache"))


@pytest.mark.parametrize("table", list(TABLES))
def test_every_column_has_a_zh_and_an_en_label_and_no_two_columns_share_one(table: str) -> None:
    names = header_names(table)
    for column in TABLES[table].columns:
        for lang in LANGS:
            assert label(column.name, lang) != column.name or lang == "en", (table, column.name, lang)
            assert names[label(column.name, lang).casefold()] == column.name
    assert set(names.values()) == set(TABLES[table].column_names)


def test_a_staff_table_in_chinese_reads_as_the_machine_names(tmp_path: Path) -> None:
    folder = clean_copy(tmp_path)
    expected = load_tables(folder).staff
    path = folder / "staff.csv"
    text = path.read_text(encoding="utf-8")
    chinese = text.replace("staff_id,name,role,region,province,dealer_id", "员工编号,姓名,岗位,大区,省区,经销商代码")
    path.write_text(chinese, encoding="utf-8")
    staff = load_tables(folder).staff
    assert staff.equals(expected)


def test_english_labels_in_any_case_and_mixed_with_machine_names(tmp_path: Path) -> None:
    folder = clean_copy(tmp_path)
    expected = load_tables(folder).org
    path = folder / "org.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("dealer_id,dealer_name,province,region", "DEALER CODE,dealer name,省区,region"),
                    encoding="utf-8")  # fmt: skip
    assert load_tables(folder).org.equals(expected)


def test_a_column_headed_both_ways_is_a_duplicate(tmp_path: Path) -> None:
    folder = clean_copy(tmp_path)
    path = folder / "products.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    both = [lines[0] + ",产品", *(line + ",command" for line in lines[1:])]
    path.write_text("\n".join(both) + "\n", encoding="utf-8")
    assert load_problems(folder) == [
        "products, row 1, line: expected one column headed 'line', found 2 (columns C and D): delete or rename the "
        "extra one"
    ]


def test_closest_header_needs_a_ratio_of_0_6() -> None:
    assert closest_header("staff", "员工编码") == ("员工编号", "staff_id")  # 3 of 4 characters: 0.75
    assert closest_header("staff", "工资") is None
