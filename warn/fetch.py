"""Fetch one feed over HTTP within hard limits: the edge where httpx lives.

Every fetch is bounded (see docs/fetching.md):

* time: connect and read timeouts per socket operation, and an overall ``deadline`` enforced
  by a watchdog that shuts the socket down, so a server dripping one byte a second cannot hold
  a worker past the deadline, not even while sending headers;
* size: ``max_bytes`` counted on the *decompressed* body; warn asks for gzip/deflate only and
  inflates the raw stream itself in bounded steps, so a gzip bomb stops at the cap;
* redirects: followed here (the client must have ``follow_redirects=False``), at most
  ``max_redirects``, and a loop is reported as one;
* addresses: only http and https; each hop's host is resolved once (the resolver is injectable),
  every address is checked against the blocked ranges, and the connection is *pinned* to the
  checked address (URL rewritten to the IP, ``Host`` header and TLS SNI keep the name), so a
  second DNS answer cannot send the request elsewhere (DNS rebinding).

A hit limit raises ``FetchError`` with ``limit`` set to the config key's name.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import socket
import threading
import time
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from warn.config import FetchConfig
from warn.errors import FetchError

Resolver = Callable[[str], list[str]]
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

REDIRECTS = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})
_CHUNK = 64 * 1024
_MAX_AGE = re.compile(r"(?:^|[,\s])max-age\s*=\s*\"?(\d+)", re.IGNORECASE)


@dataclass(frozen=True)
class FetchRequest:
    url: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class FetchResponse:
    url: str  # the final URL, after redirects
    status: int
    body: bytes
    headers: Mapping[str, str]  # lower-case names
    etag: str | None
    last_modified: str | None
    permanent_url: str | None  # set when every hop was a permanent redirect (301/308)
    retry_after: timedelta | None
    max_age: timedelta | None
    elapsed: float

    @property
    def not_modified(self) -> bool:
        return self.status == 304


# --- addresses -----------------------------------------------------------------------------


def system_resolve(host: str) -> list[str]:
    """Every address ``host`` resolves to (IP literals resolve to themselves)."""
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def parse_networks(networks: Sequence[str]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(n, strict=False) for n in networks)


def refused_reason(ip: str, allowed: Sequence[IPNetwork] = ()) -> str | None:
    """Why warn will not connect to ``ip`` (e.g. "loopback"), or None when it may."""
    addr: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(
        ip.split("%", maxsplit=1)[0]
    )
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    if any(addr in net for net in allowed):
        return None
    for reason, flag in (
        ("loopback", addr.is_loopback),
        ("link-local or cloud metadata", addr.is_link_local),
        ("private", addr.is_private),
        ("multicast", addr.is_multicast),
        ("unspecified", addr.is_unspecified),
        ("non-public", not addr.is_global),
    ):
        if flag:
            return reason
    return None


def pin_url(url: httpx.URL, resolve: Resolver, allowed: Sequence[IPNetwork]) -> httpx.URL:
    """Check the URL and its host's addresses; return the URL rewritten to a checked address."""
    if url.scheme not in ("http", "https"):
        raise FetchError(
            str(url), f"only http and https URLs are fetched, not {url.scheme!r}", retryable=False
        )
    host = url.host
    if not host:
        raise FetchError(str(url), "the URL has no host", retryable=False)
    try:
        addresses = resolve(host)
    except (OSError, UnicodeError) as e:
        raise FetchError(str(url), f"cannot resolve host {host!r}: {e}") from e
    if not addresses:
        raise FetchError(str(url), f"host {host!r} resolves to no address")
    for ip in addresses:
        reason = refused_reason(ip, allowed)
        if reason:
            raise FetchError(
                str(url),
                f"refused: {host} resolves to {ip}, a {reason} address; if this feed is "
                "internal, add its network to [service] allow_networks",
                retryable=False,
                limit="allow_networks",
            )
    return url.copy_with(host=addresses[0])


# --- the deadline watchdog -------------------------------------------------------------------


class _Deadline:
    """Counts down the whole fetch; at zero it shuts down the sockets it was shown."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.hit = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        return self.end - time.monotonic()

    def trace(self, name: str, info: Mapping[str, Any]) -> None:
        """httpcore trace hook: remember each new connection's socket."""
        if name != "connection.connect_tcp.complete":
            return
        sock = info["return_value"].get_extra_info("socket")
        if isinstance(sock, socket.socket):
            with self._lock:
                self._sockets.append(sock)
                if self.hit:
                    _shutdown(sock)

    def _fire(self) -> None:
        with self._lock:
            self.hit = True
            for sock in self._sockets:
                _shutdown(sock)

    def expired(self) -> bool:
        return self.hit or self.remaining() <= 0

    def check(self, url: str) -> None:
        if self.expired():
            raise self.error(url)

    def error(self, url: str) -> FetchError:
        return FetchError(url, f"gave up after the {self.seconds:g}s deadline", limit="deadline")

    def cancel(self) -> None:
        self._timer.cancel()


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed
        sock.shutdown(socket.SHUT_RDWR)


