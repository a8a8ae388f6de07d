"""How current a figure is: the one staleness rule the pages and the embeds share.

A figure is not current when its year is before the cutoff: the warehouse's build year minus
`currency.stale_after_years` of presentation.yaml (`Currency.cutoff`). `cutoff_year` and
`is_stale` are pure; `build_cutoff` reads the build time of the warehouse being served.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard.queries.lookups import build_info
from pipeline.presentation import Presentation


def cutoff_year(built_at: Any, pres: Presentation) -> int | None:
    """The earliest year that still counts as current for a build at `built_at` (None when the
    build time is unknown: then nothing is marked)."""
    if built_at is None or pd.isna(built_at):
        return None
    return pres.currency.cutoff(pd.Timestamp(built_at).year)


def build_cutoff(pres: Presentation) -> int | None:
    """`cutoff_year` of the warehouse the pages read."""
    return cutoff_year(build_info().get("built_at"), pres)


def is_stale(year: Any, cutoff: int | None) -> bool:
    """True when `year` (a figure's year, or an indicator's newest year) is before `cutoff`."""
    if cutoff is None or year is None or pd.isna(year):
        return False
    return int(year) < cutoff
