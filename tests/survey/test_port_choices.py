"""The port's question builders refuse what no channel could show (WhatsApp's limits)."""

from __future__ import annotations

import pytest

from loket.messaging import port
from loket.messaging.port import ChoicesTooLong, Option


def test_a_list_within_the_limits():
    choices = port.list_choices(
        "Pertanyaan?",
        button="Pilih jawaban",
        section="U1 Persyaratan",
        options=[Option("a:1", "Sangat sesuai", "Nilai 4")],
    )
    assert choices["action"]["sections"][0]["rows"] == [
        {"id": "a:1", "title": "Sangat sesuai", "description": "Nilai 4"}
    ]


@pytest.mark.parametrize(
    "options",
    [
        [Option("a", "x" * 25)],  # row title over 24
        [Option("a", "ok", "d" * 73)],  # description over 72
        [Option(f"a{i}", "ok") for i in range(11)],  # more than ten rows
        [],
        [Option("", "ok")],
    ],
)
def test_a_list_over_the_limits_is_refused(options):
    with pytest.raises(ChoicesTooLong):
        port.list_choices("?", button="Pilih", section="S", options=options)


def test_buttons_over_the_limits_are_refused():
    assert (
        len(port.button_choices("?", [Option("a", "Isi survei"), Option("b", "Lewati")])["action"]["buttons"])
        == 2
    )
    with pytest.raises(ChoicesTooLong):
        port.button_choices("?", [Option("a", "x" * 21)])
    with pytest.raises(ChoicesTooLong):
        port.button_choices("?", [Option(str(i), "ok") for i in range(4)])


def test_answers_go_to_the_registered_prefix_only():
    seen = []
    port.expect_answers("tes:", lambda resident, option: seen.append(option) or True)
    try:
        assert port.answer_choice(None, "tes:1") is True
        assert port.answer_choice(None, "lain:1") is False
        assert seen == ["tes:1"]
    finally:
        port._answers.pop("tes:")
