"""Paths of one office's objects, for the walk tables (`test_isolation.WALK`, `api_walk.API_WALK`).

Each builder gives a function of an office's world (`OfficeWorld`) to the path of one of its
objects: a case (`which` names the world's case: "queued", "in_review" or "booked"), the first
document of a case, or the office's webhook subscription. `tail` is what follows the object's
id, with its leading slash ("/setujui/", "/correction"; "" for the object itself).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from tests.offices.world import OfficeWorld

PathOf = Callable[[OfficeWorld], str]
Which = Literal["queued", "in_review", "booked"]


@dataclass(frozen=True)
class CasePaths:
    """Where one surface puts cases (`root`) and, under a case, its documents (`documents`)."""

    root: str
    documents: str

    def case(self, which: Which, tail: str = "") -> PathOf:
        return lambda world: f"{self.root}/{getattr(world, which).pk}{tail}"

    def document(self, which: Which, tail: str = "") -> PathOf:
        """The case's first document."""

        def path(world: OfficeWorld) -> str:
            case = getattr(world, which)
            return f"{self.root}/{case.pk}/{self.documents}/{case.documents.first().pk}{tail}"

        return path


CONSOLE = CasePaths("/console/permohonan", "dokumen")
OPERATOR = CasePaths("/console/operator/permohonan", "dokumen")
API = CasePaths("/api/v1/cases", "documents")


def subscription(tail: str) -> PathOf:
    """The office's webhook subscription in the console."""
    return lambda world: f"/console/webhooks/{world.subscription.pk}{tail}"
