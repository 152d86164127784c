"""Rules across the fields of a service (declared on the service in services.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from loket.domain import nik as numbers
from loket.domain.calendar import long_date
from loket.domain.intake.draft import Draft
from loket.domain.intake.problems import problem

ServiceRule = Callable[[Draft], None]


def kia_child_under_17(draft: Draft) -> None:
    """A KIA is for a child under 17 on the request date; tell what the card will be."""
    born = draft.birth_date
    if born is None:
        return
    age = numbers.age_on(born, draft.today)
    if age >= 17:
        # Imported here: the declarations in services.py name these rules.
        from loket.domain.intake.services import SERVICES

        ktp = SERVICES["KTP"]
        age_problem = problem(
            "kia_age_17",
            "nik",
            date=long_date(born, weekday=False),
            age=age,
            ktp_number=ktp.number,
            ktp_format=ktp.format,
        )
        draft.problems.append(replace(age_problem, redirect=ktp.keyword))
        return
    facts = numbers.kia_facts(born, draft.today)
    draft.derived.update(perlu_foto=facts.perlu_foto, kia_berlaku_sampai=facts.berlaku_sampai.isoformat())


def pemula_under_17(draft: Draft) -> None:
    """Married residents may get their first KTP-el younger than 17: the officer checks."""
    born = draft.birth_date
    if born is None or draft.fields.get("jenis") != "PEMULA":
        return
    age = numbers.age_on(born, draft.today)
    if age < 17:
        draft.warn("ktp_pemula_under_17", "nik", age=age, date=long_date(born, weekday=False))


def nik_not_no_kk(draft: Draft) -> None:
    """The same number as NIK and as KK number: one of them was copied from the wrong line of
    the card (most often the KK number typed as the NIK). Never both (a KK number is not a NIK)."""
    nik, no_kk = draft.fields.get("nik"), draft.fields.get("no_kk")
    if nik and no_kk and str(nik) == str(no_kk) and not any(p.field == "nik" for p in draft.problems):
        draft.problems.append(problem("nik_same_as_no_kk", "nik", value=nik))
