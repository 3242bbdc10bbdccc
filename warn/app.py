"""The composition root: builds the edges (config, database, classifier, HTTP client, channels)
once, from the config file and environment the CLI hands in, and passes them down.

CLI commands receive an ``App`` through ``@pass_app``; nothing else reads the environment.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from warn import __version__
from warn.config import (
    Config,
    ResolvedSubscribers,
    ThresholdsConfig,
    load_config,
    resolve_subscribers,
)

if TYPE_CHECKING:
    import httpx
    from sqlalchemy import Engine

    from warn.model import Classifier

log = logging.getLogger(__name__)


@dataclass
class App:
    config_path: Path
    environ: Mapping[str, str] = field(default_factory=dict)

    @cached_property
    def config(self) -> Config:
        return load_config(self.config_path, self.environ)

    @cached_property
    def engine(self) -> Engine:
        from warn.store.db import make_engine

        return make_engine(self.config.service.database_url)

    def migrate(self) -> None:
        from warn.store.db import upgrade

        upgrade(self.engine)

    @cached_property
    def classifier(self) -> Classifier:
        from warn.model import load_classifier

        return load_classifier(self.config.service.model)

    @cached_property
    def thresholds(self) -> ThresholdsConfig:
        """[thresholds] with an empty min_risk filled by the model's recommended threshold."""
        configured = self.config.thresholds
        if configured.min_risk is not None:
            return configured
        recommended = float(self.classifier.metadata["recommended_threshold"])
        return configured.model_copy(update={"min_risk": recommended})

    @cached_property
    def subscribers(self) -> ResolvedSubscribers:
        """Subscribers with secrets filled in; each skipped one is logged once, here."""
        resolved = resolve_subscribers(self.config, self.environ)
        for problem in resolved.skipped:
            log.warning(problem)
        return resolved

    @property
    def user_agent(self) -> str:
        return self.config.service.user_agent.replace("{version}", __version__)

    def http_client(self, **overrides: Any) -> httpx.Client:
        """The one HTTP client configuration warn uses for feeds and webhooks."""
        import httpx

        fetch = self.config.fetch
        options: dict[str, Any] = {
            "timeout": httpx.Timeout(
                fetch.read_timeout.total_seconds(),
                connect=fetch.connect_timeout.total_seconds(),
            ),
            "headers": {"User-Agent": self.user_agent},
            "follow_redirects": False,
            "limits": httpx.Limits(
                max_connections=self.config.service.max_concurrency * 2,
                max_keepalive_connections=self.config.service.max_concurrency,
            ),
        }
        options.update(overrides)
        return httpx.Client(**options)


pass_app = click.make_pass_decorator(App)
