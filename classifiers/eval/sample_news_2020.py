"""Draw the reproducible evaluation sample of 2020 feed items and print it for a labeler.

The sample is 900 distinct line numbers (0-based positions in the decompressed file) drawn
with ``random.Random(2020).sample(range(27770), 900)``, sorted, keeping only English items
(``language`` starting with "en", or no language given).

The script only prints to stdout; it never writes item text into the repository. The labels
themselves live in ``news_2020_labels.jsonl`` beside this file (line number, link, labels).

Usage (from the repository root)::

    python classifiers/eval/sample_news_2020.py [PATH] [--start N] [--count N] [--lines-only]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path

SEED = 2020
TOTAL_LINES = 27770
SAMPLE_SIZE = 900
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = REPO_ROOT / ".." / "shared" / "dev-eval" / "news_2020.jsonl.gz"


def sample_line_numbers(seed: int = SEED) -> list[int]:
    """The sorted 0-based line numbers of the sample, before the language filter."""
    return sorted(random.Random(seed).sample(range(TOTAL_LINES), SAMPLE_SIZE))


def is_english(item: dict[str, object]) -> bool:
    """True when the item's language starts with "en" or is missing."""
    language = item.get("language")
    if not language:
        return True
    return str(language).lower().startswith("en")


def read_sampled(path: Path, wanted: list[int]) -> Iterator[tuple[int, dict[str, object]]]:
    """Yield (line number, item) for the wanted lines that are English."""
    wanted_set = set(wanted)
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for number, raw in enumerate(handle):
            if number in wanted_set:
                item = json.loads(raw)
                if is_english(item):
                    yield number, item


def format_item(number: int, item: dict[str, object]) -> str:
    """A plain block for a human reader: line, date, source, link, title, description."""
    return (
        f"=== line {number} | {item.get('date_published')} | {item.get('source_feed')}\n"
        f"link: {item.get('link')}\n"
        f"T: {item.get('title')}\n"
        f"D: {item.get('description')}\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print the 2020 evaluation sample for a labeler.")
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--start", type=int, default=0, help="skip this many sampled items")
    parser.add_argument("--count", type=int, default=None, help="print at most this many")
    parser.add_argument("--lines-only", action="store_true", help="print line numbers only")
    args = parser.parse_args(argv)
    if not args.path.exists():
        hint = "pass the data file's path as the first argument"
        print(f"data file not found: {args.path} ({hint})", file=sys.stderr)
        return 2
    items = list(read_sampled(args.path, sample_line_numbers()))
    end = None if args.count is None else args.start + args.count
    for number, item in items[args.start : end]:
        print(number if args.lines_only else format_item(number, item))
    print(f"# {len(items)} English items in the sample of {SAMPLE_SIZE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
