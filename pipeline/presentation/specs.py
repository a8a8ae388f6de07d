"""The presentation's typed, frozen parts (one dataclass per yaml section), parsed and checked
by `pipeline.presentation.parse_presentation`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class ProfileSpec:
    headlines: tuple[str, ...]
    job_structure: tuple[str, ...]
    population_history: str
    population_projection: str
    monthly: str


@dataclass(frozen=True)
class OverviewSpec:
    cards: tuple[str, ...]
    network_total: str


@dataclass(frozen=True)
class WeightMeasure:
    """A count whose national share the network page shows."""

    indicator: str
    column: str  # value | numerator
    label: str  # locale key


@dataclass(frozen=True)
class PeerProfile:
    indicators: tuple[str, ...]
    log: tuple[str, ...]


@dataclass(frozen=True)
class Defaults:
    compare_indicator: str
    compare_x: str
    compare_y: str
    map_indicator: str
    data_indicators: tuple[str, ...]


@dataclass(frozen=True)
class HighlightSpec:
    job_shares: tuple[str, ...]
    unemployment: str
    self_sufficiency: str
    projection: str
    education: str


@dataclass(frozen=True)
class CurrencySpec:
    """How current a figure must be: an indicator whose newest year is more than
    `stale_after_years` years before the build's year is shown as not current."""

    stale_after_years: int

    def cutoff(self, build_year: int) -> int:
        """The earliest newest year that still counts as current for a build in `build_year`."""
        return build_year - self.stale_after_years


@dataclass(frozen=True)
class RdiSpec:
    """The profile's R&D&I section: `indicators` of the town's region in the classification
    group `region_group` (e.g. large regions, NUTS 2) and `local_indicators` of its region in
    `local_group` (e.g. maakunnat, NUTS 3), each beside the whole country."""

    region_group: str
    indicators: tuple[str, ...]
    local_group: str
    local_indicators: tuple[str, ...]


@dataclass(frozen=True)
class SharesSpec:
    """The network page's full list of shares of Finland: every indicator whose aggregation
    rule is `rule` (additive), except `exclude` and those whose bounds allow negative values;
    an indicator published only for regions is summed over the regions of `region_group` that
    hold a member of the group (and said to be a regions' figure)."""

    rule: str
    region_group: str
    exclude: tuple[str, ...] = ()
    measures: tuple[WeightMeasure, ...] = ()  # counts inside ratio indicators, listed by hand
    indicators: tuple[str, ...] = ()  # the additive indicators found in the catalogue


@dataclass(frozen=True)
class RegionIndustrySpec:
    """The profile's region section: per measure, TOL 2008 section letter (or `total`) →
    indicator id, in the yaml's order; and the year-level counts of start-ups and the stock."""

    employed_share: Mapping[str, str]
    location_quotient: Mapping[str, str]
    startup_rate: Mapping[str, str]
    closure_rate: Mapping[str, str]
    enterprise_stock_change: Mapping[str, str]
    startups: str
    stock: str

    @property
    def indicator_ids(self) -> frozenset[str]:
        """Every indicator the section shows (the theme tables leave them out)."""
        maps = (
            self.employed_share,
            self.location_quotient,
            self.startup_rate,
            self.closure_rate,
            self.enterprise_stock_change,
        )
        return frozenset({i for m in maps for i in m.values()} | {self.startups, self.stock})


@dataclass(frozen=True)
class PrintSpec:
    """The printed profile's second page: the rows of its indicator table (grouped by theme in
    the theme order) and how many similar towns it lists."""

    indicators: tuple[str, ...]
    peers: int
