"""PxWebClient against the replay server (recorded Statistics Finland responses)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline.jsonstat import jsonstat_meta, read_jsonstat
from pipeline.pxweb import (
    PxWebBadRequestError,
    PxWebConnectionError,
    PxWebNotFoundError,
    PxWebQueryError,
    PxWebResponseError,
    PxWebServerError,
    PxWebTooManyCellsError,
    resolve_dimension,
    resolve_selection,
)
from pipeline.pxweb.client import PxWebClient
from pipeline.pxweb.split import query_body
from tests.replay_server import NEW_11RE, OLD_11RE, VELK_13KT

FIX = Path(__file__).resolve().parents[2] / "tests" / "fixtures"
WINDOW = 0.4  # server rate window in these tests (s)


def client(server, lang: str = "fi", **kw) -> PxWebClient:
    """A client with short waits; the server's window is shortened to match."""
    server.set_limits(window_s=WINDOW)
    opts = {
        "period_s": 0.1,
        "timeout": (1.0, 0.5),
        "retries": 3,
        "backoff_factor": 0.02,
        "backoff_jitter": 0.02,
        "backoff_max": 0.1,
    }
    opts.update(kw)
    return PxWebClient(server.base_url(lang), **opts)


def plain_values(doc: dict) -> list[float]:
    """The cells of PxWeb's plain `json` answer (one value per data row), read by hand."""
    return [float(row["values"][0]) for row in doc["data"]]


def statuses(server) -> list[int]:
    return [e.status for e in server.log]


# --------------------------------------------------------------------------- listing, metadata


def test_folder_listings(replay_server):
    c = client(replay_server)
    folders = c.list("StatFin")
    assert len(folders) == 136 and {f.type for f in folders} == {"l"}
    assert next(f for f in folders if f.id == "vaerak").text == "Väestörakenne"
    tables = c.list("StatFin/vaerak")
    assert len(tables) == 32
    assert next(t for t in tables if t.id == "11re.px").updated == "2026-06-06T21:04:32"
    assert c.stats.list_requests == 2


def test_metadata_old_and_new_form(replay_server):
    c = client(replay_server)
    old = c.metadata(OLD_11RE)
    assert [v.code for v in old.variables] == ["Alue", "Ikä", "Sukupuoli", "Vuosi", "Tiedot"]
    assert resolve_dimension(old, "Vuosi").time and resolve_dimension(old, "Alue").elimination
    assert old.updated is None  # the 2026 listing no longer lists the long id
    new = c.metadata("StatFin/vaerak/11re.px")
    assert resolve_dimension(new, "contentscode").values == ("vaerak-vaesto",)
    assert new.updated == "2026-06-06T21:04:32"
    assert new.title == old.title
    c.metadata(OLD_11RE)  # cached
    assert c.stats.metadata_requests == 2


def test_metadata_in_three_languages(replay_server):
    metas = {lang: client(replay_server, lang).metadata(VELK_13KT) for lang in ("fi", "sv", "en")}
    codes = {lang: [v.code for v in m.variables] for lang, m in metas.items()}
    assert codes["fi"] == codes["sv"] == codes["en"]
    assert resolve_dimension(metas["sv"], "Maakunta").text == "Landskap"
    assert resolve_dimension(metas["en"], "Maakunta").text == "Region"
    assert metas["en"].roles == {"time": "Vuosi", "geo": "Maakunta", "metric": "Tiedot"}


def test_config_from_server_or_constructor(replay_server):
    replay_server.set_limits(max_cells=5_000, max_calls=7)
    c = client(replay_server, max_calls=30)
    cfg = c.config()
    assert (cfg.max_cells, cfg.max_calls, cfg.period_s, cfg.from_server) == (5_000, 7, WINDOW, True)
    replay_server.set_limits(config=False)
    c = client(replay_server, max_cells=1_234, max_calls=9, period_s=0.3)
    replay_server.set_limits(config=False)
    cfg = c.config()
    assert (cfg.max_cells, cfg.max_calls, cfg.period_s, cfg.from_server) == (1_234, 9, 0.3, False)


