"""The map: boundaries load once, the choropleth is tile-free and oriented by direction."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from dashboard import figures, geo


def test_boundaries_are_the_308_municipalities_of_2025():
    codes = geo.municipality_codes()
    assert len(codes) == 308
    assert {"140", "740", "091", "507"} <= codes
    assert "588" not in codes  # Pertunmaa merged into Mäntyharju on 1.1.2025
    assert geo.load_municipalities() is geo.load_municipalities()  # read once


def test_subset_keeps_only_the_given_codes():
    collection = geo.subset({"140", "740"})
    assert sorted(f["properties"]["kunta"] for f in collection["features"]) == ["140", "740"]


def test_broken_boundary_file_names_the_file(tmp_path):
    path = tmp_path / "broken.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [{"properties": {}}]}))
    with pytest.raises(geo.GeoError, match="broken.geojson"):
        geo.load_municipalities(path)


@pytest.mark.parametrize(
    ("direction", "scale"),
    [("higher_is_better", "YlGnBu"), ("lower_is_better", "YlGnBu_r"), ("neutral", "Cividis")],
)
def test_colour_scale_dark_end_is_the_better_end(direction, scale):
    assert figures.direction_colorscale(direction) == scale


def test_choropleth_is_tile_free_with_outlines_and_unit():
    frame = pd.DataFrame(
        {
            "area_code": ["140", "740", "091"],
            "name": ["Iisalmi", "Savonlinna", "Helsinki"],
            "value": [16.6, 17.5, None],
        }
    )
    fig = figures.choropleth_figure(
        frame,
        geo.load_municipalities(),
        "fi",
        title="Työttömyysaste, 2020",
        unit="%",
        direction="lower_is_better",
        outlines=[("Verkosto", geo.subset({"140", "740"}), figures.OUTLINE_COLOURS.network)],
        missing=("Ei tietoa", geo.subset({"091"})),
    )
    missing, values, outline, legend = fig.data
    assert [trace.type for trace in fig.data[:3]] == ["choropleth"] * 3
    assert legend.name == "Verkosto" and legend.line.color == outline.marker.line.color
    assert values.featureidkey == "properties.kunta"
    assert list(values.locations) == ["140", "740"]
    assert values.colorbar.title.text == "%"
    # lower_is_better: the highest values get the light end of YlGnBu.
    assert values.colorscale[-1][1] == "rgb(255,255,217)"
    assert list(missing.locations) == ["091"]
    assert outline.marker.line.color == figures.OUTLINE_COLOURS.network
    assert outline.marker.line.width > values.marker.line.width
    # Finland's extent, not fitbounds: the frame takes the country's shape (a phone-wide map)
    lon, lat = fig.layout.geo.lonaxis.range, fig.layout.geo.lataxis.range
    assert lon[0] < 19.5 < 31.5 < lon[1] and lat[0] < 59.8 < 70.0 < lat[1]
    assert not fig.layout.geo.fitbounds
    assert values.colorbar.orientation == "h"  # below the map, not taking its width
    assert fig.layout.geo.visible is False


def test_choropleth_over_the_real_warehouse(warehouse_path):
    from dashboard import queries

    queries.configure(warehouse_path)
    values = queries.municipal_values("population", 2023, "sv")
    assert len(values) == 308
    assert values.value.notna().all()
    assert set(values.area_code) == set(geo.municipality_codes())
    fig = figures.choropleth_figure(values, geo.load_municipalities(), "sv", title="t")
    assert len(fig.data[0].locations) == 308
