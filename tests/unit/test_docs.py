"""Docs cannot drift: every config key and every CLI command is documented (datasette's habit)."""

from __future__ import annotations

import re

import click
import pytest

from tests.conftest import REPO
from warn.cli import cli
from warn.config import config_reference

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_configuration_reference_is_current() -> None:
    text = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    block = re.search(r"(?s)<!-- reference:start -->\n(.*)<!-- reference:end -->", text)
    assert block, "docs/configuration.md lost its reference markers"
    assert block.group(1).strip() == config_reference().strip(), "run `make docs`"


def _commands(group: click.Group, prefix: str = "") -> list[str]:
    ctx = click.Context(group)
    names = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        names.append(f"{prefix}{name}")
        if isinstance(command, click.Group):
            names += _commands(command, f"{prefix}{name} ")
    return names


@pytest.mark.parametrize("command", _commands(cli))
def test_every_command_is_in_the_readme(command: str) -> None:
    assert f"`warn {command}" in README, f"README's command table lacks `warn {command}`"


@pytest.mark.parametrize("command", _commands(cli))
def test_every_command_has_help(command: str) -> None:
    ctx = click.Context(cli)
    target: click.Command = cli
    for part in command.split():
        assert isinstance(target, click.Group)
        found = target.get_command(ctx, part)
        assert found is not None
        target = found
    assert target.get_short_help_str(limit=200), f"`warn {command}` has no help text"
    assert ctx  # the context builds