def test_unknown_table_is_404_naming_it(replay_server):
    with pytest.raises(PxWebNotFoundError, match="StatFin/nosuch.px"):
        client(replay_server).metadata("StatFin/nosuch.px")


# --------------------------------------------------------------------------- fetch


def test_fetch_new_form_three_cities(replay_server):
    c = client(replay_server)
    frame = c.fetch(NEW_11RE, {"geo": ["Espoo", "091", "KU092"], "time": ["2025"]})
    assert frame.set_index("alue_23_20260101")["value"].to_dict() == {
        "KU049": 325_716,
        "KU091": 694_392,
        "KU092": 252_956,
    }
    assert list(frame.columns[::2]) == ["alue_23_20260101", "timeperiod_y", "contentscode", "value"]
    sent = replay_server.log[-1].body
    assert {q["code"] for q in sent["query"]} == {
        "alue_23_20260101",
        "timeperiod_y",
        "contentscode",
    }


def test_fetch_old_form_matches_recorded_table(replay_server):
    c = client(replay_server)
    frame = c.fetch(OLD_11RE, {"geo": "*", "time": "*", "Ikä": ["SSS"], "Sukupuoli": ["SSS"]})
    doc = json.loads(
        (
            FIX / "reconstructed_statfin_vaerak_pxt_11re_2025api_POST_json_allareas_allyears.json"
        ).read_text(encoding="utf-8")
    )
    rows = [  # key: area, age, sex, year
        (key[0], key[3], value)
        for key, value in zip((r["key"] for r in doc["data"]), plain_values(doc), strict=True)
        if key[1] == "SSS" and key[2] == "SSS"
    ]
    recorded = pd.DataFrame(rows, columns=["Alue", "Vuosi", "value"])
    keys = ["Alue", "Vuosi"]
    got = frame.set_index(keys)["value"].sort_index()
    want = recorded.set_index(keys)["value"].sort_index()
    pd.testing.assert_series_equal(got, want)
    assert jsonstat_meta(frame).updated == "2024-04-26T05.00.00Z"


def test_same_selection_on_both_forms_agrees(replay_server):
    c = client(replay_server)
    sel = {"geo": ["Helsinki", "Tampere"], "time": ["2000", "2023"], "metric": ["vaesto"]}
    old, new = c.fetch(OLD_11RE, sel), c.fetch(NEW_11RE, sel)
    assert old["value"].tolist() == new["value"].tolist()
    assert new.loc[new["timeperiod_y"] == "2023", "value"].tolist() == [
        674_500,
        255_050,
    ]  # recorded file


def test_split_equals_single_request(replay_server):
    sel = {"geo": "*", "time": "*", "Ikä": ["SSS"], "Sukupuoli": ["SSS"]}
    single = client(replay_server).fetch(OLD_11RE, sel)
    replay_server.clear_log()
    c = client(replay_server, max_cells=2_000)
    split = c.fetch(OLD_11RE, sel)
    posts = [e for e in replay_server.log if e.method == "POST"]
    assert len(posts) == c.stats.data_requests == 9  # ceil(16,120 / 2,000)
    assert max(e.cells for e in posts) <= 2_000
    pd.testing.assert_frame_equal(split, single)
    assert jsonstat_meta(split) == jsonstat_meta(single)


def test_split_on_two_dimensions_equals_single(replay_server):
    ages = [f"{a:03d}" for a in range(12)]
    sel = {"geo": ["SSS", "KU091", "KU837"], "time": {"top": 10}, "Ikä": ages}
    single = client(replay_server).fetch(NEW_11RE, sel)
    assert len(single) == 3 * 10 * 12
    c = client(replay_server, max_cells=20)  # one age = 3 areas x 10 years = 30 cells
    split = c.fetch(NEW_11RE, sel)
    assert c.stats.data_requests == 18  # ceil(360 / 20): boxes of 1 area x 10 years x 2 ages
    pd.testing.assert_frame_equal(split, single)


