"""The shape of the package, checked from its files: every app has a place in the layers
contract (`make lint` runs it with import-linter), no contract has exceptions, and the domain
reads no environment (commands and apps pass configuration in)."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "loket"


def _contracts() -> list[dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["importlinter"]["contracts"]


def _layered_packages() -> list[str]:
    (contract,) = [c for c in _contracts() if c["id"] == "apps-layered"]
    assert contract["type"] == "layers"
    return [name.strip() for layer in contract["layers"] for name in layer.split("|")]


def test_every_package_of_loket_has_a_place_in_the_layers():
    packages = {f"loket.{p.parent.name}" for p in SRC.glob("*/__init__.py")}
    assert packages, "no package found: the test looks in the wrong place"
    assert sorted(packages - set(_layered_packages())) == []
    assert sorted(set(_layered_packages()) - packages) == []


def test_no_contract_has_exceptions():
    assert [c["id"] for c in _contracts() if c.get("ignore_imports")] == []


ENV_NAMES = {"environ", "getenv", "environb", "putenv"}


def _reads_environment(text: str, name: str) -> list[str]:
    """Where a module reads the environment: `os.environ`/`os.getenv` in any form, or a
    LOKET_ setting's name (the way to look one up some other way)."""
    found = []
    for node in ast.walk(ast.parse(text, filename=name)):
        if isinstance(node, ast.Attribute) and node.attr in ENV_NAMES:
            found.append(f"{name}:{node.lineno} .{node.attr}")
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            found += [
                f"{name}:{node.lineno} from os import {a.name}" for a in node.names if a.name in ENV_NAMES
            ]
        elif (
            isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("LOKET_")
        ):
            found.append(f"{name}:{node.lineno} names {node.value}")
    return found


def test_the_domain_reads_no_environment():
    offences = [
        o
        for path in sorted((SRC / "domain").rglob("*.py"))
        for o in _reads_environment(path.read_text(encoding="utf-8"), str(path.relative_to(SRC)))
    ]
    assert offences == []


def test_the_environment_check_catches_each_way():
    for source in (
        "import os\nx = os.environ['A']\n",
        "import os\nx = os.getenv('A')\n",
        "from os import environ\n",
        "from os import getenv as g\n",
        "X = 'LOKET_REGION_FILE'\n",
    ):
        assert _reads_environment(source, "sample.py"), source
    assert _reads_environment("import os\nPATH = os.path.join('a', 'b')\n", "sample.py") == []


SQL_START = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|WITH|COPY)\s")


def _writes_sql(text: str, name: str) -> bool:
    """A string (or the first literal part of an f-string) that opens an SQL statement."""
    for node in ast.walk(ast.parse(text, filename=name)):
        if isinstance(node, ast.JoinedStr) and node.values:
            first = node.values[0]
            if (
                isinstance(first, ast.Constant)
                and isinstance(first.value, str)
                and SQL_START.match(first.value)
            ):
                return True
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_START.match(node.value):
            return True
    return False


def _documented_sql_modules() -> set[str]:
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    section = text[text.index("- The ORM everywhere, except") :]
    end = re.search(r"\n- ", section[1:])
    section = section[: end.start() + 1] if end else section
    return {name for name in re.findall(r"`([a-z_/]+\.py)`", section) if not name.startswith("tests/")}


def test_hand_written_sql_is_where_architecture_md_says():
    found = {
        str(path.relative_to(SRC))
        for path in sorted(SRC.rglob("*.py"))
        if "migrations" not in path.parts and _writes_sql(path.read_text(encoding="utf-8"), str(path))
    }
    assert "jobs/queue.py" in found  # the scan sees what it should
    documented = _documented_sql_modules()
    assert sorted(found - documented) == []
    assert sorted(documented - found) == []


def test_the_sql_scan_sees_strings_and_f_strings():
    assert _writes_sql('X = "SELECT 1"', "s.py")
    assert _writes_sql('X = f"UPDATE {t} SET a = 1"', "s.py")
    assert _writes_sql("X = (\n  'INSERT INTO t '\n  'VALUES (1)'\n)", "s.py")
    assert not _writes_sql('X = "Select a service"', "s.py")


def test_the_project_stands_alone_and_never_reads_the_shared_folder():
    # The workspace's reference folder is not shipped: facts are copied into docs/ and
    # src/loket/data/ with their attribution, and code cites primary sources.
    outside = ".." + "/shared"
    root = SRC.parent.parent
    found = [
        str(path.relative_to(root))
        for folder in ("src", "tests", "bench", "docs")
        for path in (root / folder).rglob("*")
        if path.is_file()
        and path.suffix in {".py", ".md", ".html", ".txt", ".toml", ".csv", ".js", ".css"}
        and outside in path.read_text(errors="replace")
    ]
    assert found == []
