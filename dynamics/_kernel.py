"""The metric kernel: a measure states its statistic and needs; the rest is written here once.

Defining a measure
------------------
A measure is a public function decorated with :func:`measure`, which records a
:class:`Measure` spec in :data:`REGISTRY`: its family, what it needs from the data
(:data:`NEEDS`), the null models it accepts, the direction of its test, its result type and
detail tables. The report (:mod:`dynamics.report.collect`), the dashboard and the benchmarks
iterate over the registry (:func:`measures`) instead of keeping their own lists, and decide from
the spec what to pass and when to skip.

Running a measure
-----------------
The plumbing every measure shares lives here: the parameter checks (:func:`check_common`),
significance (:func:`finish`: the null chosen by the sides, label shuffles or rewiring, or the
re-inferring null for found sides; the thread bootstrap; warnings; the result object). A
side-based graph measure hands :func:`run_sided` its arguments (``locals()``), a function
computing the value and detail tables from the prepared graph, and the statistic that the null
models and the bootstrap recompute; nothing else. The defaults are the same in every family
(:data:`DEFAULTS`).

Example: a new measure, the share of edges that cross sides (``tests/test_kernel.py`` runs it)::

    @measure("polarization", needs={"sides"}, nulls=SIDE_NULLS, alternative="less")
    def cross_share(discussion_or_graph, *, sides, weight=None, edges="all", pair=None,
                    **settings: Unpack[Settings]):
        '''Share of the edges between the compared sides that cross them.'''
        def compute(prep):
            src, dst, w = edge_arrays(prep.graph)
            cross = prep.codes[src] != prep.codes[dst]
            return Computed(float(w[cross].sum() / w.sum()) if w.sum() else math.nan)

        return run_sided(cross_share, locals(), compute=compute, statistic=_cross_share_stat)

``**settings`` stands for the six :data:`SETTINGS` (:class:`Settings`): :func:`measure` writes
them into the signature with the defaults of :data:`DEFAULTS` (:func:`with_settings`).
Its docstring's Parameters section can end with a line ``{significance}`` (and the ``null``
entry with ``{null_choice}``): :func:`measure` puts the shared text there (:data:`DOC_BLOCKS`).
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, TypedDict

import numpy as np

from dynamics import _docs
from dynamics._memo import reuse
from dynamics._params import check_param, check_seed, seeded
from dynamics._refit_null import null_samples_ahead, refit_null_test
from dynamics._results import MetricResult
from dynamics._sample_checks import bootstrap_threads_warning
from dynamics._significance import (
    NULL_MODELS,
    REFIT_NULLS,
    bootstrap_threads,
    check_significance,
    choose_null,
    n_threads_with_comments,
    null_test,
)
from dynamics._validation import as_igraph

if TYPE_CHECKING:
    import igraph as ig

__all__ = [
    "DEFAULTS",
    "FAMILIES",
    "NEEDS",
    "REGISTRY",
    "SIDE_NULLS",
    "Computed",
    "Measure",
    "Settings",
    "arguments",
    "bootstrap",
    "check_common",
    "find_measure",
    "finish",
    "guard_settings",
    "measure",
    "measures",
    "refit_and_bootstrap",
    "run_sided",
    "significance",
    "with_settings",
]

#: The metric families, in report order.
FAMILIES: tuple[str, ...] = ("structure", "polarization", "echo_chambers", "escalation")

#: What a measure can need from the data, and what a reader should know about each.
NEEDS: dict[str, str] = {
    "discussion": "a Discussion (threads, comments), not a bare graph",
    "sides": "sides: a mapping author -> side, a Sides, or a comments column",
    "leaning": "a leaning per user in [-1, 1] (or two sides mapped to -1 and +1)",
    "signal": "a per-comment score column (signal=, default 'toxicity': annotate first)",
    "signed": "signed reply edges (stance scores: annotate first)",
    "timestamps": "comment times",
}

#: The null models a side-based graph measure accepts ("auto": chosen by the sides).
SIDE_NULLS: tuple[str, ...] = ("auto", *NULL_MODELS)

#: The defaults every family shares (one table in the README, section "Defaults").
DEFAULTS: dict[str, Any] = {
    "seed": 0,
    "n_boot": 0,
    "ci": 0.95,
    "null": None,
    "n_null": None,
    "weight": None,
    "signal": "toxicity",
    "threshold": 0.5,
    "progress": None,
}

#: The keyword arguments of significance and reproducibility a measure may take.
SETTINGS: tuple[str, ...] = ("null", "n_null", "n_boot", "ci", "seed", "progress")


class Settings(TypedDict, total=False):
    """The keywords of :data:`SETTINGS`, typed: a measure's ``**settings: Unpack[Settings]``.

    A measure written with ``**settings`` gets these as keyword-only parameters with the
    defaults of :data:`DEFAULTS` in its signature (:func:`measure` writes them there once), and
    receives all of them in ``settings``.
    """

    null: str | None
    n_null: int | None
    n_boot: int
    ci: float
    seed: int | None
    progress: bool | None


#: The settings that make a measure random: with any of them, ``seed=None`` draws a seed
#: (:func:`guard_settings`), which the result records.
RANDOM_SETTINGS: frozenset[str] = frozenset({"null", "n_null", "n_boot"})

#: What each setting a measure does not take would have asked for (the error says it).
_LACKS: dict[str, str] = {
    "null": "no null model",
    "n_null": "no null model",
    "n_boot": "no thread bootstrap",
    "ci": "no thread bootstrap",
    "seed": "nothing random",
    "progress": "no progress bar",
}

#: The settings of a measure without a null model (those of the bootstrap and the seed):
#: what :func:`measure` gives a measure without ``nulls`` when it is not told.
WITHOUT_NULL: tuple[str, ...] = ("n_boot", "ci", "seed", "progress")

#: Docstring blocks a measure's docstring names by a line holding only ``{name}``; the
#: :func:`measure` decorator puts the block there, indented like the line.
DOC_BLOCKS: dict[str, str] = {
    "null_choice": """\