def test_server_cell_limit_is_read_and_respected(replay_server):
    replay_server.set_limits(max_cells=5_000)
    c = client(replay_server)
    frame = c.fetch(OLD_11RE, {"geo": "*", "time": "*"})
    assert len(frame) == 16_120 and c.stats.data_requests == 4
    assert 403 not in statuses(replay_server)


def posts(server) -> list:
    return [e for e in server.log if e.method == "POST"]


@pytest.mark.parametrize(
    ("limits", "expected"),
    [
        # ?config says 5,000, the server refuses above 1,000: parts of 4,004 cells (403), of
        # 1,768 (403), then 19 parts of at most 884 cells
        ({"max_cells": 5_000, "enforced_cells": 1_000}, {"posts": 21, "refused": 2}),
        # no ?config: the constructor's 100,000; 16,120, 8,060, 4,030 and 2,015 cells refused,
        # then 17 parts of at most 1,007 cells (ceil(16,120 / 1,000) = 17)
        ({"max_cells": 1_000, "config": False}, {"posts": 21, "refused": 4}),
    ],
    ids=["config-higher-than-enforced", "no-config"],
)
def test_403_too_many_cells_is_learned_and_split_further(replay_server, limits, expected):
    single = client(replay_server).fetch(OLD_11RE, {"geo": "*", "time": "*"})
    replay_server.reset()
    replay_server.set_limits(max_calls=6, **limits)
    c = client(replay_server)  # server window WINDOW s, 6 calls; the client learns it
    c.max_calls, c.period_s = 6, WINDOW
    c.limiter.configure(6, WINDOW)
    frame = c.fetch(OLD_11RE, {"geo": "*", "time": "*"})
    pd.testing.assert_frame_equal(frame, single)
    answered = [e for e in posts(replay_server) if e.status == 200]
    refused = [e for e in posts(replay_server) if e.status == 403]
    assert answered and max(e.cells for e in answered) <= 1_000
    assert sum(e.cells for e in answered) == 16_120  # nothing fetched twice
    assert len(refused) == expected["refused"]
    assert len(posts(replay_server)) == c.stats.data_requests == expected["posts"]
    assert c.config().max_cells < min(e.cells for e in refused) and c.config().learned
    assert 429 not in statuses(replay_server)  # the 403s went through the rate limiter too
    times = [e.time for e in replay_server.log]
    assert all(b - a >= WINDOW for a, b in zip(times, times[6:], strict=False))

    # The learned limit holds for the next table: no more 403s.
    replay_server.clear_log()
    c.fetch(OLD_11RE, {"geo": "*", "time": {"top": 20}})
    assert 403 not in statuses(replay_server)


def test_403_after_some_parts_re_splits_only_what_is_left(replay_server):
    """The limit drops between parts: the answered part is kept and not asked again."""
    sel = {"geo": "*", "time": "*"}
    single = client(replay_server).fetch(OLD_11RE, sel)
    replay_server.reset()
    c = client(replay_server, max_cells=5_000)
    c.fetch(OLD_11RE, {"geo": ["SSS"], "time": "*"})  # learns ?config: 5,000
    replay_server.set_fault("403", times=1, method="POST")  # the next part is refused once
    frame = c.fetch(OLD_11RE, sel)
    pd.testing.assert_frame_equal(frame, single)
    answered = [e for e in posts(replay_server) if e.status == 200]
    assert sum(e.cells for e in answered[1:]) == 16_120


