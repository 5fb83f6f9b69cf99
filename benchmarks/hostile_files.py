"""What the hostile files of issue 17 cost a reader: CPU seconds and peak memory (RSS) of one process reading each,
before and after the bounds (run by hand; the regression tests are tests/app/test_hostile_files.py).

    .venv/bin/python benchmarks/hostile_files.py                      # this checkout
    mkdir /tmp/hrdd-before && git archive ed37728 | tar -x -C /tmp/hrdd-before   # the code before
    .venv/bin/python benchmarks/hostile_files.py --repo /tmp/hrdd-before

The files are built by this checkout (tests/app/hostile.py) and read in a fresh process of the checkout named by
--repo, one process per case, so that each figure is that case's alone (os.wait4). The cases:

  docx           a DOCX of one- and two-word sentences (1.95 million characters) sent to the document check
  docx-limit     the same with 12,800 sentences: within the bounds, the costliest document still read
  site-list      a site list whose style sheet declares 330,000 aligned cell formats, read as the supplier link does
  questionnaire  the blank questionnaire whose style sheet declares 330,000 aligned cell formats
  shared-strings a workbook with 800,000 shared strings, read as a questionnaire
  cells          a site list of 49,000 rows of 20 cells (within the bounds: what a big real list costs)

Last results (2 cores shared with other work, so wall times vary; CPU seconds and peak RSS are the figures to read):

  case            file      before (ed37728)                after
  docx            246 KB    40.0 s  174 MB  read             0.9 s   82 MB  refused: characters
  docx-limit        48 KB                                    4.2 s  143 MB  read (the most a document costs)
  site-list       1447 KB   20.4 s 1148 MB  read (no site)   0.9 s   75 MB  refused: cell formats
  questionnaire   1450 KB   20.2 s 1149 MB  read             0.9 s   75 MB  refused: cell formats
  shared-strings  1600 KB    8.8 s  208 MB  read (no sheet)  0.9 s   75 MB  refused: shared strings
  cells           3075 KB    7.2 s  259 MB  read             9.2 s  189 MB  read (formulas looked for)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

READERS = {
    "docx": (
        "from hrdd.core.text import document_text\n"
        "from hrdd.risks.checks import check_text\n"
        "check_text(document_text(NAME, CONTENT), 'risk-assessment')\n"
    ),
    "docx-limit": (
        "from hrdd.core.text import document_text\n"
        "from hrdd.risks.checks import check_text\n"
        "check_text(document_text(NAME, CONTENT), 'risk-assessment')\n"
    ),
    "site-list": (
        "from hrdd.core.uploads import accept_content\n"
        "from hrdd.contracts.sitelists import read_site_list\n"
        "read_site_list(accept_content(NAME, CONTENT, allowed=('.xlsx', '.csv')))\n"
    ),
    "questionnaire": (
        "import io\n"
        "from hrdd.consultations.spreadsheets import read_filled_questionnaire\n"
        "from hrdd.domain.questionnaire_framework import get_framework\n"
        "read_filled_questionnaire(io.BytesIO(CONTENT), get_framework())\n"
    ),
    "shared-strings": (
        "import io\n"
        "from hrdd.consultations.spreadsheets import read_filled_questionnaire\n"
        "from hrdd.domain.questionnaire_framework import get_framework\n"
        "read_filled_questionnaire(io.BytesIO(CONTENT), get_framework())\n"
    ),
    "cells": (
        "from hrdd.core.uploads import accept_content\n"
        "from hrdd.contracts.sitelists import read_site_list\n"
        "read_site_list(accept_content(NAME, CONTENT, allowed=('.xlsx', '.csv')))\n"
    ),
}

CHILD = """
import os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
sys.path.insert(0, os.getcwd())
import django
django.setup()
NAME = sys.argv[1]
CONTENT = open(sys.argv[2], "rb").read()
try:
{body}
    said = "read"
except Exception as exc:
    said = f"refused ({{type(exc).__name__}}): {{str(exc)[:110]}}"
# the peak of this process's own memory since exec (ru_maxrss would count the parent's too: Linux keeps it
# across exec)
peak = next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(peak, said)
"""


def build(case: str) -> tuple[str, bytes]:
    from tests.app import hostile

    if case == "docx":
        return "assessment.docx", hostile.tiny_sentences_docx(190_000)
    if case == "docx-limit":
        return "assessment.docx", hostile.tiny_sentences_docx(12_000)
    if case == "site-list":
        return "sites.xlsx", hostile.cell_formats_xlsx(330_000)
    if case == "questionnaire":
        from hrdd.consultations.spreadsheets import blank_questionnaire
        from hrdd.domain.questionnaire_framework import get_framework

        return "answers.xlsx", hostile.cell_formats_xlsx(330_000, base=blank_questionnaire(get_framework()))
    if case == "shared-strings":
        return "answers.xlsx", hostile.shared_strings_xlsx(800_000)
    return "sites.xlsx", hostile.cell_flood_xlsx(49_000)


def run(case: str, repo: Path, folder: Path) -> None:
    name, content = build(case)
    path = folder / name
    path.write_bytes(content)
    body = "\n".join("    " + line for line in READERS[case].splitlines())
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-c", CHILD.format(body=body), name, str(path)],
        cwd=repo,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(repo)},
    )
    _pid, _status, usage = os.wait4(process.pid, 0)
    output = process.stdout.read().strip() if process.stdout else ""
    peak, _space, said = output.partition(" ")
    cpu = usage.ru_utime + usage.ru_stime
    megabytes = int(peak) / 1024 if peak.isdigit() else float("nan")  # killed: no figure
    print(
        f"{case:14} {len(content) / 1024:8.0f} KB  cpu {cpu:7.1f} s  peak {megabytes:7.0f} MB  "
        f"wall {time.monotonic() - started:6.1f} s  {said or output}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repo", type=Path, default=REPO, help="the checkout whose readers read the files")
    parser.add_argument("cases", nargs="*", default=list(READERS), metavar="CASE")
    arguments = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    print(f"readers of {arguments.repo}")
    with tempfile.TemporaryDirectory() as folder:
        for case in arguments.cases or list(READERS):
            run(case, arguments.repo.resolve(), Path(folder))


if __name__ == "__main__":
    main()
