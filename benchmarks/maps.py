"""What the offline world map costs: building the base map once per process, drawing a map, and the SVG's
size (raw and gzipped, as a page carries it). Run by hand: `.venv/bin/python benchmarks/maps.py [--repeat N]`."""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=50, help="maps drawn per case (default 50)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from hrdd.core import maps
    from hrdd.core.maps import MapPoint, categorical_colour, world_map_svg
    from hrdd.domain.countries import display_name
    from hrdd.domain.knowledge import shipped_knowledge
    from hrdd.domain.risk import assess_product_risk, get_risk_method
    from hrdd.risks.maps import risk_map_context

    display_name("CHN")  # pycountry's tables: loaded by any page anyway, not the map's cost
    started = time.perf_counter()
    base = maps.base_map()
    build_ms = (time.perf_counter() - started) * 1000
    data_kib = maps.MAP_DATA.stat().st_size / 1024
    print(
        f"shipped boundaries: {data_kib:.0f} KiB; base map of {len(base.countries)} countries built in {build_ms:.0f} ms"
    )

    method = get_risk_method()
    knowledge = shipped_knowledge()
    assessment = assess_product_risk("smartphone", knowledge, method)
    # 2,000 sites: a quarter by country only, spread over the manufacturing countries of the demo lists
    countries = ["CHN", "TWN", "MYS", "VNM", "THA", "MEX", "CZE", "IND", "PHL", "HUN"]
    sites = [
        MapPoint(
            lat=None if i % 4 == 0 else 10 + (i * 7919 % 4000) / 100,
            lon=None if i % 4 == 0 else 70 + (i * 104729 % 6000) / 100,
            colour=categorical_colour(i % 5),
            label=f"Site {i}",
            href=f"/sites/{i}/",
            country_iso3=countries[i % len(countries)],
        )
        for i in range(2000)
    ]
    cases = {
        "risk page (smartphone)": lambda: str(risk_map_context(assessment, method)["risk_map"]),
        "world, nothing shaded": lambda: world_map_svg({}, title="World"),
        "2,000 site points, cropped": lambda: world_map_svg({}, sites, title="Sites", crop=True),
    }
    for name, draw in cases.items():
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            svg = draw()
            times.append((time.perf_counter() - started) * 1000)
        raw = len(svg.encode())
        zipped = len(gzip.compress(svg.encode()))
        print(
            f"{name:28} median {statistics.median(times):6.1f} ms  max {max(times):6.1f} ms  "
            f"SVG {raw / 1024:6.0f} KiB  gzipped {zipped / 1024:5.0f} KiB"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
