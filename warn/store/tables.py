"""SQLModel tables.  Alembic owns the schema: change a table here, then add a migration
(``alembic revision --autogenerate``); tests/integration/test_migrations.py fails on drift.

Every timestamp is stored as UTC (``UTCDateTime``) and read back timezone-aware.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Dialect, Index, UniqueConstraint
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always UTC-aware in Python, whatever the database keeps."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use UTC-aware datetimes")
        value = value.astimezone(UTC)
        return value if dialect.name == "postgresql" else value.replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _ts(nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


def _json(default: Any) -> Any:
    return Field(default_factory=type(default), sa_column=Column(JSON, nullable=False))


# --- feeds and items (fetch / pipeline) -------------------------------------------------


class Feed(SQLModel, table=True):
    """One configured feed and its schedule state (the schedule is data, not scheduler jobs)."""

    __tablename__ = "feeds"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    url: str  # current URL: a permanent redirect updates it
    config_url: str  # URL as written in feeds.toml; a change there resets ``url``
    tags: list[str] = _json([])
    interval_seconds: int = 900
    enabled: bool = True
    status: str = "new"  # new | ok | failing | silent | retired
    etag: str | None = None
    last_modified: str | None = None
    next_poll_at: datetime | None = _ts(index=True)
    last_polled_at: datetime | None = _ts()
    last_success_at: datetime | None = _ts()
    last_new_item_at: datetime | None = _ts()
    failing_since: datetime | None = _ts()
    failure_count: int = 0
    last_error: str | None = None
    last_status_code: int | None = None
    health_alert_open: bool = False  # a source-health alert went out; a recovery notice is owed
    websub_hub: str | None = None
    websub_topic: str | None = None
    websub_secret: str | None = None
    websub_expires_at: datetime | None = _ts()
    created_at: datetime | None = _ts()


class Item(SQLModel, table=True):
    """One cleaned entry, stored once per feed (by guid, else canonical link)."""

    __tablename__ = "items"
    __table_args__ = (UniqueConstraint("feed_id", "dedupe_key", name="uq_items_feed_key"),)

    id: int | None = Field(default=None, primary_key=True)
    feed_id: int = Field(foreign_key="feeds.id", index=True)
    dedupe_key: str
    guid: str | None = None
    link: str | None = None
    title: str
    summary: str = ""
    published_at: datetime | None = _ts(index=True)
    fetched_at: datetime | None = _ts(nullable=False)
    content_hash: str = Field(index=True)
    language: str | None = None
    countries: list[str] = _json([])


class Assessment(SQLModel, table=True):
    """The classifier's scores for one item under one model version."""

    __tablename__ = "assessments"
    __table_args__ = (
        UniqueConstraint("item_id", "model_version", name="uq_assessments_item_model"),
    )

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="items.id", index=True)
    model_version: str
    risk: float = Field(index=True)
    categories: dict[str, float] = _json({})
    reasons: list[dict[str, Any]] = _json([])  # [{"phrase", "category", "weight"}]
    created_at: datetime | None = _ts(nullable=False)


# --- alerts and delivery (outbox) --------------------------------------------------------


class Alert(SQLModel, table=True):
    """A decision to tell one subscriber about something; created in the same transaction
    as the assessment that caused it, together with its deliveries (the outbox)."""

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("subscriber", "item_id", "kind", name="uq_alerts_subscriber_item_kind"),
        Index("ix_alerts_created", "created_at"),
    )

    id: str = Field(primary_key=True)  # the public alert_id (UUID4 text)
    kind: str = "item"  # item | summary | health | recovery | test
    subscriber: str = Field(index=True)
    item_id: int | None = Field(default=None, foreign_key="items.id", index=True)
    feed_id: int | None = Field(default=None, foreign_key="feeds.id")
    risk: float = 0.0
    categories: dict[str, float] = _json({})
    reasons: list[str] = _json([])
    triggered_by: list[str] = _json([])
    title: str = ""
    link: str | None = None
    # snapshot of the item at decision time, so rendering never needs the items table
    feed: str | None = None
    published_at: datetime | None = _ts()
    countries: list[str] = _json([])
    body: dict[str, Any] = _json({})  # extra content for summary / health alerts
    created_at: datetime | None = _ts(nullable=False)


class Delivery(SQLModel, table=True):
    """One alert on its way to one destination; the outbox row the worker drains."""

    __tablename__ = "deliveries"
    __table_args__ = (
        Index("ix_deliveries_due", "status", "next_attempt_at"),
        Index("ix_deliveries_queue", "subscriber", "status", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    alert_id: str = Field(foreign_key="alerts.id", index=True)
    subscriber: str = Field(index=True)
    channel: str
    kind: str = "item"  # copy of the alert's kind: only "item" deliveries are folded
    idempotency_key: str = Field(unique=True)  # stable across retries; sent as webhook-id
    status: str = "pending"  # pending | held | delivered | failed | dead | folded
    attempts: int = 0
    next_attempt_at: datetime | None = _ts()
    last_error: str | None = None
    last_status_code: int | None = None
    created_at: datetime | None = _ts(nullable=False)
    queued_at: datetime | None = _ts()  # (re)entered the queue: the retry schedule starts here
    delivered_at: datetime | None = _ts()
    summary_id: str | None = None  # status "folded": the summary or digest alert carrying it


class DeliveryAttempt(SQLModel, table=True):
    """Every try of a delivery and how it ended."""

    __tablename__ = "delivery_attempts"

    id: int | None = Field(default=None, primary_key=True)
    delivery_id: int = Field(foreign_key="deliveries.id", index=True)
    started_at: datetime | None = _ts(nullable=False)
    duration_ms: float = 0.0
    outcome: str  # delivered | retry | failed | dead | gone
    status_code: int | None = None
    error: str | None = None


class SubscriberState(SQLModel, table=True):
    """Per-subscriber delivery state that must survive restarts."""

    __tablename__ = "subscriber_state"

    name: str = Field(primary_key=True)
    disabled_at: datetime | None = _ts()
    disabled_reason: str | None = None
    last_digest_at: datetime | None = _ts()
    last_summary_at: datetime | None = _ts()
    bucket_tokens: float | None = None  # token bucket of the destination's rate limit
    bucket_at: datetime | None = _ts()
    updated_at: datetime | None = _ts()
