"""The municipalities of the classification the build uses: the catalogue's
`classification_csv` source of the newest division (as `pipeline.build.areas` picks it), read
with the standard library so that loading the content needs neither pandas nor the build."""

from __future__ import annotations

import csv
import functools
import os
from pathlib import Path

import pipeline
from pipeline.catalogue import load_catalogue
from pipeline.catalogue.model import Text
from pipeline.content.model import Municipality


def municipalities_of(
    catalogue_path: str | os.PathLike | None = None,
    snapshot_dir: str | os.PathLike | None = None,
) -> tuple[Municipality, ...]:
    """The classification's municipalities (code and fi/sv/en name), in file order."""
    catalogue = load_catalogue(catalogue_path or pipeline.DEFAULT_CATALOGUE)
    keys = [s for s in catalogue.sources if s.format == "classification_csv"]
    if not keys:
        raise ValueError("the catalogue declares no classification_csv source (municipality key)")
    key = max(keys, key=lambda s: s.division)
    folder = Path(snapshot_dir) if snapshot_dir is not None else pipeline.DEFAULT_SNAPSHOT
    return _read(str((folder / key.file).resolve()))


@functools.lru_cache(maxsize=4)
def _read(path: str) -> tuple[Municipality, ...]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return tuple(
        Municipality(
            code=str(row["kunta"]).strip().zfill(3),
            name=Text(
                *(" ".join(row[f"municipality_name_{lang}"].split()) for lang in ("fi", "sv", "en"))
            ),
        )
        for row in rows
    )
