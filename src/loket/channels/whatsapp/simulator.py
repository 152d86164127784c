"""The simulator page (demo mode only): chat as a resident through the signed webhook."""

from django.http import Http404


def page(request):
    raise Http404


send = chat = page
