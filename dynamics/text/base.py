"""The ``Scorer`` protocol and the scorer registry (DESIGN section 5).

A scorer turns a batch of comment texts into one or more numeric (or label) columns. Anything
with ``name``, ``version``, ``columns`` and ``score(texts)`` is a scorer; a plain function
``f(texts) -> array`` becomes one through :func:`as_scorer`. Scorers are found by name in a
registry that holds the built-ins (``"toxicity"``, ``"sentiment"``, ``"stance"``, imported
only when first asked for) and whatever users :func:`register`.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np

__all__ = [
    "CallableScorer",
    "Scorer",
    "as_scorer",
    "available_scorers",
    "check_output",
    "describe",
    "get_scorer",
    "register",
]


@runtime_checkable
class Scorer(Protocol):
    """What :func:`dynamics.text.annotate` needs from a text scorer.

    Attributes
    ----------
    name : str
        Registry and cache name, e.g. ``"sentiment"``.
    version : str
        Changes whenever the scores could change (model, lexicon, rules); cached scores are
        kept per (name, version), so bumping it re-scores everything.
    columns : tuple of str
        Names of the columns :meth:`score` returns, in order.

    Notes
    -----
    ``score(texts)`` receives a sequence of ``str`` (never ``None``: missing texts are passed
    as ``""``) and returns a dict with one array per name in ``columns``, each as long as
    ``texts``. Scores must depend on each text alone, so that they can be cached per comment
    and computed in any batch order; a scorer that sets ``needs_parent = True`` (the stance
    model) is called as ``score(texts, parents)`` and may depend on the pair, which is then
    the cache key. A scorer that sets ``uses_words = True`` (the built-in toxicity and stance
    scorers) is also given ``words=``, the lower-cased words of each text as a polars list
    column (:func:`dynamics.text._linear.word_lists`), and with ``needs_parent`` also
    ``parent_words=``: :func:`~dynamics.text.annotate` tokenises every comment once for all
    of them. A scorer may also define ``reply_columns``, the subset of ``columns`` that
    only makes sense for replies; :func:`~dynamics.text.annotate` sets those to null on
    top-level comments, and ``model_name``, the model behind its scores, which reports show.

    Examples
    --------
    >>> import numpy as np
    >>> class Length:
    ...     name, version, columns = "length", "1", ("length",)
    ...     def score(self, texts):
    ...         return {"length": np.array([len(t) for t in texts])}
    >>> isinstance(Length(), dyn.text.Scorer)
    True
    """

    name: str
    version: str
    columns: tuple[str, ...]

    def score(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Score ``texts``: one array per column, each ``len(texts)`` long."""
        ...


class CallableScorer:
    """A plain function ``f(texts) -> array`` seen as a one-column :class:`Scorer`.

    Parameters
    ----------
    func : callable
        Takes a sequence of texts and returns one value per text (list or array).
    name : str, optional
        Scorer and column name; default ``func.__name__``.
    version : str, optional
        Default: ``func.version`` when the function has that attribute, otherwise a hash of
        its source code (or byte code), so editing the function re-scores cached comments.
        Set it explicitly when the scores depend on anything else (a threshold captured in a
        closure, a model file).

    Examples
    --------
    >>> def n_words(texts):
    ...     return [len(t.split()) for t in texts]
    >>> s = dyn.text.CallableScorer(n_words)
    >>> s.name, s.columns
    ('n_words', ('n_words',))
    >>> s.score(["a b", ""])["n_words"].tolist()
    [2, 0]
    """

    def __init__(
        self,
        func: Callable[[Sequence[str]], Any],
        *,
        name: str | None = None,
        version: str | None = None,
    ) -> None:
        if not callable(func):
            msg = f"The 'func' parameter of CallableScorer must be callable. Got {func!r} instead."
            raise TypeError(msg)
        self.func = func
        self.name = name or getattr(func, "__name__", None) or type(func).__name__
        self.version = version or str(getattr(func, "version", "") or _code_hash(func))
        self.columns = (self.name,)

    def score(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Call the function and return its values as the one column."""
        return {self.name: np.asarray(self.func(texts))}

    def __repr__(self) -> str:
        return f"CallableScorer({self.name!r}, version={self.version!r})"


def _code_hash(func: Callable[..., Any]) -> str:
    """A short hash of a function's source (or byte code and constants)."""
    target = inspect.unwrap(func)
    try:
        ident = inspect.getsource(target)
    except (OSError, TypeError):
        call = vars(type(target)).get("__call__")  # a callable object's method
        code = getattr(target, "__code__", None) or getattr(call, "__code__", None)
        ident = repr((code.co_code, code.co_consts)) if code is not None else repr(target)
    return "code-" + hashlib.blake2b(ident.encode(), digest_size=8).hexdigest()


# ---------------------------------------------------------------------- registry
#: Built-in scorers: name -> (module, class), imported on first use.
_BUILTINS: dict[str, tuple[str, str]] = {
    "toxicity": ("dynamics.text.toxicity", "ToxicityScorer"),
    "sentiment": ("dynamics.text.sentiment", "SentimentScorer"),
    "stance": ("dynamics.text.stance_model", "StanceScorer"),
    "stance-markers": ("dynamics.text.stance", "MarkerStanceScorer"),
}
_REGISTRY: dict[str, Scorer] = {}


def register(scorer: Scorer | Callable[[Sequence[str]], Any], *, replace: bool = False) -> Scorer:
    """Make a scorer available by name to :func:`get_scorer` and ``annotate(scorers=...)``.

    Parameters
    ----------
    scorer : Scorer or callable
        A :class:`Scorer`, or a function ``f(texts) -> array`` (see :class:`CallableScorer`).
    replace : bool, default False
        Allow replacing a scorer already registered (or a built-in) under the same name.

    Returns
    -------
    Scorer
        The registered scorer (the wrapper, for a function).

    Raises
    ------
    ValueError
        The name is taken and ``replace`` is False.

    Examples
    --------
    >>> def shouting(texts):
    ...     return [float(t.isupper()) for t in texts]
    >>> _ = dyn.text.register(shouting, replace=True)
    >>> dyn.text.get_scorer("shouting").score(["NO", "no"])["shouting"].tolist()
    [1.0, 0.0]
    """
    obj = as_scorer(scorer)
    if not replace and (obj.name in _REGISTRY or obj.name in _BUILTINS):
        msg = f"a scorer named {obj.name!r} is already registered; pass replace=True to replace it"
        raise ValueError(msg)
    _REGISTRY[obj.name] = obj
    return obj


def available_scorers() -> list[str]:
    """Names accepted by :func:`get_scorer`: the built-ins and every registered scorer.

    Examples
    --------
    >>> {"toxicity", "sentiment", "stance"} <= set(dyn.text.available_scorers())
    True
    """
    return sorted(set(_BUILTINS) | set(_REGISTRY))


def get_scorer(name: str) -> Scorer:
    """The scorer registered as ``name`` (built-ins are created on first use).

    Raises
    ------
    ValueError
        No scorer has that name.
    ImportError
        ``name`` is a built-in whose module cannot be imported (the message says which
        module and why).

    Examples
    --------
    >>> dyn.text.get_scorer("sentiment").columns
    ('sentiment',)
    """
    if name in _REGISTRY:
        return _REGISTRY[name]
    if name not in _BUILTINS:
        msg = f"unknown scorer {name!r}; available scorers: {', '.join(available_scorers())}"
        raise ValueError(msg)
    module_name, class_name = _BUILTINS[name]
    try:
        cls = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError) as exc:
        msg = (
            f"the built-in scorer {name!r} is not available: {module_name}.{class_name} "
            f"could not be imported ({exc})"
        )
        raise ImportError(msg) from exc
    scorer = cls()
    _REGISTRY[name] = scorer
    return scorer


