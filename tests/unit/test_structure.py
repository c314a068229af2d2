"""The house's structure rules, read from the source with ``ast`` (no app, no imports executed).

(a) A feature never imports another feature's models or internals: across features only ``queries``,
    ``services``, ``tasks`` and pure modules are used, plus the shared kernel (core, accounts, api,
    reference; the Event and Registration models).
(b) Pure modules import no Flask, no SQLAlchemy, no ``flask_*`` and not ``bimtek.extensions``, and only
    other pure modules of ours.
(c) No module under bimtek/ is longer than MAX_LINES unless it is listed with a written reason.
(d) Every code's label lives in bimtek/core/labels.py: no other module defines a ``*_LABELS`` mapping.

Each test collects every violation and reports them all at once.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "bimtek"
MAX_LINES = 450

# Anything in these packages may be imported by every feature.
OPEN_KERNEL = {"core", "accounts", "api", "reference"}
# Shared kernel models: the event and its sessions, the registration.
KERNEL_MODELS = {"events", "registration"}
# What a feature may import from another feature (schemas: its API's JSON shapes, which are public contract).
PUBLIC_ROLES = {"queries", "schemas", "services", "tasks"}

# Pure modules (a module path under bimtek/, or a package whose every module is pure): domain logic with no
# Flask and no database. Listing a path that does not exist is itself a violation, so the list stays true.
PURE_MODULES = {
    "accounts/passwords", "accounts/resets",
    "attendance/batching", "attendance/eligibility", "attendance/identities", "attendance/intervals", "attendance/matching",
    "attendance/presensi_codes", "attendance/zoom_csv", "attendance/zoom_dates", "attendance/zoom_webhook",
    "certificates/numbering", "certificates/pdf", "certificates/signing",
    "checkin/pdf", "checkin/recap",
    "core/codes", "core/labels", "core/pagecache", "core/placeholders", "core/pdfkit", "core/spreadsheet", "core/tickets", "core/time", "core/urls",
    "evaluation/aggregate", "evaluation/scoring",
    "learning/questionsheet", "learning/scoring", "learning/windows",
    "materials/filecheck", "materials/release",
    "ops/archive",
    "reference/regions",
    "registration/channels", "registration/ics", "registration/names", "registration/nip", "registration/phone",
    "registration/spreadsheet", "registration/ticket_pdf", "registration/uploads",
    "reminders/schedule", "reminders/whatsapp",
    "reports/charts", "reports/figures", "reports/laporan", "reports/pdf", "reports/xlsx",
}  # fmt: skip
FORBIDDEN_IN_PURE = ("flask", "sqlalchemy", "bimtek.extensions")

# Known exceptions to rule (a), each with the reason and the way out.
CROSS_IMPORT_EXCEPTIONS: dict[tuple[str, str], str] = {}

# Modules allowed past MAX_LINES, each with its reason. Emptied as the splits of issue 10 land.
SIZE_EXCEPTIONS: dict[str, str] = {}


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "translations" not in p.parts)


def _rel(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


@cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _is_module(dotted: str) -> bool:
    parts = dotted.split(".")
    base = ROOT.joinpath(*parts)
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module this file imports (at any depth, lazy imports included), as dotted names."""
    out = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                # `from bimtek.x import services` imports a module; `from bimtek.x.models import Y` a name.
                out.append((node.lineno, full if _is_module(full) else node.module))
    return sorted(set(out))


def _feature(path: Path) -> str | None:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else None


def _pure_name(module: str) -> bool:
    """Whether a module path under bimtek/ ("core/codes", "certificates/pdf/kit") is declared pure."""
    parts = module.split("/")
    return any("/".join(parts[:n]) in PURE_MODULES for n in range(2, len(parts) + 1))


def _is_pure(path: Path) -> bool:
    return _pure_name(path.relative_to(PACKAGE).with_suffix("").as_posix().removesuffix("/__init__"))


def _pure_dotted(dotted: str) -> bool:
    parts = dotted.split(".")
    return parts[0] == "bimtek" and _pure_name("/".join(parts[1:]))


def test_features_import_each_other_only_through_public_doors():
    problems = []
    used_exceptions = set()
    for path in _modules():
        feature = _feature(path)
        if feature is None:
            continue  # bimtek/__init__.py, cli.py, demo.py ...: the composition root wires features together
        for line, dotted in _imports(path):
            parts = dotted.split(".")
            if parts[0] != "bimtek" or len(parts) < 3 or not (PACKAGE / parts[1]).is_dir():
                continue
            other, role = parts[1], parts[2]
            if other == feature or other in OPEN_KERNEL:
                continue
            if role in PUBLIC_ROLES or _pure_dotted(dotted):
                continue
            if role == "models" and other in KERNEL_MODELS:
                continue
            key = (_rel(path), ".".join(parts[:3]))
            if key in CROSS_IMPORT_EXCEPTIONS:
                used_exceptions.add(key)
                continue
            problems.append(f"{_rel(path)}:{line} imports {dotted} (use {other}.queries or {other}.services)")
    stale = sorted(set(CROSS_IMPORT_EXCEPTIONS) - used_exceptions)
    problems += [f"exception no longer needed, remove it: {a} -> {b}" for a, b in stale]
    assert not problems, "\n".join(problems)


def test_pure_modules_import_no_framework_and_no_database():
    problems = []
    pure = [p for p in _modules() if _is_pure(p)]
    missing = [n for n in PURE_MODULES if not (PACKAGE / f"{n}.py").exists() and not (PACKAGE / n).is_dir()]
    problems += [f"listed pure module {name!r} matches no file under bimtek/" for name in sorted(missing)]
    for path in pure:
        for line, dotted in _imports(path):
            if dotted.split(".")[0] in ("flask", "sqlalchemy") or dotted.startswith(("flask_", "bimtek.extensions")):
                problems.append(f"{_rel(path)}:{line} is pure but imports {dotted}")
            elif dotted.startswith("bimtek.") and not _pure_dotted(dotted) and dotted not in ("bimtek",):
                problems.append(f"{_rel(path)}:{line} is pure but imports {dotted}, which is not a pure module")
    assert not problems, "\n".join(problems)


def test_no_module_is_fat_without_a_written_reason():
    problems = []
    sizes = {_rel(p): len(p.read_text(encoding="utf-8").splitlines()) for p in _modules()}
    for name, lines in sorted(sizes.items()):
        if lines > MAX_LINES and name not in SIZE_EXCEPTIONS:
            problems.append(f"{name} has {lines} lines (max {MAX_LINES}): split it, or list it with a reason")
    for name, reason in sorted(SIZE_EXCEPTIONS.items()):
        if not reason.strip():
            problems.append(f"{name} is listed without a reason")
        elif sizes.get(name, 0) <= MAX_LINES:
            problems.append(f"{name} is listed as fat but has {sizes.get(name, 0)} lines: remove it from the list")
    assert not problems, "\n".join(problems)


LABEL_MODULE = "core/labels.py"


def test_labels_live_only_in_the_label_module():
    problems = []
    for path in _modules():
        if _rel(path) == LABEL_MODULE:
            continue
        for node in ast.walk(_tree(path)):
            targets = []
            if isinstance(node, ast.Assign):
                targets, value = node.targets, node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                targets, value = [node.target], node.value
            for target in targets:
                name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")
                if name.upper().endswith("_LABELS") and isinstance(value, (ast.Dict, ast.DictComp, ast.Call)):
                    problems.append(f"{_rel(path)}:{node.lineno} defines {name}: add its kind to bimtek/core/labels.py")
    assert not problems, "\n".join(problems)
