"""safetensors, read and written by hand (Debian has no python3-safetensors; the format is small): 8 bytes of
little-endian header length, a JSON header, the raw little-endian data. The one copy for scripts/: the bench,
the interop checks and the fixtures import it; the two scripts shipped inside "Export for nanoGPT"
(scripts/nanogpt/) carry the same functions verbatim, between markers, and src/model/pythonCopies.test.ts checks
they still match."""
import json
import struct

import torch

# --- shared: load_safetensors (scripts/pg_safetensors.py) ---
DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "F64": torch.float64}


def load_safetensors(path):
    """The tensors of a .safetensors file as float32, and its metadata."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, info in header.items():
        b, e = info["data_offsets"]
        raw = bytearray(data[8 + n + b : 8 + n + e])
        tensors[name] = torch.frombuffer(raw, dtype=DTYPES[info["dtype"]]).reshape(info["shape"]).float()
    return tensors, meta
# --- end shared ---


# --- shared: save_safetensors (scripts/pg_safetensors.py) ---
def save_safetensors(path, tensors, metadata):
    """Tensors as float32, little-endian, in the order given; metadata as strings; the header padded to 8 bytes."""
    header, offset, blobs = {"__metadata__": metadata}, 0, []
    for name, t in tensors.items():
        raw = t.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        blobs.append(raw)
    text = json.dumps(header).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))
# --- end shared ---
