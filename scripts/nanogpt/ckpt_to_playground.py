#!/usr/bin/env python3
"""Turns a nanoGPT checkpoint (ckpt.pt) and its dataset's meta.pkl into a .safetensors file that the GPT
Playground opens (Model file → Open a model file): nanoGPT's names and layouts, the model config and the
character vocabulary in the metadata.

    python ckpt_to_playground.py out-<dataset>/ckpt.pt data/<dataset>/meta.pkl model.safetensors

Needs only PyTorch. The causal-mask buffers are left out and the tied lm_head is written once with its name.
"""
import json
import pickle
import struct
import sys

import torch


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


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    ckpt_path, meta_path, out_path = sys.argv[1:]
    ckpt = torch.load(ckpt_path, map_location="cpu")
    state = {k[len("_orig_mod.") :] if k.startswith("_orig_mod.") else k: v for k, v in ckpt["model"].items()}
    args = ckpt["model_args"]
    with open(meta_path, "rb") as f:
        meta = pickle.load(f)
    assert meta["vocab_size"] == args["vocab_size"], f"meta.pkl has {meta['vocab_size']} tokens, the model {args['vocab_size']}"
    # a BPE model exported by the playground carries its merges; otherwise the characters of itos
    tokenizer = meta.get("playground_tokenizer") or json.dumps({"kind": "char", "vocab": [meta["itos"][i] for i in range(meta["vocab_size"])]}, ensure_ascii=False)
    tensors = {k: v for k, v in state.items() if not k.endswith(".attn.bias")}
    tensors.setdefault("lm_head.weight", tensors["transformer.wte.weight"])
    metadata = {k: str(args[k]) for k in ("n_layer", "n_head", "n_embd", "block_size", "vocab_size")}
    metadata.update(bias=str(bool(args["bias"])), dropout=str(float(args.get("dropout", 0.0))), step=str(int(ckpt.get("iter_num", 0))))
    metadata["tokenizer"] = tokenizer
    save_safetensors(out_path, tensors, metadata)
    print(f"wrote {out_path}: {len(tensors)} tensors, step {metadata['step']}, {args['vocab_size']} tokens")


if __name__ == "__main__":
    main()
