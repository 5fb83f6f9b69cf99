"""How long a worker's first check of a supplier's text takes in each language, with and without the warm-up a web
process runs before it serves (hrdd.domain.textread.warm_up).

    .venv/bin/python benchmarks/text_reader_warmup.py            # warm up first (as a web process does)
    .venv/bin/python benchmarks/text_reader_warmup.py --cold     # no warm-up: the first check pays the loading

Each run is a fresh process; run it a few times and read the median.
"""

from __future__ import annotations

import argparse
import time

from hrdd.domain.risk_check import check_risk_assessment
from hrdd.domain.textread import warm_up

TEXTS = {
    "en": "The battery packs contain cobalt from the DRC; child labour in artisanal mining is a risk for this laptop.",
    "nl": "De lithium-ionaccu bevat kobalt uit Congo; kinderarbeid in de mijnbouw is een risico voor deze laptop.",
    "fr": "La batterie contient du cobalt de la RDC ; le travail des enfants dans les mines artisanales est un risque.",
    "de": "Die Akkupacks enthalten Kobalt aus der Demokratischen Republik Kongo; Kinderarbeit im Kleinbergbau ist ein Risiko.",
}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cold", action="store_true", help="skip the warm-up")
    args = parser.parse_args()
    if not args.cold:
        start = time.perf_counter()
        warm_up()
        print(f"warm-up: {time.perf_counter() - start:.2f} s")
    for language, text in TEXTS.items():
        start = time.perf_counter()
        check_risk_assessment(text)
        print(f"first check in {language}: {(time.perf_counter() - start) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
