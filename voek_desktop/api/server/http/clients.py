"""Who the client is: the one place a client's address is read (the per-address limits and the
access log go through ``client_address``).

Behind a reverse proxy (docs/deploy.md: nginx in front of gunicorn) every connection comes from
the proxy, so ``REMOTE_ADDR`` is 127.0.0.1 for everyone, and a limit keyed by it is one limit
for all clients together: one attacker would block everybody. The proxy writes the address it
saw into ``X-Forwarded-For``; but any client can send that header too, so it is believed only
as far as it was written by proxies we trust (``VOEK_TRUSTED_PROXIES``, ``voek-server
--trusted-proxy``; none by default, so the header is ignored). The client is the right-most
address of the chain ``X-Forwarded-For, REMOTE_ADDR`` that is not a trusted proxy — what
gunicorn's ``forwarded_allow_ips`` and werkzeug's ProxyFix rely on: each trusted proxy appends
the address it was connected from, so everything left of the first untrusted one came from the
client and may be forged.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable, Mapping
from typing import Any

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def trusted_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """Addresses and CIDR networks, each value comma-separated (``127.0.0.1, 10.0.0.0/8``);
    ValueError with a Russian message naming the bad one."""
    found: list[Network] = []
    for value in values:
        for item in value.split(","):
            item = item.strip()
            if not item:
                continue
            try:
                found.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                raise ValueError(
                    f"{item!r} — не IP-адрес и не сеть вида 10.0.0.0/8 или fd00::/8"
                ) from None
    return tuple(found)


def _address(text: str) -> Address | None:
    """An address as a proxy writes it: bare, or with a port (``1.2.3.4:5678``, ``[::1]:80``)."""
    text = text.strip()
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        found = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(found, ipaddress.IPv6Address) and found.ipv4_mapped is not None:
        return found.ipv4_mapped  # ::ffff:10.0.0.1 is 10.0.0.1, for the trusted list too
    return found


@functools.lru_cache(maxsize=4096)
def _peer(remote: str) -> str:
    """``REMOTE_ADDR`` as the client's address, no proxy trusted: parsed once per address
    (``ipaddress`` is a few µs, every request asks)."""
    peer = _address(remote)
    return str(peer) if peer is not None else remote


def _trusted(address: Address, trusted: tuple[Network, ...]) -> bool:
    return any(address.version == net.version and address in net for net in trusted)


def client_address(environ: Mapping[str, Any], trusted: tuple[Network, ...] = ()) -> str:
    """The client's address for per-address limits and the log (see the module doc)."""
    remote = str(environ.get("REMOTE_ADDR") or "")
    if not trusted:
        return _peer(remote)
    peer = _address(remote)
    if peer is None or not trusted or not _trusted(peer, trusted):
        return str(peer) if peer is not None else remote
    # Several X-Forwarded-For headers arrive joined by commas (RFC 9110 §5.3).
    chain = str(environ.get("HTTP_X_FORWARDED_FOR", "")).split(",")
    client = peer
    for text in reversed(chain):
        found = _address(text)
        if found is None:
            # Garbage written by the client, or by a proxy we trust: either way nothing to
            # its left can be believed; the last proxy that wrote a real address is the answer.
            break
        client = found
        if not _trusted(found, trusted):
            break
    return str(client)


def limit_key(client: str) -> str:
    """The key a per-address limit counts under: the address itself for IPv4, its /64 for
    IPv6 — one subscriber's line is given a whole /64 and can pick a new address in it for
    every request, so keying by the full address would give an attacker 2**64 fresh limits."""
    try:
        found = ipaddress.ip_address(client)
    except ValueError:
        return client
    if isinstance(found, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((found, 64), strict=False))
    return str(found)
