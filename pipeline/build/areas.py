"""The 2025 municipal division and the groups: `core.areas` and `core.group_members`.

The municipality key (the newest `classification_csv` source) gives the municipalities, their
names in fi/sv (to match sources that name rather than code them), their regions, and with the
catalogue's mergers the map from pre-merger codes to 2025 codes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline import readers
from pipeline.catalogue import Catalogue, Source

# The `core.areas` flag that marks the members of the group playing each presentation role.
ROLE_FLAGS = {"network": "is_network", "university_cities": "is_university_city"}
GROUP_KIND = {
    "maakunta": "region",
    "seutukunta": "subregion",
    "kuntaryhmitys": "municipality_group",
}
CODE_WIDTH = {"maakunta": 2, "seutukunta": 3}
LANGS = ("fi", "sv", "en")
MUNICIPAL_CODE = re.compile(r"\d{3}")


@dataclass(frozen=True)
class Division:
    """The 2025 division: tidy municipalities and the lookups readers and mergers need."""

    key: Source  # the classification source read
    municipalities: pd.DataFrame  # tidy 2025 classification, one row per municipality
    names: dict[str, str]  # municipality name (fi, sv, en, merged ones) → code
    region_names: dict[str, str]  # region name (fi, sv, en) → MKxx
    code_map: dict[str, str]  # pre-merger code → 2025 code (chains followed)
    # "<code> <name>" of regions and sub-regions (StatFin's labels in mixed-level tables) → code
    coded_names: dict[str, str] = field(default_factory=dict)
    # the same for wellbeing services counties, an area level the product has no groups for
    wellbeing_names: dict[str, str] = field(default_factory=dict)
    subregion_names: dict[str, str] = field(default_factory=dict)  # sub-region name → SKxxx

    def names_for(self, area_level: str) -> dict[str, str]:
        """The name → code index for a source's `area_level`."""
        if area_level == "region":
            return self.region_names
        if area_level == "subregion":
            return self.subregion_names
        return self.names

    @property
    def codes(self) -> list[str]:
        return list(self.municipalities.area_code)


def municipality_key(catalogue: Catalogue) -> Source:
    keys = [s for s in catalogue.sources if s.format == "classification_csv"]
    if not keys:
        raise ValueError("the catalogue declares no classification_csv source (municipality key)")
    return max(keys, key=lambda s: s.division)


def load_division(catalogue: Catalogue, snapshot_dir: Path) -> Division:
    key = municipality_key(catalogue)
    raw = readers.read_classification_csv(snapshot_dir / key.file)
    municipalities = readers.tidy_classification(raw)
    names: dict[str, str] = {}
    for lang in ("fi", "sv"):
        names.update(zip(municipalities[f"name_{lang}"], municipalities.area_code, strict=True))
    for name, code in zip(municipalities["name_en"], municipalities.area_code, strict=True):
        names.setdefault(name, code)  # English names where they differ from fi and sv
    code_map: dict[str, str] = {}
    for merger in catalogue.mergers:
        code_map[merger.from_code] = merger.to_code
        if merger.name:
            names.setdefault(merger.name.split("→")[0].strip(), merger.from_code)
    for code in list(code_map):  # follow chains (a → b → c)
        target = code_map[code]
        while target in code_map:
            target = code_map[target]
        code_map[code] = target
    regions = municipalities.drop_duplicates("region_code")
    region_names: dict[str, str] = {}
    for lang in LANGS:
        region_names.update(zip(regions[f"region_name_{lang}"], regions.region_code, strict=True))
    wellbeing = pd.DataFrame(
        {
            "code": raw["hyvinvointialue_code"].map(lambda v: f"HVA{int(v):02d}"),
            **{f"name_{lang}": raw[f"hyvinvointialue_name_{lang}"] for lang in LANGS},
        }
    )
    return Division(
        key,
        municipalities,
        names,
        region_names,
        code_map,
        coded_names=coded_area_names(municipalities),
        wellbeing_names=_coded(wellbeing, "code", "name"),
        subregion_names=subregion_names(municipalities),
    )


def coded_area_names(municipalities: pd.DataFrame) -> dict[str, str]:
    """Names "<code> <name>" (fi, sv, en) of every region and sub-region → its code, as StatFin's
    English labels name the areas above municipalities in a mixed-level table ("MK01 Uusimaa",
    "SK011 Helsinki")."""
    out: dict[str, str] = {}
    for level in ("region", "subregion"):
        out.update(_coded(municipalities, f"{level}_code", f"{level}_name"))
    return out


def _coded(frame: pd.DataFrame, code: str, name: str) -> dict[str, str]:
    rows = frame.drop_duplicates(code)
    out: dict[str, str] = {}
    for lang in LANGS:
        labels = rows[code] + " " + rows[f"{name}_{lang}"].map(lambda v: " ".join(str(v).split()))
        out.update(zip(labels, rows[code], strict=True))
    return out


# The publisher's English texts name a sub-region "<name> sub-regional unit".
SUBREGION_SUFFIX_EN = " sub-regional unit"


