"""The client address: REMOTE_ADDR, or behind N proxies the N-th X-Forwarded-For entry from the right."""

import pytest
from django.test import RequestFactory

from loket.core.client_ip import client_ip


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "203.0.113.7", "198.51.100.1", "203.0.113.7"),  # no proxy: the header is the client's word
        (1, "10.0.0.1", "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # the proxy appended the last
        (2, "10.0.0.1", "198.51.100.1, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (2, "10.0.0.1", "203.0.113.7", "10.0.0.1"),  # fewer hops than proxies: not through them all
        (1, "10.0.0.1", "", "10.0.0.1"),
        (1, "10.0.0.1", "not-an-address", "10.0.0.1"),  # garbage never reaches a limit or the audit
        (1, "10.0.0.1", "2001:db8::1", "2001:db8::1"),
        (0, "", "", ""),
    ],
)
def test_the_client_address(settings, proxies, remote, forwarded, expected):
    settings.LOKET_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
