"""Alert delivery: the Channel protocol, the outbox worker and one module per channel."""

from warn.deliver.base import Channel, make_channels

__all__ = ["Channel", "make_channels"]
