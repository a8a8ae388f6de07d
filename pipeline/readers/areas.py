"""Files without statistics: the municipality classification and the map boundaries."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from pipeline.readers.common import (
    municipality_group_code,
    normalise_area_code,
    region_code,
    subregion_code,
)


def read_classification_csv(path: Path) -> pd.DataFrame:
    """The geofi municipality key as published (codes as integers)."""
    return pd.read_csv(path, encoding="utf-8-sig")


def tidy_classification(raw: pd.DataFrame) -> pd.DataFrame:
    """Municipality key → one row per municipality with normalised codes and names."""
    frame = pd.DataFrame(
        {
            "area_code": raw["kunta"].map(normalise_area_code),
            "name_fi": raw["municipality_name_fi"].map(_strip),
            "name_sv": raw["municipality_name_sv"].map(_strip),
            "name_en": raw["municipality_name_en"].map(_strip),
            "region_code": raw["maakunta_code"].map(region_code),
            "subregion_code": raw["seutukunta_code"].map(subregion_code),
            "municipality_group_code": raw["kuntaryhmitys_code"].map(municipality_group_code),
        }
    )
    for prefix, key in (
        ("region", "maakunta"),
        ("subregion", "seutukunta"),
        ("municipality_group", "kuntaryhmitys"),
    ):
        for lang in ("fi", "sv", "en"):
            frame[f"{prefix}_name_{lang}"] = raw[f"{key}_name_{lang}"].map(_strip)
    return frame


def _strip(value: object) -> str:
    return " ".join(str(value).split())


# --------------------------------------------------------------------------- geo


def read_geojson(path: Path) -> pd.DataFrame:
    """Feature properties plus the geometry as GeoJSON text, one row per feature."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    rows = [
        {**(f.get("properties") or {}), "geometry": json.dumps(f.get("geometry"))}
        for f in data.get("features", [])
    ]
    return pd.DataFrame(rows)


def read_topojson(path: Path) -> pd.DataFrame:
    """Object properties of every TopoJSON geometry collection, one row per geometry."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    rows = []
    for name, obj in (data.get("objects") or {}).items():
        for geom in obj.get("geometries", []):
            rows.append({"object": name, **(geom.get("properties") or {})})
    return pd.DataFrame(rows)
