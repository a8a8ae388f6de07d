"""Selection matching, query building and splitting (pure parts of pipeline.pxweb)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from pipeline.pxweb import PxWebQueryError, TableMetadata, resolve_selection
from pipeline.pxweb.ratelimit import RateLimiter
from pipeline.pxweb.split import count_cells, query_body, split_selection

FIX = Path(__file__).resolve().parents[2] / "tests" / "fixtures"


def metadata(name: str, table: str) -> TableMetadata:
    return TableMetadata.from_json(table, json.loads((FIX / name).read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def old() -> TableMetadata:
    return metadata(
        "reconstructed_statfin_vaerak_pxt_11re_2025api_GET_metadata_fi.json",
        "StatFin/vaerak/statfin_vaerak_pxt_11re.px",
    )


@pytest.fixture(scope="module")
def new() -> TableMetadata:
    return metadata("statfin_11re_2026api_GET_metadata_fi.json", "StatFin/11re.px")


@pytest.fixture(scope="module")
def velk_sv() -> TableMetadata:
    return metadata("StatisticsFinland-PxGraf_velk_13kt_GET_metadata_sv.json", "velk/13kt")


def codes(query: dict) -> dict[str, list[str]]:
    return {q["code"]: q["selection"]["values"] for q in query["query"]}


def test_roles_in_both_forms(old, new, velk_sv):
    assert old.roles == {"time": "Vuosi", "geo": "Alue", "metric": "Tiedot"}
    assert new.roles == {
        "time": "timeperiod_y",
        "geo": "alue_23_20260101",
        "metric": "contentscode",
    }
    assert velk_sv.roles["geo"] == "Maakunta" and velk_sv.roles["metric"] == "Tiedot"


SELECTION = {
    "geo": ["KU091", "049"],
    "  ikä ": ["Yhteensä"],
    "Sukupuoli": ["SSS"],
    "time": {"top": 2},
    "metric": ["vaesto"],
}


def test_same_selection_on_old_and_new_form(old, new):
    q_old, q_new = resolve_selection(old, SELECTION), resolve_selection(new, SELECTION)
    assert q_old == {
        "Alue": ["KU049", "KU091"],  # metadata order, as the server answers
        "Ikä": ["SSS"],
        "Sukupuoli": ["SSS"],
        "Vuosi": ["2022", "2023"],
        "Tiedot": ["vaesto"],
    }
    assert q_new == {
        "alue_23_20260101": ["KU049", "KU091"],
        "ikaryhma_10_20180101": ["SSS"],
        "sukupuoli_9_20180101": ["SSS"],
        "timeperiod_y": ["2024", "2025"],
        "contentscode": ["vaerak-vaesto"],
    }
    body = query_body(resolve_selection(new, SELECTION))
    assert body["response"] == {"format": "json-stat2"} and codes(body) == q_new


def test_old_codes_and_labels_work_on_new_form(new):
    sel = {"Alue": ["Helsinki", "KU092"], "Vuosi": ["2025"], "Tiedot": ["vaerak-vaesto"]}
    q = resolve_selection(new, sel)
    assert q["alue_23_20260101"] == ["KU091", "KU092"]
    assert q["contentscode"] == ["vaerak-vaesto"]
    # unversioned code prefix also finds the dimension
    assert resolve_selection(new, {"alue": ["SSS"]})["alue_23_20260101"] == ["SSS"]


def test_new_value_codes_work_on_old_form(old):
    q = resolve_selection(old, {"Tiedot": ["vaerak-vaesto"], "Alue": ["091"]})
    assert q["Tiedot"] == ["vaesto"] and q["Alue"] == ["KU091"]


def test_unnamed_dimensions_eliminated_or_all(new):
    resolved = resolve_selection(new, {"geo": ["SSS"]})
    # Ikä and Sukupuoli have elimination: left out; Vuosi and Tiedot do not: all values
    assert list(resolved) == ["alue_23_20260101", "timeperiod_y", "contentscode"]
    assert len(resolved["timeperiod_y"]) == 54


def test_star_selects_everything(old):
    resolved = resolve_selection(old, {"geo": "*", "time": "*"})
    assert count_cells(resolved) == 310 * 52


def test_unknown_dimension_names_table_and_closest(new):
    with pytest.raises(PxWebQueryError) as err:
        resolve_selection(new, {"Alu": ["SSS"]})
    msg = str(err.value)
    assert "StatFin/11re.px" in msg and "'Alu'" in msg and "closest: Alue" in msg


def test_unknown_value_names_dimension_and_closest(new):
    with pytest.raises(PxWebQueryError) as err:
        resolve_selection(new, {"geo": ["Helsinkki"]})
    msg = str(err.value)
    assert "StatFin/11re.px" in msg and "alue_23_20260101 (Alue)" in msg
    assert "'Helsinkki'" in msg and "closest: Helsinki" in msg


def test_ambiguous_and_bad_specs(old, velk_sv):
    with pytest.raises(PxWebQueryError, match="selected twice"):
        resolve_selection(old, {"geo": ["SSS"], "Alue": ["SSS"]})
    with pytest.raises(PxWebQueryError, match="not '\\*', a list"):
        resolve_selection(old, {"time": {"last": 2}})
    with pytest.raises(PxWebQueryError, match="empty value list"):
        resolve_selection(old, {"time": []})
    assert resolve_selection(velk_sv, {"Landskap": ["HELA LANDET"]})["Maakunta"] == ["SSS"]


def test_split_fewest_parts_largest_dimension_first(new):
    resolved = resolve_selection(new, {"geo": "*", "time": "*", "Ikä": "*"})
    total = count_cells(resolved)
    assert total == 309 * 102 * 54
    parts = split_selection(resolved, 100_000)
    assert len(parts) == math.ceil(total / 100_000) == 18
    assert all(count_cells(p) <= 100_000 for p in parts)
    assert {len(p["ikaryhma_10_20180101"]) for p in parts} == {102}  # only areas were cut
    assert sum(len(p["alue_23_20260101"]) for p in parts) == 309


def test_split_several_dimensions_when_one_value_too_big(new):
    resolved = resolve_selection(new, {"geo": "*", "time": "*", "Ikä": "*"})
    parts = split_selection(resolved, 2_000)  # one area = 102 * 54 = 5,508 cells
    assert all(count_cells(p) <= 2_000 for p in parts)
    # ceil(1,701,972 / 2,000) = 851; cutting areas to one each, then ages, took 309 * 3 = 927
    assert len(parts) == 852
    covered = {
        (a, g, y)
        for p in parts
        for a in p["alue_23_20260101"]
        for g in p["ikaryhma_10_20180101"]
        for y in p["timeperiod_y"]
    }
    assert len(covered) == count_cells(resolved)


def test_no_split_when_small(new):
    resolved = resolve_selection(new, {"geo": ["SSS"]})
    assert split_selection(resolved, 100_000) == [resolved]


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, s: float) -> None:
        self.now += s


def test_rate_limiter_sliding_window():
    clock = FakeClock()
    limiter = RateLimiter(3, 10.0, clock=clock, sleep=clock.sleep)
    times = []
    for _ in range(10):
        limiter.acquire()
        times.append(clock.now)
        clock.now += 1.0  # work between calls
    for i in range(len(times) - 3):
        assert times[i + 3] - times[i] >= 10.0
    assert times[:3] == [0.0, 1.0, 2.0] and times[3] == 10.0
