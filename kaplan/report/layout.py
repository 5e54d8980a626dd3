"""Where a run's notebooks put the pages and files that audiences are cut from (docs/operations.md "Publishing").

Names shared by the notebooks that write these files (:mod:`kaplan.report.context`) and the run that
arranges them by audience (:mod:`kaplan.run.audiences`); kept apart so that the run reads them
without importing the reports' machinery.
"""

from __future__ import annotations

import pandas as pd

REGION_DIR = "regions"  # in the staging folder: regions/<region>/<page>.html, <page>_<month>.xlsx
HEADLINE_FILE = "headline.json"  # the month's headline, national and per region, as data


def region_names(org: pd.DataFrame) -> list[str]:
    """The regions of the organisation, sorted."""
    return sorted(str(r) for r in org["region"].dropna().unique())