# --- bounded decompression -------------------------------------------------------------------


class _Identity:
    def feed(self, data: bytes) -> Iterator[bytes]:
        yield data

    def flush(self) -> bytes:
        return b""


class _Inflate:
    """gzip or zlib-wrapped deflate, inflated at most ``_CHUNK`` bytes per step."""

    def __init__(self) -> None:
        self._z = zlib.decompressobj(wbits=47)  # 32 + 15: detect gzip or zlib header

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data and not self._z.eof:
            out = self._z.decompress(data, _CHUNK)
            data = self._z.unconsumed_tail
            if not out and not data:
                return
            yield out

    def flush(self) -> bytes:
        return b"" if self._z.eof else self._z.flush()


def _decoder(url: str, encoding: str) -> _Identity | _Inflate:
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return _Identity()
    if encoding in ("gzip", "x-gzip", "deflate"):
        return _Inflate()
    raise FetchError(url, f"the server used Content-Encoding {encoding!r}; warn asked for gzip")


def _read_body(
    response: httpx.Response, url: str, limits: FetchConfig, deadline: _Deadline
) -> bytes:
    encoding = response.headers.get("content-encoding", "")
    decoder = _decoder(url, encoding)
    declared = response.headers.get("content-length", "")
    if isinstance(decoder, _Identity) and declared.isdigit() and int(declared) > limits.max_bytes:
        raise _too_big(url, limits.max_bytes, f"it announces {int(declared):,} bytes")
    body = bytearray()
    try:
        for raw in response.iter_raw(_CHUNK):
            deadline.check(url)
            for piece in decoder.feed(raw):
                body += piece
                if len(body) > limits.max_bytes:
                    raise _too_big(url, limits.max_bytes, "counted after decompression")
        body += decoder.flush()
    except zlib.error as e:
        raise FetchError(url, f"the body is not valid {encoding} ({e})") from e
    if len(body) > limits.max_bytes:
        raise _too_big(url, limits.max_bytes, "counted after decompression")
    return bytes(body)


def _too_big(url: str, cap: int, detail: str) -> FetchError:
    return FetchError(
        url, f"the body is larger than max_bytes = {cap:,} ({detail})", limit="max_bytes"
    )


# --- headers ---------------------------------------------------------------------------------


