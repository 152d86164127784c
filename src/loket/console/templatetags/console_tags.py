from django import template

from loket.console.access import may
from loket.console.models import Role, StaffProfile
from loket.messaging import port

register = template.Library()

# Who must see operations alerts at once: the people who can act on them.
INCIDENT_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR})


@register.inclusion_tag("console/includes/incidents.html", takes_context=True)
def incident_banner(context):
    staff = getattr(context.get("request"), "staff", None)
    show = staff is not None and staff.role in INCIDENT_ROLES
    return {"incidents": port.incidents() if show else [], "reviews_quarantine": may(staff, "quarantine")}


@register.filter
def may_do(profile: StaffProfile | None, action: str) -> bool:
    """The menu shows a link only to the roles its page lets in (`console.access.ALLOWED`)."""
    return may(profile, action)