With ``n_null`` and no ``null`` (or ``"auto"``), the null is chosen by the sides:
sides found in the graph (a :class:`~dynamics.polarization.Sides` from ``"leiden"``,
``"multilevel"``, ``"signed"`` or ``"propagation"``) get ``"rewire-refit"``, which
rewires the graph keeping degrees and finds the sides again on every null graph (the
question: more polarized than random graphs split the same way? Garimella et al. 2018;
Guimera et al. 2004); given sides get ``"label-shuffle"`` (more separated than a random
split of the same sizes?). See :mod:`dynamics._significance`.""",
    "significance": """\
n_null : int or None, default None
    Null samples (200 when ``null`` is named without it; None with no ``null``: no test).
n_boot : int, default 0
    Bootstrap samples over threads for ``ci`` (Discussion input only: with a graph,
    ``n_boot > 0`` raises ``ValueError``).
ci : float, default 0.95
    Level of the bootstrap interval.
seed : int or None, default 0
    Seed of the null model and the bootstrap (and of anything random in the measure).
    None draws a fresh seed, recorded in ``result.params["seed"]``: pass it back to repeat.
progress : bool or None
    Progress bar for null samples and bootstrap.""",
    "raises": """\
ValueError, TypeError
    For invalid parameters (sklearn wording: which parameter, what it must be, what it got).
GraphKindError
    When the first argument is not a Discussion or a graph.""",
    "graph_input": """\
discussion_or_graph : Discussion, networkx graph or igraph.Graph
    A Discussion gives its user reply graph; every graph is made simple and undirected.""",
    "sides_entry": """\
sides : Mapping or str
    Author -> side label, or a comments column name.""",
    "agreement_entry": """\
edges : {"all", "agreement"}, default "all"
    ``"agreement"``: keep only the directed edges with ``sign >= 0`` first.""",
    "two_sides_entry": """\
pair : tuple of two labels, optional
    The two sides to compare; users of any other side are left out. Needed when the sides
    have more than two labels with users in the graph (without it the measure raises
    ``UndefinedMetricError``, a ``ValueError``); with two labels, both.""",
    "side_nulls_entry": """\
null : {None, "auto", "label-shuffle", "degree-preserving", "rewire-refit", ...}
    One of those or ``"rewire-refit-weights"``, default None.""",
    "leaning_entries": """\
discussion_or_graph : Discussion, networkx graph or igraph.Graph
    Its users (authors, or graph nodes) are the population; users without a leaning are
    left out.
leaning : Mapping or str, optional
    Author -> leaning in [-1, 1], or a numeric comments column averaged per author.
