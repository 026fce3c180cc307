"""Optional heavy scorer: a Hugging Face or Detoxify classifier loaded from a local directory.

This is the way to plug in a stronger local model than the shipped linear ones (whose
cross-validated quality on ToxiChat is in the README, "Text signals"): a fine-tuned
transformer for toxicity, say, registered under its own name or used as
``annotate([TransformersScorer(path, ...)], existing="replace")`` in place of the default.

Nothing here downloads. The user names a directory that already holds the model; with
``torch`` and ``transformers`` missing, or the directory missing or incomplete, the scorer raises
an error that says what to install or provide.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from dynamics.errors import MissingDependencyError, ModelNotFoundError

__all__ = ["MissingDependencyError", "ModelNotFoundError", "TransformersScorer"]

_WEIGHT_FILES = (
    "model.safetensors",
    "model.safetensors.index.json",
    "pytorch_model.bin",
    "pytorch_model.bin.index.json",
)
_TOKENIZER_FILES = (
    "tokenizer.json",
    "vocab.txt",
    "vocab.json",
    "spiece.model",
    "sentencepiece.bpe.model",
)
_DEFAULT_LABELS = ("toxicity", "toxic", "offensive", "hate", "abusive", "insult")
_EXPECTED = (
    "a Hugging Face sequence-classification checkpoint saved with "
    "model.save_pretrained(dir) and tokenizer.save_pretrained(dir) (config.json, "
    "model.safetensors or pytorch_model.bin, and tokenizer files such as tokenizer.json or "
    "vocab.txt), or a Detoxify checkpoint (*.ckpt) next to the config.json and tokenizer files "
    "of its base model"
)


def _require_torch() -> tuple[Any, Any]:
    try:
        import torch
        import transformers
    except ImportError as error:
        msg = (
            f"TransformersScorer needs torch and transformers, which are not installed "
            f"({error.name or error} is missing). Install them with "
            '`pip install "dynamics[models]"` (or `pip install torch transformers`).'
        )
        raise MissingDependencyError(msg) from error
    return torch, transformers


def _checkpoint_files(directory: Path) -> tuple[list[Path], list[Path]]:
    """(Hugging Face weight files, Detoxify ``*.ckpt`` files) in ``directory``."""
    weights = [directory / name for name in _WEIGHT_FILES if (directory / name).is_file()]
    return weights, sorted(directory.glob("*.ckpt"))


def _check_directory(path: Path) -> tuple[list[Path], list[Path]]:
    if not path.is_dir():
        what = "is a file, not a directory" if path.exists() else "does not exist"
        msg = (
            f"{path}: model directory {what}. TransformersScorer never downloads; provide "
            f"{_EXPECTED}."
        )
        raise ModelNotFoundError(msg)
    weights, ckpts = _checkpoint_files(path)
    found = sorted(p.name for p in path.iterdir())
    shown = ", ".join(found[:10]) + (", ..." if len(found) > 10 else "") if found else "nothing"
    if not weights and not ckpts:
        msg = (
            f"{path}: no model weights (model.safetensors, pytorch_model.bin or *.ckpt); "
            f"found {shown}. Provide {_EXPECTED}."
        )
        raise ModelNotFoundError(msg)
    missing = [name for name in ("config.json",) if not (path / name).is_file()]
    if not any((path / name).is_file() for name in _TOKENIZER_FILES):
        missing.append("tokenizer files (tokenizer.json, vocab.txt, ...)")
    if missing:
        msg = f"{path}: {' and '.join(missing)} missing; found {shown}. Provide {_EXPECTED}."
        raise ModelNotFoundError(msg)
    return weights, ckpts


class TransformersScorer:
    r"""Probability of one label from a local Hugging Face or Detoxify text classifier.

    Runs a sequence-classification model (BERT, RoBERTa, ...) on batches of texts and returns the
    probability of one of its labels: the softmax over the labels for a single-label model, the
    sigmoid of the label's logit for a multi-label one (``problem_type =
    "multi_label_classification"``, one output, or a Detoxify checkpoint, all trained with a
    per-label sigmoid).

    Parameters
    ----------
    path : str or Path
        Local directory holding either a Hugging Face checkpoint (``config.json``, weights in
        ``model.safetensors`` or ``pytorch_model.bin``, and the tokenizer files, as written by
        ``save_pretrained``) or a Detoxify checkpoint (``*.ckpt``, with keys ``state_dict`` and
        ``config``) next to the ``config.json`` and tokenizer files of its base model (for the
        original Detoxify models, those of ``bert-base-uncased`` or ``roberta-base``).
        Nothing is ever downloaded.
    label : str or int, optional
        The label whose probability is returned, by name (``config.id2label``) or index. By
        default the first label named ``toxicity``, ``toxic``, ``offensive``, ``hate``,
        ``abusive`` or ``insult`` (any case); else label 1 of a two-label model; else the single
        output of a one-label model.
    batch_size : int, default 32
        Texts per forward pass (texts are grouped by length to pad little).
    device : str, optional
        ``"cuda"``, ``"cpu"``, ``"cuda:1"``...; by default CUDA when available.
    max_length : int, default 512
        Texts are truncated to this many tokens.
    name : str, default "transformers"
        Scorer name (for the cache); use one name per model.
    column : str, default "toxicity"
        Name of the output column.

    Attributes
    ----------
    version : str
        A digest of the model's ``config.json``, weight file sizes, label and ``max_length``.

    Raises
    ------
    MissingDependencyError
        From :meth:`load` or :meth:`score` when ``torch`` or ``transformers`` is not installed.
    ModelNotFoundError
        When ``path`` is missing, or holds no weights, no ``config.json`` or no tokenizer.
    ValueError
        When ``label`` names no label of the model, or the default cannot choose one.

    Notes
    -----
    Loading happens on the first :meth:`score` (or an explicit :meth:`load`), with
    ``local_files_only=True``; the constructor only stores its parameters. Scores are computed
    in evaluation mode under ``torch.inference_mode()``; on CPU they are deterministic, and a
    text's score does not depend on the batch it is in beyond floating-point rounding of padded
    batches (about 1e-6).

    References
    ----------
    Wolf, T. et al. (2020). Transformers: State-of-the-Art Natural Language Processing. EMNLP
    2020: System Demonstrations. https://doi.org/10.18653/v1/2020.emnlp-demos.6

    Hanu, L. & Unitary team (2020). Detoxify. https://github.com/unitaryai/detoxify

    Examples
    --------
    >>> scorer = TransformersScorer("/no/such/model")
    >>> scorer.name, scorer.columns
    ('transformers', ('toxicity',))
    >>> try:
    ...     scorer.load()
    ... except (ModelNotFoundError, MissingDependencyError) as error:
    ...     print(type(error).__name__)
    ModelNotFoundError
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        label: str | int | None = None,
        batch_size: int = 32,
        device: str | None = None,
        max_length: int = 512,
        name: str = "transformers",
        column: str = "toxicity",
    ) -> None:
        self.path = path
        self.label = label
        self.batch_size = batch_size
        self.device = device
        self.max_length = max_length
        self.name = name
        self.column = column
        self._loaded: dict[str, Any] | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        """``(column,)``."""
        return (self.column,)

    @property
    def version(self) -> str:
        """Digest of the model files' identity and the scoring options."""
        path = Path(self.path)
        parts = [repr(self.label), str(self.max_length)]
        config = path / "config.json"
        if config.is_file():
            parts.append(config.read_text(encoding="utf-8"))
        if path.is_dir():
            weights, ckpts = _checkpoint_files(path)
            parts += [f"{p.name}:{p.stat().st_size}" for p in [*weights, *ckpts]]
        digest = hashlib.sha1("\n".join(parts).encode(), usedforsecurity=False).hexdigest()
        return digest[:12]

    def _check_params(self) -> None:
        if not isinstance(self.batch_size, int) or self.batch_size < 1:
            msg = (
                "The 'batch_size' parameter of TransformersScorer must be a positive int. "
                f"Got {self.batch_size!r} instead."
            )
            raise ValueError(msg)
        if not isinstance(self.max_length, int) or self.max_length < 2:
            msg = (
                "The 'max_length' parameter of TransformersScorer must be an int >= 2. "
                f"Got {self.max_length!r} instead."
            )
            raise ValueError(msg)

    def load(self) -> TransformersScorer:
        """Load the tokenizer and model (once), offline; returns ``self``.

        Raises
        ------
        MissingDependencyError, ModelNotFoundError, ValueError
            See the class docstring.
        """
        if self._loaded is not None:
            return self
        self._check_params()
        path = Path(self.path).expanduser()
        weights, ckpts = _check_directory(path)
        torch, transformers = _require_torch()
        device = self.device or ("cuda" if torch.cuda.is_available() else "cpu")
        tokenizer = transformers.AutoTokenizer.from_pretrained(path, local_files_only=True)
        if weights:
            model = transformers.AutoModelForSequenceClassification.from_pretrained(
                path, local_files_only=True
            )
            multi_label = model.config.problem_type == "multi_label_classification"
        else:
            model = _load_detoxify(torch, transformers, path, ckpts[0])
            multi_label = True
        model.to(device)
        model.eval()
        index = _label_index(model.config, self.label, path)
        sigmoid = multi_label or model.config.num_labels == 1
        self._loaded = {
            "torch": torch,
            "tokenizer": tokenizer,
            "model": model,
            "device": device,
            "index": index,
            "sigmoid": sigmoid,
        }
        return self

    def score(self, texts: Sequence[str | None]) -> dict[str, np.ndarray]:
        """``{column: array}``: the chosen label's float64 probability for each text.

        ``None`` counts as the empty text.
        """
        loaded = self.load()._loaded
        assert loaded is not None
        torch = loaded["torch"]
        tokenizer, model = loaded["tokenizer"], loaded["model"]
        items = ["" if t is None else str(t) for t in texts]
        out = np.zeros(len(items), dtype=np.float64)
        order = sorted(range(len(items)), key=lambda i: len(items[i]))
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                batch = order[start : start + self.batch_size]
                encoded = tokenizer(
                    [items[i] for i in batch],
                    padding=True,
                    truncation=True,
                    max_length=self.max_length,
                    return_tensors="pt",
                ).to(loaded["device"])
                logits = model(**encoded).logits.float()
                if loaded["sigmoid"]:
                    probs = torch.sigmoid(logits[:, loaded["index"]])
                else:
                    probs = torch.softmax(logits, dim=-1)[:, loaded["index"]]
                out[batch] = probs.cpu().numpy()
        return {self.column: out}

    def __repr__(self) -> str:
        return (
            f"TransformersScorer({str(self.path)!r}, label={self.label!r}, "
            f"batch_size={self.batch_size!r}, device={self.device!r}, "
            f"max_length={self.max_length!r})"
        )


