"""Reading the shipped YAML files (frameworks, the risk method, the check vocabulary) with libyaml's safe loader
where PyYAML was built with it (about 6x faster than the pure-Python one; the results are the same), else the
pure-Python safe loader. Never a loader that builds arbitrary objects."""

from __future__ import annotations

from typing import Any

import yaml

SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """Parse YAML text into plain data (dicts, lists, strings, numbers, booleans, dates, None)."""
    return yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader, C or Python