def test_403_that_is_not_a_cell_limit_stops_at_one_cell(replay_server):
    replay_server.set_fault("403", times=None, method="POST")
    c = client(replay_server)
    with pytest.raises(PxWebTooManyCellsError) as err:
        c.fetch(OLD_11RE, {"geo": "*", "time": "*"})
    msg = str(err.value)
    assert OLD_11RE in msg and "one-cell query" in msg and "Access is denied" in msg
    assert "<html" not in msg and err.value.status == 403
    assert c.stats.data_requests == len(posts(replay_server)) <= 16  # log2(16,120) + 1


def test_rate_limit_never_exceeded(replay_server):
    replay_server.set_limits(max_calls=4)
    c = client(replay_server, max_cells=1_000)  # reads maxCalls=4, timeWindow=0.4 from ?config
    frame = c.fetch(OLD_11RE, {"geo": "*", "time": "*"})
    assert len(frame) == 16_120
    times = [e.time for e in replay_server.log]
    assert len(times) >= 18 and 429 not in statuses(replay_server)
    assert all(b - a >= WINDOW for a, b in zip(times, times[4:], strict=False))


def test_json_stat_1_and_plain_json_formats(replay_server):
    c = client(replay_server)
    md = c.metadata(NEW_11RE)
    sel = {"geo": ["SSS", "KU091"], "time": {"top": 3}}
    body = query_body(resolve_selection(md, sel))
    v2 = read_jsonstat(c.post(NEW_11RE, body))
    v1 = read_jsonstat(c.post(NEW_11RE, {**body, "response": {"format": "json-stat"}}))
    pd.testing.assert_frame_equal(v1, v2)
    plain = c.post(NEW_11RE, {**body, "response": {"format": "json"}})
    assert plain_values(plain) == v2["value"].tolist()


def test_unrecorded_cells_are_missing_with_status(replay_server):
    frame = client(replay_server).fetch(NEW_11RE, {"geo": ["KU020"], "time": ["2023", "2025"]})
    assert frame["value"].iloc[0] > 0 and np.isnan(frame["value"].iloc[1])
    assert frame["status"].isna().tolist() == [True, False] and frame["status"].iloc[1] == ".."


# --------------------------------------------------------------------------- faults


SMALL = {"geo": ["KU091"], "time": ["2023"]}


@pytest.mark.parametrize("kind", ["503", "500", "502"])
def test_transient_server_errors_are_retried(replay_server, kind):
    c = client(replay_server)
    c.metadata(NEW_11RE)
    replay_server.set_fault(kind, times=2, method="POST")
    frame = c.fetch(NEW_11RE, SMALL)
    assert frame["value"].tolist() == [674_500]
    assert statuses(replay_server)[-3:] == [int(kind), int(kind), 200]
    assert c.stats.retries == 2 and c.stats.data_requests == 1


def test_persistent_503_reports_table_and_query(replay_server):
    c = client(replay_server, retries=2)
    c.metadata(NEW_11RE)
    replay_server.set_fault("503", times=None, method="POST")
    with pytest.raises(PxWebServerError) as err:
        c.fetch(NEW_11RE, SMALL)
    msg = str(err.value)
    assert "503" in msg and NEW_11RE in msg and "KU091" in msg
    assert statuses(replay_server).count(503) == 3


def test_429_with_retry_after_waits(replay_server):
    c = client(replay_server)
    c.metadata(NEW_11RE)
    replay_server.set_fault("429", times=1, method="POST", retry_after=1)
    c.fetch(NEW_11RE, SMALL)
    first, second = replay_server.log[-2:]
    assert (first.status, second.status) == (429, 200)
    assert second.time - first.time >= 1.0


def test_429_without_retry_after_waits_whole_window(replay_server):
    c = client(replay_server)
    c.metadata(NEW_11RE)
    c.config()
    replay_server.set_fault("429", times=1, method="POST")
    c.fetch(NEW_11RE, SMALL)
    first, second = replay_server.log[-2:]
    assert (first.status, second.status) == (429, 200)
    assert second.time - first.time >= WINDOW


