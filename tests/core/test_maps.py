"""The offline world map: TopoJSON decoding, the Equal Earth projection, the shipped boundaries and the SVG
it draws (well-formed, escaped, shaded as asked, small countries marked, points placed)."""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET

import pycountry
import pytest

from hrdd.core import maps
from hrdd.core.maps import (
    NEUTRAL_FILL,
    LegendItem,
    MapError,
    MapPoint,
    Shade,
    base_map,
    build_base_map,
    decode_arcs,
    equal_earth,
    geometry_polygons,
    ring_points,
    split_at_antimeridian,
    world_map_svg,
)

SVG = "{http://www.w3.org/2000/svg}"

# Two one-degree squares side by side sharing the meridian 11 (arc 1), on a grid of one degree: arcs are
# delta-encoded; the West walks the shared arc forwards, the East backwards (~1 = -2).
TINY = {
    "type": "Topology",
    "transform": {"scale": [1, 1], "translate": [10, 20]},
    "arcs": [
        [[1, 1], [-1, 0], [0, -1], [1, 0]],  # (11,21) -> (10,21) -> (10,20) -> (11,20)
        [[1, 0], [0, 1]],  # (11,20) -> (11,21): the shared border
        [[1, 0], [1, 0], [0, 1], [-1, 0]],  # (11,20) -> (12,20) -> (12,21) -> (11,21)
    ],
    "objects": {
        "countries": {
            "type": "GeometryCollection",
            "geometries": [
                {
                    "type": "Polygon",
                    "arcs": [[0, 1]],
                    "id": "001",
                    "properties": {"name": "West", "iso3": "AAA"},
                },
                {
                    "type": "Polygon",
                    "arcs": [[2, -2]],
                    "id": "002",
                    "properties": {"name": "East", "iso3": "BBB"},
                },
                {"type": "Polygon", "arcs": [[0, 1]], "properties": {"name": "Ice", "iso3": "ATA"}},
            ],
        }
    },
}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, parsed to prove it is well-formed XML


def country_paths(root: ET.Element) -> dict[str, ET.Element]:
    """The country paths by their tooltip."""
    return {path.find(f"{SVG}title").text: path for path in root.iter(f"{SVG}path")}


# --- TopoJSON ---------------------------------------------------------------------------------------------


def test_quantized_arcs_are_decoded_from_their_differences():
    arcs = decode_arcs(TINY)
    assert arcs[0] == [(11, 21), (10, 21), (10, 20), (11, 20)]
    assert arcs[1] == [(11, 20), (11, 21)]


def test_arcs_without_a_transform_are_absolute():
    assert decode_arcs({"arcs": [[[1.5, 2.5], [3, 4]]]}) == [[(1.5, 2.5), (3.0, 4.0)]]


def test_a_ring_joins_its_arcs_and_walks_a_negative_index_backwards():
    arcs = decode_arcs(TINY)
    assert ring_points([0, 1], arcs) == [(11, 21), (10, 21), (10, 20), (11, 20), (11, 21)]
    assert ring_points([2, -2], arcs) == [(11, 20), (12, 20), (12, 21), (11, 21), (11, 20)]


def test_polygons_and_multipolygons_give_their_rings_and_other_geometries_none():
    arcs = decode_arcs(TINY)
    assert len(geometry_polygons({"type": "Polygon", "arcs": [[0, 1]]}, arcs)) == 1
    assert len(geometry_polygons({"type": "MultiPolygon", "arcs": [[[0, 1]], [[2, -2]]]}, arcs)) == 2
    assert geometry_polygons({"type": None}, arcs) == []


def test_a_tiny_topology_becomes_two_countries_without_antarctica():
    base = build_base_map(TINY)
    assert [c.iso3 for c in base.countries] == ["AAA", "BBB"]
    west, east = base.countries
    assert west.path.startswith("M") and west.path.endswith("z")
    assert east.bbox[0] < west.bbox[2] < east.bbox[2]  # they meet at the shared border, no gap
    assert west.bbox[0] <= west.anchor[0] <= west.bbox[2]


def test_a_ring_across_180_degrees_is_cut_into_an_eastern_and_a_western_piece():
    ring = [(179.0, 0.0), (-179.0, 0.0), (-179.0, 1.0), (179.0, 1.0), (179.0, 0.0)]
    pieces = split_at_antimeridian(ring)
    assert len(pieces) == 2
    spans = sorted((min(x for x, _ in p), max(x for x, _ in p)) for p in pieces)
    assert spans == [(-180.0, -179.0), (179.0, 180.0)]