def parse_retry_after(value: str | None, now: datetime) -> timedelta | None:
    """Retry-After as seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return timedelta(seconds=int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(when - now, timedelta(0))


def parse_max_age(value: str | None) -> timedelta | None:
    match = _MAX_AGE.search(value or "")
    return timedelta(seconds=int(match.group(1))) if match else None


# --- the fetch -------------------------------------------------------------------------------


def fetch_feed(
    client: httpx.Client,
    request: FetchRequest,
    limits: FetchConfig,
    *,
    allow_networks: Sequence[str] = (),
    resolve: Resolver | None = None,
) -> FetchResponse:
    """GET one feed (conditionally), following redirects ourselves; raise FetchError."""
    fetch = _Fetch(
        client, request, limits, parse_networks(allow_networks), resolve or system_resolve
    )
    try:
        return fetch.run()
    finally:
        fetch.deadline.cancel()


class _Fetch:
    """One fetch in progress: its limits, deadline and the hops taken so far."""

    def __init__(
        self,
        client: httpx.Client,
        request: FetchRequest,
        limits: FetchConfig,
        allowed: Sequence[IPNetwork],
        resolve: Resolver,
    ) -> None:
        self.client = client
        self.request = request
        self.limits = limits
        self.allowed = allowed
        self.resolve = resolve
        self.started = time.monotonic()
        self.deadline = _Deadline(limits.deadline.total_seconds())

    def run(self) -> FetchResponse:
        try:
            url = httpx.URL(self.request.url)
        except httpx.InvalidURL as e:
            raise FetchError(self.request.url, f"not a valid URL: {e}", retryable=False) from e
        seen = {str(url)}
        permanent = True
        hops = 0
        while True:
            response = self.send(url)
            try:
                if response.status_code not in REDIRECTS:
                    moved = str(url) if hops and permanent else None
                    return self.finish(response, str(url), permanent_url=moved)
                location = response.headers.get("location")
            finally:
                response.close()
            status = response.status_code
            if not location:
                raise FetchError(
                    str(url), f"redirect {status} without a Location header", status=status
                )
            hops += 1
            target = url.join(location)
            if str(target) in seen:
                raise FetchError(
                    str(url),
                    f"redirect loop: {url} leads back to {target}",
                    status=status,
                    retryable=False,
                    limit="max_redirects",
                )
            if hops > self.limits.max_redirects:
                raise FetchError(
                    str(url),
                    f"more than max_redirects = {self.limits.max_redirects} redirects",
                    status=status,
                    retryable=False,
                    limit="max_redirects",
                )
            permanent = permanent and status in PERMANENT_REDIRECTS
            seen.add(str(target))
            url = target

    def send(self, url: httpx.URL) -> httpx.Response:
        self.deadline.check(str(url))
        pinned = pin_url(url, self.resolve, self.allowed)
        headers = {
            "Host": url.netloc.decode("ascii"),
            "Accept": "application/rss+xml, application/atom+xml, application/rdf+xml, "
            "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5",
            "Accept-Encoding": "gzip, deflate",
            "Connection": "close",  # a fresh socket per fetch, so the watchdog can reach it
        }
        if self.request.etag:
            headers["If-None-Match"] = self.request.etag
        if self.request.last_modified:
            headers["If-Modified-Since"] = self.request.last_modified
        remaining = max(self.deadline.remaining(), 0.01)
        timeout = httpx.Timeout(
            min(self.limits.read_timeout.total_seconds(), remaining),
            connect=min(self.limits.connect_timeout.total_seconds(), remaining),
        )
        extensions = {"trace": self.deadline.trace, "sni_hostname": url.host}
        built = self.client.build_request(
            "GET", pinned, headers=headers, timeout=timeout, extensions=extensions
        )
        try:
            return self.client.send(built, stream=True)
        except httpx.HTTPError as e:
            raise self.translate(e, str(url)) from e

    def translate(self, e: httpx.HTTPError, url: str) -> FetchError:
        limits = self.limits
        if self.deadline.expired():
            return self.deadline.error(url)
        if isinstance(e, httpx.ConnectTimeout):
            return FetchError(
                url,
                f"no connection within connect_timeout = {limits.connect_timeout}",
                limit="connect_timeout",
            )
        if isinstance(e, httpx.TimeoutException):
            return FetchError(
                url,
                f"the server sent nothing for read_timeout = {limits.read_timeout}",
                limit="read_timeout",
            )
        if isinstance(e, httpx.UnsupportedProtocol | httpx.InvalidURL):
            return FetchError(url, f"cannot fetch this URL: {e}", retryable=False)
        return FetchError(url, f"connection failed: {type(e).__name__}: {e or 'no detail'}")

    def finish(
        self, response: httpx.Response, url: str, *, permanent_url: str | None
    ) -> FetchResponse:
        status = response.status_code
        retry_after = parse_retry_after(response.headers.get("retry-after"), datetime.now(UTC))
        if status == 304:
            body = b""
        elif 200 <= status < 300:
            try:
                body = _read_body(response, url, self.limits, self.deadline)
            except httpx.HTTPError as e:
                raise self.translate(e, url) from e
        else:
            raise _status_error(url, status, retry_after)
        old = self.request
        return FetchResponse(
            url=url,
            status=status,
            body=body,
            headers={k.lower(): v for k, v in response.headers.items()},
            etag=response.headers.get("etag") or (old.etag if status == 304 else None),
            last_modified=response.headers.get("last-modified")
            or (old.last_modified if status == 304 else None),
            permanent_url=permanent_url,
            retry_after=retry_after,
            max_age=parse_max_age(response.headers.get("cache-control")),
            elapsed=time.monotonic() - self.started,
        )


def _status_error(url: str, status: int, retry_after: timedelta | None) -> FetchError:
    if status == 410:
        return FetchError(
            url,
            "410 Gone: the publisher removed this feed; delete it from feeds.toml",
            status=status,
            retryable=False,
        )
    if status == 429 or status >= 500:
        return FetchError(
            url, f"the server answered {status}; will retry", status=status, retry_after=retry_after
        )
    return FetchError(
        url,
        f"the server answered {status}",
        status=status,
        retryable=False,
        retry_after=retry_after,
    )


# --- many fetches at once ----------------------------------------------------------------------


class HostLimiter:
    """At most ``total`` fetches at once, and at most ``per_host`` per host name."""

    def __init__(self, total: int, per_host: int) -> None:
        self._total = threading.BoundedSemaphore(total)
        self._per_host: defaultdict[str, threading.BoundedSemaphore] = defaultdict(
            lambda: threading.BoundedSemaphore(per_host)
        )
        self._lock = threading.Lock()

    @contextmanager
    def slot(self, url: str) -> Iterator[None]:
        try:
            host = (httpx.URL(url).host or "").lower()
        except httpx.InvalidURL as e:
            raise FetchError(url, f"not a valid URL: {e}", retryable=False) from e
        with self._lock:
            host_sem = self._per_host[host]
        with host_sem, self._total:
            yield


def fetch_all(
    client: httpx.Client,
    requests: Sequence[FetchRequest],
    limits: FetchConfig,
    *,
    max_concurrency: int,
    per_host_concurrency: int,
    allow_networks: Sequence[str] = (),
    resolve: Resolver | None = None,
) -> list[FetchResponse | FetchError]:
    """Fetch many feeds on worker threads; one result (response or error) per request, in order."""
    limiter = HostLimiter(max_concurrency, per_host_concurrency)

    def one(req: FetchRequest) -> FetchResponse | FetchError:
        try:
            with limiter.slot(req.url):
                return fetch_feed(
                    client, req, limits, allow_networks=allow_networks, resolve=resolve
                )
        except FetchError as e:
            return e

    with ThreadPoolExecutor(max_workers=max_concurrency, thread_name_prefix="fetch") as pool:
        return list(pool.map(one, requests))
