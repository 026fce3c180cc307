"""A page's signal-based measures over label sets drawn from the scores.

The Escalation and Polarization pages each have a card that recomputes their measures on
label sets drawn from the toxicity (and stance) scores
(:func:`dynamics.uncertainty.signal_uncertainty`), in a background job with a progress bar.
This module holds what the two share: the card's layout, the table of results (stored for
the next visit), the note that goes with it, and the upload of a labelled sample of the
dataset's comments that calibrates the draws to the researcher's own definition
(:meth:`dynamics.text.calibration.Calibration.from_labels`).
"""

from __future__ import annotations

import hashlib
import io
import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import polars as pl
from dash import ctx, dcc, html, no_update

from dashboard import cache
from dashboard.background import store_result, stored_result
from dashboard.components import table_card
from dashboard.ids import ID
from dashboard.loading import LoadError, decode_upload
from dynamics.errors import DynamicsError
from dynamics.text.calibration import Calibration, named
from dynamics.uncertainty import SIGNALS, SignalUncertainty, signal_uncertainty

__all__ = [
    "CALIBRATIONS",
    "DRAW_COUNTS",
    "ESCALATION_DRAWN",
    "ESCALATION_INTRO",
    "POLARIZATION_DRAWN",
    "POLARIZATION_INTRO",
    "DrawnMeasure",
    "calibration_options",
    "draws_answer",
    "draws_body",
    "draws_card",
    "draws_table",
    "flagged_shares",
    "labels_answer",
    "labels_upload",
    "usable_signals",
]

#: The numbers of label sets a page offers (besides none).
DRAW_COUNTS = (20, 50, 100)
#: What the draws may be taken from: the scores as they are, or through a calibration
#: (:mod:`dynamics.text.calibration`; value passed to ``signal_uncertainty``).
CALIBRATIONS = {
    "none": "the scores as they are",
    "toxichat": "the scores calibrated on ToxiChat",
}
#: Prefix of the calibration value of an uploaded labels file (then its digest).
_LABELS = "labels:"
#: Largest labels file taken (a labelled sample is small).
_LABELS_BYTES = 5 * 2**20

_CHOOSE = (
    "shows how far each measure moves when the labels are as uncertain as the scores say "
    "(dynamics.uncertainty.signal_uncertainty). Choose how many sets to draw."
)
#: What the draws are, on each page, until some are asked for.
ESCALATION_INTRO = (
    "The measures above read the toxicity scores against the threshold. Drawing label sets "
    "from the scores (each comment Offensive with its score as the probability) " + _CHOOSE
)
POLARIZATION_INTRO = (
    "The signed measures read the stance probabilities (and count hostile replies as "
    "negative edges); the agreement-edge measures keep only the non-negative edges. Drawing "
    "label sets from the scores (each reply's stance from its probabilities, each comment "
    "Offensive with its toxicity as the probability), with the sides above kept, " + _CHOOSE
)

_READ = (
    "A measure far from its draws rests on reading the scores one way (a threshold counts "
    "only the comments scored above it; the signed graph signs only confident edges). Draws "
    "are independent given the scores, so links between comments that the scores do not "
    "carry lean towards none in them."
)
#: What a label set is, on each page, beside the table.
ESCALATION_DRAWN = (
    "marks every comment Offensive with its toxicity as the probability; the measures are "
    "recomputed on each, the threshold applied to the drawn labels (0 or 1). " + _READ
)
POLARIZATION_DRAWN = (
    "draws every reply's stance from its probabilities and marks every comment Offensive "
    "with its toxicity as the probability (the column 'drawn' says which signals each "
    "measure reads); the measures are recomputed on each, with the same sides. " + _READ
)

#: (label shown, registered measure key, keyword arguments, signals the measure reads)
DrawnMeasure = tuple[str, str, Mapping[str, Any], tuple[str, ...]]


