"""The monthly run end to end: papermill executes every notebook, then one atomic version."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import nbformat
import openpyxl
import pytest

from kaplan.core.errors import PublishError
from kaplan.core.glossary import label
from kaplan.run.cli import main
from kaplan.run.month import available_reports, run_month
from kaplan.run.publish import verify_version, versions

pytestmark = pytest.mark.slow


def test_a_published_version_has_every_part(published: Path) -> None:
    assert published.name == "v1"
    names = {p.relative_to(published).as_posix() for p in published.rglob("*") if p.is_file()}
    for report in available_reports():
        assert f"management/{report.notebook}.html" in names
        assert f"analysts/notebooks/{report.notebook}.ipynb" in names
    assert {"manifest.json", "management/index.html", "management/targets_2026-06.xlsx",
            "management/progress_2026-06.xlsx", "field/index.html", "analysts/index.html"} <= names
    # the run of June assesses May, the last closed month, and names the workbook for it
    assert "management/assessment_2026-05.xlsx" in names and "management/assessment_2026-06.xlsx" not in names
    assert any(n.startswith("management/issue/") and n.endswith(".xlsx") for n in names)
    assert {n.split("/")[0] for n in names} - {"manifest.json"} == {
        "field", "management", "analysts", *(p.name for p in published.glob("region-*"))}
    verify_version(published)


def test_manifest_records_month_params_inputs_and_outputs(published: Path) -> None:
    manifest = json.loads((published / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["month"] == "2026-06" and manifest["as_of"] == "2026-06-20"
    assert manifest["assessed_month"] == "2026-05"
    assert manifest["version"] == "v1"
    assert manifest["params"]["split_weights"] == {"trailing3": 0.4, "last_month": 0.3, "annual": 0.3, "pipeline": 0.0}
    assert set(manifest["inputs"]) >= {"org", "sales", "annual_targets"}
    assert "management/index.html" in manifest["outputs"] and manifest["encrypted"] == []
    assert manifest["audiences"]["management/04_assessment.html"] == "management"


def test_index_links_every_report_and_names_the_version(published: Path) -> None:
    index = (published / "management" / "index.html").read_text(encoding="utf-8")
    for report in available_reports():
        assert f'href="{report.notebook}.html"' in index
    for term, value in (("version", "v1"), ("as_of", "2026-06-20")):
        assert f"<tr><th>{label(term, 'zh')}</th><td>{value}</td></tr>" in index


def test_targets_workbook_sheets_sum_exactly(published: Path) -> None:
    book = openpyxl.load_workbook(published / "management" / "targets_2026-06.xlsx", read_only=True)
    # sheet names in the report language
    assert book.sheetnames == ["年度计划与月度下达", "省区目标", "经销商目标", "权重方案", "季节性回测"]
    seasonality = list(book["季节性回测"].iter_rows(min_row=2, values_only=True))
    means = [row[0] for row in seasonality if row[1] == "平均（绝对值）"]
    assert means == ["历年合并", "春节所在月"]  # one mean row per method, in zh
    scenarios = list(book["权重方案"].iter_rows(min_row=2, values_only=True))
    assert scenarios[0][1:4] == (0.4, 0.3, 0.3)  # the params' weights come first
    province = list(book["省区目标"].iter_rows(min_row=2, values_only=True))
    dealer = list(book["经销商目标"].iter_rows(min_row=2, values_only=True))
    assert sum(r[-1] for r in province) == sum(r[-1] for r in dealer) > 0


def test_executed_notebooks_hold_the_injected_parameters(published: Path) -> None:
    nb = nbformat.read(str(published / "analysts" / "notebooks" / "01_targets.ipynb"), as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and 'month = "2026-06"' in injected[0].source
    assert "assess_month" not in injected[0].source  # only the parameters a notebook declares
    nb = nbformat.read(str(published / "analysts" / "notebooks" / "04_assessment.ipynb"), as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert 'assess_month = "2026-05"' in injected[0].source


def test_assess_a_month_after_the_run_is_refused_before_anything_is_written(
    hostile_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code = main(["run", "--month", "2026-06", "--assess", "2026-07", "--data", str(hostile_dir), "--out", str(out)])
    assert code == 2
    assert "cannot assess 2026-07 in the run of 2026-06" in capsys.readouterr().err
    assert not out.exists()


def test_second_run_makes_v2_and_leaves_v1_byte_identical(hostile_dir: Path, published: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """The second run also encrypts management's pages and one region's (docs/operations.md §5)."""
    month_dir = published.parent
    region = sorted(p.name.removeprefix("region-") for p in published.glob("region-*"))[0]
    params = tmp_path / "params" / "default.yaml"
    params.parent.mkdir()
    params.write_text(f'audiences:\n  encrypt: {{management: KAPLAN_PASSPHRASE_MANAGEMENT, "region:{region}": '
                      'KAPLAN_PASSPHRASE_REGION}\n', encoding="utf-8")  # fmt: skip
    monkeypatch.setenv("KAPLAN_PASSPHRASE_MANAGEMENT", "management passphrase 1")
    monkeypatch.setenv("KAPLAN_PASSPHRASE_REGION", "region passphrase 22")
    before = {p: p.read_bytes() for p in published.rglob("*") if p.is_file()}
    second = run_month("2026-06", "2026-06-20", data_dir=hostile_dir, params_file=params, out_dir=month_dir.parent,
                       lang="en")  # fmt: skip
    assert second.name == f"v{versions(month_dir)[-1]}" and second != published
    assert {p: p.read_bytes() for p in published.rglob("*") if p.is_file()} == before
    manifest = json.loads((second / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["encrypted"] == sorted(["management", f"region:{region}"])
    sealed = {p.relative_to(second).as_posix() for p in second.rglob("*.html")
              if 'id="kp-sealed"' in p.read_text(encoding="utf-8")}  # fmt: skip
    assert sealed == {p.relative_to(second).as_posix() for folder in ("management", f"region-{region}")
                      for p in (second / folder).rglob("*.html")}  # fmt: skip
    assert "management/index.html" in sealed and "Monthly target split" not in (second / "management" /
                                                                                 "index.html").read_text(encoding="utf-8")
    assert "Monthly target split" in (second / "field" / "index.html").read_text(encoding="utf-8")
    everything = b"".join(p.read_bytes() for p in second.rglob("*") if p.is_file())
    assert b"management passphrase 1" not in everything and b"region passphrase 22" not in everything
    verify_version(second)


def test_a_failing_notebook_publishes_nothing(hostile_dir: Path, stub_notebooks: Path, tmp_path: Path) -> None:
    notebooks = tmp_path / "notebooks"
    shutil.copytree(stub_notebooks, notebooks)
    nb = nbformat.read(str(notebooks / "02_progress.ipynb"), as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise RuntimeError('broken report')"))
    nbformat.write(nb, str(notebooks / "02_progress.ipynb"))
    out = tmp_path / "out"
    with pytest.raises(PublishError, match=r"02_progress.*broken report"):
        run_month("2026-06", "2026-06-20", data_dir=hostile_dir, out_dir=out, notebook_dir=notebooks)
    assert list((out / "2026-06").iterdir()) == []
    assert not (out / "index.html").exists()


def test_two_runs_at_once_publish_two_whole_versions(
    hostile_dir: Path, stub_notebooks: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    out = Path("out")  # relative, as `make report` gives it: papermill's chdir must not move it
    results: list[Path] = []
    runs = [
        threading.Thread(target=lambda: results.append(
            run_month("2026-06", "2026-06-20", data_dir=hostile_dir, out_dir=out, notebook_dir=stub_notebooks)))
        for _ in range(2)
    ]
    for t in runs:
        t.start()
    for t in runs:
        t.join()
    assert sorted(p.name for p in results) == ["v1", "v2"]
    for version in results:
        verify_version(version)
    page = (tmp_path / "out" / "management" / "index.html").read_text(encoding="utf-8")
    v1, v2 = (page.index(f'href="../2026-06/{v}/management/index.html"') for v in ("v1", "v2"))
    assert v2 < v1


def test_bad_input_exits_2_and_writes_nothing(hostile_dir: Path, tmp_path: Path, capsys) -> None:
    broken = tmp_path / "data"
    shutil.copytree(hostile_dir, broken)
    sales = (broken / "sales.csv").read_text(encoding="utf-8").splitlines()
    head, first = sales[0].split(","), sales[1].split(",")
    first[head.index("units")] = "-3"
    sales[1] = ",".join(first)
    (broken / "sales.csv").write_text("\n".join(sales) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    code = main(["run", "--month", "2026-06", "--data", str(broken), "--out", str(out)])
    assert code == 2
    err = capsys.readouterr().err
    assert "  - sales, row 2, units: expected a whole number > 0, found '-3'\n" in err and "Traceback" not in err
    assert not out.exists() or not any(out.rglob("*.html"))


def test_changed_locked_targets_stop_check_and_run(small_dir: Path, tmp_path: Path, capsys) -> None:
    params = tmp_path / "params"
    params.mkdir()
    (params / "default.yaml").write_text("rolling: true\n", encoding="utf-8")
    data = tmp_path / "data"
    shutil.copytree(small_dir, data)
    assert main(["lock", "--year", "2026", "--data", str(data), "--locks", str(params / "locks")]) == 0
    lines = (data / "annual_targets.csv").read_text(encoding="utf-8").splitlines()
    head = lines[0].split(",")
    row = next(i for i, line in enumerate(lines) if line.startswith("2026,"))
    cells = lines[row].split(",")
    old = int(cells[head.index("units")])
    cells[head.index("units")] = str(old + 5)
    lines[row] = ",".join(cells)
    (data / "annual_targets.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    capsys.readouterr()
    out = tmp_path / "out"
    check = ["check", "--data", str(data)]
    run = ["run", "--month", "2026-06", "--data", str(data), "--out", str(out)]
    for command in (check, run):
        assert main([*command, "--params", str(params / "default.yaml")]) == 3  # docs/operations.md "Exit codes"
        err = capsys.readouterr().err
        dealer, line = cells[head.index("dealer_id")], cells[head.index("line")]
        assert f"  - {dealer} {line}: {old} -> {old + 5} (changed)\n" in err, err
        assert "kaplan lock" in err and "Traceback" not in err
    assert not out.exists()
