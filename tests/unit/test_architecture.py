"""The house rules about layers, checked on every run."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def python_files(folder: str) -> list[Path]:
    return sorted((REPO / folder).rglob("*.py"))


def test_domain_never_imports_streamlit_or_ui() -> None:
    for path in python_files("ue_core"):
        bad = {m for m in imported_modules(path) if m.split(".")[0] in {"streamlit", "ui"}}
        assert not bad, f"{path.relative_to(REPO)} imports {bad}"


def test_screens_never_touch_the_database() -> None:
    for path in [REPO / "app.py", *python_files("screens")]:
        bad = {
            m
            for m in imported_modules(path)
            if m.startswith(("ue_core.db", "sqlalchemy", "psycopg"))
        }
        assert not bad, f"{path.relative_to(REPO)} imports {bad}"


def test_there_is_no_pages_folder() -> None:
    """Streamlit treats a pages/ folder as a legacy app and runs its scripts directly."""
    assert not (REPO / "pages").exists()


def test_every_registered_screen_exists() -> None:
    from ui.navigation import SCREENS

    for screen in SCREENS:
        assert (REPO / screen.path).is_file(), screen.path
    assert {p.name for p in python_files("screens")} == {Path(s.path).name for s in SCREENS}
