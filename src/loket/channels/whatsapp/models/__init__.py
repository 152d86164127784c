"""WhatsApp channel models, one module per concern (numbers, inbound, outbound, counters)."""

from loket.channels.whatsapp.models.counters import *  # noqa: F403
from loket.channels.whatsapp.models.guided import *  # noqa: F403
from loket.channels.whatsapp.models.inbound import *  # noqa: F403
from loket.channels.whatsapp.models.numbers import *  # noqa: F403
from loket.channels.whatsapp.models.outbound import *  # noqa: F403
