"""Signed user graph: agree / disagree / hostile counts and the edge sign (DESIGN section 6)."""

from __future__ import annotations

import polars as pl
import pytest

import dynamics as dyn
from dynamics.model.graph import HOSTILE_TOXICITY

#   ann posts 1; bob disagrees (2), ann agrees back but hostile (3), cy agrees with ann (4),
#   cy again disagrees with ann (5) -> cy->ann tie; dan agrees twice with bob (6, 7) and once
#   disagrees (8); eve replies without markers (9).
ROWS = {
    "id": ["1", "2", "3", "4", "5", "6", "7", "8", "9"],
    "parent": [None, "1", "2", "1", "1", "2", "2", "2", "1"],
    "user": ["ann", "bob", "ann", "cy", "cy", "dan", "dan", "dan", "eve"],
    "body": ["post", "no", "yes, idiot", "agree", "no", "yes", "yes", "no", "hm"],
    "stance": [
        None,
        "disagree",
        "agree",
        "agree",
        "disagree",
        "agree",
        "agree",
        "disagree",
        "neutral",
    ],
    "toxicity": [0.0, 0.1, 0.9, 0.0, 0.2, 0.0, 0.0, 0.3, 0.1],
}
# (agree, disagree, hostile, sign) per edge, worked out by hand from the rows above:
#   bob->ann: one disagreement -> -1;  ann->bob: agrees but hostile -> negative -> -1
#   cy->ann: one positive, one negative -> 0;  dan->bob: 2 positive, 1 negative -> +1
#   eve->ann: neutral only -> 0
EXPECTED = {
    ("ann", "bob"): (1, 0, 1, -1),
    ("bob", "ann"): (0, 1, 0, -1),
    ("cy", "ann"): (1, 1, 0, 0),
    ("dan", "bob"): (2, 1, 0, 1),
    ("eve", "ann"): (0, 0, 0, 0),
}


def discussion(**changes) -> dyn.Discussion:
    return dyn.load(pl.DataFrame({**ROWS, **changes}))


def test_edge_table_counts_and_signs():
    edges = discussion().user_edges()
    got = {
        (r["source"], r["target"]): (r["agree"], r["disagree"], r["hostile"], r["sign"])
        for r in edges.iter_rows(named=True)
    }
    assert got == EXPECTED


def test_networkx_edges_carry_the_sign():
    g = discussion().user_graph()
    for (u, v), (agree, disagree, hostile, sign) in EXPECTED.items():
        data = g.edges[u, v]
        assert (data["agree"], data["disagree"], data["hostile"], data["sign"]) == (
            agree,
            disagree,
            hostile,
            sign,
        )


def test_igraph_edges_carry_the_sign():
    g = discussion().user_graph(backend="igraph")
    names = g.vs["name"]
    got = {
        (names[e.source], names[e.target]): (e["agree"], e["disagree"], e["hostile"], e["sign"])
        for e in g.es
    }
    assert got == EXPECTED


def test_without_toxicity_the_sign_compares_stances_only():
    d = dyn.load(pl.DataFrame({k: v for k, v in ROWS.items() if k != "toxicity"}))
    edges = d.user_edges()
    assert "hostile" not in edges.columns
    signs = dict(
        zip(zip(edges["source"], edges["target"], strict=True), edges["sign"], strict=True)
    )
    assert signs[("ann", "bob")] == 1  # the hostile agreement now counts as agreement
    assert signs[("bob", "ann")] == -1
    assert signs[("dan", "bob")] == 1


def test_hostility_threshold_is_inclusive():
    tox = list(ROWS["toxicity"])
    tox[3] = HOSTILE_TOXICITY  # cy's agreement becomes hostile: cy->ann 0 positive, 2 negative
    edges = discussion(toxicity=tox).user_edges().filter(pl.col("source") == "cy")
    assert edges.select("hostile", "sign").row(0) == (1, -1)


def test_no_stance_no_sign_columns():
    d = dyn.load(pl.DataFrame({k: v for k, v in ROWS.items() if k not in ("stance",)}))
    assert not {"agree", "disagree", "sign"} & set(d.user_edges().columns)


