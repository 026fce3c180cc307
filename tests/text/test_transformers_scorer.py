"""TransformersScorer: loading a local checkpoint built here, batching, and its clear errors.

The model tests need torch and transformers (the optional ``models`` extra) and skip without
them; the error for a missing installation is tested in any environment.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from dynamics.errors import DynamicsError, MissingDependencyError, ModelNotFoundError
from dynamics.text.transformers_scorer import TransformersScorer

HAS_TORCH = (
    importlib.util.find_spec("torch") is not None
    and importlib.util.find_spec("transformers") is not None
)
WORDS = [
    "you",
    "are",
    "an",
    "idiot",
    "a",
    "liar",
    "what",
    "time",
    "is",
    "the",
    "exam",
    "thanks",
    "see",
    "in",
    "class",
    "they",
    "vermin",
]
TEXTS = [
    "you are an idiot",
    "what time is the exam",
    "thanks see you in class",
    "",
    None,
    "they are vermin " * 30,  # longer than max_length: truncated
    "unknown words only zzz qqq",
    "a liar",
    "the exam is an idiot exam",
    "see you",
    "class",
]


def _tokenizer(transformers):
    from tokenizers import Tokenizer, models, pre_tokenizers, processors

    vocab = {token: i for i, token in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", *WORDS])}
    tokenizer = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)]
    )
    return transformers.PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        model_max_length=32,
    )


def _tiny_model(transformers, torch, labels: list[str], problem_type: str | None = None):
    torch.manual_seed(0)
    config = transformers.BertConfig(
        vocab_size=4 + len(WORDS),
        hidden_size=16,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=32,
        num_labels=len(labels),
        id2label=dict(enumerate(labels)),
        label2id={label: i for i, label in enumerate(labels)},
        problem_type=problem_type,
    )
    model = transformers.BertForSequenceClassification(config)
    model.eval()
    return model


@pytest.fixture(scope="module")
def heavy():
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    return torch, transformers


def _save(directory: Path, model, tokenizer) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


@pytest.fixture(scope="module")
def binary_dir(heavy, tmp_path_factory) -> Path:
    torch, transformers = heavy
    model = _tiny_model(transformers, torch, ["neutral", "toxic"])
    return _save(tmp_path_factory.mktemp("binary"), model, _tokenizer(transformers))


def _reference(heavy, directory: Path, texts, index: int, *, sigmoid: bool) -> np.ndarray:
    """The probabilities computed directly with transformers, one text at a time."""
    torch, transformers = heavy
    model = transformers.AutoModelForSequenceClassification.from_pretrained(directory)
    tokenizer = transformers.AutoTokenizer.from_pretrained(directory)
    model.eval()
    out = []
    with torch.no_grad():
        for text in texts:
            encoded = tokenizer(text or "", truncation=True, max_length=32, return_tensors="pt")
            logits = model(**encoded).logits[0]
            p = torch.sigmoid(logits[index]) if sigmoid else torch.softmax(logits, -1)[index]
            out.append(float(p))
    return np.array(out)


# --- loading and scoring a real (tiny) checkpoint ---------------------------------------------


def test_scores_shape_range_and_match_the_model(heavy, binary_dir: Path) -> None:
    scorer = TransformersScorer(binary_dir, max_length=32, device="cpu")
    result = scorer.score(TEXTS)
    assert set(result) == {"toxicity"}
    values = result["toxicity"]
    assert values.shape == (len(TEXTS),)
    assert values.dtype == np.float64
    assert ((values >= 0) & (values <= 1)).all()
    # the default label of a two-label model named neutral/toxic is "toxic" (index 1), softmax
    expected = _reference(heavy, binary_dir, TEXTS, 1, sigmoid=False)
    np.testing.assert_allclose(values, expected, atol=1e-6)
    assert values[3] == values[4]  # None is the empty text
    assert len(set(np.round(values, 6).tolist())) > 3  # a random model still separates texts


def test_deterministic_and_batch_size_does_not_matter(heavy, binary_dir: Path) -> None:
    one = TransformersScorer(binary_dir, batch_size=1, max_length=32).score(TEXTS)["toxicity"]
    eight = TransformersScorer(binary_dir, batch_size=8, max_length=32).score(TEXTS)["toxicity"]
    again = TransformersScorer(binary_dir, batch_size=8, max_length=32).score(TEXTS)["toxicity"]
    np.testing.assert_allclose(one, eight, atol=1e-6)
    np.testing.assert_allclose(eight, again, atol=1e-7)
    assert TransformersScorer(binary_dir).score([])["toxicity"].shape == (0,)


def test_label_choice(heavy, binary_dir: Path) -> None:
    toxic = TransformersScorer(binary_dir, max_length=32).score(TEXTS)["toxicity"]
    neutral = TransformersScorer(binary_dir, label="neutral", max_length=32, column="neutral")
    p_neutral = neutral.score(TEXTS)["neutral"]
    np.testing.assert_allclose(toxic + p_neutral, 1.0, atol=1e-6)  # softmax over two labels
    by_index = TransformersScorer(binary_dir, label=0, max_length=32).score(TEXTS)["toxicity"]
    np.testing.assert_allclose(by_index, p_neutral, atol=1e-7)
    with pytest.raises(ValueError, match=r"'label' parameter .* one of \['neutral', 'toxic'\]"):
        TransformersScorer(binary_dir, label="threat").load()
    with pytest.raises(ValueError, match=r"must be in \[0, 2\)"):
        TransformersScorer(binary_dir, label=2).load()
    assert TransformersScorer(binary_dir).version != TransformersScorer(binary_dir, label=0).version


def test_multi_label_model_uses_sigmoid_and_finds_the_toxicity_label(heavy, tmp_path) -> None:
    torch, transformers = heavy
    labels = ["obscene", "toxicity", "threat"]
    model = _tiny_model(transformers, torch, labels, "multi_label_classification")
    directory = _save(tmp_path / "multi", model, _tokenizer(transformers))
    values = TransformersScorer(directory, max_length=32).score(TEXTS)["toxicity"]
    np.testing.assert_allclose(
        values, _reference(heavy, directory, TEXTS, 1, sigmoid=True), atol=1e-6
    )


def test_detoxify_style_checkpoint(heavy, tmp_path) -> None:
    torch, transformers = heavy
    classes = ["toxicity", "severe_toxicity", "obscene", "threat", "insult", "identity_attack"]
    model = _tiny_model(transformers, torch, [f"LABEL_{i}" for i in range(len(classes))])
    directory = tmp_path / "detoxify"
    directory.mkdir()
    # what Detoxify's checkpoints hold: the HF state dict, and the training config with class
    # names; the base model's config.json and tokenizer sit next to it
    torch.save(
        {"state_dict": model.state_dict(), "config": {"dataset": {"args": {"classes": classes}}}},
        directory / "toxic_original.ckpt",
    )
    model.config.save_pretrained(directory)
    _tokenizer(transformers).save_pretrained(directory)
    scorer = TransformersScorer(directory, label="insult", max_length=32)
    values = scorer.score(TEXTS)["toxicity"]
    tokenizer = _tokenizer(transformers)
    with torch.no_grad():
        expected = [
            float(
                torch.sigmoid(
                    model(
                        **tokenizer(t or "", truncation=True, max_length=32, return_tensors="pt")
                    ).logits[0, classes.index("insult")]
                )
            )
            for t in TEXTS
        ]
    np.testing.assert_allclose(values, expected, atol=1e-6)


# --- clear errors -----------------------------------------------------------------------------


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match=r"does not exist\. TransformersScorer never"):
        TransformersScorer(tmp_path / "absent").score(["x"])
    with pytest.raises(FileNotFoundError, match=r"config.json, model.safetensors"):
        TransformersScorer(tmp_path / "absent").load()


def test_directory_without_weights(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}", encoding="utf-8")
    (tmp_path / "tokenizer.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ModelNotFoundError, match=r"no model weights .* found config.json"):
        TransformersScorer(tmp_path).load()


def test_directory_without_tokenizer_or_config(tmp_path: Path) -> None:
    (tmp_path / "model.safetensors").write_bytes(b"")
    with pytest.raises(DynamicsError, match=r"config.json and tokenizer files .* missing"):
        TransformersScorer(tmp_path).load()


def test_bad_parameters(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="'batch_size' parameter of TransformersScorer"):
        TransformersScorer(tmp_path, batch_size=0).load()


def _complete_looking_dir(directory: Path) -> Path:
    for name in ("config.json", "tokenizer.json"):
        (directory / name).write_text("{}", encoding="utf-8")
    (directory / "model.safetensors").write_bytes(b"")
    return directory


@pytest.mark.skipif(HAS_TORCH, reason="torch and transformers are installed here")
def test_missing_torch_is_a_clear_error(tmp_path: Path) -> None:
    scorer = TransformersScorer(_complete_looking_dir(tmp_path))
    with pytest.raises(MissingDependencyError, match=r'pip install "dynamics\[models\]"'):
        scorer.score(["x"])
    with pytest.raises(ImportError):  # also an ImportError, for generic handlers
        scorer.load()


def test_missing_transformers_is_a_clear_error_in_any_environment(tmp_path: Path) -> None:
    # a fresh interpreter where importing transformers fails, as on an install without extras
    code = textwrap.dedent(
        f"""
        import sys
        sys.modules["transformers"] = None
        from dynamics.errors import MissingDependencyError
        from dynamics.text.transformers_scorer import TransformersScorer
        try:
            TransformersScorer({str(_complete_looking_dir(tmp_path))!r}).score(["x"])
        except MissingDependencyError as error:
            print(error)
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "needs torch and transformers" in done.stdout
    assert 'pip install "dynamics[models]"' in done.stdout