def subregion_names(municipalities: pd.DataFrame) -> dict[str, str]:
    """Sub-region name (fi, sv, en, and the English "<name> sub-regional unit") → SKxxx."""
    subregions = municipalities.drop_duplicates("subregion_code")
    out: dict[str, str] = {}
    for lang in LANGS:
        out.update(
            zip(subregions[f"subregion_name_{lang}"], subregions.subregion_code, strict=True)
        )
    english = subregions["subregion_name_en"] + SUBREGION_SUFFIX_EN
    out.update(zip(english, subregions.subregion_code, strict=True))
    return out


def areas_tables(
    catalogue: Catalogue, division: Division, snapshot_dir: Path, role_groups: Mapping[str, str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`core.areas` (municipalities, then one row per group) and `core.group_members`;
    `role_groups` (presentation role -> group id) says which groups the ROLE_FLAGS mark."""
    muni = division.municipalities
    member_rows: list[pd.DataFrame] = []
    group_rows: list[dict] = []
    for group in catalogue.groups:
        if group.kind == "country":
            member_rows.append(
                pd.DataFrame({"group_code": group.code, "area_code": muni.area_code})
            )
            group_rows.append(_group_row(group.code, "country", group.name, group.id))
        elif group.kind == "list":
            member_rows.append(pd.DataFrame({"group_code": group.code, "area_code": group.members}))
            group_rows.append(_group_row(group.code, "group", group.name, group.id))
        else:
            codes, labels = _classification_codes(division, snapshot_dir, group.by, group.code)
            member_rows.append(pd.DataFrame({"group_code": codes, "area_code": muni.area_code}))
            kind = GROUP_KIND.get(group.by, "group")
            for code in sorted(set(codes)):
                group_rows.append(
                    {"area_code": code, "kind": kind, **labels[code], "group_id": group.id}
                )
    members = pd.concat(member_rows, ignore_index=True).drop_duplicates()
    flags = {}
    for role, column in ROLE_FLAGS.items():
        listed = members.loc[members.group_code == role_groups[role], "area_code"]
        flags[column] = muni.area_code.isin(set(listed))
    municipal = pd.DataFrame(
        {
            "area_code": muni.area_code,
            "kind": "municipality",
            **{f"name_{lang}": muni[f"name_{lang}"] for lang in LANGS},
            "region_code": muni.region_code,
            "subregion_code": muni.subregion_code,
            "municipality_group_code": muni.municipality_group_code,
            **flags,
            "group_id": None,
        }
    )
    groups = pd.DataFrame(group_rows).assign(**dict.fromkeys(ROLE_FLAGS.values(), False))
    areas = pd.concat([municipal, groups], ignore_index=True)
    for column in ("region_code", "subregion_code", "municipality_group_code"):
        areas[column] = areas[column].astype("str").where(areas[column].notna(), None)
    return areas, members.reset_index(drop=True)


def _group_row(code: str, kind: str, name, group_id: str) -> dict:
    return {
        "area_code": code,
        "kind": kind,
        **{f"name_{lang}": getattr(name, lang) for lang in LANGS},
        "group_id": group_id,
    }


def _classification_codes(division: Division, snapshot_dir: Path, by: str, prefix: str):
    """Group codes (prefix + zero-padded value) per municipality, and each code's names."""
    tidy = {"maakunta": "region", "seutukunta": "subregion", "kuntaryhmitys": "municipality_group"}
    muni = division.municipalities
    if by in tidy:
        codes = muni[f"{tidy[by]}_code"]
        names = muni[[f"{tidy[by]}_name_{lang}" for lang in LANGS]]
    else:
        raw = readers.read_classification_csv(snapshot_dir / division.key.file)
        width = CODE_WIDTH.get(by, 1)
        codes = raw[f"{by}_code"].map(lambda v: f"{prefix}{int(v):0{width}d}")
        names = raw[[f"{by}_name_{lang}" for lang in LANGS]]
    labels = {}
    for code, row in zip(codes, names.itertuples(index=False), strict=True):
        labels[code] = {"name_fi": row[0], "name_sv": row[1], "name_en": row[2]}
    return codes.to_numpy(), labels


# --------------------------------------------------------------------------- 2025 codes


def current_codes(codes: pd.Series, code_map: dict[str, str]) -> pd.Series:
    """Each code on the 2025 division (mapped once per distinct code)."""
    positions, uniques = pd.factorize(codes, use_na_sentinel=False)
    current = np.array([code_map.get(code, code) for code in uniques], dtype=object)
    return pd.Series(current[positions], index=codes.index, dtype="str")


def is_municipal(codes: pd.Series) -> np.ndarray:
    """Municipality codes (three digits), tested once per distinct code."""
    positions, uniques = pd.factorize(codes, use_na_sentinel=False)
    municipal = np.array(
        [isinstance(code, str) and MUNICIPAL_CODE.fullmatch(code) is not None for code in uniques],
        dtype=bool,
    )
    return municipal[positions]
