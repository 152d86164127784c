"""The type check covers the whole package with no blanket escapes (issue 12, "Types checked").

mypy itself runs in `make lint`; these tests keep its scope and its exceptions from drifting:
`make lint` checks all of `src/loket`, the configuration exempts no module, the strict
packages stay strict, and every `# type: ignore[code]` says on its own line why.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "loket"
STRICT_PACKAGES = ("loket.domain", "loket.jobs", "loket.messaging")
STRICT_FLAGS = ("disallow_untyped_defs", "disallow_incomplete_defs", "check_untyped_defs", "warn_return_any")

IGNORE = re.compile(r"#\s*type:\s*ignore\b(?P<rest>.*)$")
# `# type: ignore[code, code]  # why`: codes in brackets, then a comment with a reason.
WELL_FORMED = re.compile(r"^\[[a-z][a-z-]*(,\s*[a-z][a-z-]*)*\]\s+#\s*\S.{3,}$")
MODULE_ESCAPE = re.compile(r"^#\s*(mypy:\s*ignore-errors|type:\s*ignore\s*$)", re.IGNORECASE)


def bad_ignores(text: str) -> list[tuple[int, str]]:
    """Lines of `text` whose type-ignore lacks a code or a reason, or that exempt a module."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        if MODULE_ESCAPE.match(line.strip()):
            found.append((number, line.strip()))
            continue
        match = IGNORE.search(line)
        if match and not WELL_FORMED.match(match.group("rest").strip()):
            found.append((number, line.strip()))
    return found


def test_make_lint_runs_mypy_on_the_whole_package():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    paths = re.search(r"^MYPY_PATHS\s*:=\s*(.+)$", makefile, re.MULTILINE)
    assert paths is not None and paths.group(1).split() == ["src/loket"]
    assert "$(VENV)/bin/mypy $(MYPY_PATHS)" in makefile


def test_the_configuration_exempts_no_module_and_keeps_the_strict_packages_strict():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert "ignore_errors" not in config
    overrides = config.get("overrides", [])
    for override in overrides:
        assert "ignore_errors" not in override, override["module"]
        # Untyped code checked less than the default level allows would hide errors.
        assert override.get("disallow_untyped_defs", True) is True, override["module"]
        assert override.get("check_untyped_defs", True) is True, override["module"]
    for package in STRICT_PACKAGES:
        strict = [o for o in overrides if package in o["module"] and f"{package}.*" in o["module"]]
        assert strict, f"{package} has no strict override"
        assert all(strict[0].get(flag) is True for flag in STRICT_FLAGS), package
    assert "ignore-without-code" in config["enable_error_code"]
    assert config["warn_unused_ignores"] is True


def test_every_type_ignore_names_its_code_and_why():
    offences = [
        f"{path.relative_to(ROOT)}:{number}: {line}"
        for path in sorted(SRC.rglob("*.py"))
        for number, line in bad_ignores(path.read_text(encoding="utf-8"))
    ]
    assert offences == []


def test_the_ignore_check_refuses_what_it_should():
    assert bad_ignores("x = f()  # type: ignore[arg-type]  # the stubs say int, it takes float") == []
    assert bad_ignores("x = f()  # type: ignore[arg-type, union-attr]  # set by the middleware") == []
    assert bad_ignores("x = f()  # type: ignore") == [(1, "x = f()  # type: ignore")]
    assert bad_ignores("x = f()  # type: ignore[arg-type]") != []  # no reason
    assert bad_ignores("x = f()  # type: ignore  # a reason but no code") != []
    assert bad_ignores('"""Doc."""\n# mypy: ignore-errors\n') == [(2, "# mypy: ignore-errors")]
    assert bad_ignores("# type: ignore\nimport os\n") == [(1, "# type: ignore")]
