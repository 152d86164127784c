"""No module outside the channel reaches the channel: not by import (import-linter checks
that in `make lint`), and not around the rule by name (`import_module`, `get_model`,
`__import__` with a string naming the WhatsApp app or loket.channels)."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "loket"
CHANNELS = SRC / "channels"
# The app label (settings) and the include (urls) are the two allowed mentions.
ALLOWED = {SRC / "settings.py", SRC / "urls.py"}
DYNAMIC = {"import_module", "get_model", "__import__", "get_app_config", "get_models"}


def _names_the_channel(node: ast.AST) -> bool:
    for inner in ast.walk(node):
        if isinstance(inner, ast.Constant) and isinstance(inner.value, str):
            value = inner.value.lower()
            if value == "whatsapp" or value.startswith(("whatsapp.", "loket.channels")):
                return True
    return False


def _offences(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("loket.channels"):
            found.append(f"{path}:{node.lineno} from {node.module} import")
        elif isinstance(node, ast.Import):
            found += [
                f"{path}:{node.lineno} import {a.name}"
                for a in node.names
                if a.name.startswith("loket.channels")
            ]
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in DYNAMIC and any(_names_the_channel(arg) for arg in [*node.args, *node.keywords]):
                found.append(f"{path}:{node.lineno} {name}(...) names the channel")
    return found


def outside_the_channel() -> list[Path]:
    return [
        p
        for p in sorted(SRC.rglob("*.py"))
        if CHANNELS not in p.parents and p not in ALLOWED and "migrations" not in p.parts
    ]


def test_no_module_outside_the_channel_imports_it_or_looks_it_up_by_name():
    offences = [o for path in outside_the_channel() for o in _offences(path)]
    assert offences == []


def test_the_check_catches_each_way_around_the_rule(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from importlib import import_module\n"
        "from django.apps import apps\n"
        "import loket.channels.whatsapp.outbox\n"
        "def f():\n"
        "    from loket.channels.whatsapp import outbox\n"
        "    apps.get_model('whatsapp', 'CaseConsent')\n"
        "    apps.get_model(app_label='whatsapp', model_name='Incident')\n"
        "    import_module('loket.channels.whatsapp.outbox')\n"
        "    __import__('loket.channels')\n"
        "    apps.get_model('cases', 'Case')\n",
        encoding="utf-8",
    )
    assert len(_offences(sample)) == 6
    # Migrations may name other apps' models in their historical state; they are not scanned.
    assert all("migrations" not in p.parts for p in outside_the_channel())
