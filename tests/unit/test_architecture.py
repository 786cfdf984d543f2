"""The house rules about layers, checked on every run."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def imported_modules(path: Path) -> set[str]:
    """Every module the file imports, also ``ue_core.db`` for ``from ue_core import db``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def imported_names(path: Path) -> set[tuple[str, str]]:
    """(module, name) for every ``from module import name`` in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        (node.module, alias.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
        for alias in node.names
    }


def python_files(folder: str) -> list[Path]:
    return sorted((REPO / folder).rglob("*.py"))


def test_domain_never_imports_streamlit_or_ui() -> None:
    for path in python_files("ue_core"):
        bad = {m for m in imported_modules(path) if m.split(".")[0] in {"streamlit", "ui"}}
        assert not bad, f"{path.relative_to(REPO)} imports {bad}"


def test_screens_and_ui_reach_data_only_through_services() -> None:
    for path in [REPO / "app.py", *python_files("screens"), *python_files("ui")]:
        bad = {
            m
            for m in imported_modules(path)
            if m.startswith(("ue_core.db", "sqlalchemy", "psycopg"))
        }
        assert not bad, f"{path.relative_to(REPO)} imports {bad}"


def test_services_never_import_the_demo() -> None:
    """The demo fills a database through the services and the data layer, never the reverse."""
    for path in python_files("ue_core/services"):
        bad = {m for m in imported_modules(path) if m.startswith("ue_core.demo")}
        assert not bad, f"{path.relative_to(REPO)} imports {bad}"


def test_the_demo_calls_services_only_through_their_public_names() -> None:
    for path in python_files("ue_core/demo"):
        private = {
            f"{module}.{name}"
            for module, name in imported_names(path)
            if module.startswith("ue_core.services") and name.startswith("_")
        }
        assert not private, f"{path.relative_to(REPO)} imports {private}"


MAX_SERVICE_LINES = 600


def test_no_service_module_is_over_600_lines() -> None:
    """A service module is about one concern; a longer one is split by concern."""
    for path in python_files("ue_core/services"):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= MAX_SERVICE_LINES, f"{path.relative_to(REPO)} has {lines} lines"


def test_there_is_no_pages_folder() -> None:
    """Streamlit treats a pages/ folder as a legacy app and runs its scripts directly."""
    assert not (REPO / "pages").exists()


def test_every_registered_screen_exists() -> None:
    from ui.navigation import SCREENS

    for screen in SCREENS:
        assert (REPO / screen.path).is_file(), screen.path
    assert {p.name for p in python_files("screens")} == {Path(s.path).name for s in SCREENS}
