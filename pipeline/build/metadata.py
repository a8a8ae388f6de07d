"""The descriptive tables: `core.indicators`, `core.provenance` and `core.build_info`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pandas as pd

from pipeline.catalogue import Catalogue
from pipeline.snapshot import MANIFEST_NAME, Manifest, sha256_file

LANGS = ("fi", "sv", "en")


def indicators_table(catalogue: Catalogue, notes: dict[str, str]) -> pd.DataFrame:
    """One row per indicator: labels, units, rule and inputs, and the build's note."""
    rows = []
    for ind in catalogue.indicators:
        rows.append(
            {
                "indicator_id": ind.id,
                "theme": ind.theme,
                **{f"label_{lang}": ind.label.get(lang) for lang in LANGS},
                **{f"description_{lang}": ind.description.get(lang) for lang in LANGS},
                **{f"unit_{lang}": ind.unit.get(lang) for lang in LANGS},
                "decimals": ind.decimals,
                "direction": ind.direction,
                "aggregation": ind.aggregation.rule,
                "numerator": ind.aggregation.numerator,
                "denominator": ind.aggregation.denominator,
                "weight": ind.aggregation.weight,
                "scale": ind.aggregation.scale,
                "sources": ",".join(ind.sources),
                "formula": ind.formula,
                "citation": ind.citation,
                "note": notes.get(ind.id) or None,
            }
        )
    return pd.DataFrame(rows)


def provenance_table(catalogue: Catalogue, manifest: Manifest) -> pd.DataFrame:
    """One row per source: the catalogue's description with the manifest's record of the file
    (whose sha256 the snapshot check has verified)."""
    rows = []
    for source in catalogue.sources:
        entry = manifest.entry(source.id)
        query = entry.query
        rows.append(
            {
                "source_id": source.id,
                "table_id": entry.table or source.table,
                "title_fi": source.title.fi,
                "title_sv": source.title.sv,
                "title_en": source.title.en,
                "publisher": source.publisher,
                "licence": entry.licence or source.licence,
                "citation": source.citation,
                "updated": _text(entry.updated or source.updated),
                "fetched": _text(entry.fetched),
                "file": source.file,
                "sha256": entry.sha256,
                "query": json.dumps(query, ensure_ascii=False) if query is not None else None,
                "request": _text(entry.request),
                "origin": _text(entry.origin),
            }
        )
    return pd.DataFrame(rows)


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def build_info_table(catalogue: Catalogue, snapshot_dir: Path) -> pd.DataFrame:
    """When and from what the warehouse was built (one row)."""
    catalogue_sha = sha256_file(catalogue.path) if catalogue.path else None
    return pd.DataFrame(
        {
            "built_at": [pd.Timestamp(dt.datetime.now(dt.UTC).replace(tzinfo=None))],
            "catalogue_sha256": [catalogue_sha],
            "snapshot_manifest_sha256": [sha256_file(snapshot_dir / MANIFEST_NAME)],
            "duckdb_version": [duckdb.__version__],
        }
    )
