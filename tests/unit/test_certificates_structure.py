"""The shape of the certificates and evaluation features: no fat modules, one door to attendance."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BIMTEK = Path(__file__).resolve().parents[2] / "bimtek"
MODULES = sorted([*(BIMTEK / "certificates").rglob("*.py"), *(BIMTEK / "evaluation").rglob("*.py")])


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    return names | {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(BIMTEK)))
def test_no_module_over_450_lines(path):
    assert len(path.read_text().splitlines()) <= 450


def test_only_the_eligibility_module_reads_the_attendance_feature():
    readers = {
        str(p.relative_to(BIMTEK)) for p in MODULES if any(m.startswith("bimtek.attendance") for m in _imports(p))
    }
    assert readers == {"certificates/services/eligibility.py"}
