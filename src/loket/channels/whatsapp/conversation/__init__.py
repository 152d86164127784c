"""What Loket answers a resident, message by message (runs in the worker).

`respond(message)` is called once per inbound message, inside the transaction that marks
it handled, so a crash leaves either everything (case, documents, replies in the outbox)
or nothing. Every reply goes through `outbox.enqueue`.

One module per concern:

- `router`: `respond`, the message routed to the concern that answers it;
- `keywords`: the one table of words a resident can type (meaning, aliases, where each applies);
- `intake`: a typed request parsed, opened or updated as a case, answered;
- `requests`: STATUS, BATAL and PETUGAS;
- `consent`: the privacy notice, the parent's or guardian's consent question and its answer;
- `outreach`: BERHENTI/STOP, MULAI and the reminders question's buttons (`loket.outreach` decides);
- `rescheduling`: JADWAL ULANG and the chosen session (the scheduling capability decides);
- `filing`: files joining a case, their download job, one acknowledgement per batch;
- `flood`: flood control;
- `identity`: one person across the office's numbers, a changed number;
- `wording`: reply texts built from a resident's requests;
- `shared`: a message's content, a reply, the lazily read Conversation row.

The names below are the package's public face for the rest of the channel.
"""

from loket.channels.whatsapp.conversation.consent import (
    INTERACTIVE_BODY_LIMIT,
    notice_version,
    privacy_notice,
)
from loket.channels.whatsapp.conversation.filing import (
    ACKNOWLEDGE_FILES,
    DOWNLOAD_MEDIA,
    case_for_file,
    file_name,
    files_acknowledgement,
    schedule_acknowledgement,
)
from loket.channels.whatsapp.conversation.identity import open_cases, same_person
from loket.channels.whatsapp.conversation.router import respond
from loket.channels.whatsapp.conversation.shared import content_of
from loket.channels.whatsapp.conversation.wording import acknowledgement, display, status_text

__all__ = [
    "ACKNOWLEDGE_FILES",
    "DOWNLOAD_MEDIA",
    "INTERACTIVE_BODY_LIMIT",
    "acknowledgement",
    "case_for_file",
    "content_of",
    "display",
    "file_name",
    "files_acknowledgement",
    "notice_version",
    "open_cases",
    "privacy_notice",
    "respond",
    "same_person",
    "schedule_acknowledgement",
    "status_text",
]
