"""WhatsApp's limits on lists and reply buttons: the fake Graph API refuses what Meta refuses,
with Meta's error shape, and our sender takes that refusal as permanent for that message."""

from __future__ import annotations

import copy

import httpx
import pytest

from loket.channels.whatsapp.errors import ERROR_TABLE, Action
from loket.channels.whatsapp.models import OutboundMessage
from loket.messaging import choices, port
from tests.whatsapp.outbound_builders import drain, resident
from tests.whatsapp_fixtures import ACCESS_TOKEN

AUTH = {"Authorization": f"Bearer {ACCESS_TOKEN}"}


def send(fake, interactive: dict) -> httpx.Response:
    body = {"messaging_product": "whatsapp", "to": "6281298765432", "type": "interactive"}
    body["interactive"] = interactive
    return httpx.post(f"{fake.url}/v26.0/109876543210987/messages", json=body, headers=AUTH, timeout=5)


def full_list() -> dict:
    """A list exactly at every limit: Meta accepts it."""
    rows = [
        {
            "id": f"r{i}".ljust(choices.ROW_ID_MAX, "x"),
            "title": f"{i}".ljust(24, "T"),
            "description": "D" * 72,
        }
        for i in range(10)
    ]
    return {
        "type": "list",
        "header": {"type": "text", "text": "H" * 60},
        "body": {"text": "B" * 1024},
        "footer": {"text": "F" * 60},
        "action": {
            "button": "L" * 20,
            "sections": [{"title": "S" * 24, "rows": rows[:6]}, {"title": "Lain", "rows": rows[6:]}],
        },
    }


def full_buttons() -> dict:
    return {
        "type": "button",
        "body": {"text": "Apakah data sudah benar?"},
        "action": {
            "buttons": [
                {"type": "reply", "reply": {"id": "a" * 256, "title": "Benar".ljust(20, ".")}},
                {"type": "reply", "reply": {"id": "ubah", "title": "Ubah"}},
                {"type": "reply", "reply": {"id": "batal", "title": "Batal"}},
            ]
        },
    }


def changed(base: dict, change) -> dict:
    message = copy.deepcopy(base)
    change(message)
    return message


def rows(message: dict) -> list:
    return message["action"]["sections"][0]["rows"]


def buttons(message: dict) -> list:
    return message["action"]["buttons"]


OVER_LIMIT_LISTS = {
    "11 rows in total": (
        lambda m: m["action"]["sections"][1]["rows"].append({"id": "extra", "title": "Lagi"}),
        "at most 10 rows in total (got 11)",
    ),
    "row title of 25": (lambda m: rows(m)[0].update(title="T" * 25), "sections[0].rows[0].title"),
    "row description of 73": (
        lambda m: rows(m)[2].update(description="D" * 73),
        "sections[0].rows[2].description",
    ),
    "row id of 201": (lambda m: rows(m)[1].update(id="i" * 201), "sections[0].rows[1].id"),
    "duplicate row ids": (lambda m: rows(m)[1].update(id=rows(m)[0]["id"]), "row ids must be unique"),
    "section title of 25": (lambda m: m["action"]["sections"][0].update(title="S" * 25), "sections[0].title"),
    "list button of 21": (lambda m: m["action"].update(button="L" * 21), "interactive.action.button"),
    "body of 1025": (lambda m: m["body"].update(text="B" * 1025), "interactive.body.text"),
    "header of 61": (lambda m: m["header"].update(text="H" * 61), "interactive.header.text"),
    "footer of 61": (lambda m: m["footer"].update(text="F" * 61), "interactive.footer.text"),
    "no sections": (lambda m: m["action"].update(sections=[]), "0 sections"),
    "11 sections": (
        lambda m: m["action"].update(
            sections=[{"title": f"S{i}", "rows": [{"id": f"r{i}", "title": "x"}]} for i in range(11)]
        ),
        "1 to 10 sections (got 11)",
    ),
    "empty section": (lambda m: m["action"]["sections"][1].update(rows=[]), "sections[1].rows"),
}

