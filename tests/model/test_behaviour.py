"""Behaviour of the shipped classifier: invariance, direction, and minimum cases.

The sentences here are written for these tests (not taken from the corpus or real feeds).
A decision is ``risk >= recommended_threshold``, the service's default ``min_risk``.
"""

from __future__ import annotations

import pytest

from warn.model import LinearRiskClassifier, load_classifier


@pytest.fixture(scope="module")
def model() -> LinearRiskClassifier:
    return load_classifier()


def risk(model: LinearRiskClassifier, text: str) -> float:
    return model.assess([text])[0].risk


def flagged(model: LinearRiskClassifier, text: str) -> bool:
    return risk(model, text) >= model.recommended_threshold


# --- invariance: swapping a place or a group does not flip the decision -------------------

SWAPS = [
    (
        "Militia fighters kill 40 villagers in {} in a night raid, survivors say",
        ["Mali", "Burkina Faso", "Nigeria", "South Sudan", "Myanmar", "Colombia", "Yemen"],
    ),
    (
        "Police arrest dozens of {} activists and hold them without charge",
        ["Kurdish", "Tamil", "Uyghur", "Baloch", "Oromo", "Rohingya", "Tibetan"],
    ),
    (
        "Mobs attack {} homes and shops in {{}} after rumours spread online",
        ["Muslim", "Christian", "Hindu", "Sikh", "Jewish"],
    ),
    (
        "Stock market in {} closes higher as technology shares rally",
        ["Brazil", "Kenya", "India", "Germany", "Pakistan", "Ethiopia", "Japan"],
    ),
    (
        "Heavy rain floods streets in {} as rivers burst their banks",
        ["Dhaka", "Lagos", "Jakarta", "Karachi", "Manila", "Khartoum", "Kabul"],
    ),
]


@pytest.mark.parametrize(("template", "fills"), SWAPS)
def test_swapping_names_keeps_the_decision(
    model: LinearRiskClassifier, template: str, fills: list[str]
) -> None:
    texts = [template.format(f).replace("{}", "the city") for f in fills]
    decisions = [a.risk >= model.recommended_threshold for a in model.assess(texts)]
    assert len(set(decisions)) == 1, list(zip(fills, decisions, strict=True))


def test_swapping_names_moves_risk_little(model: LinearRiskClassifier) -> None:
    texts = [
        f"Soldiers accused of shooting unarmed civilians in {place}"
        for place in ["Tigray", "Darfur", "Kasai", "Rakhine", "Kashmir", "Cabo Delgado"]
    ]
    scores = [a.risk for a in model.assess(texts)]
    assert max(scores) - min(scores) < 0.25, scores


# --- direction ---------------------------------------------------------------------------

BASES = [
    "Armed men attacked a village in the north overnight",
    "Clashes broke out near the border on Sunday",
    "Soldiers entered the town after the election",
    "Protesters gathered outside parliament",
    "The convoy was stopped at a checkpoint",
]


@pytest.mark.parametrize("base", BASES)
def test_adding_civilian_deaths_does_not_lower_risk(model: LinearRiskClassifier, base: str) -> None:
    before = risk(model, base)
    after = risk(model, base + ", and dozens of civilians were killed")
    assert after >= before - 1e-6, (before, after)


@pytest.mark.parametrize(
    "base",
    [
        "Late attack leaves them reeling",
        "Brutal attack stuns the defenders",
        "A devastating attack in the second half",
    ],
)
def test_a_football_match_lowers_attack_risk(model: LinearRiskClassifier, base: str) -> None:
    assert risk(model, base + " in a football match") < risk(model, base)


def test_peaceful_framing_lowers_protest_risk(model: LinearRiskClassifier) -> None:
    violent = "Security forces fire on protesters in the capital, killing several"
    peaceful = "Protesters march peacefully in the capital, and the rally ends without incident"
    assert risk(model, peaceful) < risk(model, violent)


# --- minimum cases: each category, and each family of hard negatives ----------------------

CATEGORY_CASES = {
    "mass_violence": [
        "Gunmen on motorbikes kill 35 people in attack on market town",
        "Air strike on crowded bus station kills dozens of civilians",
    ],
    "identity_targeting": [
        "Minority Christians driven from their village after church is torched",
        "Officials call the ethnic minority 'cockroaches' in radio broadcasts",
    ],
    "displacement": [
        "Tens of thousands of families flee their homes as militias advance",
        "Refugees escaping the army offensive cross into the neighbouring country",
    ],
    "detention": [
        "Thousands of men held without charge in secret camps, families say",
        "Rebels abduct 80 students from boarding school",
    ],
    "defenders_press": [
        "Prominent human rights lawyer arrested after criticising the president",
        "Authorities shut down independent newspaper and detain its editor",
    ],
    "impunity": [
        "International Criminal Court issues arrest warrant for militia commander over war crimes",
        "UN investigators say no one has been held to account for the massacre",
    ],
    "flashpoint": [
        "Army seizes power in coup and suspends the constitution",
        "UN warns of risk of genocide as militias mass around the city",
    ],
}


@pytest.mark.parametrize(
    ("category", "text"),
    [(c, t) for c, texts in CATEGORY_CASES.items() for t in texts],
)
def test_clear_cases_are_flagged_with_their_category(
    model: LinearRiskClassifier, category: str, text: str
) -> None:
    (a,) = model.assess([text])
    assert a.risk >= model.recommended_threshold, a.risk
    top = [name for name, _ in a.top_categories(3)]
    assert category in top, a.top_categories(3)


NEGATIVE_CASES = {
    "disaster": [
        "Earthquake kills more than 200 and leaves thousands homeless",
        "Floods force 50,000 people to evacuate as river bursts its banks",
    ],
    "accident": [
        "Train crash kills 30 passengers after derailment",
        "Factory fire leaves 12 workers dead",
    ],
    "sport": [
        "Striker's hat-trick destroys the visitors in derby massacre",
        "Champions launch furious attack but cannot find a winner",
    ],
    "words_other_sense": [
        "Robots will displace millions of office jobs, report says",
        "Pupils given detention for skipping homework",
    ],
    "crime": [
        "Man jailed for stealing cars from dealerships across the county",
        "Burglar who stole jewellery from pensioners sentenced",
    ],
    "health": [
        "Government extends coronavirus lockdown by three weeks",
        "Vaccine rollout reaches a million people a day",
    ],
    "business_politics": [
        "Central bank raises interest rates to curb inflation",
        "Parliament passes budget after late-night vote",
    ],
    "election_peaceful": [
        "Voters queue calmly as polls open in national election",
        "Incumbent concedes defeat and congratulates the winner",
    ],
}


@pytest.mark.parametrize(
    ("family", "text"),
    [(f, t) for f, texts in NEGATIVE_CASES.items() for t in texts],
)
def test_hard_negatives_are_not_flagged(
    model: LinearRiskClassifier, family: str, text: str
) -> None:
    assert not flagged(model, text), risk(model, text)
