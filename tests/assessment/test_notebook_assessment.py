"""notebooks/04_assessment.ipynb runs under papermill on the small sample and writes its workbook."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from kaplan.assessment import workflow
from kaplan.assessment.kpi import kpi_table
from kaplan.core.facts import sales_facts
from kaplan.core.glossary import label
from kaplan.core.params import DEFAULT_FILE, load_params
from kaplan.core.schema import KPI_ITEMS
from kaplan.core.tables import Tables
from kaplan.report.excel import sheet_label

NOTEBOOKS = Path(__file__).resolve().parents[2] / "kaplan" / "notebooks"
NOTEBOOK = NOTEBOOKS / "04_assessment.ipynb"


def test_committed_notebook_is_thin_and_stripped() -> None:
    nb = nbformat.read(str(NOTEBOOK), as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    first = nb.cells[0]
    assert first.metadata.get("tags") == ["parameters"]
    assert 'month: str = "2026-06"  # reporting month, YYYY-MM' in first.source
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


@pytest.fixture(scope="module")
def executed(small_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    import papermill as pm

    work = tmp_path_factory.mktemp("assessment")
    params_file = work / "params" / "default.yaml"
    params_file.parent.mkdir()
    shutil.copy(DEFAULT_FILE, params_file)
    workflow.record("2026-05", "compiled", "王汇总", workflow.approvals_dir(params_file))
    out = work / "out"
    parameters = {"month": "2026-06", "as_of": "2026-06-20", "data_dir": str(small_dir),
                  "params_file": str(params_file), "language": "zh", "output_dir": str(out)}  # fmt: skip
    pm.execute_notebook(
        str(NOTEBOOK),
        str(work / "04_assessment.ipynb"),
        parameters=parameters,
        kernel_name="python3",
        cwd=str(NOTEBOOKS),
        progress_bar=False,
    )
    # the run of June assesses May, the last closed month: the workbook is named for May
    return work / "04_assessment.ipynb", out / "assessment_2026-05.xlsx"


def test_workbook_has_the_three_sheets(executed: tuple[Path, Path]) -> None:
    _, book = executed
    sheets = pd.read_excel(book, sheet_name=None, engine="calamine")
    names = [sheet_label(n, "zh") for n in ("kpi", "incentive", "incentive_by_role", "rectification")]
    assert list(sheets)[:4] == names == ["考核指标", "阶梯式激励", "按岗位汇总", "整改名单"]
    # then one rectification notice per region with lagging dealers
    assert all(name.startswith("整改通知 ") for name in list(sheets)[4:])
    kpi = sheets["考核指标"]
    expected = ["staff_id", "name", "role", *KPI_ITEMS, "kpi_score"]
    assert list(kpi.columns)[: len(expected)] == [label(c, "zh") for c in expected]


def test_kpi_numbers_match_the_library(executed: tuple[Path, Path], small_tables: Tables) -> None:
    _, book = executed
    sheet = pd.read_excel(book, sheet_name=sheet_label("kpi", "zh"), dtype={label("staff_id", "zh"): str},
                          engine="calamine")  # fmt: skip
    direct = kpi_table(small_tables.staff, small_tables.kpi_submissions, "2026-05", load_params().kpi)
    assert len(sheet) == len(small_tables.staff)
    got = sheet.set_index(label("staff_id", "zh"))[label("kpi_score", "zh")]
    want = direct.set_index("staff_id")["kpi_score"]
    pd.testing.assert_series_equal(got.sort_index(), want.sort_index(), check_names=False, atol=0.01)
    assert (got >= 0).all() and (got <= 100).all()


def test_incentive_is_paid_on_the_closed_month(executed: tuple[Path, Path], small_tables: Tables) -> None:
    _, book = executed
    sheet = pd.read_excel(book, sheet_name=sheet_label("incentive", "zh"), engine="calamine")
    incentive = load_params().incentive
    role, units, payout = (sheet[label(c, "zh")] for c in ("role", "units_paid", "payout"))
    for code in ("dealer_specialist", "regional_manager", "regional_director"):
        mine = role == label(code, "zh")
        own = incentive.of(code)
        top = max(b.rate for b in own.bands)
        assert (payout[mine] <= units[mine] * top).all() and (payout[mine] <= own.cap).all()
    may_total = sales_facts(small_tables).query("'2026-05-01' <= date <= '2026-05-31'")["units"].sum()
    specialists = sheet[role == label("dealer_specialist", "zh")]
    assert specialists[label("units_paid", "zh")].sum() <= may_total
    by_role = pd.read_excel(book, sheet_name=sheet_label("incentive_by_role", "zh"), engine="calamine")
    total = by_role[by_role[label("role", "zh")] == label("total", "zh")].iloc[0]
    assert total[label("units_paid", "zh")] == may_total
    assert total[label("payout", "zh")] == pytest.approx(payout.sum())


def test_report_shows_the_workflow_state(executed: tuple[Path, Path]) -> None:
    notebook, _ = executed
    text = notebook.read_text(encoding="utf-8")
    assert "王汇总" in text and label("compiled", "zh") in text and label("pending", "zh") in text
    assert "考核月份：2026-05（已结束）" in text
