"""One-off measurements behind MODEL_CARD.md; not used by warn at run time."""
