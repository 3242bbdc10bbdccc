"""Typed model of ``feeds.toml``, the analysts' interface.

Every key has a default and help text (``Field(description=...)``); unknown keys are errors.
Nothing here reads files or the environment at import time: ``load_config`` is called once
by the CLI and the result passed down.  Secrets are written as ``${VAR}`` and resolved by
``resolve_subscribers`` against an environment mapping handed in by the caller.
"""

from __future__ import annotations

import ipaddress
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from warn.errors import ConfigError
from warn.types import CATEGORIES

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def parse_duration(value: Any) -> timedelta:
    """'90s', '15m', '2h', '1d' (or a number of seconds) -> timedelta."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
    else:
        match = _DURATION.match(str(value))
        if not match:
            raise ValueError(
                f"{value!r} is not a duration; write it like '30s', '15m', '2h' or '1d'"
            )
        seconds = float(match.group(1)) * _UNITS[match.group(2)]
    if seconds <= 0:
        raise ValueError(f"{value!r} must be longer than zero")
    return timedelta(seconds=seconds)


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]
Probability = Annotated[float, Field(ge=0.0, le=1.0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ServiceConfig(_Strict):
    database_url: str = Field(
        "sqlite:///warn.db",
        description="SQLAlchemy URL of the database; WARN_DATABASE_URL overrides it.",
    )
    tick: Duration = Field(
        timedelta(seconds=30), description="How often the scheduler looks for feeds due a poll."
    )
    delivery_tick: Duration = Field(
        timedelta(seconds=5), description="How often the delivery worker drains the outbox."
    )
    max_concurrency: int = Field(16, ge=1, le=256, description="Feeds fetched at once, in all.")
    per_host_concurrency: int = Field(2, ge=1, le=32, description="Feeds fetched at once per host.")
    user_agent: str = Field(
        "warn/{version} (+https://github.com/warn-project/warn; atrocity early warning)",
        description="User-Agent sent with every request; {version} is filled in.",
    )
    allow_networks: list[str] = Field(
        default_factory=list,
        description="CIDR networks a feed URL may resolve into although they are private, "
        "loopback or link-local (for internal feeds and tests), e.g. ['127.0.0.0/8'].",
    )
    model: str | None = Field(
        None, description="Path of a classifier artifact (.skops); empty means the shipped model."
    )
    public_url: str | None = Field(
        None, description="Public base URL of this service, for WebSub callbacks; empty: no push."
    )
    websub_listen: str = Field(
        "127.0.0.1:8086",
        description="host:port the WebSub callback server binds when public_url is set "
        "(put a reverse proxy that public_url points at in front of it).",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", description="Logging level."
    )

    @model_validator(mode="after")
    def _check_networks(self) -> ServiceConfig:
        for i, net in enumerate(self.allow_networks):
            try:
                ipaddress.ip_network(net, strict=False)
            except ValueError as e:
                raise ValueError(f"allow_networks[{i}]: {net!r} is not a CIDR network ({e})") from e
        return self

    @field_validator("websub_listen")
    @classmethod
    def _check_listen(cls, value: str) -> str:
        host, _, port = value.rpartition(":")
        if not host or not port.isdigit() or int(port) > 65535:
            raise ValueError(f"{value!r} is not host:port, e.g. '127.0.0.1:8086'")
        return value


class FetchConfig(_Strict):
    connect_timeout: Duration = Field(timedelta(seconds=10), description="TCP/TLS connect timeout.")
    read_timeout: Duration = Field(
        timedelta(seconds=20), description="Longest wait for the next bytes of a response."
    )
    deadline: Duration = Field(
        timedelta(seconds=60), description="Longest a whole fetch may take, redirects included."
    )
    max_bytes: int = Field(
        10_000_000, ge=1024, description="Largest body accepted, counted after decompression."
    )
    max_redirects: int = Field(5, ge=0, le=20, description="Redirects followed per fetch.")
    max_entries: int = Field(500, ge=1, description="Entries read per feed; the rest are dropped.")
    max_entry_chars: int = Field(
        20_000, ge=100, description="Characters kept per entry summary; longer ones are cut."
    )
    jitter: float = Field(
        0.1,
        ge=0.0,
        le=0.5,
        description="Poll times are spread by up to this fraction of the interval.",
    )
    backoff_cap: Duration = Field(
        timedelta(hours=6), description="Longest wait between polls of a failing feed."
    )
    min_interval: Duration = Field(
        timedelta(minutes=5), description="No feed is polled more often than this."
    )


class HealthConfig(_Strict):
    failing_after: Duration = Field(
        timedelta(hours=12),
        description="A feed failing this long sends a source-health alert to subscribers "
        "with health_alerts = true.",
    )
    silent_factor: float = Field(
        3.0,
        gt=1.0,
        description="A feed with no new item for this many times its expected cadence is 'silent'.",
    )


class ThresholdsConfig(_Strict):
    min_risk: Probability | None = Field(
        None,
        description="Default overall risk threshold for subscribers that set none; empty: the "
        "threshold recommended with the model in use (see classifiers/MODEL_CARD.md).",
    )
    categories: dict[str, Probability] = Field(
        default_factory=dict, description="Default per-category thresholds."
    )

    @field_validator("categories")
    @classmethod
    def _known(cls, categories: dict[str, float]) -> dict[str, float]:
        _check_categories(categories)
        return categories


class SmtpConfig(_Strict):
    host: str = Field("localhost", description="SMTP server host.")
    port: int = Field(587, ge=1, le=65535, description="SMTP server port.")
    security: Literal["starttls", "tls", "none"] = Field(
        "starttls", description="starttls (port 587), tls (port 465) or none (local relays only)."
    )
    username: str | None = Field(None, description="Login, e.g. '${SMTP_USER}'.")
    password: str | None = Field(None, description="Password, e.g. '${SMTP_PASSWORD}'.")
    from_addr: str = Field("warn@localhost", description="From: address of alert emails.")
    timeout: Duration = Field(timedelta(seconds=30), description="SMTP connection timeout.")


class FeedConfig(_Strict):
    name: str = Field(min_length=1, description="Unique name shown in alerts.")
    url: str = Field(description="RSS or Atom URL (http or https).")
    interval: Duration = Field(timedelta(minutes=15), description="How often to poll.")
    tags: list[str] = Field(default_factory=list, description="Free labels for routing.")
    enabled: bool = Field(True, description="false keeps the feed's history but stops polling.")
    expected_cadence: Duration | None = Field(
        None, description="How often the feed normally publishes; used to notice silence."
    )
    language: str | None = Field(None, description="Language of the feed if it does not say.")
    country: str | None = Field(
        None, description="ISO 3166 alpha-2 code if the feed covers one country."
    )

    @field_validator("url")
    @classmethod
    def _http_only(cls, url: str) -> str:
        if not re.match(r"^https?://[^/\s]+", url):
            raise ValueError(f"{url!r} must start with http:// or https://")
        return url


class SubscriberConfig(_Strict):
    name: str = Field(min_length=1, description="Unique subscriber name.")
    channel: Literal["webhook", "slack", "email"] = Field(description="webhook, slack or email.")
    url: str | None = Field(
        None, description="Webhook or Slack incoming-webhook URL, e.g. '${SLACK_WEBHOOK_URL}'."
    )
    secret: str | None = Field(
        None,
        description="Standard Webhooks signing secret ('whsec_...'), e.g. '${WEBHOOK_SECRET}'.",
    )
    to: list[str] = Field(default_factory=list, description="Email recipients.")
    mode: Literal["immediate", "digest"] = Field(
        "immediate", description="Email: one mail per alert, or digests."
    )
    digest: Literal["hourly", "daily"] = Field("daily", description="Email digest period.")
    digest_at: str = Field("08:00", description="Email: local time of the daily digest (HH:MM).")
    timezone: str = Field("UTC", description="IANA time zone for digest_at, e.g. 'Europe/Zurich'.")
    min_risk: Probability | None = Field(
        None, description="Overall risk threshold; empty uses [thresholds] min_risk."
    )
    categories: dict[str, Probability] = Field(
        default_factory=dict,
        description="Per-category thresholds; crossing any of them also alerts.",
    )
    countries: list[str] = Field(
        default_factory=list,
        description="Only items about these ISO alpha-2 countries; empty: all.",
    )
    feeds: list[str] = Field(
        default_factory=list, description="Only items from these feeds; empty: all."
    )
    tags: list[str] = Field(
        default_factory=list,
        description="Only items from feeds with one of these tags; empty: all.",
    )
    max_per_hour: int = Field(
        30, ge=1, description="Messages per hour at most; the overflow is folded into summaries."
    )
    health_alerts: bool = Field(False, description="Also receive source-health alerts.")
    enabled: bool = Field(True, description="false stops alerts to this subscriber.")

    @field_validator("categories")
    @classmethod
    def _known(cls, categories: dict[str, float]) -> dict[str, float]:
        _check_categories(categories)
        return categories

    @field_validator("digest_at")
    @classmethod
    def _clock_time(cls, value: str) -> str:
        if not re.match(r"^([01]?\d|2[0-3]):[0-5]\d$", value):
            raise ValueError(f"{value!r} must be a time of day as HH:MM")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as e:
            raise ValueError(
                f"{value!r} is not an IANA time zone; write it like 'UTC' or 'Europe/Zurich'"
            ) from e
        return value

    @model_validator(mode="after")
    def _channel_fields(self) -> SubscriberConfig:
        if self.channel in ("webhook", "slack") and not self.url:
            raise ValueError(f"a {self.channel} subscriber needs url = '...'")
        if self.channel == "email" and not self.to:
            raise ValueError("an email subscriber needs to = ['someone@example.org']")
        return self


class Config(_Strict):
    service: ServiceConfig = Field(default_factory=ServiceConfig)  # type: ignore[arg-type]
    fetch: FetchConfig = Field(default_factory=FetchConfig)  # type: ignore[arg-type]
    health: HealthConfig = Field(default_factory=HealthConfig)  # type: ignore[arg-type]
    thresholds: ThresholdsConfig = Field(default_factory=ThresholdsConfig)  # type: ignore[arg-type]
    smtp: SmtpConfig = Field(default_factory=SmtpConfig)  # type: ignore[arg-type]
    feeds: list[FeedConfig] = Field(default_factory=list)
    subscribers: list[SubscriberConfig] = Field(default_factory=list)

    @model_validator(mode="after")
    def _feed_references(self) -> Config:
        known = {f.name for f in self.feeds}
        for s in self.subscribers:
            missing = [f for f in s.feeds if f not in known]
            if missing:
                raise ValueError(f"subscriber {s.name!r} names unknown feeds: {', '.join(missing)}")
        return self

    def feed(self, name: str) -> FeedConfig:
        return next(f for f in self.feeds if f.name == name)


def _check_categories(categories: Mapping[str, float]) -> None:
    unknown = sorted(set(categories) - set(CATEGORIES))
    if unknown:
        raise ValueError(
            f"unknown categories {', '.join(unknown)}; use some of: {', '.join(CATEGORIES)}"
        )


def _loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _describe(err: Mapping[str, Any]) -> str:
    where = _loc(tuple(err["loc"]))
    if err["type"] == "extra_forbidden":
        return f"{where}: unknown key; remove it or check its spelling (see docs/configuration.md)"
    if err["type"] == "missing":
        return f"{where}: required key is missing; add it"
    msg = str(err["msg"]).removeprefix("Value error, ")
    return f"{where}: {msg}"


def _duplicate_names(data: Mapping[str, Any]) -> list[str]:
    """Checked on the raw data so that they are reported even beside other errors."""
    problems = []
    for kind in ("feeds", "subscribers"):
        entries = data.get(kind)
        if not isinstance(entries, list):
            continue
        names = [e.get("name") for e in entries if isinstance(e, dict) and e.get("name")]
        dupes = sorted({str(n) for n in names if names.count(n) > 1})
        if dupes:
            problems.append(f"{kind}: names must be unique; rename the repeated {', '.join(dupes)}")
    return problems


def parse_config(data: Mapping[str, Any], *, source: str = "<config>") -> Config:
    """Validate a parsed TOML mapping; raise ConfigError listing every problem."""
    problems = _duplicate_names(data)
    try:
        config = Config.model_validate(data)
    except ValidationError as e:
        problems = [_describe(err) for err in e.errors()] + problems
    if problems:
        raise ConfigError(
            f"{source}: {len(problems)} problem(s)\n  " + "\n  ".join(problems),
            problems=problems,
            path=source,
        )
    return config


def load_config(path: Path, environ: Mapping[str, str] | None = None) -> Config:
    """Read and validate a config file; WARN_DATABASE_URL in ``environ`` overrides the database."""
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as e:
        raise ConfigError(
            f"{path}: cannot read the config file ({e.strerror}); "
            "pass --config FILE or set WARN_CONFIG",
            path=str(path),
        ) from e
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}", path=str(path)) from e
    config = parse_config(data, source=str(path))
    override = (environ or {}).get("WARN_DATABASE_URL")
    if override:
        service = config.service.model_copy(update={"database_url": override})
        config = config.model_copy(update={"service": service})
    return config


@dataclass(frozen=True)
class ResolvedSubscribers:
    """Subscribers whose ``${VAR}`` references could all be filled in; why the others were not."""

    active: tuple[SubscriberConfig, ...]
    skipped: tuple[str, ...]


def expand_env(value: str, environ: Mapping[str, str]) -> tuple[str, list[str]]:
    """Fill ``${VAR}`` references; return the text and the names that were unset or empty."""
    missing = [name for name in _ENV_REF.findall(value) if not environ.get(name)]
    return _ENV_REF.sub(lambda m: environ.get(m.group(1), ""), value), missing


def resolve_subscribers(config: Config, environ: Mapping[str, str]) -> ResolvedSubscribers:
    active: list[SubscriberConfig] = []
    skipped: list[str] = []
    for sub in config.subscribers:
        if not sub.enabled:
            continue
        updates: dict[str, Any] = {}
        missing: list[str] = []
        for key in ("url", "secret"):
            value = getattr(sub, key)
            if value:
                updates[key], gone = expand_env(value, environ)
                missing += gone
        to = []
        for addr in sub.to:
            filled, gone = expand_env(addr, environ)
            to.append(filled)
            missing += gone
        updates["to"] = to
        if missing:
            names = sorted(set(missing))
            listed = ", ".join(f"${{{n}}}" for n in names)
            what = "variable" if len(names) == 1 else "variables"
            skipped.append(
                f"subscriber {sub.name!r} skipped: environment {what} {listed} not set; "
                f"set {'it' if len(names) == 1 else 'them'} and restart to enable this subscriber"
            )
            continue
        active.append(sub.model_copy(update=updates))
    return ResolvedSubscribers(tuple(active), tuple(skipped))


def smtp_credentials(smtp: SmtpConfig, environ: Mapping[str, str]) -> tuple[str | None, str | None]:
    """The SMTP username and password with ``${VAR}`` filled in (None where unset)."""
    user = expand_env(smtp.username, environ)[0] if smtp.username else None
    password = expand_env(smtp.password, environ)[0] if smtp.password else None
    return user or None, password or None


def config_reference() -> str:
    """A Markdown table of every key, its default and its help text (docs/configuration.md)."""
    sections: list[tuple[str, type[BaseModel]]] = [
        ("[service]", ServiceConfig),
        ("[fetch]", FetchConfig),
        ("[health]", HealthConfig),
        ("[thresholds]", ThresholdsConfig),
        ("[smtp]", SmtpConfig),
        ("[[feeds]]", FeedConfig),
        ("[[subscribers]]", SubscriberConfig),
    ]
    out = []
    for title, model in sections:
        out += [f"### `{title}`", "", "| key | default | meaning |", "|---|---|---|"]
        for name, info in model.model_fields.items():
            default = (
                info.get_default(call_default_factory=True) if not info.is_required() else None
            )
            shown = "required" if info.is_required() else _show_default(default)
            out.append(f"| `{name}` | {shown} | {info.description or ''} |")
        out.append("")
    return "\n".join(out)


def _show_default(value: Any) -> str:
    if isinstance(value, timedelta):
        seconds = int(value.total_seconds())
        for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
            if seconds % size == 0:
                return f'`"{seconds // size}{unit}"`'
        return f'`"{seconds}s"`'
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, str):
        return f'`"{value}"`'
    return f"`{value!r}`"
