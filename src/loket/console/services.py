"""The services and how the console names them, in officers' order: read from the one
declaration (`loket.domain.intake.services`)."""

from loket.domain.intake.services import for_officers

SERVICES: dict[str, str] = {service.keyword: service.officer_name for service in for_officers()}