sides : Mapping or str, optional
    Instead of ``leaning``: author -> side label; two labels map to -1 and +1 in natural
    order (more need ``pair``).""",
}


def fill_doc(doc: str | None, blocks: Mapping[str, str] = DOC_BLOCKS) -> str | None:
    """``doc`` with every line that holds only ``{name}`` of ``blocks`` replaced.

    ``blocks`` defaults to :data:`DOC_BLOCKS`; a family may pass its own shared text.

    >>> print(fill_doc("Parameters\\n    {significance}").splitlines()[1])
        n_null : int or None, default None
    """
    return _docs.fill_doc(doc, blocks)


@dataclass(frozen=True)
class Measure:
    """A measure's spec: what it is, what it needs, how it is tested.

    Attributes
    ----------
    name, family : str
        ``dynamics.<family>.<name>`` is the function; :attr:`key` is ``"family.name"``.
    func : callable
        The public function.
    needs : frozenset of str
        Keys of :data:`NEEDS`. ``"sides"`` and ``"leaning"`` are alternatives when both appear
        (a measure of leanings also takes two sides).
    nulls : tuple of str
        Null models ``null=`` accepts (empty: the measure has no null model).
    alternative : str or None
        Direction of the test: ``"greater"``, ``"less"`` or ``"two-sided"``.
    result : type
        The :class:`~dynamics._results.MetricResult` subclass returned.
    tables : tuple of str
        Names of the detail tables in ``result.tables``.
    takes : frozenset of str
        Which of :data:`SETTINGS` the function takes.
    params : tuple of str
        The function's parameter names, in order (the first is the data).
    instead : str or None
        What to use for what the measure does not do (a thread bootstrap, a null model): the
        error raised for a setting it does not take ends with it.
    """

    name: str
    family: str
    func: Callable[..., MetricResult] = field(repr=False)
    needs: frozenset[str] = frozenset()
    nulls: tuple[str, ...] = ()
    alternative: str | None = None
    result: type = MetricResult
    tables: tuple[str, ...] = ()
    takes: frozenset[str] = frozenset()
    params: tuple[str, ...] = ()
    instead: str | None = None

    @property
    def key(self) -> str:
        """``family.name``, the measure's id in ``results.json``."""
        return f"{self.family}.{self.name}"

    @property
    def p_direction(self) -> str:
        """The tail its one-sided null-model p-value counts: ``"greater"`` (the share of null
        samples at or above the value) or ``"less"`` (at or below), the direction in which
        the measure reads as more polarized or more closed."""
        return self.alternative or "greater"

    @property
    def tail(self) -> str:
        """:attr:`p_direction` in words: ``"higher"`` or ``"lower"``.

        >>> [(m.name, m.tail) for m in measures("polarization") if m.name in ("ei_index", "modularity")]
        [('ei_index', 'lower'), ('modularity', 'higher')]
        """
        return "lower" if self.p_direction == "less" else "higher"

    @property
    def summary(self) -> str:
        """The first line of the function's docstring."""
        return (inspect.getdoc(self.func) or "").split("\n", 1)[0]


#: Every measure, by key, in registration order (see :func:`measures` for report order).
REGISTRY: dict[str, Measure] = {}


