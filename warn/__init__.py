"""warn: atrocity early-warning alerts from news and NGO feeds."""

__version__ = "0.1.0"
