"""Email delivery against a real aiosmtpd server in the test process (STARTTLS, TLS, AUTH)."""

from __future__ import annotations

import email
import email.policy
import ssl
import subprocess
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlmodel import Session, select

from tests.delivery_support import T0, seed, statuses, subscriber
from warn.config import SmtpConfig
from warn.deliver.email import EmailChannel
from warn.deliver.outbox import deliver_due, enqueue_alert
from warn.store.tables import Delivery, Feed, Item


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.rcpts: list[list[str]] = []
        self.refuse: str | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.messages.append(msg)  # type: ignore[arg-type]
        self.rcpts.append(list(envelope.rcpt_tos))
        return "250 Message accepted"


class PortZeroController(Controller):
    """aiosmtpd's Controller on 127.0.0.1 port 0 (it learns its port once bound)."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@pytest.fixture(scope="module")
def cert(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("tls")
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-keyout",
            str(d / "key.pem"),
            "-out",
            str(d / "cert.pem"),
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    return d


def server_tls(cert: Path) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert / "cert.pem", cert / "key.pem")
    return ctx


def client_tls(cert: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(cert / "cert.pem"))


def check_login(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        b"warn",
        b"s3cret",
    )
    return AuthResult(success=ok)


@pytest.fixture
def smtp_starttls(cert):
    inbox = Inbox()
    ctl = PortZeroController(
        inbox,
        hostname="127.0.0.1",
        port=0,
        tls_context=server_tls(cert),
        require_starttls=True,
        authenticator=check_login,
        auth_require_tls=True,
    )
    ctl.start()
    yield inbox, ctl.port
    ctl.stop()


@pytest.fixture
def smtp_plain():
    inbox = Inbox()
    ctl = PortZeroController(inbox, hostname="127.0.0.1", port=0)
    ctl.start()
    yield inbox, ctl.port
    ctl.stop()


def channel(port: int, security: str, cert: Path | None = None, **kw) -> EmailChannel:
    smtp = SmtpConfig(
        host="127.0.0.1", port=port, security=security, from_addr="alerts@warn.example"
    )  # type: ignore[arg-type]
    ctx = client_tls(cert) if cert else None
    return EmailChannel(smtp, ["desk@example.org", "lead@example.org"], ssl_context=ctx, **kw)


def test_immediate_mail_over_starttls_with_auth(sqlite_engine, smtp_starttls, cert):
    inbox, port = smtp_starttls
    sub = subscriber("desk", "email", max_per_hour=100)
    chan = channel(port, "starttls", cert, username="warn", password="s3cret")
    ids = seed(sqlite_engine, sub, 2)
    report = deliver_due(sqlite_engine, {"desk": chan}, [sub], now=T0)
    assert report.delivered == 2
    assert [m["X-Warn-Alert-Id"] for m in inbox.messages] == ids
    msg = inbox.messages[0]
    assert msg["Subject"] == "[warn] Risk 0.50: alert 0"
    assert msg["From"] == "alerts@warn.example"
    assert inbox.rcpts[0] == ["desk@example.org", "lead@example.org"]
    assert msg.get_content_type() == "multipart/alternative"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "Risk: 0.50" in text and "https://news.example.org/0" in text
    assert '<a href="https://news.example.org/0">alert 0</a>' in html
    with Session(sqlite_engine) as session:
        keys = [d.idempotency_key for d in session.exec(select(Delivery).order_by(Delivery.id))]
    assert msg["Message-ID"] == f"<{keys[0]}@warn.example>"


def test_implicit_tls(sqlite_engine, cert):
    inbox = Inbox()
    ctl = PortZeroController(inbox, hostname="127.0.0.1", port=0, ssl_context=server_tls(cert))
    ctl.start()
    try:
        sub = subscriber("desk", "email", max_per_hour=100)
        seed(sqlite_engine, sub, 1)
        report = deliver_due(sqlite_engine, {"desk": channel(ctl.port, "tls", cert)}, [sub], now=T0)
    finally:
        ctl.stop()
    assert report.delivered == 1 and len(inbox.messages) == 1


def test_refused_recipient_fails_for_good(sqlite_engine, smtp_plain):
    inbox, port = smtp_plain
    inbox.refuse = "550 5.1.1 no such mailbox"
    sub = subscriber("desk", "email", max_per_hour=100)
    seed(sqlite_engine, sub, 1)
    report = deliver_due(sqlite_engine, {"desk": channel(port, "none")}, [sub], now=T0)
    assert report.failed == 1 and statuses(sqlite_engine) == {"failed": 1}


def add_items(engine, rows: list[tuple[str, str, list[str], int]]) -> list[int]:
    """(title, feed, countries, hour published) -> item ids."""
    ids = []
    with Session(engine) as session:
        feeds: dict[str, Feed] = {}
        for i, (title, feed_name, countries, hour) in enumerate(rows):
            if feed_name not in feeds:
                feeds[feed_name] = Feed(name=feed_name, url=f"http://{feed_name}", config_url="x")
                session.add(feeds[feed_name])
                session.flush()
            item = Item(
                feed_id=feeds[feed_name].id,
                dedupe_key=str(i),
                title=title,
                content_hash=str(i),
                fetched_at=T0,
                published_at=T0.replace(hour=hour),
                countries=countries,
                link=f"https://n.example/{i}",
            )
            session.add(item)
            session.flush()
            ids.append(item.id)
        session.commit()
    return ids


def test_hourly_digest_groups_by_country_and_category_and_skips_empty(sqlite_engine, smtp_plain):
    inbox, port = smtp_plain
    sub = subscriber("desk", "email", mode="digest", digest="hourly", max_per_hour=2)
    chan = channel(port, "none")
    items = add_items(
        sqlite_engine,
        [
            ("Old shelling in Kharkiv", "wire", ["UA"], 8),
            ("New shelling in Kharkiv", "wire", ["UA"], 11),
            ("Journalists detained", "ngo", ["MM"], 10),
            ("Camp cleared", "ngo", ["SD"], 9),
        ],
    )
    cats = [
        {"mass_violence": 0.9},
        {"mass_violence": 0.8},
        {"defenders_press": 0.9},
        {"displacement": 0.7},
    ]
    with Session(sqlite_engine) as session:
        for item_id, c in zip(items, cats, strict=True):
            enqueue_alert(
                session,
                subscriber=sub,
                kind="item",
                now=T0 + timedelta(minutes=10),
                item_id=item_id,
                risk=0.7,
                categories=c,
                reasons=["shelling"],
            )
        session.commit()
    assert (
        deliver_due(sqlite_engine, {"desk": chan}, [sub], now=T0 + timedelta(minutes=30)).delivered
        == 0
    )
    report = deliver_due(sqlite_engine, {"desk": chan}, [sub], now=T0 + timedelta(hours=1))
    assert report.delivered == 1 and report.summaries == 1 and report.folded == 0
    (msg,) = inbox.messages
    assert msg["Subject"] == "[warn] Digest: 4 alerts"
    assert msg["X-Warn-Kind"] == "digest"
    text = msg.get_body(("plain",)).get_content()
    order = [
        "== MM · defenders press (1) ==",
        "== SD · displacement (1) ==",
        "== UA · mass violence (2) ==",
    ]
    assert [text.index(h) for h in order] == sorted(text.index(h) for h in order)
    assert text.index("New shelling") < text.index("Old shelling")
    html = msg.get_body(("html",)).get_content()
    assert "<h3>UA · mass violence (2)</h3>" in html
    # the next hour has nothing: no empty digest
    assert (
        deliver_due(sqlite_engine, {"desk": chan}, [sub], now=T0 + timedelta(hours=2)).delivered
        == 0
    )
    assert len(inbox.messages) == 1
    assert statuses(sqlite_engine) == {"folded": 4, "delivered": 1}
