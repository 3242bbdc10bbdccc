"""The one small error tree of warn.

    WarnError
     +-- ConfigError (also ValueError)     bad feeds.toml: file, key path, what to do
     +-- FeedError(url)                    one feed could not be read
     |    +-- FetchError(status, retryable)  HTTP or network failure, or a limit hit
     |    +-- ParseError                      the body is not a feed we can read
     +-- ClassifierError                   the model artifact is missing or untrusted
     +-- StorageError                      the database refused or is out of date
     +-- DeliveryError(channel, retryable) a channel could not deliver an alert

Third-party exceptions are translated once, at the edge that calls the library,
with ``raise ... from e``.  Callers branch on what they can do next: retry or not.
"""

from __future__ import annotations

from datetime import timedelta


class WarnError(Exception):
    """Base class for every error warn raises on purpose."""


class ConfigError(WarnError, ValueError):
    """The configuration is invalid. ``problems`` lists each one with its key path."""

    def __init__(self, message: str, *, problems: list[str] | None = None, path: str = "") -> None:
        self.problems = problems or [message]
        self.path = path
        super().__init__(message)


class FeedError(WarnError):
    """One feed could not be read."""

    def __init__(self, url: str, message: str) -> None:
        self.url = url
        super().__init__(message)


class FetchError(FeedError):
    """The HTTP fetch failed; ``retryable`` says whether polling again may help."""

    def __init__(
        self,
        url: str,
        message: str,
        *,
        status: int | None = None,
        retryable: bool = True,
        limit: str | None = None,
        retry_after: timedelta | None = None,
    ) -> None:
        self.status = status
        self.retryable = retryable
        self.limit = limit  # the FetchConfig key that stopped the fetch, e.g. "max_bytes"
        self.retry_after = retry_after  # how long the server asked us to wait (Retry-After)
        super().__init__(url, message)


class ParseError(FeedError):
    """The response body is not a feed warn can read."""


class ClassifierError(WarnError):
    """The classifier artifact is missing, corrupt, or built for another library version."""


class StorageError(WarnError):
    """The database could not be used (unreachable, or its schema is out of date)."""


class DeliveryError(WarnError):
    """A channel could not deliver an alert."""

    def __init__(
        self,
        channel: str,
        message: str,
        *,
        retryable: bool = True,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.channel = channel
        self.retryable = retryable
        self.status = status
        self.retry_after = retry_after
        super().__init__(message)
