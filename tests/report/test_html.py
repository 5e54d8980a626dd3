"""Report tables: every cell escaped, numbers formatted, status and total rows styled."""

from __future__ import annotations

import html

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from kaplan.report.html import html_notes, html_table


def test_hostile_text_is_escaped_in_cells_headers_and_notes() -> None:
    frame = pd.DataFrame({"customer_name": ["<img src=x onerror=alert(1)>", "<script>x</script>"]})
    page = html_table(frame, "en")
    assert "<img" not in page and "<script>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<script>" not in html_notes(["<script>alert(1)</script>"])


def test_numbers_shares_blanks_and_labels() -> None:
    frame = pd.DataFrame(
        {"line": ["command"], "mtd": [1234], "month_progress": [0.4567], "yoy_growth": [float("nan")],
         "status": ["behind"], "row_kind": ["national_total"]}
    )
    page = html_table(frame, "zh")
    assert "<th>月度累计</th>" in page and "<th>产品</th>" in page and "row_kind" not in page
    assert ">1,234<" in page and ">45.7%<" in page and "nan" not in page
    assert 'class="status-behind"' in page and 'class="national_total"' in page
    assert ">指挥车<" in page


def test_long_tables_say_how_many_rows_are_left_out() -> None:
    page = html_table(pd.DataFrame({"units": range(10)}), "en", max_rows=3)
    assert page.count("<tr>") == 4
    assert page.endswith('</table><p class="kp-more">7 more rows not shown</p>')


def test_the_more_rows_note_points_to_excel_only_when_the_sheet_exists() -> None:
    frame = pd.DataFrame({"units": range(10)})
    alone = html_table(frame, "en", max_rows=3)
    assert '<p class="kp-more">7 more rows not shown</p>' in alone and "Excel" not in alone
    named = html_table(frame, "en", max_rows=3, rest_in=("pipeline_2026-06.xlsx", "Stale leads"))
    sentence = "7 more rows: every row is in the sheet &#x27;Stale leads&#x27; of the workbook pipeline_2026-06.xlsx"
    assert sentence in named
    assert 'data-workbook="pipeline_2026-06.xlsx" data-sheet="Stale leads"' in named
    assert "kp-more" not in html_table(frame, "en", max_rows=10)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=12), min_size=1, max_size=8))
def test_every_cell_reads_back_as_its_text_and_holds_no_markup(texts: list[str]) -> None:
    page = html_table(pd.DataFrame({"customer_name": texts, "units": range(len(texts))}), "en")
    body = page[page.index("<tbody>") + len("<tbody>") : page.index("</tbody>")]
    rows = body.removeprefix("<tr>").removesuffix("</tr>").split("</tr><tr>")
    cells = [row.removeprefix("<td>").removesuffix("</td>").split('</td><td class="num">') for row in rows]
    assert [html.unescape(name) for name, _ in cells] == texts
    assert [units for _, units in cells] == [f"{i:,}" for i in range(len(texts))]
    assert not any(c in name for name, _ in cells for c in "<>\"'")