def draws_card(
    *,
    title: str,
    intro: str,
    dropdown: str,
    calibration: str,
    labels: str,
    labels_status: str,
    progress: str,
    status: str,
    body: str,
) -> html.Div:
    """The card: a title, how many label sets to draw (none at first) and from what
    (:data:`CALIBRATIONS`, or an uploaded labels file, ``labels``, whose outcome shows in
    ``labels_status``), a progress bar and a status line for the job, and the body that
    shows ``intro`` until draws are asked for."""
    return html.Div(
        [
            html.H4(title),
            html.Div(
                [
                    html.Label("Label sets to draw"),
                    dcc.Dropdown(
                        id=dropdown,
                        options=[
                            {"label": "none", "value": 0},
                            *({"label": str(n), "value": n} for n in DRAW_COUNTS),
                        ],
                        value=0,
                        clearable=False,
                    ),
                ],
                className="control",
            ),
            html.Div(
                [
                    html.Label("Draw from"),
                    dcc.Dropdown(
                        id=calibration,
                        options=calibration_options(),
                        value="none",
                        clearable=False,
                    ),
                ],
                className="control",
                title=(
                    "The ToxiChat calibration maps the default models' scores to how often "
                    "ToxiChat's annotators gave the label at that score (held out), and carries "
                    "its own uncertainty; it belongs to the default scorers' scores, not to "
                    "scores a file brought. For your own definition, fit one on labelled "
                    "comments with dynamics.text.calibration.Calibration.from_labels "
                    "(or dynamics analyze --signal-calibration labels.csv)."
                ),
            ),
            html.Div(
                dcc.Upload(
                    id=labels,
                    children=html.Div(
                        "Calibrate to your labels: drop a CSV of a random sample of this "
                        "dataset's comments (comment_id, toxic 1/0 and/or stance "
                        "agree/disagree/neutral)"
                    ),
                    max_size=_LABELS_BYTES,
                    multiple=False,
                    className="upload",
                ),
                # the size check of assets/app.js says why dcc.Upload drops a larger file
                **{
                    "data-max-bytes": str(_LABELS_BYTES),
                    "data-message": labels_status,
                    "data-advice": "a labelled sample needs only comment_id and the labels",
                },
            ),
            html.Div(id=labels_status, className="note"),
            html.Progress(id=progress, value="0", max="1", style={"display": "none"}),
            html.Div(id=status, className="load-message", style={"display": "none"}),
            html.Div(intro, id=body, className="note"),
        ],
        className="card",
    )


def draws_table(
    name: tuple[str, ...],
    discussion: Any,
    drawn: Sequence[DrawnMeasure],
    n_draws: int,
    progress: Callable[[int, str], None] | None = None,
    calibration: Calibration | None = None,
) -> pl.DataFrame:
    """Each measure on the scores and over ``n_draws`` label sets drawn from the scores (or
    from them mapped through ``calibration``), one row each; stored under ``name``
    (:func:`dashboard.background.store_result`), so the next visit reads it. A measure the
    library refuses on this input gets its reason in ``note``."""
    kept = stored_result(name)
    if kept is not None:
        return kept
    rows = []
    for done, (label, measure, kwargs, signals) in enumerate(drawn):
        if progress is not None:
            progress(done, label)
        usable = usable_signals(signals, discussion.comments.columns)
        row: dict[str, object] = {"measure": label, "drawn": " + ".join(usable)}
        if not usable:
            lacking = " and ".join(signals)
            rows.append({**row, "note": f"needs the {lacking} scores, which this dataset lacks"})
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                r = signal_uncertainty(
                    discussion,
                    measure,
                    signals=usable,
                    n_draws=n_draws,
                    seed=0,
                    calibration=calibration,
                    progress=False,
                    **kwargs,
                )
        except (DynamicsError, ValueError) as error:
            rows.append({**row, "note": str(error)[:200]})
            continue
        low, high = r.interval or (None, None)
        rows.append(
            {
                **row,
                "on the scores": r.observed,
                "mean of draws": r.mean,
                "2.5% of draws": low,
                "97.5% of draws": high,
                "sd": r.sd,
                "note": _note(r),
            }
        )
    table = pl.DataFrame(rows, infer_schema_length=None)
    store_result(name, table)
    return table


