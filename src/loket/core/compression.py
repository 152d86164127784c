"""Compressing responses: Django's GZip (with its BREACH padding) for text, never for files
that are compressed already (photos, PDFs, spreadsheets), which would only cost CPU."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware

ALREADY_COMPRESSED = (
    "image/",
    "video/",
    "audio/",
    "application/pdf",
    "application/zip",
    "application/gzip",
    "application/vnd.openxmlformats",
)


class TextGZipMiddleware(GZipMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if response.get("Content-Type", "").startswith(ALREADY_COMPRESSED):
            return response
        return super().process_response(request, response)
