#!/usr/bin/env python3
"""Vendor the Natural Earth country boundaries of the npm package world-atlas into hrdd/core/mapdata/.

Usage::

    cd /tmp && npm pack world-atlas@2.0.2        # writes world-atlas-2.0.2.tgz (no install, no scripts run)
    python tools/vendor_world_atlas.py /tmp/world-atlas-2.0.2.tgz [--output hrdd/core/mapdata]

Reads ``package/countries-50m.json`` from the tarball (1:50 million: unlike the 1:110 million file it has the
small places that matter for electronics, Singapore, Hong Kong, Macao, Malta, Bahrain), then:

- keeps the ``countries`` object and drops ``land`` (the renderer draws countries only);
- simplifies every arc with Visvalingam-Whyatt (the smallest triangle goes first, areas measured with the
  longitude scaled by cos(latitude)); arcs are shared between neighbours, so simplifying arc by arc keeps
  borders that two countries share identical and gap-free. A closed arc (an island) keeps at least three
  corners, so no country or island disappears;
- quantizes again on a coarser grid (``--quantization``) and delta-encodes the arcs, as TopoJSON does;
- writes ISO 3166-1 alpha-3 into each geometry's properties (``iso3``), mapped from the numeric id with
  pycountry, and for the places Natural Earth gives no numeric id: Kosovo -> XKX (the code hrdd's knowledge
  base and the World Bank use), Somaliland -> SOM and N. Cyprus -> CYP (drawn apart by Natural Earth, shaded
  with the state ISO 3166 lists them under), Siachen Glacier and Indian Ocean Ter. -> no code (drawn, never
  shaded);
- writes ``countries-50m.topo.json`` (compact, sorted, deterministic) and ``README.txt`` (source, version,
  checksum, licences).

Needs pycountry (a dependency of hrdd). Run it again to regenerate the data byte for byte.
"""

from __future__ import annotations

import argparse
import hashlib
import heapq
import json
import math
import sys
import tarfile
from pathlib import Path

import pycountry

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = REPO / "hrdd" / "core" / "mapdata"
MEMBER = "package/countries-50m.json"
OUTPUT_NAME = "countries-50m.topo.json"

# Natural Earth's places without an ISO 3166-1 numeric id, by their Natural Earth name.
WITHOUT_NUMERIC_ID = {
    "Kosovo": "XKX",
    "Somaliland": "SOM",
    "N. Cyprus": "CYP",
    "Siachen Glacier": "",
    "Indian Ocean Ter.": "",
}


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Return every arc as absolute (longitude, latitude) points."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _triangle_area(a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]) -> float:
    scale = math.cos(math.radians(b[1]))  # a degree of longitude shrinks towards the poles
    return abs((a[0] - c[0]) * (b[1] - a[1]) - (a[0] - b[0]) * (c[1] - a[1])) * scale / 2


def simplify(points: list[tuple[float, float]], min_area: float) -> list[tuple[float, float]]:
    """Visvalingam-Whyatt: drop the point spanning the smallest triangle until every remaining one spans at
    least min_area (square degrees); both ends stay, and a closed arc keeps at least three corners."""
    n = len(points)
    closed = n > 3 and points[0] == points[-1]
    keep_at_least = 4 if closed else 2
    if n <= keep_at_least:
        return list(points)
    previous = list(range(-1, n - 1))
    following = list(range(1, n + 1))
    area = [math.inf] * n
    heap: list[tuple[float, int]] = []
    for i in range(1, n - 1):
        area[i] = _triangle_area(points[i - 1], points[i], points[i + 1])
        heap.append((area[i], i))
    heapq.heapify(heap)
    alive = n
    removed = [False] * n
    floor = 0.0  # an eliminated neighbour's area: a point never counts as smaller than what went before it
    while heap and alive > keep_at_least:
        value, i = heapq.heappop(heap)
        if removed[i] or value != area[i]:
            continue  # a stale entry
        if value >= min_area:
            break
        floor = max(floor, value)
        removed[i] = True
        alive -= 1
        before, after = previous[i], following[i]
        following[before] = after
        previous[after] = before
        for j in (before, after):
            if 0 < j < n - 1:
                area[j] = max(floor, _triangle_area(points[previous[j]], points[j], points[following[j]]))
                heapq.heappush(heap, (area[j], j))
    return [p for i, p in enumerate(points) if not removed[i]]


def quantize(arcs: list[list[tuple[float, float]]], quantization: int) -> tuple[list[list[list[int]]], dict]:
    """Put the arcs on a quantization x quantization grid over the world, delta-encoded; drop repeats."""
    x0, y0, x1, y1 = -180.0, -90.0, 180.0, 90.0
    kx = (x1 - x0) / (quantization - 1)
    ky = (y1 - y0) / (quantization - 1)
    encoded = []
    for arc in arcs:
        grid = [(round((x - x0) / kx), round((y - y0) / ky)) for x, y in arc]
        deduplicated = [grid[0]]
        for point in grid[1:]:
            if point != deduplicated[-1]:
                deduplicated.append(point)
        if len(deduplicated) == 1:  # an arc shorter than a grid step: keep it as two points
            deduplicated.append(deduplicated[0])
        deltas = [list(deduplicated[0])]
        for (ax, ay), (bx, by) in zip(deduplicated, deduplicated[1:], strict=False):
            deltas.append([bx - ax, by - ay])
        encoded.append(deltas)
    transform = {"scale": [kx, ky], "translate": [x0, y0]}
    return encoded, transform


