"""The dashboard's data access: named SQL queries (`sql/*.sql`) over ONE read-only DuckDB
connection per process, with small Python shaping beside them.

- `runner`: the connection (`configure(path)`, called once by `create_app`), `run(name,
  **params)` which executes `sql/<name>.sql` with every value bound, and the presentation.
- `lookups`: areas, groups, the indicator catalogue, provenance.
- `values`: indicator values as the pages show them (series, one year, latest values).
- `indices`: the stored composite indices and peers, the `peers:<code>` groups.
- `currency`: the staleness rule (`is_stale`, `cutoff_year`, `build_cutoff`) pages and embeds share.
- `content`: the ecosystem content file (`content/ecosystem.yaml`), not a warehouse table.

Pages import this package (`from dashboard import queries`); caching is `dashboard.cache`'s
(`queries.memoised` is its memo for page builders). A new query is a new `.sql` file and a
function in the module of its kind.
"""

from dashboard.cache import Same, memoised
from dashboard.queries.content import (
    content_digest,
    content_path,
    ecosystem,
    use_content_file,
)
from dashboard.queries.currency import build_cutoff, cutoff_year, is_stale
from dashboard.queries.indices import (
    OVERALL_INDEX,
    PEERS_PREFIX,
    annual_values,
    index_indicators,
    index_themes,
    index_values,
    is_peer_group,
    peer_group_code,
    stored_peers,
)
from dashboard.queries.lookups import (
    area_codes,
    area_name,
    areas,
    build_id,
    build_info,
    group_members,
    groups_of_areas,
    indicator_coverage,
    indicator_ids,
    indicator_meta,
    indicators,
    is_municipality,
    is_region_level,
    licence_text,
    members_of_groups,
    municipalities,
    municipality_codes,
    network_towns,
    provenance,
    sources_for,
)
from dashboard.queries.runner import (
    QueryError,
    configure,
    presentation,
    run,
    warehouse_path,
)
from dashboard.queries.values import (
    area_figures,
    comparison_columns,
    export_frame,
    group_latest_values,
    group_series,
    group_values_in_year,
    indicator_years,
    latest_values,
    monthly_comparison,
    municipal_values,
    national_shares,
    network_cards,
    peer_gaps,
    population_history,
    region_share_series,
    region_values_by_municipality,
    share_series,
    share_years,
    town_values,
    trend_values,
    warm_up,
)

__all__ = [
    "OVERALL_INDEX",
    "PEERS_PREFIX",
    "QueryError",
    "annual_values",
    "area_figures",
    "area_codes",
    "area_name",
    "areas",
    "build_cutoff",
    "build_id",
    "build_info",
    "comparison_columns",
    "configure",
    "content_digest",
    "content_path",
    "cutoff_year",
    "ecosystem",
    "export_frame",
    "group_latest_values",
    "group_members",
    "group_series",
    "group_values_in_year",
    "index_indicators",
    "index_themes",
    "index_values",
    "indicator_coverage",
    "is_region_level",
    "is_stale",
    "indicator_ids",
    "indicator_meta",
    "indicator_years",
    "indicators",
    "is_municipality",
    "is_peer_group",
    "latest_values",
    "licence_text",
    "members_of_groups",
    "groups_of_areas",
    "memoised",
    "Same",
    "monthly_comparison",
    "municipal_values",
    "region_values_by_municipality",
    "municipalities",
    "municipality_codes",
    "national_shares",
    "network_cards",
    "network_towns",
    "peer_gaps",
    "peer_group_code",
    "population_history",
    "presentation",
    "provenance",
    "run",
    "region_share_series",
    "share_series",
    "share_years",
    "sources_for",
    "stored_peers",
    "town_values",
    "trend_values",
    "warehouse_path",
    "use_content_file",
    "warm_up",
]
