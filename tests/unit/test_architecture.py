"""The house rules about layers, checked on every run."""

from __future__ import annotations

import ast
import re
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


def test_the_access_policy_never_imports_the_database() -> None:
    """``ue_core.authz`` decides on facts passed in; it stays pure and unit-testable."""
    bad = {
        m
        for m in imported_modules(REPO / "ue_core" / "authz.py")
        if m.startswith(("ue_core.db", "ue_core.services", "sqlalchemy", "psycopg"))
    }
    assert not bad, f"ue_core/authz.py imports {bad}"


def _is_optional(annotation: ast.expr | None) -> bool:
    if annotation is None:
        return False
    text = ast.unparse(annotation)
    return "None" in text or "Optional" in text


def test_no_service_function_takes_an_optional_actor() -> None:
    """Nobody is "no actor": the command line, demo and migrations act as ``authz.SYSTEM``."""
    for path in python_files("ue_core/services"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            arguments = node.args
            for argument in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
                if argument.arg != "actor":
                    continue
                where = f"{path.relative_to(REPO)}:{node.lineno} {node.name}"
                assert argument.annotation is not None, f"{where}: annotate actor as Actor"
                assert not _is_optional(argument.annotation), f"{where}: actor is Optional"


ACTS_AS_SYSTEM = ("ue_core.authz", "SYSTEM")


def test_only_the_command_line_and_start_up_act_as_the_system() -> None:
    """Screens and ui always pass the signed-in person; ``SYSTEM`` is for the operator's tools."""
    allowed = {
        "ue_core/authz.py",  # defines it
        "ue_core/cli.py",
        "ue_core/services/accounts.py",  # sign-in and reset events, before anyone is signed in
        "ue_core/services/sign_in.py",  # single sign-on events, before anyone is signed in
        "ue_core/services/library/catalogue.py",  # copies the catalogue files on first use
        "ue_core/services/catalogue_admin.py",  # the same copy, before an admin's list
    }
    for path in [REPO / "app.py", *python_files("ui"), *python_files("screens")]:
        assert ACTS_AS_SYSTEM not in imported_names(path), path.relative_to(REPO)
    for path in python_files("ue_core"):
        relative = path.relative_to(REPO).as_posix()
        if relative.startswith(("ue_core/demo/", "ue_core/db/")) or relative in allowed:
            continue
        assert ACTS_AS_SYSTEM not in imported_names(path), f"{relative} acts as the system"


def test_there_is_no_pages_folder() -> None:
    """Streamlit treats a pages/ folder as a legacy app and runs its scripts directly."""
    assert not (REPO / "pages").exists()


def test_every_registered_screen_exists() -> None:
    from ui.navigation import SCREENS

    for screen in SCREENS:
        assert (REPO / screen.path).is_file(), screen.path
    assert {p.name for p in python_files("screens")} == {Path(s.path).name for s in SCREENS}


# Streamlit calls that show their text argument as Markdown: the first positional argument (or
# ``body=``/``label=``) is checked. Widget labels, radio options and table cells read Markdown too.
MARKDOWN_SHOWING_CALLS = frozenset(
    {
        "title", "header", "subheader", "markdown", "write", "caption", "text",
        "info", "warning", "success", "error", "toast", "exception",
        "expander", "popover", "status", "spinner", "tabs", "metric",
        "button", "download_button", "form_submit_button", "link_button", "page_link",
        "checkbox", "toggle", "radio", "selectbox", "multiselect", "select_slider", "slider",
        "text_input", "text_area", "number_input", "date_input", "time_input", "file_uploader",
        "color_picker", "pills", "segmented_control", "chat_input",
    }
)  # fmt: skip
MARKDOWN_KEYWORDS = frozenset({"body", "label", "help", "caption", "captions", "placeholder"})
#: Functions whose result is safe to show as Markdown: the escaping helper itself, and helpers
#: that build Markdown only from escaped text, literals and numbers (each one escapes its inputs).
SAFE_TEXT_FUNCTIONS = frozenset(
    {
        "plain",  # ui/text.py: the escaping helper
        "link",  # ui/text.py: a link with escaped words and an encoded web address
        "len",  # a number
        "format_datetime",  # ue_core/timefmt.py: digits, month names, "am"/"pm"
        "format_date",
        "level_label",  # a level number and its fixed name (ui/rating_form.py escapes its text)
        "describe_answer",  # ui/rating_form.py: a level number and its fixed name
        "describe_evidence",  # ui/rating_form.py: fixed strength names and a date
        "references_markdown",  # ui/rating_form.py: escaped titles, links to configured URLs
        "_ratings_markdown",  # screens/agree.py: escaped names and evidence
        "_answer_lines",  # screens/check_answers.py: escaped answers
        "contact_line",  # ui/champions.py: escaped labels and values, mail links
    }
)
#: Helpers whose result is a count (formatted as a number) and the nouns they are given.
COUNTING_FUNCTIONS = frozenset({"plural", "plural_noun"})
#: Format specifications that only numbers accept (a string raises ValueError), so the value
#: shown is a number.
_NUMERIC_SPEC = re.compile(r"[,_]|[bcdeEfFgGnoxX%]$")


class _MarkdownSafety:
    """Decides whether an expression can only produce text that is safe to show as Markdown."""

    def __init__(self, tree: ast.Module) -> None:
        self._assignments: dict[tuple[int, str], list[ast.expr]] = {}
        self._parameters: set[tuple[int, str]] = set()
        self._scope_of: dict[int, int] = {}
        self._index(tree, tree)

    def _index(self, scope: ast.AST, node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            self._scope_of[id(child)] = id(scope)
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                arguments = child.args
                for arg in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
                    self._parameters.add((id(child), arg.arg))
                for extra in (arguments.vararg, arguments.kwarg):
                    if extra is not None:
                        self._parameters.add((id(child), extra.arg))
                self._index(child, child)
                continue
            if isinstance(child, ast.Assign):
                for target in child.targets:
                    if isinstance(target, ast.Name):
                        self._assignments.setdefault((id(scope), target.id), []).append(child.value)
                    else:
                        self._mark_unsafe_targets(scope, target)
            elif isinstance(child, ast.AnnAssign) and isinstance(child.target, ast.Name):
                if child.value is not None:
                    self._assignments.setdefault((id(scope), child.target.id), []).append(
                        child.value
                    )
            elif isinstance(child, ast.For | ast.comprehension | ast.With | ast.AugAssign):
                targets = (
                    [item.optional_vars for item in child.items if item.optional_vars]
                    if isinstance(child, ast.With)
                    else [child.target]
                )
                for target in targets:
                    self._mark_unsafe_targets(scope, target)
            elif isinstance(child, ast.NamedExpr):
                self._mark_unsafe_targets(scope, child.target)
            self._index(scope, child)

    def _mark_unsafe_targets(self, scope: ast.AST, target: ast.AST) -> None:
        for name in ast.walk(target):
            if isinstance(name, ast.Name):
                self._parameters.add((id(scope), name.id))

    def is_safe(self, node: ast.expr, seen: frozenset[str] = frozenset()) -> bool:
        if isinstance(node, ast.Constant):
            return True
        if isinstance(node, ast.JoinedStr):
            return all(
                self._formatted_is_safe(part, seen)
                for part in node.values
                if isinstance(part, ast.FormattedValue)
            )
        if isinstance(node, ast.IfExp):
            return self.is_safe(node.body, seen) and self.is_safe(node.orelse, seen)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self.is_safe(node.left, seen) and self.is_safe(node.right, seen)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            # "#" * level: a literal repeated
            return isinstance(node.left, ast.Constant) and isinstance(node.left.value, str)
        if isinstance(node, ast.BoolOp):
            return all(self.is_safe(value, seen) for value in node.values)
        if isinstance(node, ast.List | ast.Tuple):
            return all(self.is_safe(element, seen) for element in node.elts)
        if isinstance(node, ast.ListComp | ast.GeneratorExp):
            return self.is_safe(node.elt, seen)
        if isinstance(node, ast.Call):
            return self._call_is_safe(node, seen)
        if isinstance(node, ast.Subscript):
            return _is_constant_name(node.value)
        if isinstance(node, ast.Name | ast.Attribute):
            return _is_constant_name(node) or self._name_is_safe(node, seen)
        return False

    def _formatted_is_safe(self, part: ast.FormattedValue, seen: frozenset[str]) -> bool:
        spec = part.format_spec
        if isinstance(spec, ast.JoinedStr) and all(
            isinstance(v, ast.Constant) for v in spec.values
        ):
            text = "".join(str(v.value) for v in spec.values if isinstance(v, ast.Constant))
            if _NUMERIC_SPEC.search(text):
                return True
        return self.is_safe(part.value, seen)

    def _call_is_safe(self, node: ast.Call, seen: frozenset[str]) -> bool:
        function = node.func
        name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
        if name in SAFE_TEXT_FUNCTIONS:
            return True
        if name in COUNTING_FUNCTIONS:
            # ue_core/text.py: a number and the nouns given, so safe when the nouns are
            return all(self.is_safe(arg, seen) for arg in node.args[1:]) and all(
                self.is_safe(k.value, seen) for k in node.keywords
            )
        if isinstance(function, ast.Attribute) and function.attr in {"join", "format"}:
            # "sep".join(safe parts) or "template {}".format(safe values)
            return self.is_safe(function.value, seen) and all(
                self.is_safe(arg, seen) for arg in node.args
            )
        if isinstance(function, ast.Attribute) and function.attr in {"lower", "upper", "strip"}:
            return self.is_safe(function.value, seen)
        return False

    def assigned_values(self, node: ast.Name) -> list[ast.expr]:
        """What the nearest enclosing scope assigns to this name ([] for a parameter)."""
        scope = self._scope_of.get(id(node))
        while scope is not None:
            key = (scope, node.id)
            if key in self._parameters:
                return []
            if key in self._assignments:
                return self._assignments[key]
            scope = self._scope_of.get(scope)
        return []

    def _name_is_safe(self, node: ast.Name | ast.Attribute, seen: frozenset[str]) -> bool:
        if not isinstance(node, ast.Name) or node.id in seen:
            return False
        scope = self._scope_of.get(id(node))
        while scope is not None:
            key = (scope, node.id)
            if key in self._parameters:
                return False
            values = self._assignments.get(key)
            if values:
                return all(self.is_safe(value, seen | {node.id}) for value in values)
            scope = self._scope_of.get(scope)
        return False


def _is_constant_name(node: ast.expr) -> bool:
    """A module constant by convention (UPPER_CASE): developer-written text, not user input.

    An entry of one (``LABELS[key]``, ``LABELS[key][other]``) is developer-written too.
    """
    while isinstance(node, ast.Subscript):
        node = node.value
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return bool(name) and name.isupper()


def _markdown_arguments(call: ast.Call) -> list[ast.expr]:
    function = call.func
    if not isinstance(function, ast.Attribute) or function.attr not in MARKDOWN_SHOWING_CALLS:
        return []
    shown = list(call.args[:1])
    if function.attr in {"write", "tabs"}:
        shown = list(call.args)
    if function.attr == "page_link":
        shown = []  # the first argument is the page, not text; its label= is checked below
    shown.extend(k.value for k in call.keywords if k.arg in MARKDOWN_KEYWORDS)
    return shown


def _table_is_escaped(node: ast.expr, safety: _MarkdownSafety) -> bool:
    """``st.table`` reads Markdown in every cell: its data must come from ``plain_table`` (a
    pandas styling chain on the result, such as ``plain_table(x).style.hide(...)``, is fine)."""
    while True:
        if isinstance(node, ast.Call):
            if getattr(node.func, "id", "") == "plain_table":
                return True
            if not isinstance(node.func, ast.Attribute):
                return False
            node = node.func.value
        elif isinstance(node, ast.Attribute):
            node = node.value
        elif isinstance(node, ast.Name):
            values = safety.assigned_values(node)
            return bool(values) and all(_table_is_escaped(v, safety) for v in values)
        else:
            return False


def test_user_text_reaches_markdown_only_through_the_escaping_helper() -> None:
    """Nothing but literals, numbers and ``ui.text.plain`` (or a known-safe helper) reaches
    a Streamlit call that reads Markdown, so typed text such as ``[a](b)`` shows literally."""
    problems: list[str] = []
    for path in [REPO / "app.py", *python_files("screens"), *python_files("ui")]:
        problems.extend(
            f"{path.relative_to(REPO)}:{problem}"
            for problem in _unescaped_markdown(path.read_text(encoding="utf-8"))
        )
    assert not problems, (
        "Text that may hold user input reaches Markdown without ui.text.plain():\n"
        + "\n".join(problems)
    )


def _unescaped_markdown(source: str) -> list[str]:
    """Each place in ``source`` where non-literal text reaches Markdown unescaped."""
    tree = ast.parse(source)
    safety = _MarkdownSafety(tree)
    problems: list[str] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        is_table = isinstance(node.func, ast.Attribute) and node.func.attr == "table"
        if is_table and node.args and not _table_is_escaped(node.args[0], safety):
            problems.append(f"{node.lineno}: st.table without plain_table")
        for argument in _markdown_arguments(node):
            if not safety.is_safe(argument):
                problems.append(f"{argument.lineno}: {ast.unparse(argument)[:100]}")
    return problems


def test_the_markdown_check_finds_unescaped_text_and_passes_escaped_text() -> None:
    unsafe = """
def show(request, rows, n):
    st.header(request.subject)
    st.write(f"From {request.team_name}")
    st.button(label=request.subject)
    st.expander(f"{n}. {request.subject}")
    label = request.subject
    st.caption(label)
    st.table(rows)
"""
    safe = """
NOTE = "Counts below 5 are hidden."
def show(request, rows, n):
    st.header(plain(request.subject))
    st.write(f"From {plain(request.team_name)}: {n:,} requests, {len(rows)} rows")
    st.button(label=plain(request.subject))
    noun = "request" if n == 1 else "requests"
    st.caption(f"{n:d} {noun}. " + NOTE)
    st.markdown("- " + link(request.subject, "https://example.org"))
    st.table(plain_table(rows).style.hide(axis="index"))
"""
    assert len(_unescaped_markdown(unsafe)) == 6
    assert _unescaped_markdown(safe) == []
