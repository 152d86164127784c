"""The outbox sender: one job (`whatsapp.send`) per OutboundMessage, within Meta's rules.

- Order: a resident's messages share an ordering key, so they go out one at a time, oldest
  first; replies carry a higher job priority than reminders and bulk sends.
- Rate: each office number has one shared send slot (a row every worker reserves from), so
  all workers together stay under LOKET_WA_RATE_PER_NUMBER; one resident gets at most
  LOKET_WA_PAIR_BURST messages per LOKET_WA_PAIR_WINDOW_SECONDS (Meta's pair rate limit).
- 24-hour window: free-form only while the resident's last message is recent; otherwise the
  template mapped to the message kind, or the message is HELD for an officer.
- Failures: one table (`errors.ERROR_TABLE`) decides. Transient ones back off exponentially
  with jitter for hours; permanent ones fail the message at once with Meta's code and title;
  a refused token pauses all sending (an incident) and resumes when a probe succeeds.
- Timeouts: Meta has no idempotency key. After a send timed out we wait for a status
  webhook naming our outbox id (`biz_opaque_callback_data`) before sending again.

One module per section:

- `enqueueing`: the send job of each round (`schedule`, `requeue`, priorities);
- `held`: held messages released when their cause is gone;
- `form`: free-form or template, and the request body;
- `pacing`: the pair rate limit, the number's send slot, backoff;
- `number_state`: the office number and its pauses, cached briefly;
- `rows`: reading and changing the outbox row (`hold`, `fail`);
- `job`: the send job itself;
- `refusals`: what each row of the error table does to a refused send;
- `statuses`: statuses from webhooks;
- `watchdog`: the alerts no single send raises.

Importing this package registers the jobs (whatsapp.send, whatsapp.apply_status,
whatsapp.watchdog); the names below are its public face for the rest of the channel.
"""

from loket.channels.whatsapp.sending.enqueueing import PRIORITY, SEND_JOB, ordering_key, requeue, schedule
from loket.channels.whatsapp.sending.form import (
    Template,
    address_of,
    build_body,
    choose_form,
    template_map,
    window_open,
)
from loket.channels.whatsapp.sending.held import release_held
from loket.channels.whatsapp.sending.job import send, send_job, send_job_failed
from loket.channels.whatsapp.sending.number_state import forget_state, number_state
from loket.channels.whatsapp.sending.pacing import pair_wait, reserve_slot, retry_delay
from loket.channels.whatsapp.sending.refusals import refused
from loket.channels.whatsapp.sending.rows import SENDABLE, fail, hold
from loket.channels.whatsapp.sending.statuses import STATUS_JOB, apply_status, apply_status_job
from loket.channels.whatsapp.sending.watchdog import WATCHDOG_JOB, last_webhook_at, watchdog

__all__ = [
    "PRIORITY",
    "SENDABLE",
    "SEND_JOB",
    "STATUS_JOB",
    "WATCHDOG_JOB",
    "Template",
    "address_of",
    "apply_status",
    "apply_status_job",
    "build_body",
    "choose_form",
    "fail",
    "forget_state",
    "hold",
    "last_webhook_at",
    "number_state",
    "ordering_key",
    "pair_wait",
    "refused",
    "release_held",
    "requeue",
    "reserve_slot",
    "retry_delay",
    "schedule",
    "send",
    "send_job",
    "send_job_failed",
    "template_map",
    "watchdog",
    "window_open",
]
