"""Municipality boundaries (2025 division) for the map page, read once per process.

The bundled file `data/snapshot/geo/kunnat2025_wgs84.geojson` (Statistics Finland kunta4500k,
CC BY 4.0) has one feature per municipality with the three-digit code in `properties.kunta`,
which is what `featureidkey="properties.kunta"` matches against `core.areas.area_code`.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline import DEFAULT_SNAPSHOT

GEOJSON_PATH = Path(DEFAULT_SNAPSHOT) / "geo" / "kunnat2025_wgs84.geojson"
FEATURE_ID_KEY = "properties.kunta"


class GeoError(RuntimeError):
    """The boundary file is missing or does not have the expected shape."""


@lru_cache(maxsize=4)
def load_municipalities(path: Path = GEOJSON_PATH) -> dict[str, Any]:
    """The 2025 municipality FeatureCollection; raises GeoError naming the file at fault."""
    try:
        collection = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GeoError(f"{path}: cannot read the municipality boundaries ({exc})") from exc
    features = collection.get("features") if isinstance(collection, dict) else None
    if not features:
        raise GeoError(f"{path}: no features in the FeatureCollection")
    missing = [i for i, f in enumerate(features) if "kunta" not in f.get("properties", {})]
    if missing:
        raise GeoError(f"{path}: features {missing[:5]} have no properties.kunta code")
    return collection


def municipality_codes(path: Path = GEOJSON_PATH) -> frozenset[str]:
    """The municipality codes present in the boundary file."""
    return frozenset(f["properties"]["kunta"] for f in load_municipalities(path)["features"])


def subset(codes: frozenset[str] | set[str], path: Path = GEOJSON_PATH) -> dict[str, Any]:
    """A FeatureCollection with only the given municipalities (for outline traces)."""
    features = load_municipalities(path)["features"]
    return {
        "type": "FeatureCollection",
        "features": [f for f in features if f["properties"]["kunta"] in codes],
    }
