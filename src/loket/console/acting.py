"""The one wrapper of an officer's action on a case: who may act, then the step, then where next.

Every case action view (`views.py`: correction, approve, reject, hand over, reply, the
checklist options, a document's label) is declared with `@case_action(...)`: a verified
staff session allowed to "act" (`access.console_view`), the HTTP methods it answers, the
case fetched through `access.case_for` (outside the person's area or services: 404), and
who among those may act on it. A refusal goes back to the case page with a short reason;
the view receives the case, never a bare id. `carry_out` runs a workflow step the same way
everywhere: a refusal is told, a success is audited and told.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from loket.cases.models import Case, IllegalTransition
from loket.cases.workflow import WorkflowError
from loket.console import audit
from loket.console.access import StaffRequest, case_for, console_view, may
from loket.console.models import Role

BUSY = "Permohonan ini sedang diperiksa petugas lain."


class Who(enum.Enum):
    """Who, among the staff allowed to act and to see the case, may act on it."""

    ASSIGNEE = "assignee"  # the officer it is assigned to, or a supervisor
    ASSIGNEE_OR_REASSIGNER = "assignee_or_reassigner"  # ... or anyone allowed to reassign
    ANYONE = "anyone"  # anyone who sees the case (e.g. a reply to the resident)


def can_act(request: StaffRequest, case: Case) -> bool:
    return request.staff.role == Role.SUPERVISOR or case.assigned_to_id == request.user.pk


def _allowed(request: StaffRequest, case: Case, who: Who) -> bool:
    if who is Who.ANYONE:
        return True
    if who is Who.ASSIGNEE_OR_REASSIGNER and may(request.staff, "reassign"):
        return True
    return can_act(request, case)


def back(case: Case) -> HttpResponse:
    return redirect("console:case", pk=case.pk)


def case_action(
    *, methods: Iterable[str] = ("POST",), who: Who = Who.ASSIGNEE
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Declare a view `view(request, case, **url_kwargs)` as an action on case `pk`."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def on_case(request: StaffRequest, pk: int, **kwargs: Any) -> HttpResponse:
            case = case_for(request, pk)
            if not _allowed(request, case, who):
                messages.error(request, BUSY)
                return back(case)
            return view(request, case, **kwargs)

        return console_view("act")(require_http_methods(list(methods))(on_case))

    return decorate


def carry_out(
    request: HttpRequest,
    case: Case,
    step: Callable[[], object],
    *,
    action: str,
    done: str,
    detail: str = "",
    then: HttpResponse | None = None,
    refusals: tuple[type[Exception], ...] = (WorkflowError, IllegalTransition),
) -> HttpResponse:
    """Run one workflow step: a refusal goes back to the case page with its reason; success
    is audited and told, then the officer moves on (by default to the service's queue)."""
    try:
        step()
    except refusals as exc:
        messages.error(request, str(exc))
        return back(case)
    audit.record(request, action, case=case, detail=detail)
    messages.success(request, done)
    return then if then is not None else redirect("console:queue", service=case.service)