def test_signs_from_annotate():
    # the stance comes from the text: bob disagrees with ann, cy agrees with ann
    d = dyn.load(
        pl.DataFrame(
            {
                "id": ["1", "2", "3"],
                "parent": [None, "1", "1"],
                "user": ["ann", "bob", "cy"],
                "body": ["Tuition should be free.", "No, you are wrong.", "I agree, well said."],
            }
        )
    )
    g = d.annotate(["stance"], cache=False).user_graph()
    assert g.edges["bob", "ann"]["sign"] == -1
    assert g.edges["cy", "ann"]["sign"] == 1
    assert (g.edges["cy", "ann"]["agree"], g.edges["bob", "ann"]["disagree"]) == (1, 1)


@pytest.mark.parametrize("backend", ["networkx", "igraph"])
def test_counts_are_python_ints(backend):
    g = discussion().user_graph(backend=backend)
    values = (
        [d["sign"] for _, _, d in g.edges(data=True)] if backend == "networkx" else g.es["sign"]
    )
    assert all(type(v) is int for v in values)


# Stance probabilities (the trained StanceScorer's p_agree / p_disagree) sign the edges by
# their mean difference; hostile replies count -1. Worked out by hand:
#   bob->ann: 0.1 - 0.7 = -0.6 -> -1;  ann->bob: hostile -> -1.0 -> -1
#   cy->ann: mean(0.8 - 0.1, 0.1 - 0.7) = (0.7 - 0.6) / 2 = 0.05 -> within the margin -> 0
#   dan->bob: mean(0.5, 0.5, -0.2) = 0.2667 -> +1;  eve->ann: 0.2 - 0.15 = 0.05 -> 0
P_AGREE = [None, 0.1, 0.6, 0.8, 0.1, 0.6, 0.6, 0.2, 0.2]
P_DISAGREE = [None, 0.7, 0.1, 0.1, 0.7, 0.1, 0.1, 0.4, 0.15]
EXPECTED_WEIGHT = {
    ("ann", "bob"): (-1.0, -1),
    ("bob", "ann"): (-0.6, -1),
    ("cy", "ann"): (0.05, 0),
    ("dan", "bob"): (0.8 / 3, 1),
    ("eve", "ann"): (0.05, 0),
}


def test_sign_weight_is_mean_p_agree_minus_p_disagree():
    edges = discussion(p_agree=P_AGREE, p_disagree=P_DISAGREE).user_edges()
    got = {
        (r["source"], r["target"]): (r["sign_weight"], r["sign"])
        for r in edges.iter_rows(named=True)
    }
    assert got.keys() == EXPECTED_WEIGHT.keys()
    for key, (weight, sign) in EXPECTED_WEIGHT.items():
        assert got[key][0] == pytest.approx(weight)
        assert got[key][1] == sign, key
    # the label counts stay as they were
    assert edges.filter(pl.col("source") == "dan").select("agree", "disagree").row(0) == (2, 1)


def test_sign_weight_without_toxicity_ignores_hostility():
    rows = {k: v for k, v in ROWS.items() if k != "toxicity"}
    d = dyn.load(pl.DataFrame({**rows, "p_agree": P_AGREE, "p_disagree": P_DISAGREE}))
    edge = d.user_edges().filter(pl.col("source") == "ann")
    assert edge["sign_weight"][0] == pytest.approx(0.5)  # 0.6 - 0.1: no longer hostile
    assert edge["sign"][0] == 1


def test_sign_weight_from_annotate_probabilities():
    d = dyn.load(
        pl.DataFrame(
            {
                "id": ["1", "2", "3"],
                "parent": [None, "1", "1"],
                "user": ["ann", "bob", "cy"],
                "body": ["Tuition should be free.", "No, you are wrong.", "I agree, well said."],
            }
        )
    ).annotate(["stance"], cache=False)
    c = d.comments
    g = d.user_graph()
    for user in ("bob", "cy"):
        row = c.filter(pl.col("author") == user)
        expected = row["p_agree"][0] - row["p_disagree"][0]
        assert g.edges[user, "ann"]["sign_weight"] == pytest.approx(expected)
    assert g.edges["bob", "ann"]["sign"] == -1
    assert g.edges["cy", "ann"]["sign"] == 1
