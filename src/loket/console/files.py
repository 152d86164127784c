"""Serving a resident's file to an officer: the one place that decides inline or download.

Only a file that passed the file check (`loket.domain.files`: a clean re-encoded image or
a verified PDF) of a type browsers render safely is shown inline. A refused file (an
executable, HTML, SVG, a broken image ...) is only ever a download: `attachment`,
`application/octet-stream`, `nosniff`, under a name with no extension a desktop acts on.
"""

from __future__ import annotations

from django.http import FileResponse

from loket.cases.models import Document

INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "application/pdf"})


def shown_inline(document: Document) -> bool:
    return document.status != Document.Status.REFUSED and document.mime_type in INLINE_TYPES


def document_response(document: Document) -> FileResponse:
    inline = shown_inline(document)
    response = FileResponse(
        document.file.open("rb"),
        content_type=document.mime_type if inline else "application/octet-stream",
        as_attachment=not inline,
        filename=f"dokumen-{document.pk}" if inline else f"dokumen-{document.pk}-ditolak.bin",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