def as_scorer(obj: str | Scorer | Callable[[Sequence[str]], Any]) -> Scorer:
    """Turn a name, a :class:`Scorer` (or its class) or a function into a scorer.

    Examples
    --------
    >>> dyn.text.as_scorer(len).name
    'len'
    >>> dyn.text.as_scorer("stance").columns
    ('agreement', 'disagreement', 'p_agree', 'p_disagree', 'p_neutral', 'stance')
    """
    if isinstance(obj, str):
        return get_scorer(obj)
    if isinstance(obj, type) and _is_scorer_class(obj):
        return obj()
    if isinstance(obj, Scorer):
        return obj
    if callable(obj):
        return CallableScorer(obj)
    msg = (
        "A scorer must be a registered name, an object with name, version, columns and "
        f"score(texts), or a function f(texts) -> array. Got {obj!r} instead."
    )
    raise TypeError(msg)


def _is_scorer_class(cls: type) -> bool:
    return all(hasattr(cls, a) for a in ("name", "version", "columns", "score"))


def check_output(scorer: Scorer, out: Any, n: int) -> dict[str, np.ndarray]:
    """Check a scorer's output: a dict with every declared column, each ``n`` long.

    Raises
    ------
    TypeError
        The output is not a mapping.
    ValueError
        A column is missing or has the wrong length.
    """
    if not isinstance(out, Mapping):
        msg = (
            f"scorer {scorer.name!r}: score() must return a dict of columns "
            f"{list(scorer.columns)}. Got {type(out).__name__} instead."
        )
        raise TypeError(msg)
    cols = {}
    for col in scorer.columns:
        if col not in out:
            msg = f"scorer {scorer.name!r}: score() returned no column {col!r}"
            raise ValueError(msg)
        values = np.asarray(out[col])
        if values.shape != (n,):
            msg = (
                f"scorer {scorer.name!r}: column {col!r} must hold one value per text "
                f"({n}). Got shape {values.shape} instead."
            )
            raise ValueError(msg)
        cols[col] = values
    return cols


def describe(scorer: str | Scorer | Callable[[Sequence[str]], Any]) -> dict[str, str]:
    """Which model produced a scorer's columns: scorer name, version, model and columns.

    Reports (``results.json``, the HTML report) and the dashboard show this beside the scores.

    Examples
    --------
    >>> info = dyn.text.describe("toxicity")
    >>> info["scorer"], info["model"]
    ('toxicity', 'toxichat-toxicity 2')
    """
    obj = as_scorer(scorer)
    return {
        "scorer": obj.name,
        "version": str(obj.version),
        "model": str(getattr(obj, "model_name", obj.version)),
        "columns": ", ".join(obj.columns),
    }
