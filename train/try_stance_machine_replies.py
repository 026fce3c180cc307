"""Would ToxiChat's labelled machine replies help the stance model? (Tried; not adopted.)

    PYTHONPATH=. python train/try_stance_machine_replies.py

Each ToxiChat thread also holds two machine-generated responses to its last real turn
(DialoGPT and GPT-3), whose stance towards that turn the same crowd workers labelled: 3,400
more labelled (reply, parent) pairs, 133 of them disagreements, against 95 among the 2,219
real replies. They are added to the *training* rows only (:func:`toxichat.machine_pairs`):
each fold, outer and inner, adds those of the threads it does not hold out, and the scores
and the decision offsets are still computed on real replies only. Scored like
``benchmarks/eval_signals.py``: 5 grouped folds over ToxiChat train + dev.

Measured 2026-12-07 on the 2-core development machine (macro-F1; F1 agree / disagree /
neutral): shipped 0.4449 (0.356 / 0.163 / 0.816); with all 3,400 machine pairs 0.4367 (0.362 /
0.135 / 0.814); with the 463 agreeing or disagreeing ones 0.4475 (0.347 / 0.154 / 0.841); with
the 133 disagreeing ones 0.4357 (0.350 / 0.128 / 0.829). One fold seed: with 95 real
disagreements, differences of 0.01-0.03 in their F1 are within noise, so these labels do not
help find people's disagreements (perhaps machines disagree in other words). Not adopted.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))

import signals as S
import toxichat


def main() -> None:
    pairs, machine = toxichat.pairs(), toxichat.machine_pairs()
    S.report_stance("shipped", pairs)
    S.report_stance("with all machine pairs", pairs, extra=machine)
    S.report_stance(
        "with the agreeing or disagreeing machine pairs",
        pairs,
        extra=machine.filter(pl.col("stance") != "neutral"),
    )
    S.report_stance(
        "with the disagreeing machine pairs",
        pairs,
        extra=machine.filter(pl.col("stance") == "disagree"),
    )


if __name__ == "__main__":
    main()
