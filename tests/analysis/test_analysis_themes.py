import numpy as np

from assistant.analysis.themes import cluster_vectors, find_themes, mmr
from tests.analysis.conftest import make_unit

PAIN_DELIVERY = ["parcel arrived late and damaged", "late parcel arrived damaged box", "damaged parcel arrived very late"]
PAIN_REFUND = ["refund missing still waiting", "still waiting missing refund", "missing refund still waiting weeks"]
ODD_ONE = "zebra violin quantum"


def _corpus():
    texts = PAIN_DELIVERY + PAIN_REFUND + [ODD_ONE, "parcel arrived on time", "lovely friendly courier smiled", "courier smiled friendly lovely"]
    units = [make_unit(t, i, respondent=f"r{i % 4}") for i, t in enumerate(texts)]
    valence = [-0.6] * 7 + [0.0, 0.7, 0.8]
    stage = ["delivery"] * 3 + ["returns"] * 3 + ["delivery", "delivery", "delivery", "delivery"]
    return units, valence, stage


def test_themes_per_stage_and_polarity_with_outlier_kept(toy_embedder):
    units, valence, stage = _corpus()
    vectors = toy_embedder.embed([u.text for u in units])
    found = find_themes(units, vectors, stage, valence)
    by_ids = {frozenset(t.unit_ids): t for t in found}
    ids = [u.id for u in units]
    delivery = by_ids[frozenset(ids[0:3])]
    assert (delivery.stage, delivery.polarity, delivery.lane, delivery.outlier) == ("delivery", "pain", "pain_points", False)
    assert by_ids[frozenset(ids[3:6])].stage == "returns"
    delight = by_ids[frozenset(ids[8:10])]
    assert delight.polarity == "delight" and delight.mean_valence == 0.75
    odd = by_ids[frozenset([ids[6]])]
    assert odd.outlier and odd.prevalence.units == 1 and odd.respondents == ["r2"]
    assert ids[7] not in {i for t in found for i in t.unit_ids}  # neutral unit forms no theme
    assert len(found) == 4 and found[-1].outlier  # outliers listed last


def test_theme_statistics(toy_embedder):
    units, valence, stage = _corpus()
    found = find_themes(units, toy_embedder.embed([u.text for u in units]), stage, valence)
    theme = next(t for t in found if units[0].id in t.unit_ids)
    assert theme.prevalence.units == 3 and theme.prevalence.respondents == 3
    assert set(theme.representative_ids) <= set(theme.unit_ids) and len(theme.representative_ids) == 3
    assert 0 < theme.cohesion <= 1
    assert {"parcel", "damaged"} & set(theme.keywords)
    assert theme.id.startswith("th_")


def test_mapping_inputs_interviewer_excluded_and_deterministic(toy_embedder):
    units, valence, stage = _corpus()
    units[0] = make_unit(units[0].text, 0, respondent="int", role="interviewer")
    vectors = toy_embedder.embed([u.text for u in units])
    by_id_stage = {u.id: s for u, s in zip(units, stage)}
    by_id_valence = {u.id: v for u, v in zip(units, valence)}
    first = find_themes(units, vectors, by_id_stage, by_id_valence)
    again = find_themes(units, vectors, by_id_stage, by_id_valence)
    assert [(t.id, t.unit_ids, t.keywords) for t in first] == [(t.id, t.unit_ids, t.keywords) for t in again]
    assert units[0].id not in {i for t in first for i in t.unit_ids}


def test_large_cell_path_keeps_far_outliers():
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(4, 384))
    points = np.vstack([c + 0.05 * rng.normal(size=(60, 384)) for c in centres] + [rng.normal(size=(1, 384))])
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    labels = cluster_vectors(points, max_cell=100)
    assert len(set(labels[:240])) == 4
    assert all(len(set(labels[i * 60 : (i + 1) * 60])) == 1 for i in range(4))
    assert (labels == labels[-1]).sum() == 1  # the lone far point is its own cluster


def test_mmr_prefers_diverse_representatives():
    vectors = np.array([[1, 0], [0.99, 0.14], [0.8, 0.6]], dtype=float)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    centroid = vectors.mean(0) / np.linalg.norm(vectors.mean(0))
    assert mmr(vectors, centroid, 2, lam=0.3)[1] == 2


def test_a_theme_is_led_by_the_member_that_says_its_lane_most_clearly(toy_embedder):
    pair = ["apple pay at the last checkout step took seconds", "apple pay at the last checkout step keeps failing"]  # as central
    units = [make_unit(t, i, respondent=f"r{i}") for i, t in enumerate(pair)]
    vectors = toy_embedder.embed(pair)
    pain = find_themes(units, vectors, ["purchase"] * 2, [-0.15, -0.6])
    assert [t.representative_ids[0] for t in pain] == [units[1].id]
    delight = find_themes(units, vectors, ["purchase"] * 2, [0.8, 0.2])
    assert [t.representative_ids[0] for t in delight] == [units[0].id]


def test_real_embedder_groups_paraphrases():
    from vectorstore.embedders import default_embedder

    texts = [
        "My package arrived two weeks late.",
        "Delivery took far too long, the parcel was late.",
        "The shipment came much later than promised.",
        "The app crashes every time I log in.",
        "Logging in makes the app crash.",
    ]
    labels = cluster_vectors(default_embedder().embed(texts))
    assert labels[0] == labels[1] == labels[2] and labels[3] == labels[4] and labels[0] != labels[3]