def _load_detoxify(torch: Any, transformers: Any, path: Path, ckpt: Path) -> Any:
    """A model from a Detoxify checkpoint and the base model's config.json in ``path``."""
    checkpoint = torch.load(ckpt, map_location="cpu", weights_only=True)
    if not isinstance(checkpoint, dict) or "state_dict" not in checkpoint:
        msg = f"{ckpt}: not a Detoxify checkpoint (no 'state_dict' key). Provide {_EXPECTED}."
        raise ModelNotFoundError(msg)
    classes = (
        checkpoint.get("config", {}).get("dataset", {}).get("args", {}).get("classes")
        if isinstance(checkpoint.get("config"), dict)
        else None
    )
    config = transformers.AutoConfig.from_pretrained(path, local_files_only=True)
    state = checkpoint["state_dict"]
    head = [k for k in state if k.endswith(("classifier.weight", "classifier.out_proj.weight"))]
    if head:
        config.num_labels = int(state[head[0]].shape[0])
    if classes and len(classes) == config.num_labels:
        config.id2label = dict(enumerate(classes))
        config.label2id = {c: i for i, c in enumerate(classes)}
    config.problem_type = "multi_label_classification"
    model = transformers.AutoModelForSequenceClassification.from_config(config)
    missing, _unexpected = model.load_state_dict(state, strict=False)
    buffers = {name for name, _ in model.named_buffers()}
    missing = [k for k in missing if k not in buffers]
    if missing:
        shown = ", ".join(missing[:5])
        msg = (
            f"{ckpt}: the checkpoint does not fit the model described by {path / 'config.json'} "
            f"({len(missing)} weights missing, e.g. {shown}); put the config.json of the "
            "checkpoint's base model next to it."
        )
        raise ModelNotFoundError(msg)
    return model


def _label_index(config: Any, label: str | int | None, path: Path) -> int:
    id2label = {int(i): str(name) for i, name in (config.id2label or {}).items()}
    n = int(config.num_labels)
    if isinstance(label, int):
        if not 0 <= label < n:
            msg = (
                f"The 'label' parameter of TransformersScorer must be in [0, {n}) for {path}. "
                f"Got {label!r} instead."
            )
            raise ValueError(msg)
        return label
    if isinstance(label, str):
        for index, name in id2label.items():
            if name == label or name.lower() == label.lower():
                return index
        msg = (
            f"The 'label' parameter of TransformersScorer must be one of "
            f"{sorted(id2label.values())} for {path}. Got {label!r} instead."
        )
        raise ValueError(msg)
    for wanted in _DEFAULT_LABELS:
        for index, name in sorted(id2label.items()):
            if name.lower() == wanted:
                return index
    if n in (1, 2):
        return n - 1
    msg = (
        f"{path}: cannot tell which of the labels {sorted(id2label.values())} is toxicity; "
        "pass label=<name or index>."
    )
    raise ValueError(msg)
