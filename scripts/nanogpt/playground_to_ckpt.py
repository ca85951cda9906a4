#!/usr/bin/env python3
"""Turns a GPT Playground export into a nanoGPT checkpoint that train.py resumes (init_from = 'resume').

Run it from the root of a nanoGPT checkout (it imports nanoGPT's model.py):

    python playground_to_ckpt.py out-<dataset>

It reads out-<dataset>/playground.safetensors (weights, model config, tokenizer, training config, step) and,
when present, out-<dataset>/playground-optimizer.safetensors (AdamW's moments and step count), builds nanoGPT's
GPT, loads the weights, carries the optimizer state over, and writes out-<dataset>/ckpt.pt.
"""
import json
import os
import struct
import sys

import torch

from model import GPT, GPTConfig

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


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out_dir = sys.argv[1]
    weights, meta = load_safetensors(os.path.join(out_dir, "playground.safetensors"))
    model_args = {k: int(meta[k]) for k in ("n_layer", "n_head", "n_embd", "block_size", "vocab_size")}
    model_args["bias"] = meta["bias"] == "True"
    model_args["dropout"] = float(meta.get("dropout", "0"))
    model = GPT(GPTConfig(**model_args))
    result = model.load_state_dict(weights, strict=False)
    assert not result.unexpected_keys, f"unexpected tensors: {result.unexpected_keys}"
    assert all(k.endswith(".attn.bias") for k in result.missing_keys), f"missing tensors: {result.missing_keys}"

    train = json.loads(meta["train_config"])
    optimizer = model.configure_optimizers(train["weightDecay"], train["learningRate"], (train["beta1"], train["beta2"]), "cpu")
    opt_path = os.path.join(out_dir, "playground-optimizer.safetensors")
    if os.path.exists(opt_path):
        moments, opt_meta = load_safetensors(opt_path)
        names = {id(p): n for n, p in model.named_parameters()}
        for group in optimizer.param_groups:
            for p in group["params"]:
                name = names[id(p)]
                # a fixed sinusoid in the app has no moments: nanoGPT's position table starts fresh
                optimizer.state[p] = {
                    "step": torch.tensor(float(opt_meta["step"])),
                    "exp_avg": moments.get("exp_avg." + name, torch.zeros_like(p)).clone(),
                    "exp_avg_sq": moments.get("exp_avg_sq." + name, torch.zeros_like(p)).clone(),
                }
        print(f"AdamW state carried over (step {opt_meta['step']})")
    checkpoint = {
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "model_args": model_args,
        "iter_num": int(meta.get("step", "0")),
        "best_val_loss": float(meta.get("best_val_loss", "1e9")),
        "config": {"from": "gpt-playground", **train},
    }
    torch.save(checkpoint, os.path.join(out_dir, "ckpt.pt"))
    print(f"wrote {os.path.join(out_dir, 'ckpt.pt')}: {model.get_num_params():,} parameters, step {checkpoint['iter_num']}")


if __name__ == "__main__":
    main()
