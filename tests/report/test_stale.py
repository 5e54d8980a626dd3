"""Stale data in every report's headline (docs/method.md §2.3, "Data coverage of a month run")."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kaplan.core.params import Params
from kaplan.core.tables import Tables
from kaplan.report.context import Context, stale_banner


def context(newest: str, month: str, lang: str = "en") -> Context:
    sales = pd.DataFrame({"order_id": ["O1"], "date": pd.to_datetime([newest]), "dealer_id": ["D1"],
                          "product_id": ["P1"], "customer_id": ["C1"], "units": [1]})  # fmt: skip
    tables = Tables.from_frames(sales=sales)
    return Context(month, pd.Timestamp(month + "-01"), lang, tables, Params(), Path("."))  # type: ignore[arg-type]


def test_fresh_data_show_nothing() -> None:
    assert stale_banner(context("2026-05-31", "2026-07")) == ""  # 31 days: the default limit


def test_stale_data_are_said_loudly_in_the_language_of_the_run() -> None:
    assert stale_banner(context("2026-05-30", "2026-07")) == (
        '<p class="kp-stale" role="alert">stale data: the newest sale is of 2026-05-30, 32 days before 2026-07 '
        "began (stale_data_days = 31)</p>"
    )
    assert stale_banner(context("2026-05-30", "2026-07", "zh")) == (
        '<p class="kp-stale" role="alert">数据已过期：最新一笔销售是 2026-05-30，比 2026-07 月初早 32 天'
        "（参数 stale_data_days = 31）</p>"
    )
