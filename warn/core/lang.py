"""Language identification for short news text: script first, then stopword counts.

A non-Latin script that dominates the letters decides alone (Cyrillic -> ru or uk, Hangul -> ko,
kana -> ja, other Han -> zh, Devanagari -> hi, ...); Arabic script is split into ar, fa and ur
by letters and stopwords; Latin text is scored by hits in short stopword lists plus a few
telltale letters. When the evidence is thin or tied, the caller's hint wins.
"""

from __future__ import annotations

import re
from collections import Counter

#: Only the start of a text is read: a headline and first paragraph are plenty.
_SAMPLE = 600
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")

_STOPWORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": "the of and to in is was for on that with by as at from are were has have "
        "had after over said says will been who which their this it its not but they "
        "into against amid more than",
        "fr": "le la les des du de et est une un dans pour sur par au aux qui que pas "
        "ont été avec selon après contre son ses leur plus sont il elle ce cette",
        "es": "el la los las del de y en que por con para una un se al es su sus más "
        "tras según contra fue han sido entre como sin sobre este esta muertos",
        "pt": "o a os as do da dos das de e em no na nos nas que por com para um uma "
        "se ao é são foi após contra mais pelo pela seu sua entre mortos",
        "de": "der die das den dem des und ist ein eine einer im in mit von zu auf für "
        "nach bei nicht sich sind wurde wurden werden gegen über auch aus als",
        "it": "il lo la gli le di del della dei delle e è un una per con che nel nella "
        "sono dopo contro ha hanno anche tra più alla al degli sul",
        "tr": "ve bir bu için ile da de olarak sonra en çok gibi daha olan kadar "
        "üzerine karşı yüzlerce öldü oldu ise ama mi değil",
        "id": "dan yang di ke dari untuk dengan pada ini itu dalam tidak akan oleh "
        "adalah telah para bagi tewas setelah warga sejumlah kata",
        "nl": "de het een en van in is op te dat voor met zijn niet door bij ook "
        "naar over tegen na worden werd zijn doden uit",
        "sw": "na ya wa la kwa katika za ni kuwa cha hiyo huo wao watu baada mji "
        "serikali amesema wameuawa zaidi hao hii kutoka",
    }.items()
}
#: Letters that (nearly) only one of the Latin-script languages above uses.
_TELLTALES = {"es": "ñ¿¡", "pt": "ãõ", "fr": "èêœ", "de": "ßäö", "tr": "ğşı", "it": "ò"}
_TELLTALE_LANG = {ch: lang for lang, chars in _TELLTALES.items() for ch in chars}

#: Script ranges, checked for non-ASCII text; each maps to a language or a sub-decision.
_SCRIPTS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(f"[{ranges}]"))
    for name, ranges in (
        ("cyrillic", "\u0400-\u04ff"),
        ("arabic", "\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff"),
        ("kana", "\u3040-\u30ff"),
        ("han", "\u4e00-\u9fff\u3400-\u4dbf"),
        ("hangul", "\uac00-\ud7af\u1100-\u11ff"),
        ("hi", "\u0900-\u097f"),
        ("bn", "\u0980-\u09ff"),
        ("ta", "\u0b80-\u0bff"),
        ("el", "\u0370-\u03ff"),
        ("he", "\u0590-\u05ff"),
        ("th", "\u0e00-\u0e7f"),
        ("am", "\u1200-\u137f"),
        ("hy", "\u0530-\u058f"),
        ("ka", "\u10a0-\u10ff"),
        ("my", "\u1000-\u109f"),
    )
)
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")

_ARABIC_STOPWORDS = {
    "ar": frozenset("في من على إلى عن مع التي الذي هذا هذه أن بعد قبل كان قال حيث بين ذلك خلال".split()),
    "fa": frozenset("در به از که این را با است برای آن یک می شد شده کرد تا هم بر".split()),
    "ur": frozenset("کے میں کی ہے اور کو نے سے پر کا ہیں تھا گیا یہ وہ بھی کہ".split()),
}
_ARABIC_LETTERS = {"ar": "ةيكى", "fa": "یکپچژگ", "ur": "ےںٹڈڑہھ"}
_ISO3 = {
    "eng": "en", "fra": "fr", "fre": "fr", "spa": "es", "por": "pt", "deu": "de", "ger": "de",
    "ita": "it", "rus": "ru", "ara": "ar", "fas": "fa", "per": "fa", "urd": "ur", "zho": "zh",
    "chi": "zh", "jpn": "ja", "kor": "ko", "tur": "tr", "ind": "id", "nld": "nl", "dut": "nl",
    "swa": "sw", "ukr": "uk", "hin": "hi",
}  # fmt: skip


def normalize_language(code: str | None) -> str | None:
    """``"en-GB"`` -> ``"en"``, ``"fre"`` -> ``"fr"``; None for anything unusable."""
    if not code:
        return None
    base = re.split(r"[-_]", code.strip(), maxsplit=1)[0].lower()
    if len(base) == 2 and base.isascii() and base.isalpha():
        return base
    return _ISO3.get(base)


def _dominant_script(sample: str) -> str | None:
    """The non-Latin script with more letters than Latin script has, if any."""
    latin = len(_LATIN.findall(sample))
    counts = {name: len(rx.findall(sample)) for name, rx in _SCRIPTS}
    if counts["kana"]:  # Japanese mixes kana with Han
        counts["kana"] += counts.pop("han")
    name, count = max(counts.items(), key=lambda kv: kv[1])
    return name if count > latin else None


def _cyrillic(sample: str) -> str:
    ukrainian, russian = sum(sample.count(c) for c in "іїєґІЇЄҐ"), sum(map(sample.count, "ыэъЫЭ"))
    return "uk" if ukrainian > russian else "ru"


def _arabic(sample: str) -> str:
    words = sample.split()
    scores = Counter({lang: 0.0 for lang in _ARABIC_STOPWORDS})
    for lang, stops in _ARABIC_STOPWORDS.items():
        scores[lang] += sum(w in stops for w in words) + 0.5 * sum(map(sample.count, _ARABIC_LETTERS[lang]))
    return scores.most_common(1)[0][0]


_BY_SCRIPT = {"kana": "ja", "han": "zh", "hangul": "ko"}


def _latin_scores(sample: str) -> Counter[str]:
    words = _WORD.findall(sample.lower())
    scores: Counter[str] = Counter()
    for word in words:
        scores.update(lang for lang, stops in _STOPWORDS.items() if word in stops)
    scores.update(_TELLTALE_LANG[ch] for ch in sample if ch in _TELLTALE_LANG)
    return scores


def _latin(sample: str) -> str | None:
    """The clear stopword winner: at least two hits and ahead of the runner-up."""
    ranked = _latin_scores(sample).most_common(2) + [("", 0), ("", 0)]
    (best, top), (_, second) = ranked[0], ranked[1]
    return best if top >= 2 and top > second else None


def detect_language(text: str, hint: str | None = None) -> str | None:
    """ISO 639-1 code of ``text``, or the normalised ``hint`` when the text does not say."""
    sample = text[:_SAMPLE]
    script = None if sample.isascii() else _dominant_script(sample)
    if script == "cyrillic":
        return _cyrillic(sample)
    if script == "arabic":
        return _arabic(sample)
    if script is not None:
        return _BY_SCRIPT.get(script, script)
    return _latin(sample) or normalize_language(hint)
