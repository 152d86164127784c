"""Where a webhook may be sent: the guard against server-side request forgery (SSRF).

A subscription's URL is typed by an administrator, but the worker that POSTs to it sits
inside the office network, next to the database, Redis and SIAK. So a target must be
`https://` and every address its host resolves to must be public (`ipaddress.is_global`:
no loopback, private, link-local, shared or reserved range), unless that address lies in
one of the networks the operator allowed with `LOKET_HOOKS_ALLOWED_NETWORKS` (then plain
`http://` is accepted too: it never crosses the internet). The check runs when the
subscription is created and again before every attempt, and the request goes to the very
address that was checked (the host name kept for `Host` and TLS), so a DNS answer that
changes between the check and the connection (DNS rebinding) cannot reach inside.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class TargetRefused(ValueError):
    """A URL the worker will not send to; `str()` says why, for an administrator."""


@dataclass(frozen=True)
class Target:
    url: str  # the URL as configured
    host: str  # its host name, for the Host header and the TLS server name
    address: IPAddress  # the checked address the connection goes to
    pinned_url: str  # the URL with the host replaced by that address


def allowed_networks() -> list[Network]:
    networks: list[Network] = []
    for item in settings.LOKET_HOOKS_ALLOWED_NETWORKS:
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise TargetRefused(f"LOKET_HOOKS_ALLOWED_NETWORKS memuat jaringan tidak sah: {item!r}") from None
    return networks


def _unmapped(address: IPAddress) -> IPAddress:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def resolve(host: str, port: int) -> list[IPAddress]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise TargetRefused(f"Nama host {host!r} tidak ditemukan (DNS).") from None
    addresses: list[IPAddress] = []
    for info in infos:
        address = _unmapped(ipaddress.ip_address(info[4][0]))
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise TargetRefused(f"Nama host {host!r} tidak punya alamat.")
    return addresses


def vet(url: str) -> Target:
    """Check `url` and resolve it once; raise `TargetRefused` with the reason if refused."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("https", "http"):
        raise TargetRefused("Alamat webhook harus diawali https://.")
    if parts.username or parts.password:
        raise TargetRefused("Alamat webhook tidak boleh memuat nama pengguna atau kata sandi.")
    host = parts.hostname
    if not host:
        raise TargetRefused("Alamat webhook tidak memuat nama host.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise TargetRefused("Nomor port alamat webhook tidak sah.") from None
    networks = allowed_networks()
    addresses = resolve(host, port)
    for address in addresses:
        allowed = any(address in network for network in networks)
        if parts.scheme == "http" and not allowed:
            raise TargetRefused(
                "Alamat http:// hanya boleh ke jaringan yang diizinkan (LOKET_HOOKS_ALLOWED_NETWORKS); "
                "gunakan https://."
            )
        if not allowed and not address.is_global:
            raise TargetRefused(
                f"Alamat webhook mengarah ke jaringan internal ({address}); tidak diizinkan kecuali "
                "jaringan itu tercantum di LOKET_HOOKS_ALLOWED_NETWORKS."
            )
    address = addresses[0]
    netloc = f"[{address}]" if address.version == 6 else str(address)
    if parts.port:
        netloc += f":{parts.port}"
    pinned = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    return Target(url=url, host=host, address=address, pinned_url=pinned)


def host_header(url: str) -> str:
    """The Host header of `url` as the receiver expects it (its name, and a port if given)."""
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    return f"{host}:{parts.port}" if parts.port else host
