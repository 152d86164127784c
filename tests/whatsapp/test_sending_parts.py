"""The sender's parts stay in step: every action of the error table has its handler."""

from loket.channels.whatsapp.errors import Action
from loket.channels.whatsapp.sending.refusals import ON_REFUSAL


def test_every_action_of_the_error_table_has_one_handler_for_a_refused_send():
    assert set(ON_REFUSAL) == set(Action)
