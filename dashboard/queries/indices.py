"""The stored composite indices and peers (core.index_values, core.index_components,
core.peers) and the `peers:<code>` groups.

A `peers:<code>` group is the town's ten nearest peers (the town itself excluded); the build
stores it as a group (core.areas kind 'peers', core.group_members, core.group_values), so the
group queries accept it as it is. Re-weighting and peers on other indicators are computed by
`dashboard.services`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard.queries.lookups import is_municipality
from dashboard.queries.runner import run

PEERS_PREFIX = "peers:"
OVERALL_INDEX = "index_overall"


def index_values() -> pd.DataFrame:
    """Every stored score: index_id, area_code, year, score, rank, n_indicators."""
    return run("index_values")


def index_themes() -> list[str]:
    """Theme ids that have an index (`index_<theme>` in core.index_values), in id order."""
    ids = index_values()["index_id"].unique()
    return sorted(i.removeprefix("index_") for i in ids if i != OVERALL_INDEX)


def index_indicators(index_id: str = OVERALL_INDEX) -> list[str]:
    """The indicators an index is made of (core.index_components), sorted."""
    return list(run("index_components", index=index_id)["indicator_id"])


def stored_peers(code: str, k: int) -> pd.DataFrame:
    """The town's `k` nearest peers on the default profile: area_code, distance, rank,
    n_indicators."""
    return run("stored_peers", area=code, k=int(k))


def annual_values() -> pd.DataFrame:
    """Every annual municipal value: indicator_id, area_code, year, month, value."""
    return run("annual_values")


def peer_group_code(value: Any) -> str | None:
    """The town code of a `peers:<code>` group, or None if `value` is not a valid one."""
    if isinstance(value, str) and value.startswith(PEERS_PREFIX):
        code = value.removeprefix(PEERS_PREFIX)
        return code if is_municipality(code) else None
    return None


def is_peer_group(value: Any) -> bool:
    """Whether `value` is the code of a town's `peers:<code>` group."""
    return peer_group_code(value) is not None
