"""Speaking with residents, whatever the channel: the port the core uses (`loket.messaging.port`).

A resident is a person; a channel (WhatsApp today) is one of the ways to reach them. The
core (cases, scheduling, console, coverage, privacy's samples) calls the functions here and
never imports a channel; each channel implements `ResidentChannel` and registers itself
from its `AppConfig.ready()`.
"""
