#!/usr/bin/python3
"""Proves that the playground's .safetensors files and nanoGPT's PyTorch model understand each other.

The model is pg_nanogpt.GPT, nanoGPT's module tree, so its state_dict has nanoGPT's names; safetensors is read
and written by pg_safetensors.

  fixture  builds a tiny nanoGPT with seeded random weights, writes its whole state_dict (mask buffers and the
           tied lm_head included) to src/model/fixtures/nanogpt-tiny.safetensors, and the logits of a fixed
           input to nanogpt-tiny.json. src/model/interop.test.ts imports the file and must reproduce them.
           With --out/--expect elsewhere, --seed and --no-bias: a fresh file for the interop stage of `npm test`.
  check    loads a file the app exported into this model with load_state_dict(strict=False) and compares its
           logits with the app's (a JSON file of {"ids": [...], "logits": [...]}) to 1e-4.
  ckpt     writes a checkpoint as nanoGPT's train.py saves it, and its meta.pkl (ckpt_to_playground.py's input).
  logits   loads any file in nanoGPT's layout (one ckpt_to_playground.py wrote, say) and writes PyTorch's logits
           for fixed ids, for the app to reproduce (src/model/interop.torch.test.ts).
  bundle   unpacks an "Export for nanoGPT" tar and reads data/<name>/train.bin, val.bin and meta.pkl back as
           nanoGPT's train.py does (numpy uint16, pickle); the tokens must be the text's: for characters, the
           text tokenized here through meta.pkl's stoi (and itos the text's sorted code points); for byte-level
           BPE, the tokens decoded through the merges in meta.pkl back to the text's UTF-8 bytes; split 90/10.
  `npm run interop` (a stage of `npm test`) runs them all.

Needs Debian's python3-torch; run with /usr/bin/python3.
"""
import argparse
import json
import pickle
import sys
import tarfile

import torch

from pg_nanogpt import GPT
from pg_safetensors import load_safetensors, save_safetensors


# --------------------------------------------------------------------------------------------------- files
def config_from(meta):
    cfg = {k: int(meta[k]) for k in ("n_layer", "n_head", "n_embd", "block_size", "vocab_size")}
    cfg["bias"] = meta["bias"] == "True"
    return cfg


