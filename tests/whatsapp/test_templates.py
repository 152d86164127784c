"""Every business-initiated message has its declared template; the doc is generated from it;
the sender refuses a template of the wrong category."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from loket.cases.models import Case
from loket.channels.whatsapp import outbox, templates
from loket.channels.whatsapp.models import OutboundMessage
from loket.channels.whatsapp.sending import Template, choose_form, schedule
from loket.channels.whatsapp.templates import Category, TemplateRefused
from loket.outreach import question, reminders
from loket.scheduling import tasks
from tests.whatsapp.outbound_builders import drain, resident

pytestmark = pytest.mark.django_db
DOC = Path(__file__).resolve().parents[2] / "docs" / "whatsapp.md"


def test_docs_whatsapp_md_holds_exactly_the_generated_list():
    text = DOC.read_text()
    start, end = text.index(templates.BEGIN), text.index(templates.END) + len(templates.END)
    out = io.StringIO()
    call_command("whatsapp", "templates", "--markdown", stdout=out)
    assert text[start:end] == out.getvalue().strip() == templates.markdown()


def test_every_template_named_in_code_is_declared_with_a_matching_parameter_count():
    named = {
        *tasks.REMINDER_TEMPLATES.values(),
        tasks.NO_SHOW_TEMPLATE,
        question.ASK_TEMPLATE,
        *reminders.TEMPLATES.values(),
    }
    assert named <= set(templates.BY_NAME)
    for declared in templates.DECLARED:
        assert templates.parameter_count(declared.body) == len(declared.params), declared.name
        assert re.fullmatch(r"[a-z0-9_]+", declared.name)
        assert all(len(b) <= 20 for b in declared.buttons)
    # Every kind a business-initiated message may have outside the window has its template.
    assert {"reply", "case_update", "officer", "receipt", "reminder", "hand_over"} <= set(
        templates.kind_map()
    )
    assert {templates.BY_NAME[n].category for n in reminders.TEMPLATES.values()} == {Category.MARKETING}


def _case(who, number="KIA-20261130-0100"):
    return Case.objects.create(request_number=number, service="KIA", subject="3603", resident=who)


def test_enqueue_refuses_marketing_on_a_case_and_utility_on_outreach():
    siti = resident()
    case = _case(siti)
    with pytest.raises(TemplateRefused, match="MARKETING"):
        outbox.enqueue(siti, text="x", case=case, kind="reminder", template_name="loket_pengingat_kia_5")
    with pytest.raises(TemplateRefused, match="needs MARKETING"):
        outbox.enqueue(siti, text="x", kind="reminder", template_name="pengingat_pengambilan")
    with pytest.raises(TemplateRefused, match="not declared"):
        outbox.enqueue(siti, text="x", case=case, kind="reminder", template_name="pengingat_rahasia")
    assert not OutboundMessage.objects.exists()
    # The right pairs are accepted.
    outbox.enqueue(siti, text="x", case=case, kind="reminder", template_name="pengingat_pengambilan")
    outbox.enqueue(siti, text="x", kind="reminder", template_name="loket_pengingat_kia_5")
    assert OutboundMessage.objects.count() == 2


def test_the_sender_fails_a_wrong_category_row_visibly_and_sends_nothing(fake_graph):
    """A row that reached the outbox another way (an old row, a changed declaration)."""
    siti = resident(wrote_ago=dt.timedelta(days=3))
    case = _case(siti)
    marketing_on_case = OutboundMessage.objects.create(
        resident=siti, case=case, kind="case_update", text="x", template_name="loket_pengingat_ktp_17"
    )
    utility_on_outreach = OutboundMessage.objects.create(
        resident=siti, kind="reminder", text="Pengingat anak", template_name="loket_kabar_permohonan"
    )
    # No template at all for an outreach reminder: the kind's (UTILITY) template is refused too.
    untemplated_outreach = OutboundMessage.objects.create(resident=siti, kind="reminder", text="Pengingat")
    for message in (marketing_on_case, utility_on_outreach, untemplated_outreach):
        schedule(message)
    drain()
    for message in (marketing_on_case, utility_on_outreach, untemplated_outreach):
        message.refresh_from_db()
        assert message.status == OutboundMessage.Status.FAILED, message.pk
        assert message.last_error_title.startswith("refused: template"), message.last_error_title
    assert fake_graph.messages() == []


def test_the_right_category_goes_out_as_declared(fake_graph):
    siti = resident(wrote_ago=dt.timedelta(days=3))
    outbox.enqueue(
        siti,
        text="Pengingat",
        kind="reminder",
        template_name="loket_pengingat_kia_5",
        template_params=["a", "b"],
    )
    drain()
    [sent] = fake_graph.messages()
    assert sent.body["template"]["name"] == "loket_pengingat_kia_5"


def test_loket_wa_templates_renames_a_declared_template_and_keeps_its_category(settings):
    settings.LOKET_WA_TEMPLATES = "case_update=dinas_kabar:id,loket_pengingat_kia_5=dinas_kia_lima:en_US"
    siti = resident(wrote_ago=dt.timedelta(days=3))
    case = _case(siti)
    reminder = outbox.enqueue(siti, text="x", kind="reminder", template_name="loket_pengingat_kia_5")
    form = choose_form(reminder, dt.datetime.now(dt.UTC))
    assert isinstance(form, Template) and (form.name, form.language, form.refusal) == (
        "dinas_kia_lima",
        "en_US",
        "",
    )
    update = outbox.enqueue(siti, text="x", case=case, kind="case_update")
    form = choose_form(update, dt.datetime.now(dt.UTC))
    assert (form.name, form.refusal) == ("dinas_kabar", "")
    # The override is the whole kind mapping: a kind left out has no template (held).
    assert (
        choose_form(outbox.enqueue(siti, text="x", case=case, kind="receipt"), dt.datetime.now(dt.UTC))
        is None
    )
