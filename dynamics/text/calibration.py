"""Calibration of the text signals: scores mapped to how often their label is really true.

A score is *calibrated* when, among the comments that get a score near ``p``, a share of
about ``p`` really carry the label. :func:`dynamics.uncertainty.signal_uncertainty` draws
label sets from the scores, so its spread is only as right as their calibration. A
:class:`Calibration` holds one monotone map per score column (``toxicity``, ``p_agree``,
``p_disagree``), fitted on scores of comments whose labels people gave, and applies them to
a Discussion's scores.

Two kinds, for two questions:

- :func:`toxichat_calibration`, shipped with the package: the default models' out-of-fold
  scores on ToxiChat (Baheti et al. 2021; 3,919 turns labelled Offensive / Safe and 2,219
  replies labelled Agree / Disagree / Neutral towards their parent) mapped by isotonic
  regression to the labels. It corrects the models' own miscalibration *for ToxiChat's
  definitions*; the figures are in the model card of :func:`toxichat_calibration`.
- :meth:`Calibration.from_labels`: fitted on a sample of *your* comments that you labelled
  (a random sample; a few hundred make a usable Platt scaling, and the draws carry its own
  uncertainty, which is large when the label is rare). This is the validation sample
  of the measurement-error literature (Blackwell, Honaker and King 2017): it maps the scores
  to your definition of a toxic comment or of a disagreement on your data, which a model
  trained elsewhere does not know. On r/CollegeRant the two differ a lot: ToxiChat's
  "Offensive" is broader than a moderator's "toxic" (``benchmarks/labels``), and the
  README's section "How far the signals can move a measure" shows what that does to the
  measures.

Only probabilities change: ``apply`` leaves the ``stance`` label column (the model's decision)
as it is, and the calibrated stance triple still sums to one.

References
----------
.. [1] B. Zadrozny and C. Elkan, "Transforming classifier scores into accurate multiclass
   probability estimates", KDD 2002. doi:10.1145/775047.775151 (isotonic regression)
.. [2] J. Platt, "Probabilistic outputs for support vector machines and comparisons to
   regularized likelihood methods", Advances in Large Margin Classifiers, 1999 (Platt scaling)
.. [3] A. Niculescu-Mizil and R. Caruana, "Predicting good probabilities with supervised
   learning", ICML 2005. doi:10.1145/1102351.1102430 (isotonic needs about a thousand labelled
   items; Platt scaling is the safer choice below that)
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import polars as pl

from dynamics._sample_checks import MIN_CALIBRATION_CLASS
from dynamics.errors import DynamicsError

if TYPE_CHECKING:
    from dynamics.model.discussion import Discussion

__all__ = ["COLUMNS", "Calibration", "ScoreMap", "named", "read_labels", "toxichat_calibration"]

#: The score columns a calibration can map.
COLUMNS = ("toxicity", "p_agree", "p_disagree")
Method = Literal["isotonic", "platt"]
_EPS = 1e-6


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, _EPS, 1 - _EPS)
    return np.log(p) - np.log1p(-p)


@dataclass(frozen=True)
class ScoreMap:
    """A monotone map from a score to the share of comments with that score whose label is
    true.

    Attributes
    ----------
    method : {"isotonic", "platt"}
        ``"isotonic"``: a non-decreasing step function fitted by pooling adjacent violators,
        read with linear interpolation between its knots ``x`` -> ``y`` (flat beyond the end
        knots). ``"platt"``: ``1 / (1 + exp(-(a * logit(p) + b)))`` with ``y = (a, b)``.
    x, y : numpy.ndarray
        Knots and values (isotonic), or an empty ``x`` and ``(a, b)`` (Platt).
    n, positives : int
        Labelled items it was fitted on, and how many of them carry the label.

    Examples
    --------
    >>> m = ScoreMap.fit(np.array([0.1, 0.2, 0.8, 0.9]), np.array([0, 1, 0, 1]), "isotonic")
    >>> m(np.array([0.1, 0.5, 0.9])).round(2).tolist()
    [0.0, 0.5, 1.0]
    """

    method: Method
    x: np.ndarray = field(repr=False)
    y: np.ndarray = field(repr=False)
    n: int = 0
    positives: int = 0

    @classmethod
    def fit(
        cls, scores: np.ndarray, labels: np.ndarray, method: Method = "platt", *, check: bool = True
    ) -> ScoreMap:
        """Fit the map on ``scores`` and their 0/1 ``labels`` (NaN scores are left out).

        ``"isotonic"`` is the pool-adjacent-violators fit of the labels on the sorted scores
        (Zadrozny and Elkan 2002; tied scores are pooled first, so the fit does not depend on
        the order of the rows): its values are the shares of true labels in the pooled
        blocks, its knots the lowest and highest score of each block. ``"platt"`` fits
        ``a`` and ``b`` by maximum likelihood on Platt's smoothed targets
        (``(N+ + 1) / (N+ + 2)`` for a positive, ``1 / (N- + 2)`` for a negative), which keep
        it finite on small or separable samples.

        Raises
        ------
        ValueError
            For an unknown method, mismatched lengths, or (with ``check``) labels that are
            all the same (nothing to calibrate against; a bootstrap resample of a small
            sample may hold one label only, and is fitted with ``check=False``).
        """
        from scipy.optimize import isotonic_regression, minimize

        p = np.asarray(scores, dtype=np.float64)
        y = np.asarray(labels, dtype=np.float64)
        if p.shape != y.shape:
            msg = f"ScoreMap.fit: {p.size} scores but {y.size} labels"
            raise ValueError(msg)
        keep = np.isfinite(p) & np.isfinite(y)
        p, y = p[keep], y[keep]
        positives = int(y.sum())
        if check and positives in (0, y.size):
            msg = (
                f"ScoreMap.fit: the {y.size} labelled items all have the same label; a "
                "calibration needs both labels among them"
            )
            raise ValueError(msg)
        if method == "isotonic":
            # one point per distinct score: the share of its labels, weighted by its count
            knots, inverse, counts = np.unique(p, return_inverse=True, return_counts=True)
            shares = np.bincount(inverse, weights=y, minlength=knots.size) / counts
            fit = isotonic_regression(shares, weights=counts.astype(np.float64))
            # only the ends of each block (a flat step) matter to the interpolation
            starts = fit.blocks[:-1]
            ends = np.unique(np.concatenate([starts, fit.blocks[1:] - 1]))
            return cls("isotonic", knots[ends], fit.x[ends], int(y.size), positives)
        if method == "platt":
            n_pos = positives
            target = np.where(y > 0, (n_pos + 1) / (n_pos + 2), 1 / (y.size - n_pos + 2))
            z = _logit(p)

            def loss(ab: np.ndarray) -> tuple[float, np.ndarray]:
                t = ab[0] * z + ab[1]
                q = 1 / (1 + np.exp(-t))
                value = float(np.sum(np.logaddexp(0, t) - target * t))
                grad = q - target
                return value, np.array([grad @ z, grad.sum()])

            ab = minimize(loss, np.array([1.0, 0.0]), jac=True, method="BFGS").x
            return cls("platt", np.empty(0), ab, int(y.size), positives)
        msg = f"ScoreMap.fit: method must be 'isotonic' or 'platt'. Got {method!r} instead."
        raise ValueError(msg)

    def __call__(self, scores: np.ndarray) -> np.ndarray:
        """The calibrated probabilities of ``scores`` (NaN stays NaN)."""
        p = np.asarray(scores, dtype=np.float64)
        if self.method == "isotonic":
            out = np.interp(p, self.x, self.y)
        else:
            out = 1 / (1 + np.exp(-(self.y[0] * _logit(p) + self.y[1])))
        return np.where(np.isfinite(p), out, np.nan)


@dataclass(frozen=True)
class Calibration:
    """Monotone maps of score columns to calibrated probabilities, and where they come from.

    Attributes
    ----------
    maps : Mapping[str, ScoreMap]
        One map per calibrated column of :data:`COLUMNS`.
    source : str
        What the maps were fitted on (data, labels, method), shown wherever they are used.
    samples : Mapping[str, tuple of numpy.ndarray]
        Per column, the labelled scores and 0/1 labels the map was fitted on; with them
        :meth:`resample` refits on a bootstrap resample, so that draws can carry the
        calibration's own uncertainty.
    replicates : tuple of Mapping[str, ScoreMap]
        Maps fitted on bootstrap resamples of the samples, kept instead of the samples where
        those may not be shipped (:meth:`save` writes these, not the labelled data);
        :meth:`resample` picks one at random. With neither, the maps are taken as exact.

    Examples
    --------
    A validation sample of four labelled comments, Platt-scaled:

    >>> cal = Calibration.fit({"toxicity": [0.1, 0.3, 0.6, 0.9]}, {"toxicity": [0, 0, 1, 1]},
    ...                       source="four comments")
    >>> cal.columns, cal.describe()
    (('toxicity',), 'four comments: toxicity (platt, 4 labelled, 2 true)')
    >>> c = cal.apply_frame(pl.DataFrame({"toxicity": [0.05, 0.95]}))["toxicity"]
    >>> bool(c[0] < 0.5 < c[1])
    True
    """

    maps: Mapping[str, ScoreMap]
    source: str = ""
    samples: Mapping[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, repr=False)
    replicates: tuple[Mapping[str, ScoreMap], ...] = field(default=(), repr=False)

    @property
    def columns(self) -> tuple[str, ...]:
        """The calibrated columns, in :data:`COLUMNS` order."""
        return tuple(c for c in COLUMNS if c in self.maps)

    @classmethod
    def fit(
        cls,
        scores: Mapping[str, Any],
        labels: Mapping[str, Any],
        *,
        method: Method = "platt",
        source: str = "",
    ) -> Calibration:
        """One :class:`ScoreMap` per column of ``scores``, fitted on its 0/1 ``labels``.

        Parameters
        ----------
        scores, labels : Mapping[str, array-like]
            Per column of :data:`COLUMNS`, the scores of the labelled items and whether
            each item carries the label (toxic; agrees; disagrees).
        method : {"platt", "isotonic"}, default "platt"
            See :meth:`ScoreMap.fit`. Isotonic regression follows any monotone shape but
            needs about a thousand labelled items (Niculescu-Mizil and Caruana 2005).
        source : str
            A description kept with the calibration.
        """
        unknown = set(scores) - set(COLUMNS)
        if unknown:
            msg = f"Calibration.fit: cannot calibrate {sorted(unknown)}; columns: {list(COLUMNS)}"
            raise ValueError(msg)
        samples = {
            c: (np.asarray(scores[c], dtype=np.float64), np.asarray(labels[c], dtype=np.float64))
            for c in scores
        }
        maps = {c: ScoreMap.fit(p, y, method) for c, (p, y) in samples.items()}
        return cls(maps, source, samples)

    @classmethod
    def from_labels(
        cls,
        discussion: Discussion,
        labels: pl.DataFrame | str | Path,
        *,
        method: Method = "platt",
        source: str | None = None,
    ) -> Calibration:
        """Fit on a labelled sample of the Discussion's own comments (a validation sample).

        Parameters
        ----------
        discussion : Discussion
            Annotated with the signals to calibrate.
        labels : polars.DataFrame or path of a CSV file
            ``comment_id`` and one or both of ``toxic`` (1 / 0, true / false) and
            ``stance`` (``agree``, ``disagree`` or ``neutral``, the reply's stance towards
            its parent); an empty cell leaves that comment out of that signal's fit. Draw the comments **at random** from the Discussion (a sample
            chosen for its scores or its words calibrates towards that choice); a few
            hundred make a usable Platt scaling.
        method : {"platt", "isotonic"}, default "platt"
        source : str, optional
            What to call the labels in :attr:`source` and in errors (default: the file's
            path, or "labels" for a frame).

        Raises
        ------
        DynamicsError
            When a labelled id is not in the Discussion or is labelled twice, no labelled
            comment of a signal has a score, a label is not one of the values above, or
            neither label column is given; the message names the file, the id and the
            column. Labelled comments without a score (deleted text; top-level comments for
            stance) are left out of that signal's fit and counted in :attr:`source`.

        Examples
        --------
        >>> d = dyn.load(pl.DataFrame({"id": list("abcd"), "parent": [None, "a", "a", "a"],
        ...                            "user": list("wxyz"), "body": list("pqrs")}))
        >>> d = dyn.Discussion(d.comments.with_columns(toxicity=pl.Series([.1, .2, .7, .9])),
        ...                    d.report)
        >>> lab = pl.DataFrame({"comment_id": list("abcd"), "toxic": [0, 1, 0, 1]})
        >>> Calibration.from_labels(d, lab).maps["toxicity"].n
        4
        """
        labels, name = read_labels(labels, source)
        given = [t for t in _TARGETS if t in labels.columns]
        wanted = [c for t in given for c in _TARGETS[t]]
        missing = [c for c in wanted if c not in discussion.comments.columns]
        if missing:
            msg = f"{name}: the Discussion has no {missing} scores to calibrate (annotate it first)"
            raise DynamicsError(msg)
        known = discussion.comments.select(pl.col("comment_id").cast(pl.String), *wanted)
        unknown = labels.join(known, on="comment_id", how="anti").get_column("comment_id")
        if unknown.len():
            msg = (
                f"{name}: comment_id {unknown[0]!r} ({unknown.len()} in all) is not a comment "
                "of the Discussion"
            )
            raise DynamicsError(msg)
        rows = labels.join(known, on="comment_id", how="left", maintain_order="left")
        scores: dict[str, np.ndarray] = {}
        truth: dict[str, np.ndarray] = {}
        left_out: dict[str, int] = {}
        for label in given:
            labelled = rows.filter(pl.col(label).is_not_null())
            # a random sample holds comments without a score (deleted text; for stance the
            # top-level comments): they cannot be compared with their label, so they are
            # left out of this signal's fit, and counted
            scored = pl.all_horizontal(
                pl.col(c).is_not_null() & pl.col(c).cast(pl.Float64).is_not_nan()
                for c in _TARGETS[label]
            )
            if labelled.filter(~scored).height:
                left_out[label] = labelled.filter(~scored).height
            labelled = labelled.filter(scored)
            if labelled.height == 0:
                why = "top-level comments have no stance" if label == "stance" else "unscored"
                msg = (
                    f"{name}: none of the comments with a '{label}' label has a score in the "
                    f"Discussion ({why})"
                )
                raise DynamicsError(msg)
            values = labelled.get_column(label).to_numpy()
            for column in _TARGETS[label]:
                scores[column] = labelled.get_column(column).cast(pl.Float64).to_numpy()
                truth[column] = values if label == "toxic" else values == column[2:]
                if truth[column].all() or not truth[column].any():
                    value = "toxic" if label == "toxic" else repr(column[2:])
                    which = "every one" if truth[column].all() else "none"
                    msg = (
                        f"{name}: {which} of the {truth[column].size} '{label}' labels is "
                        f"{value}; a calibration needs comments with and without it"
                    )
                    raise DynamicsError(msg)
        n_labelled = rows.filter(pl.any_horizontal(pl.col(given).is_not_null())).height
        source = f"{n_labelled} labelled comments in {name}, {method} scaling"
        if left_out:
            source += "; left out, their comment has no score (e.g. deleted text" + (
                "; a top-level comment has no stance" if "stance" in left_out else ""
            )
            source += "): " + ", ".join(f"{n} '{label}' labels" for label, n in left_out.items())
        few = _few_labels(truth)
        if few:
            source += f"; few labels, the map is very uncertain: {few}"
        return cls.fit(scores, truth, method=method, source=source)

    @property
    def uncertain(self) -> bool:
        """True when :meth:`resample` varies the maps (samples or replicates are kept)."""
        return bool(self.samples or self.replicates)

    def resample(self, rng: np.random.Generator) -> Calibration:
        """The maps refitted on one bootstrap resample of :attr:`samples`, or one of the
        :attr:`replicates` chosen at random (self with neither).

        ``p_agree`` and ``p_disagree``, fitted on the same labelled replies, are resampled
        together (the same rows) when their samples are as long; every other column alone. :func:`~dynamics.signal_uncertainty` calls this once per draw,
        so the spread of its draws holds the calibration's sampling error too (proper
        multiple imputation: the model's parameters are drawn before the labels).

        Examples
        --------
        >>> cal = Calibration.fit({"toxicity": [.1, .2, .3, .7, .8, .9]},
        ...                       {"toxicity": [0, 0, 1, 0, 1, 1]})
        >>> a, b = (cal.resample(np.random.default_rng(s)).maps["toxicity"] for s in (1, 2))
        >>> bool(np.allclose(a.y, b.y)), a.n
        (False, 6)
        """
        if not self.samples:
            if self.replicates:
                return Calibration(self.replicates[rng.integers(len(self.replicates))], self.source)
            return self
        rows: dict[tuple[str, int], np.ndarray] = {}
        maps = {}
        for column in self.columns:
            p, y = self.samples[column]
            group = ("stance" if column in ("p_agree", "p_disagree") else column, p.size)
            if group not in rows:
                rows[group] = rng.integers(0, p.size, p.size)
            take = rows[group]
            maps[column] = ScoreMap.fit(p[take], y[take], self.maps[column].method, check=False)
        return Calibration(maps, self.source, self.samples)

    def apply_frame(
        self, comments: pl.DataFrame, columns: Sequence[str] | None = None
    ) -> pl.DataFrame:
        """``comments`` with each calibrated column replaced by its calibrated probability.

        ``p_agree`` and ``p_disagree`` are mapped one by one; where they then sum to more
        than one both are scaled down to sum to one, and ``p_neutral`` becomes the rest, so
        the triple remains a distribution. Columns the frame lacks are skipped; ``columns``
        (default: all of :attr:`columns`) limits the mapping to those named.
        """
        chosen = self.columns if columns is None else [c for c in self.columns if c in columns]
        out: dict[str, np.ndarray] = {}
        for column in chosen:
            if column in comments.columns:
                values = comments.get_column(column).cast(pl.Float64).to_numpy()
                out[column] = self.maps[column](values)
        if {"p_agree", "p_disagree"} & set(out) and {
            "p_agree",
            "p_disagree",
            "p_neutral",
        } <= set(comments.columns):
            a = out.get("p_agree", comments.get_column("p_agree").cast(pl.Float64).to_numpy())
            d = out.get("p_disagree", comments.get_column("p_disagree").cast(pl.Float64).to_numpy())
            total = np.maximum(a + d, 1.0)
            out["p_agree"], out["p_disagree"] = a / total, d / total
            out["p_neutral"] = 1.0 - out["p_agree"] - out["p_disagree"]
        return comments.with_columns(
            pl.Series(c, v, nan_to_null=True).cast(comments.schema[c]) for c, v in out.items()
        )

    def apply(self, discussion: Discussion) -> Discussion:
        """A new Discussion whose score columns are calibrated (:meth:`apply_frame`)."""
        return type(discussion)(
            self.apply_frame(discussion.comments), discussion.report, discussion.posts
        )

    def describe(self) -> str:
        """One line: the source and, per column, method and sample size."""
        parts = [
            f"{c} ({m.method}, {m.n} labelled, {m.positives} true)"
            for c, m in ((c, self.maps[c]) for c in self.columns)
        ]
        return f"{self.source}: {'; '.join(parts)}"

    def save(self, path: str | Path, *, n_replicates: int = 200, seed: int = 0) -> None:
        """Write the maps to an ``.npz`` file (plain arrays and a JSON header).

        The labelled samples are not written (they may be data that must not be shipped):
        ``n_replicates`` bootstrap refits of them (seeded) are, so a loaded calibration still
        carries its uncertainty (:meth:`resample`). Kept replicates are written as they are.
        """
        replicates = self.replicates
        if self.samples and n_replicates:
            rng = np.random.default_rng(seed)
            replicates = tuple(self.resample(rng).maps for _ in range(n_replicates))
        arrays: dict[str, np.ndarray] = {}
        header = {"source": self.source, "maps": {}, "replicates": len(replicates)}
        for c in self.columns:
            m = self.maps[c]
            arrays[f"{c}_x"], arrays[f"{c}_y"] = m.x, m.y
            if replicates:
                # every replicate's knots and values end to end, and where each one ends
                arrays[f"{c}_rx"] = np.concatenate([r[c].x for r in replicates])
                arrays[f"{c}_ry"] = np.concatenate([r[c].y for r in replicates])
                arrays[f"{c}_rx_ends"] = np.cumsum([r[c].x.size for r in replicates])
                arrays[f"{c}_ry_ends"] = np.cumsum([r[c].y.size for r in replicates])
            header["maps"][c] = {"method": m.method, "n": m.n, "positives": m.positives}
        with Path(path).open("wb") as fh:  # the name as given (numpy would add ".npz")
            np.savez_compressed(fh, header=np.array(json.dumps(header)), **arrays)

    @classmethod
    def load(cls, path: Any) -> Calibration:
        """Read a calibration written by :meth:`save` (a path or a binary file object)."""
        with np.load(path, allow_pickle=False) as arrays:
            header = json.loads(str(arrays["header"]))
            maps = {
                c: ScoreMap(
                    spec["method"],
                    arrays[f"{c}_x"].astype(np.float64),
                    arrays[f"{c}_y"].astype(np.float64),
                    int(spec["n"]),
                    int(spec["positives"]),
                )
                for c, spec in header["maps"].items()
            }
            columns = {}
            for c, m in maps.items():
                if header.get("replicates"):
                    xs = np.split(arrays[f"{c}_rx"].astype(np.float64), arrays[f"{c}_rx_ends"][:-1])
                    ys = np.split(arrays[f"{c}_ry"].astype(np.float64), arrays[f"{c}_ry_ends"][:-1])
                    columns[c] = [
                        ScoreMap(m.method, x, y, m.n, m.positives)
                        for x, y in zip(xs, ys, strict=True)
                    ]
            replicates = tuple(
                {c: columns[c][i] for c in columns} for i in range(header.get("replicates", 0))
            )
        return cls(maps, header["source"], replicates=replicates)


#: The label columns of a labels table, and the score columns each calibrates.
_TARGETS = {"toxic": ("toxicity",), "stance": ("p_agree", "p_disagree")}
_VALUES = {
    "toxic": {"1": 1.0, "0": 0.0, "1.0": 1.0, "0.0": 0.0, "true": 1.0, "false": 0.0},
    "stance": {"agree": "agree", "disagree": "disagree", "neutral": "neutral"},
}


def read_labels(
    labels: pl.DataFrame | str | Path, name: str | None = None
) -> tuple[pl.DataFrame, str]:
    """A labels table checked and normalised, and the name its errors use (``name``, else the
    file's path, else "labels").

    The result has ``comment_id`` (strings, surrounding spaces removed) and the label
    columns given: ``toxic`` as 1.0 / 0.0 and ``stance`` as ``agree`` / ``disagree`` /
    ``neutral`` (any case), null where a cell is empty. Rows with no id and no label (blank
    lines) are dropped, and a label column with no value at all is left out. Used by
    :meth:`Calibration.from_labels`, and by ``dynamics analyze`` to check the file before it
    scores the texts.

    Raises
    ------
    DynamicsError
        For a missing ``comment_id`` or label column, an id labelled twice, or a label that
        is not one of the values above (naming the file, the id and the column).

    Examples
    --------
    >>> read_labels(pl.DataFrame({"comment_id": [" a", "b"], "toxic": [1.0, None]}))[0].rows()
    [('a', 1.0), ('b', None)]
    """
    if not isinstance(labels, pl.DataFrame):
        name = name or str(labels)
        labels = pl.read_csv(labels, infer_schema=False)
    name = name or "labels"
    if "comment_id" not in labels.columns:
        msg = f"{name}: no 'comment_id' column (columns: {labels.columns})"
        raise DynamicsError(msg)
    cells = labels.select(
        pl.col(c).cast(pl.String).str.strip_chars().replace("", None).alias(c)
        for c in ("comment_id", *(t for t in _TARGETS if t in labels.columns))
    )
    given = [t for t in _TARGETS if t in cells.columns and cells.get_column(t).count()]
    if not given:
        msg = (
            f"{name}: no labels; give 'toxic' and/or 'stance' values beside 'comment_id' "
            f"(columns: {labels.columns})"
        )
        raise DynamicsError(msg)
    # blank lines (no id, no label) are dropped; a label without an id is an error
    cells = cells.with_row_index("_row").filter(
        pl.any_horizontal(pl.col("comment_id", *given).is_not_null())
    )
    nameless = cells.filter(pl.col("comment_id").is_null())
    if nameless.height:
        msg = f"{name}: data row {nameless['_row'][0] + 1} has a label but no comment_id"
        raise DynamicsError(msg)
    out = cells.select("_row", "comment_id", *(pl.col(t).str.to_lowercase() for t in given))
    repeated = out.filter(pl.col("comment_id").is_duplicated()).get_column("comment_id")
    if repeated.len():
        msg = f"{name}: comment_id {repeated[0]!r} is labelled more than once"
        raise DynamicsError(msg)
    for label in given:
        allowed = _VALUES[label]
        bad = out.filter(pl.col(label).is_not_null() & ~pl.col(label).is_in(list(allowed)))
        if bad.height:
            shown = labels.get_column(label)[bad["_row"][0]]
            msg = (
                f"{name}: comment_id {bad['comment_id'][0]!r}: {label!r} is {shown!r}; "
                f"expected one of {sorted(set(allowed.values()), key=str)}"
                + (" (or 1 / 0, true / false)" if label == "toxic" else "")
            )
            raise DynamicsError(msg)
    dtypes = {"toxic": pl.Float64, "stance": pl.String}
    return out.drop("_row").with_columns(
        pl.col(t).replace_strict(_VALUES[t], default=None, return_dtype=dtypes[t]) for t in given
    ), name


def named(calibration: Calibration | str | None) -> Calibration | None:
    """``calibration`` itself, or the shipped one for ``"toxichat"`` (None stays None).

    >>> named(None) is None, named("toxichat") is toxichat_calibration()
    (True, True)
    """
    if calibration is None or isinstance(calibration, Calibration):
        return calibration
    if calibration == "toxichat":
        return toxichat_calibration()
    msg = (
        "calibration must be None, 'toxichat' or a Calibration (dynamics.text.calibration), "
        f"got {calibration!r}"
    )
    raise ValueError(msg)


@cache
def toxichat_calibration() -> Calibration:
    """The calibration shipped for the default toxicity and stance models, fitted on ToxiChat.

    **Model card.** Fitted by ``train/fit_calibration.py`` (seeded) on the out-of-fold
    scores of the shipped models over ToxiChat train + dev (5 folds grouped by thread, the
    folds of ``benchmarks/eval_signals.py``): the ``toxicity`` the default scorer gives (the
    trained model after the lexicon's noisy-OR) against Offensive / Safe for 3,919 turns,
    and ``p_agree`` / ``p_disagree`` against the Agree / Disagree labels of 2,219 replies
    towards their parent; isotonic regression. Licence: derived from CC BY-SA 4.0 data.

    Measured with the calibration itself cross-validated (fitted, inside each of the 5
    grouped folds, on an inner grouped CV's scores of the training threads, and applied to
    the held-out threads; ``benchmarks/results/signals-calibration.json``): toxicity's
    expected calibration error (10 bins) 0.036 without the map, 0.010 with it; Brier score
    0.1390 and 0.1356; log loss 0.452 and 0.432. ``p_agree``: ECE 0.025 and 0.012;
    ``p_disagree``: 0.0075 and 0.006. Platt scaling of the final toxicity does worse (ECE
    0.058), because the miscalibration is the lexicon's top bin (0.97 predicted, 0.78 observed).
    It keeps 200 bootstrap refits (seed 0), not the labels, so that the draws of
    :func:`~dynamics.uncertainty.signal_uncertainty` carry its sampling error.

    Known limits: it is ToxiChat's definition of Offensive, which is broader than a
    moderator's "toxic": on r/CollegeRant 3.7 % of a random sample of 300 comments are toxic
    under ``benchmarks/labels/GUIDELINE.md``, where the default scores average 0.158 and the
    mapped ones 0.160 (ECE 0.12 either way);
    fit :meth:`Calibration.from_labels` on a sample of your own comments for your definition.
    It belongs to the models of this version (``toxichat-toxicity 2``, ``toxichat-stance 1``)
    and is wrong for scores of any other scorer.

    Examples
    --------
    >>> toxichat_calibration().columns
    ('toxicity', 'p_agree', 'p_disagree')
    """
    resource = files("dynamics.text") / "models" / "calibration-toxichat.npz"
    with resource.open("rb") as fh:
        return Calibration.load(fh)


def _few_labels(truth: dict[str, np.ndarray]) -> str:
    """The labels of a calibration with fewer than ``MIN_CALIBRATION_CLASS`` comments on one
    side (with it, without it), in words; empty when every label has enough.

    >>> _few_labels({"toxicity": np.array([1, 0, 0]), "p_agree": np.array([1] * 20 + [0] * 20)})
    'toxicity: 1 with and 2 without, under the minimum of 10 each'
    """
    parts = []
    for column, values in truth.items():
        with_it = int(np.asarray(values, dtype=bool).sum())
        without = int(np.asarray(values).size) - with_it
        if min(with_it, without) < MIN_CALIBRATION_CLASS:
            parts.append(f"{column}: {with_it} with and {without} without")
    if not parts:
        return ""
    return f"{'; '.join(parts)}, under the minimum of {MIN_CALIBRATION_CLASS} each"