# ----------------------------------------------------------------------------------------------- commands
def fixture(args):
    vocab = sorted(set("hello, world! 中文🙂\n"))
    cfg = {"n_layer": 2, "n_head": 2, "n_embd": 16, "block_size": 8, "vocab_size": len(vocab), "bias": args.bias}
    torch.manual_seed(args.seed)
    model = GPT(cfg)
    with torch.no_grad():  # weights of unit scale, so every path of the model shows in the logits
        for name, p in model.named_parameters():
            p.copy_(torch.randn(p.shape) * (0.3 if p.dim() == 2 else 0.1) + (1.0 if name.endswith(("ln_1.weight", "ln_2.weight", "ln_f.weight")) else 0.0))
    text = "hello 中文🙂!"
    ids = [vocab.index(c) for c in text][: cfg["block_size"]]
    with torch.no_grad():
        logits = model(torch.tensor([ids]))[0][0]
    metadata = {k: str(v) for k, v in cfg.items()}
    metadata["tokenizer"] = json.dumps({"kind": "char", "vocab": vocab}, ensure_ascii=False)
    save_safetensors(args.out, model.state_dict(), metadata)
    expected = {
        "about": "Written by scripts/nanogpt_interop.py fixture (PyTorch %s). Do not edit by hand." % torch.__version__,
        "config": cfg,
        "ids": ids,
        "logits": [round(v, 7) for v in logits.flatten().tolist()],
    }
    with open(args.expect, "w") as f:
        json.dump(expected, f, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {args.out} ({len(model.state_dict())} tensors) and {args.expect}", file=sys.stderr)


def load_model(path):
    """A file in nanoGPT's layout, loaded into nanoGPT's module tree: only the causal-mask buffers may be missing."""
    tensors, meta = load_safetensors(path)
    cfg = config_from(meta)
    model = GPT(cfg)
    result = model.load_state_dict(tensors, strict=False)
    assert not result.unexpected_keys, result.unexpected_keys
    assert all(k.endswith(".attn.bias") for k in result.missing_keys), result.missing_keys
    return model, cfg, meta, {"tensors": len(tensors), "missing": result.missing_keys}


def check(args):
    model, cfg, meta, loaded = load_model(args.file)
    with open(args.expect) as f:
        app = json.load(f)
    with torch.no_grad():
        logits = model(torch.tensor([app["ids"]]))[0][0].flatten()
    diff = (logits - torch.tensor(app["logits"])).abs().max().item()
    scale = logits.abs().max().item()
    print(json.dumps({"file": args.file, "config": cfg, "tensors": loaded["tensors"], "missing": loaded["missing"], "maxAbsDiff": diff, "maxAbsLogit": scale}))
    if not diff <= 1e-4 * max(1.0, scale):
        sys.exit(f"logits differ by {diff} (limit 1e-4 relative to {scale})")


def logits_of(args):
    model, cfg, meta, _ = load_model(args.file)
    ids = [(5 * i + 3) % cfg["vocab_size"] for i in range(min(16, cfg["block_size"]))]
    with torch.no_grad():
        logits = model(torch.tensor([ids]))[0][0]
    out = {"ids": ids, "logits": logits.flatten().tolist(), "config": cfg}
    if "step" in meta:
        out["step"] = int(meta["step"])
    with open(args.out, "w") as f:
        json.dump(out, f)
    print(f"wrote PyTorch's logits for {args.file} to {args.out}", file=sys.stderr)


def nanogpt_ckpt(args):
    """A checkpoint shaped as nanoGPT's train.py saves it (a torch.compile'd model's "_orig_mod." names, the mask
    buffers, model_args, iter_num) and the meta.pkl its data/ folder has (prepare.py's: vocab_size, itos, stoi),
    for a character vocabulary with CJK and emoji: what ckpt_to_playground.py is given after training in nanoGPT."""
    vocab = sorted(set("To be, or not to be: 床前明月光🙂\n"))
    meta = {"vocab_size": len(vocab), "itos": dict(enumerate(vocab)), "stoi": {c: i for i, c in enumerate(vocab)}}
    with open(args.meta, "wb") as f:
        pickle.dump(meta, f)
    cfg = {"n_layer": 2, "n_head": 2, "n_embd": 16, "block_size": 8, "vocab_size": len(vocab), "bias": False}
    torch.manual_seed(args.seed)
    model = GPT(cfg)
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(torch.randn(p.shape) * 0.3 + (1.0 if name.endswith(("ln_1.weight", "ln_2.weight", "ln_f.weight")) else 0.0))
    state = {f"_orig_mod.{k}": v for k, v in model.state_dict().items()}
    torch.save({"model": state, "model_args": {**cfg, "dropout": 0.0}, "iter_num": args.step, "best_val_loss": 9.9, "config": {}}, args.out)
    with open(args.out + ".vocab.json", "w") as f:
        json.dump(vocab, f, ensure_ascii=False)
    print(f"wrote {args.out} (a nanoGPT checkpoint at step {args.step}) and {args.meta}", file=sys.stderr)


def check_bundle(args):
    import numpy as np

    with open(args.text, encoding="utf-8") as f:
        text = f.read()
    files = {}
    with tarfile.open(args.tar) as t:
        for m in t.getmembers():
            if m.isfile():
                files[m.name] = t.extractfile(m).read()
    folders = {n.split("/")[-2] for n in files if n.endswith("/meta.pkl")}
    assert len(folders) == 1, f"one data folder expected, found {sorted(folders)}"
    (name,) = folders
    root = next(n for n in files if n.endswith(f"data/{name}/meta.pkl")).rsplit(f"data/{name}/", 1)[0]
    read_bin = lambda part: np.frombuffer(files[f"{root}data/{name}/{part}.bin"], dtype=np.uint16).astype(np.int64).tolist()
    train, val = read_bin("train"), read_bin("val")
    meta = pickle.loads(files[f"{root}data/{name}/meta.pkl"])
    V = meta["vocab_size"]
    assert sorted(meta["itos"]) == list(range(V)), "itos must name every id from 0 to vocab_size - 1"
    assert all(meta["stoi"][s] == i for i, s in meta["itos"].items()), "stoi must invert itos"
    tokens = train + val
    assert all(0 <= t < V for t in tokens), "a token id outside the vocabulary"
    spec = json.loads(meta["playground_tokenizer"]) if "playground_tokenizer" in meta else {"kind": "char"}
    if spec["kind"] == "char":
        vocab = sorted(set(text))  # code points, as nanoGPT's prepare.py does
        assert [meta["itos"][i] for i in range(V)] == vocab, "itos is not the text's sorted characters"
        expected = [meta["stoi"][c] for c in text]
        assert tokens == expected, "train.bin + val.bin are not the text tokenized through meta.pkl"
    else:
        pieces = [bytes([b]) for b in range(256)]
        for a, b in spec["merges"]:
            pieces.append(pieces[a] + pieces[b])
        assert len(pieces) == V, f"{len(pieces)} BPE tokens, vocab_size {V}"
        assert b"".join(pieces[t] for t in tokens) == text.encode("utf-8"), "the BPE tokens do not decode to the text"
    n = len(tokens)
    assert len(train) == int(n * 0.9), f"train.bin holds {len(train)} of {n} tokens, not the first 90%"
    print(json.dumps({"bundle": args.tar, "dataset": name, "tokenizer": spec["kind"], "vocab": V, "train": len(train), "val": len(val)}))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    fx = sub.add_parser("fixture")
    fx.add_argument("--out", default="src/model/fixtures/nanogpt-tiny.safetensors")
    fx.add_argument("--expect", default="src/model/fixtures/nanogpt-tiny.json")
    fx.add_argument("--seed", type=int, default=20261128)
    fx.add_argument("--no-bias", dest="bias", action="store_false", help="a model without biases (nanoGPT's bias=False)")
    fx.set_defaults(run=fixture)
    lg = sub.add_parser("logits")
    lg.add_argument("file")
    lg.add_argument("out")
    lg.set_defaults(run=logits_of)
    nc = sub.add_parser("ckpt")
    nc.add_argument("out")
    nc.add_argument("meta", help="where to write its meta.pkl")
    nc.add_argument("--seed", type=int, default=303)
    nc.add_argument("--step", type=int, default=1234)
    nc.set_defaults(run=nanogpt_ckpt)
    bd = sub.add_parser("bundle")
    bd.add_argument("tar")
    bd.add_argument("text")
    bd.set_defaults(run=check_bundle)
    ck = sub.add_parser("check")
    ck.add_argument("file")
    ck.add_argument("expect")
    ck.set_defaults(run=check)
    args = ap.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
