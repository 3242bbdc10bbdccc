"""Language detection on one-line headlines written for these tests."""

from __future__ import annotations

import pytest

from warn.core.lang import detect_language, normalize_language

HEADLINES = [
    ("en", "Gunmen kill 12 villagers in attack on market in northern Nigeria"),
    ("en", "UN says thousands have fled the fighting since the army took control of the city"),
    ("fr", "Des hommes armés tuent douze villageois dans le nord du Burkina Faso"),
    ("fr", "Au moins 30 civils tués lors d'une attaque contre un camp de déplacés"),
    ("es", "Hombres armados matan a doce campesinos en el norte del Cauca"),
    ("es", "La ONU denuncia la desaparición de decenas de migrantes en la frontera"),
    ("pt", "Homens armados matam doze civis em ataque a uma aldeia no norte de Moçambique"),
    ("pt", "Milhares de pessoas fogem da violência após ataques em Cabo Delgado"),
    ("de", "Bewaffnete töten zwölf Dorfbewohner bei einem Angriff im Norden Nigerias"),
    ("de", "Tausende fliehen vor den Kämpfen in der Region, sagt die UNO"),
    ("it", "Uomini armati uccidono dodici abitanti del villaggio nel nord della Nigeria"),
    ("it", "Migliaia di persone in fuga dopo gli attacchi contro i civili"),
    ("tr", "Silahlı kişiler köyde düzenlenen saldırıda 12 kişiyi öldürdü"),
    ("tr", "BM, binlerce kişinin çatışmalar nedeniyle evlerini terk ettiğini açıkladı"),
    ("id", "Kelompok bersenjata menewaskan 12 warga di desa terpencil di Papua"),
    ("id", "Ribuan warga mengungsi setelah bentrokan antara aparat dan kelompok bersenjata"),
    ("nl", "Gewapende mannen doden twaalf dorpelingen bij een aanval in het noorden van Nigeria"),
    ("nl", "Duizenden mensen op de vlucht voor het geweld in de regio"),
    ("sw", "Watu wenye silaha wameua wanakijiji kumi na wawili katika shambulio la usiku"),
    ("sw", "Maelfu ya watu wamekimbia makazi yao kutokana na mapigano mjini"),
    ("ru", "Вооружённые люди убили двенадцать жителей деревни на севере страны"),
    ("uk", "Внаслідок обстрілу Харкова загинули троє цивільних, повідомила влада"),
    ("ar", "مقتل اثني عشر مدنيا في هجوم على قرية في شمال البلاد"),
    ("ar", "الأمم المتحدة تحذر من كارثة إنسانية في غزة بعد قصف مكثف"),
    ("fa", "دوازده نفر در حمله افراد مسلح به یک روستا در شمال کشته شدند"),
    ("ur", "مسلح افراد کے حملے میں گاؤں کے بارہ افراد ہلاک ہو گئے"),
    ("zh", "武装分子袭击北部村庄，造成十二名平民死亡"),
    ("ja", "武装集団が北部の村を襲撃し、住民12人が死亡した"),
    ("ko", "무장 괴한들이 북부 마을을 공격해 주민 12명이 숨졌다"),
    ("hi", "उत्तरी गांव पर हमले में बारह ग्रामीणों की मौत"),
]


@pytest.mark.parametrize(
    ("lang", "headline"), HEADLINES, ids=[f"{lang}-{i}" for i, (lang, _) in enumerate(HEADLINES)]
)
def test_detects_headline_language(lang: str, headline: str) -> None:
    assert detect_language(headline) == lang


@pytest.mark.parametrize(("lang", "headline"), HEADLINES[::3])
def test_clear_text_beats_a_wrong_hint(lang: str, headline: str) -> None:
    assert detect_language(headline, hint="xx-YY") == lang


def test_english_headline_with_foreign_names_stays_english() -> None:
    assert detect_language("Protesters in 北京 and Москва were detained by the police") == "en"


@pytest.mark.parametrize("text", ["", "Goma", "M23", "12 / 40", "Kharkiv, Sumy"])
def test_too_little_text_falls_back_to_hint(text: str) -> None:
    assert detect_language(text, hint="fr-CA") == "fr"
    assert detect_language(text) is None


@pytest.mark.parametrize(
    ("hint", "code"),
    [("en-GB", "en"), ("EN_us", "en"), ("pt-BR", "pt"), ("fre", "fr"), ("ger", "de"),
     ("fa", "fa"), ("", None), (None, None), ("e", None), ("english", None), ("zzz", None)],
)  # fmt: skip
def test_normalize_language(hint: str | None, code: str | None) -> None:
    assert normalize_language(hint) == code


def test_long_text_reads_only_the_start() -> None:
    english = "Gunmen attacked the village and burned the market, officials said. " * 6
    text = english + "Des hommes armés ont attaqué le village et brûlé le marché. " * 1000
    assert detect_language(text) == "en"