def test_a_ring_within_the_map_is_left_alone():
    ring = [(10.0, 0.0), (11.0, 0.0), (11.0, 1.0), (10.0, 0.0)]
    assert split_at_antimeridian(ring) == [ring]


# --- projection -------------------------------------------------------------------------------------------


def test_equal_earth_maps_the_centre_to_the_origin():
    assert equal_earth(0, 0) == (0.0, 0.0)


def test_equal_earth_reaches_its_published_extent():
    # Šavrič et al. 2019: on the unit sphere the map is 2 x 2.7066 wide and 2 x 1.3174 high
    x, _ = equal_earth(180, 0)
    assert x == pytest.approx(2 * math.sqrt(3) * math.pi / (3 * 1.340264), abs=1e-9)
    assert x == pytest.approx(2.70663, abs=1e-5)
    _, y = equal_earth(0, 90)
    assert y == pytest.approx(1.317363, abs=1e-5)
    assert equal_earth(0, 90)[0] == 0.0


def test_equal_earth_is_symmetric():
    x, y = equal_earth(100, 40)
    assert equal_earth(-100, -40) == pytest.approx((-x, -y))


def test_equal_earth_keeps_areas():
    # a one-degree cell at the equator and at 60 degrees north: their map areas keep their true ratio
    def cell_area(lat: float) -> float:
        (x0, y0), (x1, _), (_, y1) = equal_earth(0, lat), equal_earth(1, lat), equal_earth(0, lat + 1)
        # the meridians are curved, so take the middle of the cell's width
        mid = (equal_earth(1, lat + 0.5)[0] - equal_earth(0, lat + 0.5)[0]) or (x1 - x0)
        return mid * (y1 - y0)

    true_ratio = (math.sin(math.radians(61)) - math.sin(math.radians(60))) / math.sin(math.radians(1))
    assert cell_area(60) / cell_area(0) == pytest.approx(true_ratio, rel=1e-3)


# --- the shipped boundaries -------------------------------------------------------------------------------


def test_the_shipped_boundaries_stay_small():
    assert maps.MAP_DATA.stat().st_size < 400_000


def test_every_shipped_country_carries_the_alpha_3_of_its_numeric_id():
    topology = json.loads(maps.MAP_DATA.read_text(encoding="utf-8"))
    without_id = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        iso3 = geometry["properties"]["iso3"]
        if "id" in geometry:
            assert pycountry.countries.get(numeric=geometry["id"]).alpha_3 == iso3
        else:
            without_id[geometry["properties"]["name"]] = iso3
    assert without_id == {
        "Kosovo": "XKX",
        "Somaliland": "SOM",
        "N. Cyprus": "CYP",
        "Siachen Glacier": "",
        "Indian Ocean Ter.": "",
    }


@pytest.mark.parametrize("iso3", ["SGP", "HKG", "MAC", "MLT", "BHR", "TWN", "XKX", "RWA"])
def test_the_small_places_that_matter_for_electronics_are_on_the_map(iso3):
    assert iso3 in base_map().by_iso3


def test_no_country_is_wider_than_half_the_world_after_the_cut_at_180_degrees():
    base = base_map()
    world = base.bbox[2] - base.bbox[0]
    for country in base.countries:
        assert country.main_bbox[2] - country.main_bbox[0] < world / 2, country.name


# --- the SVG ----------------------------------------------------------------------------------------------


def test_the_map_is_well_formed_and_labelled():
    svg = world_map_svg({"CHN": Shade("#b30000", "China: high")}, title="Where", description="Explained")
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "map-title map-desc"
    assert root.find(f"{SVG}title").text == "Where"
    assert root.find(f"{SVG}desc").text == "Explained"
    assert "http" not in re.sub(r'xmlns="[^"]+"', "", svg)  # no external reference of any kind


def test_countries_are_shaded_as_given_and_the_rest_neutral():
    root = parse(
        world_map_svg(
            {"COD": Shade("#b30000", "DR Congo: cobalt"), "chn": Shade("#fc8d59", "China: graphite")},
            title="t",
        )
    )
    paths = country_paths(root)
    assert paths["DR Congo: cobalt"].get("fill") == "#b30000"
    assert paths["China: graphite"].get("fill") == "#fc8d59"  # codes in any case
    assert paths["France"].get("fill") == NEUTRAL_FILL
    assert "Antarctica" not in paths
    shaded = [p for p in paths.values() if p.get("fill") != NEUTRAL_FILL]
    assert len(shaded) == 2


