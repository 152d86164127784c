"""Job handlers of the WhatsApp channel (autodiscovered by loket.jobs at start-up)."""

from importlib import import_module

from loket.channels.whatsapp import inbound_jobs  # noqa: F401 - registers the inbound handlers

try:
    import_module("loket.channels.whatsapp.outbound_jobs")  # the outbound side's handlers
except ModuleNotFoundError as exc:  # before the outbound side is merged
    if exc.name != "loket.channels.whatsapp.outbound_jobs":
        raise
