"""The intake: WhatsApp request messages understood, checked and explained.

    from loket.domain.intake import parse
    result = parse("#KIA#3603035512180003#3603031203150007#SITI AMINAH#PASIR BOLANG#TIGARAKSA")
    result.ok, result.service, result.fields, result.derived, result.problems, result.warnings
    result.to_dict()      # the `loket parse --json` contract (docs/intake.md)
    result.reply_text()   # the message to send the resident

Pure domain code: no Django.
"""

from __future__ import annotations

from loket.domain.intake.parser import ParseResult, parse
from loket.domain.intake.problems import OFFICER_HINT, PROBLEMS, WARNINGS, Problem
from loket.domain.intake.reply import canonical_message, filled_format, help_text
from loket.domain.intake.services import SERVICES, Field, Service, service_for_keyword

__all__ = [
    "OFFICER_HINT",
    "PROBLEMS",
    "SERVICES",
    "WARNINGS",
    "Field",
    "ParseResult",
    "Problem",
    "Service",
    "canonical_message",
    "filled_format",
    "help_text",
    "parse",
    "service_for_keyword",
]