def test_server_rate_limit_with_rejections_counted(replay_server):
    """Without ?config the client overruns a stricter server; each 429 (no Retry-After) is
    waited out for the whole window and the fetch completes."""
    replay_server.set_limits(max_calls=3, retry_after=False, config=False)
    c = client(replay_server, max_cells=2_000, max_calls=10, period_s=WINDOW)
    frame = c.fetch(OLD_11RE, {"geo": "*", "time": "*"})
    assert len(frame) == 16_120
    log = replay_server.log
    assert 429 in statuses(replay_server)
    for rejected, after in zip(log, log[1:], strict=False):
        if rejected.status == 429:
            assert after.time - rejected.time >= WINDOW


def test_connection_reset_is_retried(replay_server):
    c = client(replay_server)
    c.metadata(NEW_11RE)
    replay_server.set_fault("reset", times=1, method="POST")
    assert c.fetch(NEW_11RE, SMALL)["value"].tolist() == [674_500]


def test_persistent_reset_is_a_connection_error(replay_server):
    c = client(replay_server, retries=1)
    c.metadata(NEW_11RE)
    replay_server.set_fault("reset", times=None, method="POST")
    with pytest.raises(PxWebConnectionError, match=NEW_11RE):
        c.fetch(NEW_11RE, SMALL)


def test_slow_answer_times_out_and_is_retried(replay_server):
    c = client(replay_server, timeout=(1.0, 0.2))
    c.metadata(NEW_11RE)
    replay_server.set_fault("slow", times=1, method="POST", delay=0.6)
    assert c.fetch(NEW_11RE, SMALL)["value"].tolist() == [674_500]
    assert c.stats.retries >= 1


@pytest.mark.parametrize(("kind", "words"), [("truncated", "truncated"), ("nonjson", "not JSON")])
def test_bad_body_retried_once_then_reported(replay_server, kind, words):
    c = client(replay_server)
    c.metadata(NEW_11RE)
    replay_server.set_fault(kind, times=1, method="POST")
    assert c.fetch(NEW_11RE, SMALL)["value"].tolist() == [674_500]
    replay_server.set_fault(kind, times=2, method="POST")
    with pytest.raises(PxWebResponseError) as err:
        c.fetch(NEW_11RE, SMALL)
    assert words in str(err.value) and NEW_11RE in str(err.value)


def test_metadata_changed_between_requests_is_followed(replay_server):
    """The table switches to the 2026 codes after its metadata was read (as on 8 June 2026)."""
    c = client(replay_server)
    replay_server.set_fault("metadata_change", times=1, method="GET", path="pxt_11re")
    frame = c.fetch(OLD_11RE, {"Alue": ["Helsinki"], "Vuosi": ["2023"], "Tiedot": ["vaesto"]})
    assert frame["alue_23_20260101"].tolist() == ["KU091"]
    assert frame["value"].tolist() == [674_500]
    assert 400 in statuses(replay_server)
    assert "contentscode" in [v.code for v in c.metadata(OLD_11RE).variables]


def test_metadata_changed_and_selection_no_longer_matches(replay_server):
    c = client(replay_server)
    replay_server.set_fault("metadata_change", times=1, method="GET", path="pxt_11re")
    with pytest.raises(PxWebQueryError) as err:
        c.fetch(OLD_11RE, {"geo": ["Pertunmaa"], "time": ["2023"]})  # merged away in 2025
    assert "changed between metadata and data requests" in str(err.value)
    assert "Pertunmaa" in str(err.value)


def test_bad_query_400_names_table_query_and_reason(replay_server):
    c = client(replay_server)
    body = {"query": [{"code": "Alue", "selection": {"filter": "item", "values": ["KU999"]}}]}
    with pytest.raises(PxWebBadRequestError) as err:
        c.post(OLD_11RE, {**body, "response": {"format": "json-stat2"}})
    msg = str(err.value)
    assert "400" in msg and OLD_11RE in msg and "KU999" in msg and "not in variable" in msg
