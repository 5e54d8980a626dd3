"""The organisation's levels and the columns that name a unit of each (docs/method.md §2.2, §2.3).

A region (大区) holds provinces (省区), a province holds dealers. Every table of targets or progress
at one level carries that level's ``UNIT_COLUMNS``; a unit is identified by its ``KEY_COLUMNS``
(a dealer by its id alone). The composite split of a level shares each parent's target among the
units of one ``PARENT_COLUMNS`` group: provinces within a line, dealers within a province and line.
"""

from __future__ import annotations

from typing import Literal

Level = Literal["region", "province", "dealer"]
LEVELS: tuple[Level, ...] = ("region", "province", "dealer")
SPLIT_LEVELS: tuple[Level, ...] = ("province", "dealer")

UNIT_COLUMNS: dict[str, tuple[str, ...]] = {
    "region": ("region",),
    "province": ("region", "province"),
    "dealer": ("region", "province", "dealer_id", "dealer_name"),
}
KEY_COLUMNS: dict[str, tuple[str, ...]] = {
    "region": ("region",),
    "province": ("region", "province"),
    "dealer": ("dealer_id",),
}
PARENT_COLUMNS: dict[str, tuple[str, ...]] = {"province": ("line",), "dealer": ("province", "line")}
