"""A typed request: parsed by the intake capability, opened or updated as a case, answered."""

from __future__ import annotations

from typing import Any

from loket.cases.models import Case, Resident
from loket.cases.opening import Request, open_or_update, queue_if_complete
from loket.channels.whatsapp.conversation.consent import ask_consent, consent_for
from loket.channels.whatsapp.conversation.shared import regions_of, reply
from loket.channels.whatsapp.conversation.wording import acknowledgement, wrong_number_text
from loket.channels.whatsapp.models import PhoneNumber
from loket.domain.intake import ParseResult, parse


def request(
    resident: Resident,
    number: PhoneNumber | None,
    text: str,
    *,
    result: ParseResult | None = None,
    case_source: str = "typed",
) -> None:
    """A typed request (`result`: the text already parsed by the caller)."""
    result = result or parse(text, regions=regions_of(resident))
    if not result.ok:
        reply(resident, result.reply_text())
        return
    service = str(result.service)
    if number is not None and not number.serves(service):
        reply(resident, wrong_number_text(service, number))
        return
    submit(resident, result, raw_text=text, case_source=case_source)


def submit(
    resident: Resident, result: ParseResult, *, raw_text: str, case_source: str, one_by_one: bool = False
) -> tuple[Case, bool]:
    """Open or update the case of a valid request and answer it: the request number, what we
    understood, what to send (or, `one_by_one`, that documents are asked for next), consent."""
    case, created = open_or_update(
        resident,
        Request(
            service=str(result.service),
            subject=str(result.subject),
            fields=jsonable(result.fields),
            derived=jsonable(result.derived),
            warnings=jsonable(list(result.warnings)),
            raw_text=raw_text,
            kode_kecamatan=_code(result, "kode_kecamatan"),
            kode_desa=_code(result, "kode_desa"),
        ),
        case_source=case_source,
    )
    consent = consent_for(resident, case, created=created)
    # The resident learns at once what we understood and what to send; while consent is
    # pending the case waits (it cannot reach the officers' queue) and the notice asks for it.
    answer = acknowledgement(case, created=created, warnings=warning_texts(result), one_by_one=one_by_one)
    if consent.agreed:
        reply(resident, answer, case=case)
        queue_if_complete(case, consent_given=True)
    else:
        ask_consent(resident, case, answer=answer)
    return case, bool(consent.agreed)


def _code(result: ParseResult, name: str) -> str:
    for source in (result.derived, result.fields):
        value = source.get(name) if isinstance(source, dict) else None
        if value:
            return str(value)
    return ""


def jsonable(value: Any) -> Any:
    """The parser's values as JSON the case stores (objects by their `to_dict`, else text)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if hasattr(value, "to_dict"):
        return jsonable(value.to_dict())
    return str(value)


def warning_texts(result: ParseResult) -> list[str]:
    """The warnings as the resident reads them (the officer's wording stays on the case)."""
    texts: list[str] = []
    for warning in result.warnings:
        if isinstance(warning, str):
            texts.append(warning)
        elif isinstance(warning, dict):
            texts.append(str(warning.get("resident") or warning.get("message") or warning.get("text") or ""))
        else:
            texts.append(str(getattr(warning, "resident", "") or getattr(warning, "message", warning)))
    return [t for t in texts if t]
