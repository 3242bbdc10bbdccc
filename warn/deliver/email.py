"""Email over SMTP (STARTTLS, implicit TLS, or plain for local relays): multipart text + HTML.

Immediate subscribers get one mail per alert; digest subscribers get one mail per digest
period (the outbox folds their alerts into a ``digest`` alert; rendering groups it).
The Message-ID is derived from the idempotency key, so a resend after a crash is
recognisable as the same message.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import TYPE_CHECKING

from warn.core.ratelimit import Rate
from warn.core.render import AlertView, email_content
from warn.deliver.base import Clock, utcnow
from warn.errors import DeliveryError

if TYPE_CHECKING:
    from warn.config import SmtpConfig

EMAIL_RATE = Rate(per_second=5.0, burst=20.0)


def build_message(
    view: AlertView, *, from_addr: str, to: list[str], idempotency_key: str, clock: Clock = utcnow
) -> EmailMessage:
    content = email_content(view)
    msg = EmailMessage()
    msg["Subject"] = content.subject
    msg["From"] = from_addr
    msg["To"] = ", ".join(to)
    msg["Date"] = format_datetime(clock())
    domain = from_addr.rpartition("@")[2] or "warn.invalid"
    msg["Message-ID"] = f"<{idempotency_key}@{domain}>"
    msg["X-Warn-Alert-Id"] = view.alert_id
    msg["X-Warn-Kind"] = view.kind
    msg.set_content(content.text)
    msg.add_alternative(content.html, subtype="html")
    return msg


class EmailChannel:
    kind = "email"

    def __init__(
        self,
        smtp: SmtpConfig,
        to: list[str],
        *,
        username: str | None = None,
        password: str | None = None,
        ssl_context: ssl.SSLContext | None = None,
        rate: Rate = EMAIL_RATE,
        clock: Clock = utcnow,
    ) -> None:
        if not to:
            raise ValueError("an email channel needs at least one recipient")
        self.smtp = smtp
        self.to = to
        self.username = username
        self.password = password
        self.ssl_context = ssl_context
        self.rate = rate
        self.clock = clock

    def _connect(self) -> smtplib.SMTP:
        timeout = self.smtp.timeout.total_seconds()
        context = self.ssl_context or ssl.create_default_context()
        if self.smtp.security == "tls":
            return smtplib.SMTP_SSL(
                self.smtp.host, self.smtp.port, timeout=timeout, context=context
            )
        conn = smtplib.SMTP(self.smtp.host, self.smtp.port, timeout=timeout)
        if self.smtp.security == "starttls":
            conn.starttls(context=context)
        return conn

    def send(self, view: AlertView, *, idempotency_key: str) -> None:
        msg = build_message(
            view,
            from_addr=self.smtp.from_addr,
            to=self.to,
            idempotency_key=idempotency_key,
            clock=self.clock,
        )
        try:
            with self._connect() as conn:
                if self.username and self.password:
                    conn.login(self.username, self.password)
                conn.send_message(msg)
        except smtplib.SMTPRecipientsRefused as e:
            codes = [code for code, _ in e.recipients.values()]
            raise DeliveryError(
                self.kind,
                f"all recipients refused: {codes}",
                retryable=any(400 <= c < 500 for c in codes),
            ) from e
        except smtplib.SMTPAuthenticationError as e:
            # fixable by an operator within the retry schedule; keep the alert until then
            raise DeliveryError(
                self.kind, f"SMTP login refused ({e.smtp_code})", status=e.smtp_code
            ) from e
        except smtplib.SMTPResponseException as e:
            raise DeliveryError(
                self.kind,
                f"SMTP {e.smtp_code}: {e.smtp_error!r}"[:300],
                retryable=e.smtp_code < 500,
                status=e.smtp_code,
            ) from e
        except (smtplib.SMTPException, OSError) as e:
            raise DeliveryError(self.kind, f"SMTP failed: {type(e).__name__}: {e}") from e


__all__ = ["EmailChannel", "build_message", "make_msgid"]