def draws_answer(
    set_progress: Callable[[tuple[str, str, str]], None],
    name: tuple[str, ...],
    discussion: Any,
    drawn: Sequence[DrawnMeasure],
    n_draws: int,
    *,
    csv: str,
    explained: str,
    calibration: str = "none",
    dataset: str = "",
) -> list:
    """What a card's background callback returns: :func:`draws_table` (its progress shown
    through the job's ``set_progress``: done, total, status line) and :func:`draws_body`.
    ``calibration`` is the card's choice: a key of :data:`CALIBRATIONS` or an uploaded
    labels file of ``dataset`` (:func:`labels_answer`)."""

    def progress(done: int, label: str) -> None:
        line = f"Drawing {n_draws} label sets: {label}..."
        set_progress((str(done), str(len(drawn)), line))

    try:
        chosen = _calibration(calibration, dataset, discussion)
    except (DynamicsError, ValueError) as error:
        return [html.P(f"The calibration could not be used: {error}", className="note")]
    table = draws_table(name, discussion, drawn, n_draws, progress, chosen)
    return draws_body(table, n_draws, csv, explained=explained, calibration=chosen)


def _calibration(value: str, dataset: str, discussion: Any) -> Calibration | None:
    """The calibration a card's choice names (None: the scores as they are)."""
    if value == "none":
        return None
    if value.startswith(_LABELS):
        labels = stored_result(("labels", dataset, value.removeprefix(_LABELS)), versioned=False)
        if labels is None:
            msg = (
                "the uploaded labels belong to another dataset or are no longer kept; "
                "upload the file again for this one"
            )
            raise DynamicsError(msg)
        frame, filename = labels
        return Calibration.from_labels(discussion, frame, source=filename)
    return named(value)


def calibration_options() -> list[dict]:
    """The card's calibration choices before any upload (:data:`CALIBRATIONS`)."""
    return [{"label": v, "value": k} for k, v in CALIBRATIONS.items()]


def labels_upload(
    contents: str | None, dataset: Mapping[str, Any], filename: str | None, signals: Sequence[str]
) -> tuple[Any, Any, str]:
    """What a card's upload callback returns (Inputs: the upload's contents and the dataset;
    State: the file's name): :func:`labels_answer` for a new file; for another dataset, the
    choices without an uploaded file and an empty status, since a file's labels name the
    comments of the dataset it came with."""
    if ctx.triggered_id == ID.DATASET:
        return calibration_options(), "none", ""
    key = dataset["key"]
    return labels_answer(contents, filename, key, cache.get_discussion(key), signals)


def labels_answer(
    contents: str | None,
    filename: str | None,
    dataset: str,
    discussion: Any,
    signals: Sequence[str] = ("stance", "toxicity"),
) -> tuple[Any, Any, str]:
    """A card's answer to an uploaded labels file: the calibration options (with the file
    added and chosen), and a status line. The file is checked now
    (:meth:`Calibration.from_labels` on the dataset's scores) and must calibrate one of the
    card's ``signals``: an error leaves the options and the choice as they were
    (``dash.no_update``) and says what is wrong, naming the comment id and column.

    Returns
    -------
    (options, value, status)
    """
    name = filename or "labels.csv"
    try:
        data = decode_upload(contents or "", name, _LABELS_BYTES)
        frame = pl.read_csv(io.BytesIO(data), infer_schema=False)
        fitted = Calibration.from_labels(discussion, frame, source=name)
    except (LoadError, DynamicsError, ValueError) as error:  # their messages name the file
        return no_update, no_update, str(error)
    except pl.exceptions.PolarsError as error:
        return no_update, no_update, f"{name}: not a readable CSV ({error})"
    drawn = {c for s in signals for c in SIGNALS[s]}
    if not drawn & set(fitted.columns):
        needed = " or ".join("'toxic'" if s == "toxicity" else f"'{s}'" for s in signals)
        msg = f"{name}: this card draws {' and '.join(signals)}; the file needs {needed} labels"
        return no_update, no_update, msg
    digest = hashlib.blake2b(data, digest_size=8).hexdigest()
    store_result(("labels", dataset, digest), (frame, name), versioned=False)
    value = f"{_LABELS}{digest}"
    options = calibration_options()
    options.append({"label": f"the scores calibrated on your labels ({name})", "value": value})
    return options, value, f"Calibration fitted: {fitted.describe()}."