def test_hostile_text_is_escaped_everywhere():
    hostile = '</title><script>alert(1)</script> & "quoted" \x01'
    svg = world_map_svg(
        {"FRA": Shade("#b30000", hostile)},
        [MapPoint(48.85, 2.35, "#0072b2", hostile, href='/sites/1/?a=1&b="x"')],
        title=hostile,
        description=hostile,
        legend=[LegendItem("#b30000", hostile)],
        id_prefix='x" onload="alert(1)',
    )
    root = parse(svg)
    assert "<script" not in svg
    assert not list(root.iter(f"{SVG}script"))
    assert root.find(f"{SVG}title").text == hostile.replace("\x01", "")
    link = next(root.iter(f"{SVG}a"))
    assert link.get("href") == '/sites/1/?a=1&b="x"'
    assert all(not name.startswith("on") for element in root.iter() for name in element.attrib)


@pytest.mark.parametrize("colour", ["red; stroke: url(http://x)", "url(#a)", "#12345", ""])
def test_a_colour_other_than_hex_is_refused(colour):
    with pytest.raises(MapError, match="colour"):
        world_map_svg({"FRA": Shade(colour, "France")}, title="t")


def test_a_link_to_a_script_is_refused():
    with pytest.raises(MapError, match="javascript"):
        world_map_svg({}, [MapPoint(0, 0, "#0072b2", "x", href="javascript:alert(1)")], title="t")


def test_a_small_country_with_data_gets_a_marker_and_a_large_one_does_not():
    root = parse(
        world_map_svg(
            {"SGP": Shade("#b30000", "Singapore: wafers"), "CHN": Shade("#b30000", "China: assembly")},
            title="t",
        )
    )
    markers = [c for c in root.iter(f"{SVG}circle") if c.get("class") == "small-country"]
    assert [m.get("data-iso3") for m in markers] == ["SGP"]
    assert markers[0].get("fill") == "#b30000"
    assert markers[0].find(f"{SVG}title").text == "Singapore: wafers"


def test_points_are_dots_by_coordinates_and_rings_by_country_alone():
    root = parse(
        world_map_svg(
            {},
            [
                MapPoint(22.54, 114.06, "#0072b2", "Plant 3, Shenzhen", href="/sites/p3/"),
                MapPoint(None, None, "#e69f00", "Site in Viet Nam", country_iso3="VNM"),
                MapPoint(None, None, "#e69f00", "Nowhere", country_iso3="ZZZ"),  # not on the map: left out
            ],
            title="Sites",
        )
    )
    assert root.get("role") == "group"  # a link inside: reachable, not hidden in an image
    circles = {c.find(f"{SVG}title").text: c for c in root.iter(f"{SVG}circle")}
    assert set(circles) == {"Plant 3, Shenzhen", "Site in Viet Nam"}
    assert circles["Plant 3, Shenzhen"].get("fill") == "#0072b2"
    assert circles["Site in Viet Nam"].get("fill") == "#ffffff"
    assert circles["Site in Viet Nam"].get("stroke") == "#e69f00"
    x, y = maps._to_units(114.06, 22.54)
    assert float(circles["Plant 3, Shenzhen"].get("cx")) == pytest.approx(x, abs=0.1)
    assert float(circles["Plant 3, Shenzhen"].get("cy")) == pytest.approx(y, abs=0.1)


def test_points_on_the_same_spot_fan_out():
    same = [MapPoint(None, None, "#0072b2", f"Site {i}", country_iso3="MYS") for i in range(3)]
    root = parse(world_map_svg({}, same, title="t"))
    centres = {(c.get("cx"), c.get("cy")) for c in root.iter(f"{SVG}circle")}
    assert len(centres) == 3


def test_points_off_the_globe_are_refused():
    with pytest.raises(MapError, match="off the globe"):
        world_map_svg({}, [MapPoint(91, 0, "#0072b2", "x")], title="t")


def test_crop_frames_the_data_and_the_world_view_shows_everything():
    world = parse(world_map_svg({"MYS": Shade("#b30000", "m")}, title="t")).get("viewBox")
    cropped = parse(world_map_svg({"MYS": Shade("#b30000", "m")}, title="t", crop=True)).get("viewBox")
    wx, wy, ww, wh = map(float, world.split())
    cx, cy, cw, ch = map(float, cropped.split())
    assert cw < ww / 3 and ch < wh
    x, y = base_map().by_iso3["MYS"].anchor
    assert cx < x < cx + cw and cy < y < cy + ch


def test_the_legend_lists_its_items_with_their_colours():
    root = parse(
        world_map_svg(
            {},
            title="t",
            legend=[LegendItem("#b30000", "highest"), LegendItem("#0072b2", "assembly", "point")],
        )
    )
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts == ["highest", "assembly"]
    assert any(r.get("fill") == "#b30000" for r in root.iter(f"{SVG}rect"))
