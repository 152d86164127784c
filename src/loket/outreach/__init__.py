"""Outreach: what Loket may write to a resident first, and only with their consent.

Channel-neutral (it talks to residents only through `loket.messaging.port`):

- `preferences`: the one check every business-initiated, not-requested message goes through,
  `allows(resident, purpose)` for the purposes `reminder`, `campaign` and `survey`; the
  question asked once after a completed request; BERHENTI/STOP and MULAI; every change audited.
- `events`: pure date rules (KIA without photo ends at 5, KTP-el due at 17).
- `reminders`: children seen in requests (or registered by the resident), the periodic job
  that sends each due reminder once, within sending hours and the messaging limits.

See docs/outreach.md.
"""