def flagged_shares(toxicity: pl.Series, threshold: float) -> str:
    """A sentence comparing the share of comments a label set marks Offensive (on average:
    the mean score) with the share the threshold flags: the measures that count flagged
    comments differ between the scores and the draws by about their ratio.

    >>> text = flagged_shares(pl.Series([0.1, 0.2, 0.3, 0.9, None]), 0.5)
    >>> "marks 37.5% of the 4 scored comments" in text, "threshold 0.5 flags 25.0%" in text
    (True, True)
    """
    scores = toxicity.cast(pl.Float64).fill_nan(None).drop_nulls()
    if scores.len() == 0:
        return ""
    drawn = float(scores.mean())
    flagged = float((scores >= threshold).mean())
    return (
        f" Here a label set marks {drawn:.1%} of the {scores.len():,} scored comments "
        f"Offensive on average (before any calibration); the threshold {threshold:g} flags "
        f"{flagged:.1%}. Measures that count flagged comments differ between the two by "
        "construction: a value outside its draws says that the finding rests on reading the "
        "scores with this threshold, not that either number is wrong."
    )


def usable_signals(signals: Sequence[str], columns: Sequence[str]) -> tuple[str, ...]:
    """Those of ``signals`` whose score columns the comments have
    (:data:`dynamics.uncertainty.SIGNALS`).

    >>> usable_signals(("stance", "toxicity"), ["id", "toxicity", "stance"])
    ('toxicity',)
    """
    return tuple(s for s in signals if set(SIGNALS[s]) <= set(columns))


def _note(r: SignalUncertainty) -> str:
    """What a reader should know about a row: an undefined value on the scores, a value
    outside the draws' interval, draws on which the measure was undefined."""
    notes = []
    if not math.isfinite(r.observed):
        notes.append("undefined on the scores")
    elif r.within is False:
        notes.append(f"the value on the scores is outside {100 * r.level:g}% of the draws")
    if r.interval is None:
        notes.append("no interval: fewer than two draws gave a value")
    if r.n_undefined:
        notes.append(f"undefined in {r.n_undefined} draws")
    return "; ".join(notes)


def draws_body(
    table: pl.DataFrame,
    n_draws: int,
    name: str,
    *,
    explained: str,
    calibration: Calibration | None = None,
) -> list:
    """The note on what the draws are (``explained``, the page's :data:`ESCALATION_DRAWN` or
    :data:`POLARIZATION_DRAWN`; and the calibration, when one is used), and the table
    (``name``: the table's CSV name)."""
    calibrated = ""
    if calibration is not None:
        calibrated = (
            f" The scores were first mapped through a calibration, refitted on a bootstrap "
            f"resample in each draw: {calibration.describe()}. 'on the scores' "
            "is the value on the scores as they are."
        )
    return [
        html.P(f"Each of {n_draws} label sets {explained}{calibrated}", className="note"),
        table_card(
            name,
            table.with_columns(pl.col(pl.Float64).round(4)),
            title="On the scores and over drawn labels",
        ),
    ]
