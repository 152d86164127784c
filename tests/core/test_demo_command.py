"""`loket demo --port P`: every address it prints is on P, and it says where the fake Graph API listens."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from loket.cases.models import Case
from loket.domain.intake import parse

README = Path(__file__).resolve().parents[2] / "README.md"

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def demo_env(settings, monkeypatch, tmp_path):
    # The command adjusts settings and the environment for the processes it starts; the
    # fixtures put both back afterwards.
    settings.DATA_DIR = tmp_path
    settings.LOKET_PUBLIC_URL = settings.LOKET_PUBLIC_URL
    for name in ("LOKET_PUBLIC_URL", "LOKET_DEMO_GRAPH_PORT"):
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    # The real demo data, with a smaller year of generated cases (3000 take most of the time).
    monkeypatch.setattr("loket.coverage.demo.DEMO_CASES", 60)
    return settings


def run_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, "--no-serve", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_every_address_uses_the_port_asked_for_and_the_readme_example_is_new_to_the_demo(demo_env):
    text = run_demo("--port", "9137")
    addresses = re.findall(r"https?://[^\s)]+", text)
    assert {re.match(r"https?://[^/]+", a).group(0) for a in addresses} == {
        "http://127.0.0.1:9137",
        "http://127.0.0.1:9138",  # the fake Graph API
    }
    assert ":8000" not in text
    assert "Konsol petugas: http://127.0.0.1:9137/console/login/" in text
    assert "Admin: http://127.0.0.1:9137/admin/" in text
    assert "Simulator WhatsApp (coba sebagai warga): http://127.0.0.1:9137/simulator/" in text
    assert "Fake Graph API (pengganti Meta) di port 9138" in text
    # Receipts' QR codes point at the demo itself.
    assert demo_env.LOKET_PUBLIC_URL == "http://127.0.0.1:9137"

    # The README's example request is valid, and neither its child nor its family card is
    # in the demo data (it would open as a duplicate of a demo case).
    example = re.search(r"`(#KIA#[^`]+)`", README.read_text(encoding="utf-8")).group(1)
    result = parse(example)
    assert result.ok and result.problems == [] and result.warnings == []
    nik, kk = result.fields["nik"], result.fields["no_kk"]
    assert Case.objects.filter(service="KIA").count() > 3  # the demo data is there
    assert not Case.objects.filter(subject=nik).exists()
    assert not any(kk in str(fields) for fields in Case.objects.values_list("fields", flat=True))


def test_the_fake_graph_port_can_be_chosen_and_a_set_public_url_is_kept(demo_env, monkeypatch):
    monkeypatch.setenv("LOKET_DEMO_GRAPH_PORT", "9200")
    monkeypatch.setenv("LOKET_PUBLIC_URL", "https://loket.example.go.id")
    demo_env.LOKET_PUBLIC_URL = "https://loket.example.go.id"
    text = run_demo("--port", "9150", "--host", "localhost")
    assert "Fake Graph API (pengganti Meta) di port 9200" in text and "http://localhost:9200" in text
    assert "Buka: http://localhost:9150/" in text
    assert demo_env.LOKET_PUBLIC_URL == "https://loket.example.go.id"
