"""Services never import their feature's tasks: a door asks ``bimtek.jobs`` to enqueue after commit.

Tasks import services (they are entry points); the reverse would be an import circle, which is how
attendance/services.py and attendance/tasks.py used to be tied.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BIMTEK = Path(__file__).resolve().parents[2] / "bimtek"
SERVICE_FILES = sorted(p for p in BIMTEK.glob("*/services.py")) + sorted(BIMTEK.glob("*/services/*.py"))


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("path", SERVICE_FILES, ids=lambda p: str(p.relative_to(BIMTEK)))
def test_services_do_not_import_tasks(path):
    tasks = [name for name in _imports(path) if name.endswith(".tasks") or ".tasks." in name]
    assert not tasks, f"{path.relative_to(BIMTEK)} imports {tasks}: enqueue through bimtek.jobs instead"


def test_every_job_kind_is_registered_once():
    from bimtek import jobs

    jobs.import_tasks()
    assert set(jobs.JOB_KINDS) == {
        "certificates.issue", "evaluation.invite", "registration.bulk_email", "registration.confirm_many",
        "zoom_import",
    }  # fmt: skip
