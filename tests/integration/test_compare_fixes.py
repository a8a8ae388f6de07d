"""The compare page's scatter, gap grid and trend chart against the warehouse.

Oracles: plain SQL on core.indicator_values / core.indicators; the figures' own traces are the
things checked (what the browser draws), never recomputed with the code under test.
"""

from __future__ import annotations

import pytest

X, Y = "tertiary_share", "unemployment_rate"  # the presentation's default scatter axes


def _years(con, indicator: str) -> list[int]:
    rows = con.execute(
        "SELECT DISTINCT year FROM core.indicator_values WHERE indicator_id = ? ORDER BY year",
        [indicator],
    ).fetchall()
    return [r[0] for r in rows]


def _values(con, indicator: str, year: int) -> dict[str, float]:
    rows = con.execute(
        "SELECT area_code, value FROM core.indicator_values "
        "WHERE indicator_id = ? AND year = ? AND month IS NULL AND value IS NOT NULL",
        [indicator, year],
    ).fetchall()
    return dict(rows)


def _points(figure) -> dict[str, tuple[float, float]]:
    """{municipality name: (x, y)} over the scatter's traces."""
    out = {}
    for trace in figure.data:
        for name, x, y in zip(trace.text, trace.x, trace.y, strict=True):
            out[name] = (x, y)
    return out


@pytest.mark.parametrize("chosen", [2012, 2017, 2019, None])
def test_scatter_uses_the_chosen_year_or_the_newest_before_it(queries, con, chosen):
    from dashboard.views import compare_content

    names = dict(con.execute("SELECT area_code, name_en FROM core.areas").fetchall())
    figure = compare_content.scatter_figure(X, Y, ("140", "740"), "en", chosen)
    points = _points(figure)
    for indicator, axis, index in ((X, figure.layout.xaxis, 0), (Y, figure.layout.yaxis, 1)):
        years = _years(con, indicator)
        year = max(y for y in years if chosen is None or y <= chosen)
        assert axis.title.text.endswith(str(year)), axis.title.text
        expected = _values(con, indicator, year)
        assert len(points) >= 300
        for code in ("140", "740", "091"):
            assert points[names[code]][index] == pytest.approx(expected[code])


NUMBER_COLUMNS = ("value", "peer_value", "peer_median", "gap")


def _format_in_node(expressions: list[tuple[str, dict]]) -> list[str]:
    """The grid's valueFormatter expressions evaluated by Node (the browser's JS and Intl)."""
    import json
    import shutil
    import subprocess

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    script = (
        "const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(cases.map(([f, params]) => "
        "new Function('params', 'return ' + f)(params))));"
    )
    out = subprocess.run(
        [node, "-e", script], input=json.dumps(expressions), capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_gap_grid_shows_each_indicator_with_its_catalogue_decimals(queries, con, lang):
    from dashboard.views import compare_content
    from dashboard.views.compare import Selection

    decimals = dict(con.execute("SELECT indicator_id, decimals FROM core.indicators").fetchall())
    selection = Selection(("140", "740"), (), "unemployment_rate", None, X, Y, "peers:140")
    rows = compare_content.gap_rows(selection, lang)
    columns = {c["field"]: c for c in compare_content.gap_columns(selection.peer, lang)}
    cases, wanted = [], []
    for row in rows:
        for field in (*NUMBER_COLUMNS, "gap_pct"):
            if row[field] is None:
                continue
            formatter = columns[field]["valueFormatter"]["function"]
            cases.append((formatter, {"value": row[field], "data": row}))
            wanted.append(1 if field == "gap_pct" else int(decimals[row["indicator_id"]]))
    assert len(cases) > 100
    point = "," if lang == "fi" else "."
    for text, places in zip(_format_in_node(cases), wanted, strict=True):
        shown = len(text.rsplit(point, 1)[1]) if point in text else 0
        assert shown == places, (text, places)
