"""Sides: who is on which side of a discussion, given or found (DESIGN section 7).

:func:`sides` turns labels, communities of the interaction graph, the signed user graph or a few
labelled users into a :class:`Sides` result, which *is* a mapping ``author -> side label`` and so
can be passed as ``sides=`` to every polarization and echo-chamber measure.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TYPE_CHECKING, Any, Literal

import polars as pl

from dynamics._params import check_param, draw_seed
from dynamics._validation import as_igraph, missing_label, side_labels
from dynamics.polarization._communities import _communities
from dynamics.polarization._propagation import _propagation
from dynamics.polarization._sides_checks import _check_params
from dynamics.polarization._sides_type import METHODS, Sides, _result
from dynamics.polarization._signed_split import _signed

if TYPE_CHECKING:
    import igraph as ig

__all__ = ["METHODS", "Sides", "refit_sides", "sides"]


def sides(
    discussion_or_graph: Any,
    *,
    method: Literal["labels", "leiden", "multilevel", "signed", "propagation"] = "leiden",
    labels: Mapping[Hashable, Hashable] | None = None,
    column: str | None = None,
    seeds: Mapping[Hashable, Hashable] | None = None,
    n_sides: int | None = 2,
    others: Literal["drop", "merge"] = "drop",
    weight: str | None = None,
    resolution: float = 1.0,
    n_iterations: int = 2,
    rounding: Literal["eigensign", "random-eigensign"] = "eigensign",
    tol: float = 1e-6,
    max_iter: int = 10_000,
    solver: Literal["iterate", "cg"] = "iterate",
    seed: int | None = 0,
) -> Sides:
    r"""Assign users to sides: from given labels, or found in the interaction graph.

    Five methods; each gives every user a side label or none, and some give a leaning
    :math:`x_u \in [-1, 1]`.

    - ``"labels"``: the sides are given, as ``labels`` (a mapping author -> label) or as a
      ``column`` of the comments table, in which case each author takes the label their comments
      carry most often (ties go to the smallest label).
    - ``"leiden"`` / ``"multilevel"``: communities that maximise the modularity
      :math:`Q = \frac{1}{2m}\sum_{ij}\left(A_{ij} - \gamma\frac{k_i k_j}{2m}\right)
      \delta(c_i, c_j)` of the undirected interaction graph (Leiden, Traag et al. 2019; Louvain
      multilevel, Blondel et al. 2008; both from igraph, with resolution :math:`\gamma`). The
      communities are numbered 0, 1, ... by decreasing size (ties: the community holding the
      smallest author name, as a string, first). With ``n_sides=2`` the two largest are the two
      sides and everyone else gets no side (``others="drop"``), or, with ``others="merge"``,
      the communities are first joined into ``n_sides`` groups of higher modularity, so nearly
      everyone gets a side (see ``others``). ``n_sides=None`` keeps all communities. Users
      without any interaction get no side.
    - ``"signed"``: the two-way spectral partition of the signed user graph of Bonchi et al.
      (2019). :math:`A` is the symmetric signed adjacency matrix, :math:`A_{uv} =
      \operatorname{sgn}\left(\sum s_e\right)` over the reply edges e between u and v in either
      direction with sign :math:`s_e \in \{-1, 0, +1\}` (with ``weight``, :math:`A_{uv} =
      \sum s_e w_e`). With :math:`v` the unit eigenvector of the largest eigenvalue
      :math:`\lambda_1` of :math:`A`, rounded to :math:`x \in \{-1, 0, +1\}^n`, users with
      :math:`x_u = +1` are side ``1``, :math:`x_u = -1` side ``-1``, and :math:`x_u = 0`
      are neutral (no side). This maximises (approximately) the polarity
      :math:`x^\top A x / x^\top x`: many positive edges inside the sides, many negative ones
      across. Leaning is :math:`v_u / \max_w |v_w|`; where :math:`v_u = 0` (a user without a
      signed edge, every reply they gave or got neutral in stance, or one in another
      component of the signed graph than the eigenvector's) the user has no leaning (NaN)
      and no side: the split says nothing about them (``details["n_unsigned"]`` counts the
      users without a signed edge, ``details["n_neutral"]`` every user without a side).
    - ``"propagation"``: leaning by label propagation from a few labelled users (``seeds``),
      the harmonic function of Zhu & Ghahramani (2002): seeds keep :math:`x_s = \pm 1`, and every
      other user is repeatedly set to the weighted mean of their neighbours,
      :math:`x \leftarrow D^{-1} A x` on the undirected interaction graph, until no score moves by
      more than ``tol``. The side is the sign of the leaning.

    Parameters
    ----------
    discussion_or_graph : Discussion, networkx graph or igraph.Graph
        The user reply graph (a Discussion gives :meth:`~dynamics.Discussion.user_graph`).
    method : {"labels", "leiden", "multilevel", "signed", "propagation"}, default "leiden"
        How to assign sides (see above).
    labels : Mapping, optional
        ``author -> side label`` for ``method="labels"``; authors absent from the graph are
        ignored, ``None`` means no side.
    column : str, optional
        A comments column holding side labels, for ``method="labels"`` on a Discussion.
    seeds : Mapping, optional
        ``author -> label`` for ``method="propagation"``, with exactly two distinct labels (for
        example -1 / +1, or "left" / "right"); the first in sorted order is pushed to -1, the
        second to +1, and they are the side labels of the result.
    n_sides : int or None, default 2
        ``"leiden"`` / ``"multilevel"``: keep the ``n_sides`` largest communities as sides (at
        least 2), or all with None. Measures defined for any number of groups (E/I,
        modularity, insularity, ...) use every side; those defined for two (random walk
        controversy, boundary polarization, frustration, the leaning measures) raise
        ``UndefinedMetricError`` for more than two unless their ``pair`` names two.
    others : {"drop", "merge"}, default "drop"
        ``"leiden"`` / ``"multilevel"`` with an ``n_sides``: communities beyond the
        ``n_sides`` largest get no side (``"drop"``), or all communities are merged into
        ``n_sides`` groups first (``"merge"``). For two sides the merge is a modularity
        bisection of the graph of communities (Newman 2006): the signs of the leading
        eigenvector of its modularity matrix, and the greedy agglomeration of Clauset, Newman
        and Moore (2004) cut at two groups, each refined by moving single communities while
        that raises modularity, the better one kept. For more sides it is the greedy
        agglomeration cut at ``n_sides`` groups (more are left when the graph of communities
        has more connected components; the ``n_sides`` largest are kept). See Notes.
    weight : str, optional
        An edge attribute to weigh edges by (``"count"`` = number of replies on a Discussion);
        both directions of a pair add up. Default: every connected pair weighs 1.
    resolution : float, default 1.0
        Modularity resolution :math:`\gamma` for ``"leiden"`` / ``"multilevel"`` (lower gives
        fewer, larger communities).
    n_iterations : int, default 2
        Leiden iterations (igraph's default); a negative value runs until the partition stops
        changing, which can take very long on graphs without clear communities.
    rounding : {"eigensign", "random-eigensign"}, default "eigensign"
        ``"signed"``: Bonchi et al.'s Algorithm 1, :math:`x_u = \operatorname{sgn}(v_u)`
        (deterministic; zero only where :math:`|v_u| \le 10^{-9} \max|v|`, e.g. users outside
        the component that carries the eigenvector), or Algorithm 2,
        :math:`x_u = \operatorname{sgn}(v_u)` with probability :math:`|v_u|` and 0 otherwise
        (random, drawn from ``seed``; it leaves most users neutral).
    tol : float, default 1e-6
        ``"propagation"``: stop when no leaning moved by more than ``tol`` in an iteration;
        leanings within ``tol`` of 0 give no side.
    max_iter : int, default 10000
        ``"propagation"``: most iterations (a ``RuntimeWarning`` says when they ran out).
    solver : {"iterate", "cg"}, default "iterate"
        ``"propagation"``: the iteration above (Jacobi; stops when no leaning moves by more than
        ``tol``), or conjugate gradient on the linear system of the same fixed point,
        :math:`(D - A)_{ff} x_f = A_{fs} x_s` over free users f and seeds s (stops when the
        relative residual is below ``tol``; far fewer iterations on long chains and trees).
    seed : int or None, default 0
        Seeds igraph's random generator (Leiden, multilevel), the ARPACK start vector and the
        random rounding (``"signed"``). The same seed gives the same sides; None draws a
        fresh seed (different sides from call to call), recorded in ``params["seed"]``:
        pass it back to find the same sides again.

    Returns
    -------
    Sides
        A mapping ``author -> side label`` (only authors with a side) with ``method``,
        ``params``, ``details``, ``sizes``, ``leaning`` (values in [-1, 1]: -1 and +1 are the
        two extremes, 0 the middle; NaN where the method gives a user none) and
        ``to_frame()``. Found communities are labelled 0, 1,
        ... by size; signed sides -1 and 1. When there is nothing to split (no edges, no signed
        edge, no seed in the graph, a single community) the result is empty or one-sided and
        ``reason`` says why; no exception is raised.

    Raises
    ------
    ValueError
        For a bad parameter, or a parameter that the method does not use or misses.
    TypeError
        When ``labels`` or ``seeds`` is not a mapping.
    GraphKindError
        For an input that is not a Discussion or graph, or ``method="signed"`` on a graph
        without the ``sign`` edge attribute (annotate the Discussion first).

    See Also
    --------
    dynamics.Discussion.annotate : adds the stance and toxicity that sign the edges.

    Notes
    -----
    Reply graphs are mostly disagreement: a community of the interaction graph is a group that
    talks a lot, which in a flame war can be two camps arguing. Communities suit endorsement
    graphs (retweets, links, agreeing replies); on reply graphs prefer ``"signed"`` on an
    annotated Discussion, or ``"labels"`` / ``"propagation"`` from known users.

    Modularity at resolution 1 splits real two-sided networks into many communities, each side
    into several, so the two largest are pure but small. On the retweet networks of Garimella
    et al. (2018) (#baltimore, #beefban, #indiana) they hold 16-34% of the users, 98-100% of
    them on their given side; ``others="merge"`` gives everyone a side, 75-96% right with seed
    0 (the merge can stop in a local optimum; it varies with the seed). On the political blogs
    (Adamic and Glance 2005) ``"drop"`` labels 95% of the blogs, 96% right, and ``"merge"`` 95%
    of all blogs right. A lower ``resolution`` gives fewer, larger communities.

    The leading eigenvector is computed with a dense solver up to 500 users and with ARPACK
    (``scipy.sparse.linalg.eigsh``, start vector drawn from ``seed``) above. Its sign is
    arbitrary; it is fixed so that the user with the largest :math:`|v_u|` (ties: the smallest
    author name as a string) has :math:`v_u > 0`. When :math:`\lambda_1` is repeated (e.g. two
    identical components) the eigenvector is not unique and the partition is one of several.

    Propagation starts every non-seed at 0 and runs the Jacobi iteration above (one sparse
    product per iteration), which converges to the unique harmonic solution on every connected
    component that holds a seed; users in a component without a seed keep NaN leaning and no
    side. With seeds of one label only in a component, its users all take that label. The
    iteration stops on the size of a step, so the leanings can be further than ``tol`` from
    the limit when it converges slowly (long chains, few seeds: about a thousand iterations
    on a 100k-user preferential-attachment graph with ten seeds); ``solver="cg"`` reaches the
    same solution in tens of iterations.

    Complexity: Leiden / multilevel :math:`O(m)` per pass; signed :math:`O(m)` per Lanczos
    iteration; propagation :math:`O(m)` per iteration.

    References
    ----------
    .. [1] V. A. Traag, L. Waltman and N. J. van Eck, "From Louvain to Leiden: guaranteeing
       well-connected communities", Scientific Reports 9, 5233 (2019). doi:10.1038/s41598-019-41695-z
    .. [2] V. D. Blondel, J.-L. Guillaume, R. Lambiotte and E. Lefebvre, "Fast unfolding of
       communities in large networks", J. Stat. Mech. P10008 (2008).
       doi:10.1088/1742-5468/2008/10/P10008
    .. [3] A. Clauset, M. E. J. Newman and C. Moore, "Finding community structure in very
       large networks", Phys. Rev. E 70, 066111 (2004). doi:10.1103/PhysRevE.70.066111
    .. [4] M. E. J. Newman, "Modularity and community structure in networks", PNAS 103,
       8577-8582 (2006). doi:10.1073/pnas.0601602103
    .. [5] F. Bonchi, E. Galimberti, A. Gionis, B. Ordozgoiti and G. Ruffo, "Discovering
       polarized communities in signed networks", CIKM 2019, 961-970.
       doi:10.1145/3357384.3357977
    .. [6] X. Zhu and Z. Ghahramani, "Learning from labeled and unlabeled data with label
       propagation", CMU-CALD-02-107 (2002); X. Zhu, Z. Ghahramani and J. Lafferty,
       "Semi-supervised learning using Gaussian fields and harmonic functions", ICML 2003.
    .. [7] D. Zhou, O. Bousquet, T. N. Lal, J. Weston and B. Schoelkopf, "Learning with local
       and global consistency", NIPS 2004.
    .. [8] K. Garimella, G. De Francisci Morales, A. Gionis and M. Mathioudakis, "Quantifying
       controversy on social media", ACM Trans. Social Computing 1(1), 3 (2018).
       doi:10.1145/3140565
    .. [9] L. A. Adamic and N. Glance, "The political blogosphere and the 2004 U.S. election:
       divided they blog", LinkKDD 2005. doi:10.1145/1134271.1134277

    Examples
    --------
    Two triangles joined by the edge c-d: the best modularity split is the two triangles
    (Q = 2 * (3/7 - (7/14)**2) = 5/14 ~ 0.357); equal sizes, so the side holding "a" is 0.

    >>> G = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("c", "d"),
    ...               ("d", "e"), ("e", "f"), ("d", "f")])
    >>> s = dyn.polarization.sides(G, method="leiden", seed=0)
    >>> dict(s)
    {'a': 0, 'b': 0, 'c': 0, 'd': 1, 'e': 1, 'f': 1}
    >>> round(s.details["modularity"], 4)
    0.3571

    Two friends a, b against two friends c, d: A has eigenvector (1, 1, -1, -1) / 2 with
    eigenvalue 2, so a, b are side 1 and c, d side -1.

    >>> S = nx.Graph()
    >>> S.add_edges_from([("a", "b"), ("c", "d")], sign=1)
    >>> S.add_edges_from([("a", "c"), ("b", "d")], sign=-1)
    >>> dict(dyn.polarization.sides(S, method="signed", seed=0))
    {'a': 1, 'b': 1, 'c': -1, 'd': -1}

    A path a-b-c-d-e with a pushed to -1 and e to +1: the harmonic leaning is linear.

    >>> P = nx.path_graph(["a", "b", "c", "d", "e"])
    >>> p = dyn.polarization.sides(P, method="propagation", seeds={"a": -1, "e": 1}, tol=1e-9)
    >>> [round(p.leaning[u], 6) for u in "abcde"], p.get("c")
    ([-1.0, -0.5, 0.0, 0.5, 1.0], None)
    """
    func = "sides"
    _check_params(
        method=method,
        labels=labels,
        column=column,
        seeds=seeds,
        n_sides=n_sides,
        others=others,
        weight=weight,
        resolution=resolution,
        n_iterations=n_iterations,
        rounding=rounding,
        tol=tol,
        max_iter=max_iter,
        solver=solver,
        seed=seed,
    )
    g = as_igraph(discussion_or_graph, func=func, copy=False)  # only read
    if weight is not None and g.ecount() > 0 and weight not in g.es.attributes():
        known = ", ".join(sorted(g.es.attributes())) or "none"
        check_param(False, "weight", func, f"an edge attribute of the graph ({known})", weight)
    if seed is None and method in ("leiden", "multilevel", "signed"):
        seed = draw_seed()  # recorded in params, so the sides can be found again
    params: dict[str, Any] = {"method": method, "seed": seed}
    if method == "labels":
        params["column"] = column
        return _from_labels(discussion_or_graph, g, labels if column is None else column, params)
    params["weight"] = weight
    if method in ("leiden", "multilevel"):
        params.update(n_sides=n_sides, others=others, resolution=resolution)
        if method == "leiden":
            params["n_iterations"] = n_iterations
        return _communities(g, params)
    if method == "signed":
        params["rounding"] = rounding
        return _signed(g, params)
    params.update(tol=tol, max_iter=max_iter, solver=solver, seeds=dict(seeds or {}))
    return _propagation(g, seeds or {}, params)


def refit_sides(found: Sides, graph: Any, *, seed: int | None = None) -> Sides:
    """Find sides on ``graph`` the way ``found`` was found: same method, same parameters.

    The null models that rewire the graph call this on every null graph (see
    :func:`dynamics._significance.refit_null_test`). ``seed`` is used only when ``found`` had
    no seed, so that a null sample is reproducible.

    Examples
    --------
    >>> G = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("c", "d"),
    ...               ("d", "e"), ("e", "f"), ("d", "f")])
    >>> s = dyn.polarization.sides(G, method="leiden", seed=0)
    >>> H = nx.relabel_nodes(G, {"a": "z"})
    >>> again = refit_sides(s, H)
    >>> again.method, again.params == s.params, sorted(again)
    ('leiden', True, ['b', 'c', 'd', 'e', 'f', 'z'])
    """
    if found.method not in METHODS or found.method == "labels":
        msg = (
            f"refit_sides needs sides found in the graph (method one of {METHODS[1:]}). "
            f"Got method={found.method!r} instead."
        )
        raise ValueError(msg)
    kwargs = dict(found.params)
    if kwargs.get("seed") is None:
        kwargs["seed"] = seed
    return sides(graph, **kwargs)


# ---------------------------------------------------------------------------- labels
def _from_labels(obj: Any, g: ig.Graph, given: Any, params: dict[str, Any]) -> Sides:
    """``method="labels"``: the given labels, restricted to users of the graph."""
    arr = side_labels(obj, g, given, func="sides")
    values = [None if missing_label(v) else v for v in arr.tolist()]
    reason = "no author in the graph has a label" if all(v is None for v in values) else None
    details, said = {}, ()
    if isinstance(given, str):  # a comments column: an author's comments may disagree
        mixed = _mixed_labels(obj.comments, given, set(g.vs["name"]))
        details["mixed_labels"] = mixed
        if mixed:
            said = (
                (
                    f"{mixed:,} authors' comments carry more than one label in {given!r}: "
                    "each gets the label most of their comments carry (ties: the smallest)"
                ),
            )
    return _result(g, "labels", values, params, reason=reason, details=details, warnings=said)


def _mixed_labels(comments: pl.DataFrame, column: str, users: set[Any]) -> int:
    """How many of ``users`` wrote comments carrying more than one label in ``column``.

    >>> c = pl.DataFrame({"author": ["a", "a", "b", "b"], "side": ["L", "R", "L", "L"]})
    >>> _mixed_labels(c, "side", {"a", "b"})
    1
    """
    labelled = comments.select("author", column).drop_nulls()
    per_author = labelled.group_by("author").agg(pl.col(column).n_unique().alias("n"))
    mixed = per_author.filter((pl.col("n") > 1) & pl.col("author").is_in(list(users)))
    return mixed.height
