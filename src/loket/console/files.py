"""Serving a resident's file to an officer: the one view, and the one place that decides
inline or download.

`document_file` serves both a case's file (`/console/permohonan/<pk>/dokumen/<doc>/`, for
the officers and the counter) and a file that joined no case yet (the inbox's
`/console/kotak-masuk/berkas/<doc>/`, for those who act in the inbox): each fetched only
inside the person's area and services (else 404), audited, and the case marked as touched.

Only a file that passed the file check (`loket.domain.files`: a clean re-encoded image or
a verified PDF) of a type browsers render safely is shown inline. A refused file (an
executable, HTML, SVG, a broken image ...) is only ever a download: `attachment`,
`application/octet-stream`, `nosniff`, under a name with no extension a desktop acts on.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.clickjacking import xframe_options_sameorigin

from loket.cases.models import Case, Document
from loket.console import audit
from loket.console.access import StaffRequest, case_for, console_view, may, residents_for
from loket.console.queue import touch
from loket.core.storage import STORAGE_ERRORS

log = logging.getLogger(__name__)

INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "application/pdf"})


def shown_inline(document: Document) -> bool:
    return document.status != Document.Status.REFUSED and document.mime_type in INLINE_TYPES


def document_response(document: Document) -> HttpResponseBase:
    """The file streamed through Django from the storage (the media folder or the private
    bucket; why not a presigned URL: `loket.core.storage`). From a bucket the whole object
    is fetched (into memory) before the first byte goes out, so a storage failure is a clean
    503, never half a file."""
    inline = shown_inline(document)
    try:
        stored = document.file.open("rb")
        response = FileResponse(
            stored,
            content_type=document.mime_type if inline else "application/octet-stream",
            as_attachment=not inline,
            filename=f"dokumen-{document.pk}" if inline else f"dokumen-{document.pk}-ditolak.bin",
        )
    except FileNotFoundError:
        raise Http404("Berkas tidak ditemukan di penyimpanan.") from None
    except STORAGE_ERRORS as exc:
        log.error("document %s: storage failed (%s)", document.pk, type(exc).__name__)
        return HttpResponse(
            "Penyimpanan berkas sedang tidak dapat dihubungi. Coba lagi sebentar lagi.",
            status=503,
            content_type="text/plain; charset=utf-8",
            headers={"Retry-After": "30", "Cache-Control": "no-store"},
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def unfiled_documents(request: StaffRequest) -> QuerySet[Document]:
    """Files of residents this person may see that joined no case (the inbox's work)."""
    # A file purged under the retention rules (loket.privacy) is no longer work to do.
    return Document.objects.filter(
        case__isnull=True, purged_at__isnull=True, resident__in=residents_for(request)
    ).select_related("resident")


@console_view("document")
@xframe_options_sameorigin  # the PDF viewer on the case page embeds it; other sites still cannot
def document_file(request: StaffRequest, doc: int, pk: int | None = None) -> HttpResponseBase:
    """A case's file (`pk` given), or an unfiled one for the officer deciding where it belongs."""
    case: Case | None = None
    if pk is None:
        if not may(request.staff, "inbox_act"):
            raise PermissionDenied("Halaman ini bukan bagian tugas Anda.")
        document = unfiled_documents(request).filter(pk=doc).first()
    else:
        case = case_for(request, pk)
        document = Document.objects.filter(case=case, pk=doc).first()
    if document is None or not document.file:
        raise Http404("Berkas tidak ditemukan.")
    audit.record(request, "view_document", case=case, document=document)
    if case is not None:
        touch(case, request.user)
    return document_response(document)