def iso3_of(geometry: dict) -> str:
    """The ISO 3166-1 alpha-3 code of a Natural Earth country ('' for none)."""
    numeric = geometry.get("id")
    name = geometry.get("properties", {}).get("name", "")
    if numeric is None:
        if name not in WITHOUT_NUMERIC_ID:
            raise SystemExit(f"a country without a numeric id that this script does not know: {name!r}")
        return WITHOUT_NUMERIC_ID[name]
    found = pycountry.countries.get(numeric=str(numeric).zfill(3))
    if found is None:
        raise SystemExit(f"numeric id {numeric!r} ({name}) is not an ISO 3166-1 country")
    return str(found.alpha_3)


def vendor(source: dict, *, min_area: float, quantization: int) -> tuple[dict, dict[str, int]]:
    """Return the simplified, re-quantized topology of the countries, and counts for the log."""
    arcs = decode_arcs(source)
    simplified = [simplify(arc, min_area) for arc in arcs]
    encoded, transform = quantize(simplified, quantization)
    geometries = []
    for geometry in source["objects"]["countries"]["geometries"]:
        out = {
            "type": geometry["type"],
            "arcs": geometry["arcs"],
            "properties": {"name": geometry["properties"]["name"], "iso3": iso3_of(geometry)},
        }
        if geometry.get("id") is not None:
            out["id"] = str(geometry["id"])
        geometries.append(out)
    topology = {
        "type": "Topology",
        "transform": transform,
        "objects": {"countries": {"type": "GeometryCollection", "geometries": geometries}},
        "arcs": encoded,
    }
    counts = {
        "countries": len(geometries),
        "points_before": sum(len(a) for a in arcs),
        "points_after": sum(len(a) for a in encoded),
    }
    return topology, counts


README = """\
Country boundaries for the offline world maps (hrdd.core.maps)
==============================================================

{output}: the countries of Natural Earth at 1:50 million, from the npm package
world-atlas {version} (file {member}, tarball sha512 {sha512}),
simplified (Visvalingam-Whyatt, smallest triangle {min_area} square degrees) and quantized on a
{quantization} x {quantization} grid by tools/vendor_world_atlas.py; {points_before} points became
{points_after}. Each geometry carries its Natural Earth name and its ISO 3166-1 alpha-3 code ("iso3";
empty for Siachen Glacier and the Australian Indian Ocean territories; XKX for Kosovo; Somaliland and
Northern Cyprus carry SOM and CYP, the states ISO 3166 lists them under).

Regenerate:
    cd /tmp && npm pack world-atlas@{version}
    python tools/vendor_world_atlas.py /tmp/world-atlas-{version}.tgz

Licences
- Natural Earth (https://www.naturalearthdata.com/): public domain ("Free vector and raster map data
  @ naturalearthdata.com"; no permission needed, attribution appreciated).
- world-atlas (https://github.com/topojson/world-atlas), the TopoJSON conversion:
  ISC licence, Copyright 2013-2019 Michael Bostock:

{licence}
Boundaries are Natural Earth's de facto lines; they are drawn to place data, not to take a position on any
disputed border.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tarball", type=Path, help="world-atlas-<version>.tgz from `npm pack world-atlas@2`")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--min-area", type=float, default=0.01, help="square degrees (default 0.01)")
    parser.add_argument("--quantization", type=int, default=20_000)
    args = parser.parse_args(argv)

    raw = args.tarball.read_bytes()
    with tarfile.open(args.tarball) as tar:
        package = json.load(tar.extractfile("package/package.json"))  # type: ignore[arg-type]
        licence = tar.extractfile("package/LICENSE").read().decode()  # type: ignore[union-attr]
        source = json.load(tar.extractfile(MEMBER))  # type: ignore[arg-type]
    if package.get("name") != "world-atlas":
        print(f"{args.tarball} is not the world-atlas package", file=sys.stderr)
        return 2
    topology, counts = vendor(source, min_area=args.min_area, quantization=args.quantization)
    args.output.mkdir(parents=True, exist_ok=True)
    text = json.dumps(topology, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    (args.output / OUTPUT_NAME).write_text(text + "\n", encoding="utf-8")
    (args.output / "README.txt").write_text(
        README.format(
            output=OUTPUT_NAME,
            version=package["version"],
            member=MEMBER,
            sha512=hashlib.sha512(raw).hexdigest(),
            min_area=args.min_area,
            quantization=args.quantization,
            licence="".join(f"    {line}\n" if line else "\n" for line in licence.splitlines()),
            **counts,
        ),
        encoding="utf-8",
    )
    print(
        f"{counts['countries']} countries, {counts['points_before']} -> {counts['points_after']} points, "
        f"{len(text.encode()) // 1024} KB written to {args.output / OUTPUT_NAME}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
