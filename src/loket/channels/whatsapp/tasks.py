"""Job handlers of the WhatsApp channel (autodiscovered by loket.jobs at start-up).

The inbound handlers live in `inbound_jobs`; the outbound ones (whatsapp.send,
whatsapp.apply_status, whatsapp.watchdog) register from `sending`, imported by the app's
`ready()`.
"""

from loket.channels.whatsapp import inbound_jobs  # noqa: F401 - registers the inbound handlers
