"""The client's address, for the audit log and the sign-in limits.

Behind nginx every request comes from the proxy, so REMOTE_ADDR alone names the proxy. But
X-Forwarded-For is written by whoever sends the request: it is believed only when the request
comes from a configured trusted proxy (settings.TRUSTED_PROXIES, addresses or CIDRs), and then
only its right-most address that is not itself a trusted proxy (the one our own proxy appended;
anything to its left was sent by the client and may be forged).
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest

from gongzhi.core.cache import pure

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@pure(maxsize=8)
def _networks(configured: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in configured)


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or behind a trusted proxy the nearest X-Forwarded-For address it did not add."""
    remote = request.META.get("REMOTE_ADDR") or None
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if remote is None or not networks or not _trusted(remote, networks):
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            # Our proxy appends a valid address; anything else means a misconfigured chain.
            return _valid(hop) or remote
    # Every hop is a trusted proxy (a request from inside): the left-most is the origin.
    return _valid(hops[0]) if hops else remote