def measure(
    family: str,
    *,
    needs: Iterable[str] = (),
    nulls: Iterable[str] = (),
    alternative: str | None = None,
    result: type = MetricResult,
    tables: Iterable[str] = (),
    settings: Iterable[str] | None = None,
    blocks: Mapping[str, str] | None = None,
    instead: str | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated function as a measure of ``family`` (see :class:`Measure`).

    The function is returned with its spec as the attribute ``spec`` and the shared blocks of
    its docstring filled in (:func:`fill_doc`): the family's own ``blocks`` first, if given,
    then :data:`DOC_BLOCKS`. A function that ends in ``**settings`` is returned wrapped
    (:func:`with_settings`): ``settings`` (default: all of :data:`SETTINGS` when ``nulls`` is
    given, else ``n_boot``, ``ci``, ``seed``, ``progress``) become keyword-only parameters of
    its signature with the defaults of :data:`DEFAULTS`. Every measure is returned wrapped by
    :func:`guard_settings`: a setting it does not take raises a ``TypeError`` that says what
    the measure lacks and what to use (``instead``), and ``seed=None`` draws a seed that the
    result records.
    """
    check_param(family in FAMILIES, "family", "measure", f"one of {FAMILIES}", family)
    unknown = set(needs) - set(NEEDS)
    check_param(not unknown, "needs", "measure", f"a subset of {sorted(NEEDS)}", sorted(unknown))

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        if any(p.kind is p.VAR_KEYWORD for p in inspect.signature(func).parameters.values()):
            chosen = settings if settings is not None else SETTINGS if nulls else WITHOUT_NULL
            func = with_settings(func, chosen)
        params = inspect.signature(func).parameters
        func = guard_settings(func, f"{family}.{func.__name__}")
        spec = Measure(
            name=func.__name__,
            family=family,
            func=func,
            needs=frozenset(needs),
            nulls=tuple(nulls),
            alternative=alternative,
            result=result,
            tables=tuple(tables),
            takes=frozenset(s for s in SETTINGS if s in params),
            params=tuple(params),
            instead=instead,
        )
        REGISTRY[spec.key] = spec
        func.spec = spec  # type: ignore[attr-defined]
        func.__doc__ = fill_doc(fill_doc(func.__doc__, blocks or {}))
        return func

    return register


def with_settings(func: Callable[..., Any], names: Iterable[str]) -> Callable[..., Any]:
    """``func(..., **settings)`` with the settings ``names`` as keyword-only parameters.

    The wrapper's signature is ``func``'s with ``**settings`` replaced by ``names`` (defaults
    from :data:`DEFAULTS`), so help, the registry and callers see every parameter; a call binds
    to it (an unknown keyword raises ``TypeError`` naming the measure) and passes ``func`` every
    setting, given or default, in ``settings``.

    >>> def demo(x, *, k=1, **settings):
    ...     return x, k, settings
    >>> demo = with_settings(demo, ["seed", "ci"])
    >>> str(inspect.signature(demo))
    "(x, *, k=1, seed: 'int | None' = 0, ci: 'float' = 0.95)"
    >>> demo(1, ci=0.9)
    (1, 1, {'seed': 0, 'ci': 0.9})
    """
    signature = inspect.signature(func)
    own = [p for p in signature.parameters.values() if p.kind is not p.VAR_KEYWORD]
    # the annotations as written (strings, like the rest of a signature under PEP 563)
    hints = {k: getattr(v, "__forward_arg__", v) for k, v in Settings.__annotations__.items()}
    added = [
        inspect.Parameter(
            name, inspect.Parameter.KEYWORD_ONLY, default=DEFAULTS[name], annotation=hints[name]
        )
        for name in names
    ]
    full = signature.replace(parameters=[*own, *added])

    @functools.wraps(func)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            bound = full.bind(*args, **kwargs)
        except TypeError as exc:
            msg = f"{func.__name__}() {exc}"
            raise TypeError(msg) from None
        bound.apply_defaults()
        return func(*bound.args, **bound.kwargs)

    call.__signature__ = full  # type: ignore[attr-defined]
    return call


def guard_settings(func: Callable[..., Any], key: str) -> Callable[..., Any]:
    """``func`` (a measure, or an engine's version of measure ``key``) with the settings
    checked before it runs.

    - A setting of :data:`SETTINGS` that ``func`` does not take raises a ``TypeError`` saying
      what the measure lacks (no thread bootstrap, no null model, ...), the settings it takes,
      and what to use instead: the spec's ``instead`` (see :func:`measure`), else the
      measures of its family that take the setting (:func:`unsupported_setting`).
    - ``seed=None`` in a measure that takes a seed and any of :data:`RANDOM_SETTINGS` is
      replaced by a seed drawn from fresh entropy (:func:`dynamics._params.draw_seed`):
      ``result.params["seed"]`` records it, and passing it back as ``seed`` gives the same
      result. A measure that takes ``seed`` only for a uniform signature keeps None.

    The signature (``inspect.signature``) is ``func``'s.
    """
    takes = frozenset(s for s in SETTINGS if s in inspect.signature(func).parameters)
    draws = "seed" in takes and bool(takes & RANDOM_SETTINGS)

    @functools.wraps(func)
    def call(*args: Any, **kwargs: Any) -> Any:
        lacking = [s for s in SETTINGS if s in kwargs and s not in takes]
        if lacking:
            raise TypeError(unsupported_setting(key, lacking, takes))
        return func(*args, **(seeded(kwargs) if draws else kwargs))

    return call


def unsupported_setting(key: str, lacking: Iterable[str], takes: Iterable[str]) -> str:
    """The message of the ``TypeError`` for settings ``lacking`` that measure ``key`` (or an
    engine's version of it, which takes ``takes``) does not take.

    >>> print(unsupported_setting("escalation.episodes", ["n_boot"], ["seed"]))  # doctest: +ELLIPSIS
    episodes() got the setting 'n_boot', which it does not take: episodes has no thread bootstrap (the settings it takes: seed). ...
    """
    family, name = key.split(".", 1)
    measures(family)  # the family's specs registered (an engine's version may come first)
    lacking = list(lacking)
    what = sorted({_LACKS[s] for s in lacking})
    given = ", ".join(repr(s) for s in lacking)
    plural = "s" if len(lacking) > 1 else ""
    taken = ", ".join(s for s in SETTINGS if s in set(takes)) or "none"
    msg = (
        f"{name}() got the setting{plural} {given}, which it does not take: {name} has "
        f"{' and '.join(what)} (the settings it takes: {taken})."
    )
    spec = REGISTRY.get(key)
    if spec is not None and set(lacking) <= spec.takes:
        # an engine's version (Spark) lacks what the in-memory measure takes
        return (
            f"{msg} The in-memory {key} takes {given}: pull the part to study with to_discussion()."
        )
    if spec is not None and spec.instead:
        return f"{msg} {spec.instead}"
    others = [
        m.name
        for m in REGISTRY.values()
        if m.family == family and m.key != key and set(lacking) <= m.takes
    ]
    if others:
        return f"{msg} Measures of the {family} family that take {given}: {', '.join(others)}."
    return msg


def find_measure(name: str, caller: str) -> Measure:
    """The registered measure named ``name``: its key (``"polarization.ei_index"``) or its
    function name (``"ei_index"``); ``caller`` names the public function in the error.

    Raises
    ------
    ValueError
        For a name that is no measure's (the message lists the valid names), or a function
        name that two families share (use the key).

    Examples
    --------
    >>> find_measure("ei_index", "over_time").key
    'polarization.ei_index'
    >>> find_measure("no_such", "over_time")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: over_time: no measure 'no_such'; registered measures are ... 'structure.thread_size', ...
    """
    specs = measures()
    found = [m for m in specs if name in (m.key, m.name)]
    if len(found) == 1:
        return found[0]
    if found:
        keys = ", ".join(repr(m.key) for m in found)
        msg = f"{caller}: {name!r} names several measures ({keys}); give the key"
        raise ValueError(msg)
    known = ", ".join(repr(m.key) for m in specs)
    msg = (
        f"{caller}: no measure {name!r}; registered measures are (by key, or by the part "
        f"after the dot) {known} (see dyn.measures())"
    )
    raise ValueError(msg)


def arguments(args: Mapping[str, Any]) -> dict[str, Any]:
    """A measure's ``locals()`` with its ``settings`` (see :func:`with_settings`) spread out."""
    out = dict(args)
    out.update(out.pop("settings", None) or {})
    return out


def measures(family: str | None = None) -> list[Measure]:
    """The registered measures, family by family in :data:`FAMILIES` order (one family if named).

    The families are imported first (a measure registers itself when its module is imported);
    within a family the order is that of registration (module by module).

    >>> [m.name for m in measures("polarization")][:3]
    ['random_walk_controversy', 'boundary_polarization', 'ei_index']
    >>> sorted(measures("polarization")[0].needs), measures("polarization")[0].alternative
    (['sides'], 'greater')
    """
    import importlib

    for name in FAMILIES if family is None else (family,):
        importlib.import_module(f"dynamics.{name}")
    order = {f: i for i, f in enumerate(FAMILIES)}
    chosen = [m for m in REGISTRY.values() if family is None or m.family == family]
    return sorted(chosen, key=lambda m: order[m.family])  # stable: registration order within


@dataclass(frozen=True)
class Computed:
    """What a measure's own code computes: the value (or why not), extra fields, detail tables."""

    value: float = math.nan
    reason: str | None = None
    fields: Mapping[str, Any] = field(default_factory=dict)
    tables: Mapping[str, Any] = field(default_factory=dict)


def check_common(
    func: str,
    obj: object,
    *,
    null: str | None,
    n_null: int | None,
    n_boot: int,
    ci: float,
    edges: str | None = None,
    seed: Any = None,
) -> None:
    """The sklearn-style checks shared by every measure."""
    from dynamics.polarization._common import EDGE_MODES

    check_significance(func, null, n_null, n_boot, ci, obj)
    check_seed(seed, func)
    if edges is not None:
        check_param(edges in EDGE_MODES, "edges", func, f"one of {EDGE_MODES}", edges)


def run_sided(
    func: Callable[..., MetricResult],
    args: Mapping[str, Any],
    *,
    compute: Callable[[Any], Computed],
    statistic: Callable[[ig.Graph, np.ndarray], float] | None,
    prepare: Callable[..., Any] | None = None,
    all_labels: bool = False,
    seeded: bool = False,
    resolved: Mapping[str, Any] | None = None,
) -> Any:
    """Run a side-based graph measure: checks, the prepared graph, ``compute``, significance.

    Parameters
    ----------
    func : callable
        The measure (registered with :func:`measure`): it is called again, without null and
        bootstrap, on resampled Discussions and null graphs.
    args : mapping
        The measure's arguments by name (``locals()`` in the measure, or a dict with some
        resolved): the data (its first parameter), ``sides``, the measure's own options
        (every other parameter but :data:`SETTINGS`, in signature order: they are
        ``result.params`` and are passed back to ``func``) and the settings ``null``,
        ``n_null``, ``n_boot``, ``ci``, ``seed``, ``progress``.
    compute : callable
        ``compute(prepared) -> Computed`` on the prepared graph.
    statistic : callable or None
        ``statistic(graph, codes) -> float`` for the label-shuffle and rewiring nulls.
    prepare : callable, optional
        ``prepare(obj, sides=..., func=..., **options) -> Prepared | str`` (default
        :func:`dynamics.polarization._common.prepare`, which reads ``weight``, ``edges``,
        ``pair``); a string is the reason the measure is undefined. Resampled Discussions and
        null graphs are prepared the same way and given to ``statistic``, which must give
        the value ``compute`` gives (NaN where it gives a reason).
    all_labels : bool, default False
        Compare every side label (a measure defined for any number of groups); else two:
        ``pair``, or the two labels, raising for more
        (:func:`~dynamics.polarization._common.choose_labels`). Two-sided measures called
        again keep the pair of sides compared here.
    seeded : bool, default False
        The value itself depends on ``seed`` (random walks): called again with the same seed.
    resolved : mapping, optional
        Options whose default depends on the input (``signal=None``: a Discussion's
        ``"toxicity"`` column, a graph's ``"mean_toxicity"`` edges): ``result.params`` records
        the value used; ``prepare`` gets the option as given and resolves it for each input
        (null graphs are graphs even when the measure was given a Discussion).
    """
    from dynamics.polarization._common import prepare as prepare_graph

    spec: Measure = func.spec  # type: ignore[attr-defined]
    name = spec.name
    args = arguments(args)
    obj, sides = args[spec.params[0]], args["sides"]
    options = {k: args[k] for k in spec.params[1:] if k != "sides" and k not in SETTINGS}
    null, n_null = args.get("null"), args.get("n_null")
    n_boot, ci = args.get("n_boot", 0), args.get("ci", 0.95)
    seed, progress = args.get("seed", 0), args.get("progress")
    check_common(
        name,
        obj,
        null=null,
        n_null=n_null,
        n_boot=n_boot,
        ci=ci,
        edges=options.get("edges"),
        seed=seed,
    )
    params: dict[str, Any] = {
        **options,
        "null": null,
        "n_null": n_null,
        "n_boot": n_boot,
        "ci": ci,
        "seed": seed,
    }
    params.update(resolved or {})

    def prepared(d: Any, sides: Any, chosen: Mapping[str, Any]) -> Any:
        if prepare is None:
            return prepare_graph(
                d,
                sides=sides,
                weight=chosen.get("weight"),
                edges=chosen.get("edges", "all"),
                pair=chosen.get("pair"),
                func=name,
                all_labels=all_labels,
            )
        return prepare(d, sides=sides, func=name, **chosen)

    prep = prepared(obj, sides, options)
    if isinstance(prep, str):
        computed, prep = Computed(reason=prep), None
    else:
        computed = compute(prep)
    again_options = dict(options)
    if not all_labels and "pair" in options and prep is not None:
        again_options["pair"] = options["pair"] or prep.labels
    if seeded:
        again_options["seed"] = seed

    def again(d: Any, sides: Any = sides) -> float:
        """The value on a resampled Discussion or a null graph: the statistic alone (no
        checks, tables or result; NaN where ``compute`` would give a reason). The prepared
        graph is kept on the sample for the next measure that prepares it the same way."""
        if statistic is None:
            return func(d, sides=sides, **again_options).value
        found = reuse(
            d,
            ("prepared", prepare, all_labels, tuple(sorted(again_options.items()))),
            (sides,),
            lambda: prepared(d, sides, again_options),
        )
        return math.nan if isinstance(found, str) else statistic(found.graph, found.codes)

    return finish(
        spec.result,
        name,
        obj,
        prep=prep,
        value=computed.value,
        reason=computed.reason,
        params=params,
        statistic=statistic,
        alternative=spec.alternative or "greater",
        again=again,
        sides=sides,
        null=null,
        n_null=n_null,
        n_boot=n_boot,
        ci=ci,
        seed=seed,
        progress=progress,
        fields=computed.fields,
        tables=computed.tables,
    )


#: The key under which :func:`significance` and :func:`refit_and_bootstrap` give the number
#: of null samples on which the measure is defined (taken out by :func:`take_null_count`).
N_DEFINED = "n_null_defined"


def take_null_count(test: dict[str, Any], params: dict[str, Any]) -> list[str]:
    """Take :data:`N_DEFINED` out of a null test's fields; when fewer samples than
    ``params["n_null"]`` define the measure, record the number in ``params`` and return the
    warning that says the test rests on fewer samples than asked for.

    >>> params = {"n_null": 200}
    >>> take_null_count({"z": 1.0, N_DEFINED: 150}, params), params[N_DEFINED]
    (['50 of 200 null samples left the measure undefined and are left out: the test rests on 150'], 150)
    """
    n = test.pop(N_DEFINED, None)
    if n is None or n >= params.get("n_null", 0):
        return []
    params[N_DEFINED] = int(n)
    left = f"{params['n_null'] - n} of {params['n_null']} null samples"
    return [f"{left} left the measure undefined and are left out: the test rests on {n}"]


def significance(
    statistic: Callable[[ig.Graph, np.ndarray], float],
    graph: ig.Graph,
    codes: np.ndarray,
    *,
    observed: float,
    null: str | None,
    n_null: int,
    seed: int | None,
    alternative: str,
    progress: bool | None,
    func: str,
) -> dict[str, float]:
    """``z``, ``p_value``, null mean and sd, excess from a label or rewiring null ({} without),
    and under :data:`N_DEFINED` the number of null samples that define the measure (see
    :func:`take_null_count`)."""
    if null is None or math.isnan(observed):
        return {}
    res = null_test(
        statistic,
        graph,
        codes,
        observed=observed,
        null=null,  # type: ignore[arg-type]
        n_null=n_null,
        seed=seed,
        alternative=alternative,  # type: ignore[arg-type]
        progress=progress,
        func=func,
    )
    return {**res.fields(), N_DEFINED: res.null_values.size}


def bootstrap(
    value_of: Callable[[Any], float],
    obj: Any,
    *,
    n_boot: int,
    ci: float,
    seed: int | None,
    progress: bool | None,
    func: str,
) -> tuple[tuple[float, float] | None, str | None]:
    """``(interval, why_none)``: percentile CI over resampled threads, or None and a reason.

    No interval without a Discussion or with ``n_boot=0`` (reason None: none was asked for),
    nor below ``MIN_BOOTSTRAP_THREADS`` threads (the reason says so).
    """
    from dynamics.model.discussion import Discussion

    if n_boot == 0 or not isinstance(obj, Discussion):
        return None, None
    interval, _ = bootstrap_threads(
        value_of, obj, n_boot=n_boot, ci=ci, seed=seed, progress=progress, func=func
    )
    if interval is None:
        return None, bootstrap_threads_warning(n_threads_with_comments(obj))
    return interval, None


def finish(
    cls: type,
    func: str,
    obj: Any,
    *,
    prep: Any,
    value: float,
    reason: str | None,
    params: dict[str, Any],
    statistic: Callable[[ig.Graph, np.ndarray], float] | None,
    alternative: str,
    again: Callable[..., float],
    null: str | None,
    n_null: int | None,
    n_boot: int,
    ci: float,
    seed: int | None,
    progress: bool | None,
    sides: Any = None,
    fields: Mapping[str, Any] | None = None,
    tables: Mapping[str, Any] | None = None,
) -> Any:
    """Add the null test and bootstrap CI to a computed value and build the result object.

    ``prep`` has ``graph``, ``codes``, ``labels``, ``n_dropped`` and ``warnings`` (a
    :class:`dynamics.polarization._common.Prepared`). ``again(obj, sides)`` recomputes the
    measure (no null, no bootstrap) on a resampled Discussion or a null graph; ``sides`` is
    what the caller gave, which decides the null when ``null`` is None
    (:func:`dynamics._significance.choose_null`).
    """
    null, n_null = choose_null(null, n_null, sides)
    params["null"], params["n_null"] = null, n_null
    test: dict[str, float] = {}
    refit = prep is not None and statistic is not None and reason is None and null in REFIT_NULLS
    interval = why = None
    if refit:
        test, (interval, why) = refit_and_bootstrap(
            again,
            obj,
            sides,
            observed=value,
            null=null,
            n_null=n_null,
            seed=seed,
            weight=params.get("weight"),
            alternative=alternative,
            func=func,
            n_boot=n_boot,
            ci=ci,
            progress=progress,
        )
    elif prep is not None and statistic is not None and reason is None:
        test = significance(
            statistic,
            prep.graph,
            prep.codes,
            observed=value,
            null=null,
            n_null=n_null,
            seed=seed,
            alternative=alternative,
            progress=progress,
            func=func,
        )
    if not refit and reason is None:
        interval, why = bootstrap(
            again, obj, n_boot=n_boot, ci=ci, seed=seed, progress=progress, func=func
        )
    said = list(prep.warnings) if prep is not None and reason is None else []
    said.extend(take_null_count(test, params))
    if why is not None:
        params["ci_reason"] = why
        said.append(why)
    if prep is not None:
        params["compared"] = list(prep.labels)
        params["n_dropped"] = prep.n_dropped
    return cls(
        func,
        value,
        ci=interval,
        params=params,
        reason=reason,
        tables=dict(tables or {}),
        warnings=tuple(said),
        **test,
        **dict(fields or {}),
    )


def refit_and_bootstrap(
    again: Callable[..., float],
    obj: Any,
    sides: Any,
    *,
    observed: float,
    null: str,
    n_null: int,
    seed: int | None,
    weight: str | None,
    alternative: str,
    func: str,
    n_boot: int,
    ci: float,
    progress: bool | None,
) -> tuple[dict[str, float], tuple[tuple[float, float] | None, str | None]]:
    """The re-inferring null (``"rewire-refit"``) for sides found in the graph, and the
    bootstrap, of one measure: ``(test fields, (interval, why_none))``.

    The null rewires the full user graph of ``obj`` keeping degrees, finds the sides on it
    with the method and parameters of ``sides``
    (:func:`dynamics.polarization._sides.refit_sides`) and recomputes the measure with
    ``again``. With worker processes and a Discussion to bootstrap, the workers draw the
    null's samples (unless drawn already) while this process computes the bootstrap
    (:func:`dynamics._refit_null.null_samples_ahead`); otherwise one after the other. The
    results are the same either way.
    """
    from dynamics.model.discussion import Discussion
    from dynamics.polarization._sides import refit_sides

    graph = as_igraph(obj, func=func, copy=False)  # only read (rewired copies are made from it)
    find = partial(refit_sides, sides)
    found_with = sides.params.get("weight")
    search = tuple(w for w in [found_with] if isinstance(w, str))  # what the side search reads
    boot = {"n_boot": n_boot, "ci": ci, "seed": seed, "progress": progress, "func": func}
    drawing = None
    if n_boot and isinstance(obj, Discussion):
        drawing = null_samples_ahead(
            graph,
            find,
            null=null,
            n_null=n_null,
            seed=seed,
            unit_weights=search,
            cache=sides.null_cache,
        )
    done = bootstrap(again, obj, **boot) if drawing is not None else None
    res = refit_null_test(
        again,
        graph,
        find,
        cache=sides.null_cache,
        observed=observed,
        null=null,
        n_null=n_null,
        seed=seed,
        unit_weights=tuple(sorted(w for w in {weight, found_with} if isinstance(w, str))),
        search_weights=search,
        alternative=alternative,  # type: ignore[arg-type]
        samples=None if drawing is None else drawing.result(),
    )
    fields = {**res.fields(), N_DEFINED: res.null_values.size}
    return fields, done if done is not None else bootstrap(again, obj, **boot)
