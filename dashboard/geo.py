"""Municipality boundaries (2025 division) for the map page, read once per process.

The bundled file `data/snapshot/geo/kunnat2025_wgs84.geojson` (Statistics Finland kunta4500k,
CC BY 4.0) has one feature per municipality with the three-digit code in `properties.kunta`,
which is what `featureidkey="properties.kunta"` matches against `core.areas.area_code`.

For display the map does not embed the boundaries in every figure: it points its
choropleth traces at `DISPLAY_PATH`, which serves a display copy once per browser (cached). That
copy keeps only `properties.kunta` and rounds coordinates to `DISPLAY_DECIMALS` decimals
(about 110 m north-south, 50 m east-west at Finnish latitudes), dropping repeated points:
the boundaries are geometry, not statistics, so a display simplification changes no figure.
Rounding is the same for both sides of a shared border, so neighbours still meet.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from dashboard.cache import memoised
from pipeline import DEFAULT_SNAPSHOT

GEOJSON_PATH = Path(DEFAULT_SNAPSHOT) / "geo" / "kunnat2025_wgs84.geojson"
DISPLAY_DECIMALS = 3
DISPLAY_PATH = "/_geo/municipalities-2025.json"


class GeoError(RuntimeError):
    """The boundary file is missing or does not have the expected shape."""


@memoised(4)
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


# --------------------------------------------------------------------------- display copy


def _rounded_ring(ring: list, decimals: int) -> list[list[float]]:
    out: list[list[float]] = []
    for x, y, *_ in ring:
        point = [round(x, decimals), round(y, decimals)]
        if not out or out[-1] != point:
            out.append(point)
    return out


def _display_geometry(geometry: dict[str, Any], decimals: int) -> dict[str, Any]:
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    rounded = [[_rounded_ring(ring, decimals) for ring in polygon] for polygon in polygons]
    kept = [[r for r in polygon if len(r) >= 4] for polygon in rounded]
    return {"type": "MultiPolygon", "coordinates": [p for p in kept if p and len(p[0]) >= 4]}


@memoised(4)
def display_json(path: Path = GEOJSON_PATH, decimals: int = DISPLAY_DECIMALS) -> bytes:
    """The boundaries for the map as compact JSON: codes only, coordinates rounded."""
    features = [
        {
            "type": "Feature",
            "properties": {"kunta": f["properties"]["kunta"]},
            "geometry": _display_geometry(f["geometry"], decimals),
        }
        for f in load_municipalities(path)["features"]
    ]
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, separators=(",", ":")).encode()


def display_url(path: Path = GEOJSON_PATH) -> str:
    """`DISPLAY_PATH` with a content hash, so a browser can cache it for good."""
    return f"{DISPLAY_PATH}?v={hashlib.sha256(display_json(path)).hexdigest()[:12]}"