OVER_LIMIT_BUTTONS = {
    "4 buttons": (
        lambda m: buttons(m).append({"type": "reply", "reply": {"id": "x", "title": "Lagi"}}),
        "1 to 3 buttons (got 4)",
    ),
    "no buttons": (lambda m: m["action"].update(buttons=[]), "(got 0)"),
    "button title of 21": (lambda m: buttons(m)[1]["reply"].update(title="U" * 21), "buttons[1].reply.title"),
    "button id of 257": (lambda m: buttons(m)[1]["reply"].update(id="i" * 257), "buttons[1].reply.id"),
    "duplicate button ids": (lambda m: buttons(m)[2]["reply"].update(id="ubah"), "button ids must be unique"),
    "duplicate button titles": (
        lambda m: buttons(m)[2]["reply"].update(title="Ubah"),
        "button titles must be unique",
    ),
}


def test_a_list_and_buttons_exactly_at_the_limits_are_accepted(fake_graph):
    assert choices.problems(full_list()) == [] and choices.problems(full_buttons()) == []
    assert send(fake_graph, full_list()).status_code == 200
    assert send(fake_graph, full_buttons()).status_code == 200
    assert len(fake_graph.messages()) == 2


@pytest.mark.parametrize(
    ("base", "change", "named"),
    [(full_list, *case) for case in OVER_LIMIT_LISTS.values()]
    + [(full_buttons, *case) for case in OVER_LIMIT_BUTTONS.values()],
    ids=[*OVER_LIMIT_LISTS, *OVER_LIMIT_BUTTONS],
)
def test_an_over_limit_message_is_refused_with_metas_error_naming_the_parameter(
    fake_graph, base, change, named
):
    answer = send(fake_graph, changed(base(), change))
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["type"] == "OAuthException"
    assert error["code"] == 131009
    assert error["message"] == "(#131009) Parameter value is not valid"
    assert named in error["error_data"]["details"]
    assert fake_graph.messages() == []  # nothing reached the phone


def test_a_missing_body_or_an_unknown_shape_gets_the_codes_meta_gives(fake_graph):
    no_body = changed(full_buttons(), lambda m: m.pop("body"))
    answer = send(fake_graph, no_body)
    assert (answer.status_code, answer.json()["error"]["code"]) == (400, 131008)
    assert "interactive.body.text is required" in answer.json()["error"]["error_data"]["details"]
    untitled = changed(full_list(), lambda m: m["action"]["sections"][1].pop("title"))
    answer = send(fake_graph, untitled)  # a title is needed when there is more than one section
    assert answer.json()["error"]["code"] == 131008
    assert "sections[1].title is required" in answer.json()["error"]["error_data"]["details"]
    no_action = changed(full_list(), lambda m: m.pop("action"))
    assert send(fake_graph, no_action).json()["error"]["code"] == 131008
    answer = send(fake_graph, "not an object")  # type: ignore[arg-type]
    assert (answer.status_code, answer.json()["error"]["code"]) == (400, 100)


@pytest.mark.django_db
def test_an_over_limit_list_told_through_the_port_fails_at_once_and_visibly_never_retried(fake_graph):
    assert ERROR_TABLE[131009].action == Action.GIVE_UP
    someone = resident()
    too_long = changed(full_list(), lambda m: rows(m)[3].update(title="Kartu Identitas Anak (KIA)"))
    refused = port.tell(someone, text="Pilih layanan", choices=too_long)
    fine = port.tell(someone, text="Halo")  # the next message to the same resident is not blocked
    drain()
    refused = OutboundMessage.objects.get(pk=refused.pk)
    assert refused.status == OutboundMessage.Status.FAILED
    assert refused.last_error_code == 131009
    assert "sections[0].rows[3].title" in refused.last_error_details
    assert refused.attempts == 1 and refused.needs_officer  # an officer sees it; nothing lost silently
    assert OutboundMessage.objects.get(pk=fine.pk).status == OutboundMessage.Status.SENT
    assert [r.answer_status for r in fake_graph.calls()] == [400, 200]
    assert [s.text for s in fake_graph.messages()] == ["Halo"]


@pytest.mark.django_db
def test_the_consent_buttons_fit_the_limits(fake_graph):
    """The consent buttons, as the channel builds them (even under a long answer), pass the fake."""
    from loket.cases.models import Case
    from loket.channels.whatsapp.conversation.consent import ask_consent

    someone = resident()
    case = Case.objects.create(
        request_number="KIA-20261130-0042", service="KIA", subject="3603", resident=someone
    )
    ask_consent(someone, case, answer="Permohonan diterima. " * 60)
    drain()
    sent = [s for s in fake_graph.messages() if s.type == "interactive"]
    assert sent and all(choices.problems(s.body["interactive"]) == [] for s in sent)
    assert all(r.answer_status == 200 for r in fake_graph.calls())
