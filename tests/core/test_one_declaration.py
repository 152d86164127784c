"""The five services are declared once (`loket.domain.intake.services`); every other place
reads that declaration: the console's names and order, the WhatsApp numbers' services, the
checklist settings, the schedules' labels and the demo data's mix."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from loket.domain.intake.services import SERVICES, for_officers

SRC = Path(__file__).resolve().parents[2] / "src" / "loket"
DECLARATION = SRC / "domain" / "intake" / "services.py"
CODES = {"KIA", "KTP", "KK", "SKPWNI", "SKDWNI"}


def _lists_of_services(text: str, name: str) -> list[str]:
    """Literal lists, tuples, sets and dict keys naming three or more of the services."""
    found = []
    for node in ast.walk(ast.parse(text, filename=name)):
        items = node.keys if isinstance(node, ast.Dict) else getattr(node, "elts", None)
        if not isinstance(node, ast.List | ast.Tuple | ast.Set | ast.Dict) or items is None:
            continue
        named = {i.value for i in items if isinstance(i, ast.Constant) and i.value in CODES}
        if len(named) >= 3:
            found.append(f"{name}:{node.lineno} {sorted(named)}")
    return found


def test_no_module_lists_the_services_again():
    offences = [
        o
        for path in sorted(SRC.rglob("*.py"))
        if path != DECLARATION and "migrations" not in path.parts
        for o in _lists_of_services(path.read_text(encoding="utf-8"), str(path.relative_to(SRC)))
    ]
    assert offences == []


def test_the_check_sees_each_kind_of_list():
    for source in (
        'S = ("KK", "KTP", "KIA")',
        'S = ["KIA", "KTP", "KK", "SKPWNI", "SKDWNI"]',
        'S = {"KIA": "x", "KK": "y", "SKDWNI": "z"}',
        'S = {"KIA", "KTP", "SKPWNI"}',
    ):
        assert _lists_of_services(source, "sample.py"), source
    assert _lists_of_services('S = ("KIA", "KTP", "other")', "sample.py") == []


def test_the_console_names_and_orders_services_from_the_declaration():
    from loket.console.services import SERVICES as CONSOLE

    assert list(CONSOLE) == ["KIA", "KTP", "KK", "SKPWNI", "SKDWNI"]
    assert {s.keyword: s.short_name for s in for_officers()} == CONSOLE
    assert CONSOLE["SKPWNI"] == "Surat pindah keluar"


def test_a_sixth_service_without_officer_fields_falls_back_to_its_name():
    akta = SERVICES["KK"].__class__(
        keyword="AKTA", aliases=(), name="Akta Kelahiran", fields=(), subject="nik", default_number="0811"
    )
    assert akta.officer_name == "Akta Kelahiran"
    assert akta.demo_weight == 0  # none in the demo data unless declared


def test_the_demo_mix_is_the_declared_weights():
    from loket.coverage.generate import SERVICES as MIX

    assert MIX == (("KIA", 40), ("KTP", 25), ("KK", 25), ("SKPWNI", 5), ("SKDWNI", 5))
    assert dict(MIX) == {s.keyword: s.demo_weight for s in SERVICES.values()}


def test_schedule_labels_are_the_declared_names():
    from loket.scheduling.schedules import DEFAULTS

    for code in ("KIA", "KK", "SKPWNI", "SKDWNI"):
        assert DEFAULTS[code]["label"] == SERVICES[code].name
    assert "KTP" not in DEFAULTS  # KTP-el follows one schedule per `jenis`
    assert {k.split("_")[0] for k in DEFAULTS} == set(SERVICES)


@pytest.mark.django_db
def test_whatsapp_numbers_accept_the_declared_services_and_refuse_others():
    from loket.channels.whatsapp.numbers import register_number

    number, _ = register_number("109000000000099", "081100000099", ["skdwni", "KIA", "KIA"])
    assert number.services == ["SKDWNI", "KIA"]
    with pytest.raises(ValueError, match="pilih dari KK, KTP, KIA, SKPWNI, SKDWNI"):
        register_number("109000000000099", "081100000099", ["AKTA"])


def test_checklist_settings_read_every_declared_service(monkeypatch):
    import importlib

    import loket.settings

    monkeypatch.setenv("LOKET_CHECKLIST_SKDWNI", "ktp_el,kk")
    try:
        reloaded = importlib.reload(loket.settings)
        assert reloaded.LOKET_CHECKLIST_OVERRIDES == {"SKDWNI": ["ktp_el", "kk"]}
    finally:
        monkeypatch.delenv("LOKET_CHECKLIST_SKDWNI")
        importlib.reload(loket.settings)
