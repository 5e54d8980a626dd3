"""notebooks/03_pipeline.ipynb runs on the small sample and writes the pipeline workbook."""

from pathlib import Path

import nbformat
import pandas as pd
import pytest

from kaplan.core.glossary import label
from kaplan.core.params import load_params
from kaplan.core.tables import Tables
from kaplan.leads.pipeline import build
from kaplan.plan.targets import month_targets

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "kaplan" / "notebooks" / "03_pipeline.ipynb"
MONTH, AS_OF = "2026-06", "2026-06-20"


@pytest.fixture(scope="module")
def executed(small_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[nbformat.NotebookNode, Path]:
    import papermill as pm

    out = tmp_path_factory.mktemp("pipeline")
    pm.execute_notebook(
        str(NOTEBOOK), str(out / "03_pipeline.ipynb"), kernel_name="python3", cwd=str(ROOT),
        parameters={"month": MONTH, "as_of": AS_OF, "data_dir": str(small_dir), "language": "en",
                    "output_dir": str(out)},
        progress_bar=False,
    )  # fmt: skip
    return nbformat.read(out / "03_pipeline.ipynb", as_version=4), out / f"pipeline_{MONTH}.xlsx"


def test_committed_notebook_is_stripped_and_parameterised() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert nb.cells[0].metadata["tags"] == ["parameters"]
    assert all(c.get("outputs", []) == [] and c.get("execution_count") is None for c in nb.cells)


def test_notebook_runs_clean(executed: tuple[nbformat.NotebookNode, Path]) -> None:
    nb, _ = executed
    streams = [o.get("text", "") for c in nb.cells for o in c.get("outputs", []) if o.output_type == "stream"]
    assert not [s for s in streams if "Traceback" in s or "not JSON compliant" in s]
    figures = [o for c in nb.cells for o in c.get("outputs", [])
               if "application/vnd.plotly.v1+json" in o.get("data", {})]  # fmt: skip
    assert len(figures) == 4  # funnel, channels, pyramids, coverage


def test_workbook_matches_the_computation(
    executed: tuple[nbformat.NotebookNode, Path], small_tables: Tables
) -> None:
    _, path = executed
    sheets = pd.read_excel(path, sheet_name=None, engine="calamine")
    assert list(sheets) == ["Open leads", "Forecast and coverage", "Gap coverage", "Uncovered provinces",
                            "Overdue by owner", "Stale by owner", "No decision maker", "Won deals",
                            "Sales by customer type", "Sales by purchase method", "Sales by industry",
                            "Open leads by industry", "Tender calendar", "Key customers", "Stale leads",
                            "Decision roles"]  # in the report language
    view = build(small_tables, load_params(None, MONTH), MONTH, pd.Timestamp(AS_OF))
    leads, forecast = sheets["Open leads"], sheets["Forecast and coverage"]
    weighted = label("weighted_units", "en")
    assert len(leads) == len(view.open) > 0
    assert sorted(leads[label("lead_id", "en")].astype(str)) == sorted(view.open["lead_id"])
    assert leads[weighted].sum() == pytest.approx(view.open["weighted_units"].sum())
    current = view.open[~view.open["overdue"]]  # overdue leads are not forecast
    assert forecast[weighted].sum() == pytest.approx(current["weighted_units"].sum())
    assert forecast[label("units", "en")].sum() == current["units"].sum()
    this_month = forecast[forecast[label("close_month", "en")].astype(str) == MONTH]
    issued = month_targets(small_tables, MONTH, load_params(None, MONTH)).region["target"].sum()
    assert this_month[label("target", "en")].sum() == issued
