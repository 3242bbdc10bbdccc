"""Country tagging: which countries a text is about, for per-country routing.

One compiled regex (a character trie over every name and its variants, so a scan costs little
more than a pass over the capital letters) finds the longest name at each word boundary.
Each name carries a rule (see :mod:`warn.core.geo_data`): plain names tag their country; a few
ambiguous names ("Congo", "Kashmir", "Jalalabad", "Georgia") are resolved against the plain
names found elsewhere in the same text; blockers ("Indian Ocean", "New Mexico") tag nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from warn.core.geo_data import COUNTRIES, SPECIAL

_Trie = dict[str, "_Trie"]
#: Folded forms that are ordinary words and must not be matched ("Malé" -> "Male").
_NO_FOLD = frozenset({"Male"})


@dataclass(frozen=True, slots=True)
class _Rule:
    codes: tuple[str, ...] = ()
    kind: str = "plain"  # plain | all | pick | pick_or_none | context | block


@dataclass(frozen=True, slots=True)
class _Gazetteer:
    names: dict[str, str]  # code -> display name
    rules: dict[str, _Rule]  # matched text -> rule
    regex: re.Pattern[str]


def _parse_rule(spec: str) -> _Rule:
    spec = spec.strip()
    if not spec:
        return _Rule(kind="block")
    if spec.startswith("~"):
        return _Rule((spec[1:],), "context")
    if "+" in spec:
        return _Rule(tuple(spec.split("+")), "all")
    kind = "pick_or_none" if spec.startswith("?") else "pick"
    return _Rule(
        tuple(spec.lstrip("?").split("|")), kind if "|" in spec or "?" in spec else "plain"
    )


def _fold(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ı", "i")


def _variants(name: str) -> set[str]:
    """Spellings of one name that news text uses."""
    out = {name, name.replace("'", "’")}
    if "-" in name:
        out.add(name.replace("-", " "))
    folded = _fold(name)
    if folded not in _NO_FOLD:
        out.add(folded)
    out |= {" ".join(w[:1].upper() + w[1:] for w in v.split(" ")) for v in list(out)}
    if len(name) >= 4:
        out |= {v.upper() for v in list(out)}
    return out


def _trie_pattern(words: Iterable[str]) -> str:
    trie: _Trie = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _node_pattern(trie)


def _node_pattern(node: _Trie) -> str:
    branches = [re.escape(ch) + _node_pattern(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" not in node:
        return body
    return f"(?:{body})?" if len(branches) > 1 or len(body) > 1 else f"{body}?"


def _entries() -> Iterator[tuple[str, str, _Rule]]:
    """(display-or-empty, name, rule) for every gazetteer line; display only on first names."""
    for line in COUNTRIES.strip().replace("\n    ", " ").splitlines():
        code, _, rest = line.partition(" ")
        for i, name in enumerate(n.strip() for n in rest.split(";")):
            yield (name if i == 0 else ""), name, _Rule((code,))
    for line in SPECIAL.strip().splitlines():
        name, _, spec = line.partition("=")
        yield "", name.strip(), _parse_rule(spec)


@cache
def _gazetteer() -> _Gazetteer:
    names: dict[str, str] = {}
    rules: dict[str, _Rule] = {}
    for display, name, rule in _entries():
        if display:
            names[rule.codes[0]] = display
        for variant in _variants(name):
            rules[variant] = rule  # SPECIAL comes last, so it overrides
        if rule.kind == "plain" and name[-1:] in "in" and name[-2:] != "in":
            rules.update(dict.fromkeys(_variants(name + "s"), rule))  # Afghans, Iraqis
    regex = re.compile(_trie_pattern(sorted(rules)) + r"(?!\w)")
    return _Gazetteer(names, rules, regex)


def _mentions(text: str, gaz: _Gazetteer) -> Iterator[_Rule]:
    """Rules of the names in ``text``, in order; a name must start at a word boundary."""
    pos = 0
    while found := gaz.regex.search(text, pos):
        start = found.start()
        if start and (text[start - 1].isalnum() or text[start - 1] == "_"):
            pos = start + 1
            continue
        yield gaz.rules[found.group()]
        pos = found.end()


def _resolve(rule: _Rule, context: set[str]) -> tuple[str, ...]:
    if rule.kind in ("plain", "all"):
        return rule.codes
    if rule.kind in ("block", "context"):
        return ()
    chosen = tuple(c for c in rule.codes if c in context)
    if chosen or rule.kind == "pick_or_none":
        return chosen
    return rule.codes[:1]


def tag_countries(text: str) -> tuple[str, ...]:
    """ISO 3166-1 alpha-2 codes of the countries ``text`` mentions, by first mention."""
    mentions = list(_mentions(text, _gazetteer()))
    context = {c for r in mentions if r.kind in ("plain", "all", "context") for c in r.codes}
    tagged: dict[str, None] = {}
    for rule in mentions:
        tagged.update(dict.fromkeys(_resolve(rule, context)))
    return tuple(tagged)


def country_name(code: str) -> str:
    """The display name of an ISO 3166-1 alpha-2 code (KeyError if unknown)."""
    return _gazetteer().names[code.upper()]
