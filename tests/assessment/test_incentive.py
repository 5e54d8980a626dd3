"""Tiered incentive: half-open bands, payouts, the schedule chart."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaplan.assessment.figures import schedule_figure
from kaplan.assessment.incentive import PAYOUT_COLUMNS, band_index, band_labels, payouts, schedule
from kaplan.core.params import Incentive, IncentiveBand

BANDS = Incentive().bands  # [0, 0.8) 0; [0.8, 1.0) 200; [1.0, 1.2) 400; [1.2, inf) 600


@pytest.mark.parametrize(
    ("attainment", "band"),
    [(0.0, 0), (0.7999, 0), (0.8, 1), (0.95, 1), (1.0, 2), (1.1999, 2), (1.2, 3), (5.0, 3)],
)
def test_band_edges_belong_to_the_band_they_start(attainment: float, band: int) -> None:
    assert band_index(pd.Series([attainment]), BANDS).iloc[0] == band


def attainment_frame(values: list[float], mtd: list[int]) -> pd.DataFrame:
    n = len(values)
    return pd.DataFrame(
        {"staff_id": [f"S{i}" for i in range(n)], "name": "n", "role": "dealer_specialist",
         "month_target": [10] * n, "mtd": mtd, "month_attainment": values}
    )  # fmt: skip


def test_payout_is_all_units_at_the_band_rate() -> None:
    frame = attainment_frame([0.79, 0.8, 1.0, 1.25, np.nan], [7, 8, 10, 13, 0])
    out = payouts(frame, BANDS)
    assert tuple(out.columns) == PAYOUT_COLUMNS
    # 7 * 0; 8 * 200 = 1600; 10 * 400 = 4000; 13 * 600 = 7800; no target -> no band, 0
    assert out["payout"].tolist() == [0.0, 1600.0, 4000.0, 7800.0, 0.0]
    assert out["band"].tolist() == ["[0%, 80%)", "[80%, 100%)", "[100%, 120%)", "≥ 120%", ""]
    pd.testing.assert_frame_equal(frame, attainment_frame([0.79, 0.8, 1.0, 1.25, np.nan], [7, 8, 10, 13, 0]))


def test_schedule_table_and_labels() -> None:
    table = schedule(BANDS)
    assert table["rate"].tolist() == [0.0, 200.0, 400.0, 600.0]
    assert table["attainment_to"].tolist()[:3] == [0.8, 1.0, 1.2] and np.isnan(table["attainment_to"].iloc[3])
    assert band_labels(BANDS)[-1] == "≥ 120%"


def test_schedule_figure_has_glossary_labels() -> None:
    fig = schedule_figure(BANDS, "en", pd.Series([0.5, 1.1]))
    assert fig.layout.title.text == "Tiered incentive"
    assert fig.layout.xaxis.title.text == "Attainment"
    assert list(fig.data[0].y) == [0.0, 200.0, 400.0, 600.0, 600.0]
    assert len(fig.data) == 3


starts = st.lists(st.floats(0.01, 3.0), max_size=5, unique=True).map(lambda s: [0.0, *sorted(s)])


@given(starts, st.lists(st.floats(0.0, 4.0), min_size=1, max_size=20))
def test_every_attainment_lands_in_exactly_the_half_open_band(froms: list[float], values: list[float]) -> None:
    bands = tuple(IncentiveBand(attainment_from=f, rate=100.0 * i) for i, f in enumerate(froms))
    index = band_index(pd.Series(values), bands)
    for value, i in zip(values, index, strict=True):
        assert froms[i] <= value
        assert i == len(froms) - 1 or value < froms[i + 1]


@given(st.floats(0.0, 3.0), st.floats(0.0, 3.0))
def test_rate_never_falls_as_attainment_rises(a: float, b: float) -> None:
    low, high = sorted((a, b))
    out = payouts(attainment_frame([low, high], [10, 10]), BANDS)
    assert out["rate"].iloc[0] <= out["rate"].iloc[1]
