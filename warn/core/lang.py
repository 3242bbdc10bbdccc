"""Language identification for short news text: script first, then stopword counts.

A non-Latin script that dominates the letters decides alone (Cyrillic -> ru or uk, Hangul -> ko,
kana -> ja, other Han -> zh, Devanagari -> hi, ...); Arabic script is split into ar, fa and ur
by letters and stopwords; Latin text is scored by hits in short stopword lists plus a few
telltale letters. When the evidence is thin or tied, the caller's hint wins.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter

#: Only the start of a text is read: a headline and first paragraph are plenty.
_SAMPLE = 300
#: A word; web and e-mail addresses ("cnn.com/world") stay one token, so "com" is no stopword.
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?(?:[./@]\w[\w./@-]*)?")

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
        "pt": "o os do da dos das de e em na nos nas que por com para um uma "
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
#: Stopword or telltale letter -> the languages it points to.
_LANGS_OF: dict[str, tuple[str, ...]] = {
    word: tuple(lang for lang, stops in _STOPWORDS.items() if word in stops)
    for word in frozenset().union(*_STOPWORDS.values())
}
#: Letters that (nearly) only one of the Latin-script languages above uses.
_TELLTALES = {
    "ñ¿¡": ("es",), "ãõ": ("pt",), "áíóú": ("es", "pt"), "èêœ": ("fr",), "ß": ("de",),
    "äö": ("de",), "ğşı": ("tr",), "ò": ("it",),
}  # fmt: skip
_LANGS_OF.update({ch: langs for chars, langs in _TELLTALES.items() for ch in chars})
_TELLTALE = re.compile(f"[{''.join(_TELLTALES)}]")

#: Unicode ranges of the non-Latin scripts we recognise, sorted by start.
_SCRIPT_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0370, 0x03FF, "el"), (0x0400, 0x04FF, "cyrillic"), (0x0530, 0x058F, "hy"),
    (0x0590, 0x05FF, "he"), (0x0600, 0x06FF, "arabic"), (0x0750, 0x077F, "arabic"),
    (0x0900, 0x097F, "hi"), (0x0980, 0x09FF, "bn"), (0x0B80, 0x0BFF, "ta"),
    (0x0E00, 0x0E7F, "th"), (0x1000, 0x109F, "my"), (0x10A0, 0x10FF, "ka"),
    (0x1100, 0x11FF, "hangul"), (0x1200, 0x137F, "am"), (0x3040, 0x30FF, "kana"),
    (0x3400, 0x4DBF, "han"), (0x4E00, 0x9FFF, "han"), (0xAC00, 0xD7AF, "hangul"),
    (0xFB50, 0xFDFF, "arabic"), (0xFE70, 0xFEFF, "arabic"),
)  # fmt: skip
_RANGE_STARTS = [start for start, _, _ in _SCRIPT_RANGES]
_BY_SCRIPT = {"kana": "ja", "han": "zh", "hangul": "ko"}

_ARABIC_STOPWORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "ar": "في من على إلى عن مع التي الذي هذا هذه أن بعد قبل كان قال حيث بين ذلك خلال",
        "fa": "در به از که این را با است برای آن یک می شد شده کرد تا هم بر",
        "ur": "کے میں کی ہے اور کو نے سے پر کا ہیں تھا گیا یہ وہ بھی کہ",
    }.items()
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


def _script_of(ch: str) -> str | None:
    code = ord(ch)
    if code < 0x250:
        return "latin" if ch.isalpha() else None
    i = bisect_right(_RANGE_STARTS, code) - 1
    return _SCRIPT_RANGES[i][2] if i >= 0 and code <= _SCRIPT_RANGES[i][1] else None


def _dominant_script(chars: Counter[str]) -> str | None:
    """The script with the most letters in the sample (Japanese: kana plus Han)."""
    scripts: Counter[str] = Counter()
    for ch, n in chars.items():
        scripts[_script_of(ch) or ""] += n
    del scripts[""]
    if scripts["kana"]:
        scripts["kana"] += scripts.pop("han", 0)
    return scripts.most_common(1)[0][0] if scripts else None


def _cyrillic(chars: Counter[str]) -> str:
    ukrainian, russian = sum(chars[c] for c in "іїєґІЇЄҐ"), sum(chars[c] for c in "ыэъЫЭ")
    return "uk" if ukrainian > russian else "ru"


def _arabic(sample: str, chars: Counter[str]) -> str:
    words = sample.split()

    def score(lang: str) -> float:
        letters = sum(chars[c] for c in _ARABIC_LETTERS[lang])
        return sum(w in _ARABIC_STOPWORDS[lang] for w in words) + letters / 2

    return max(_ARABIC_STOPWORDS, key=score)


def _latin_scores(sample: str) -> dict[str, float]:
    """Stopword and telltale-letter hits; a word shared by k languages counts 1/k for each."""
    scores = dict.fromkeys(_STOPWORDS, 0.0)
    found = [*_TELLTALE.findall(sample), *_WORD.findall(sample.lower())]
    for langs in filter(None, map(_LANGS_OF.get, found)):
        for lang in langs:
            scores[lang] += 1 / len(langs)
    return scores


def _latin(sample: str) -> str | None:
    """The clear winner: a score of 1.5 or more, and 1.6 times the runner-up's."""
    scores = _latin_scores(sample)
    best, second = sorted(scores, key=scores.__getitem__, reverse=True)[:2]
    top = scores[best]
    return best if top >= 1.5 and top >= 1.6 * scores[second] else None


def detect_language(text: str, hint: str | None = None) -> str | None:
    """ISO 639-1 code of ``text``, or the normalised ``hint`` when the text does not say."""
    sample = text[:_SAMPLE]
    script = "latin" if sample.isascii() else _dominant_script(chars := Counter(sample))
    if script == "cyrillic":
        return _cyrillic(chars)
    if script == "arabic":
        return _arabic(sample, chars)
    if script not in ("latin", None):
        return _BY_SCRIPT.get(script, script)
    return _latin(sample) or normalize_language(hint)
