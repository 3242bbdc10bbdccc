"""The pure core imports none of the I/O libraries (STYLE.md, principle 1).

Each module of warn/core/ is imported alone in a fresh interpreter, so a failure names the
module that pulled the library in (directly or through another import).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import warn.core

FORBIDDEN = ("httpx", "sqlmodel", "sqlalchemy", "smtplib", "apscheduler")
CORE = Path(warn.core.__file__).resolve().parent
_STEMS = sorted(p.stem for p in CORE.glob("*.py") if p.stem != "__init__")
CORE_MODULES = ["warn.core", *(f"warn.core.{stem}" for stem in _STEMS)]

SCRIPT = """
import importlib, json, sys
importlib.import_module(sys.argv[2])
forbidden = set(json.loads(sys.argv[1]))
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules} & forbidden)))
"""


def test_core_modules_found() -> None:
    assert {"warn.core.clean", "warn.core.dedupe", "warn.core.geo", "warn.core.lang"} <= set(
        CORE_MODULES
    )


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_imports_no_io_library(module: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(FORBIDDEN), module],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    assert json.loads(result.stdout) == [], f"{module} imports {result.stdout.strip()}"
