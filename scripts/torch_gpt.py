#!/usr/bin/python3
"""nanoGPT in PyTorch, written independently of the TypeScript code: the reference the playground is held to.

Two uses:
  bench    trains the same model, config, corpus, batches and learning-rate schedule on the CPU and prints one
           JSON line (ms/step, tokens/s, losses). `npm run bench -- --vs-torch` runs it after the browser run.
           --device cuda trains on the GPU instead (the real-GPU kit, scripts/gpu-kit.mjs; the weights are drawn
           on the CPU first, so a seed gives the same start on either device); --sdpa computes attention with
           F.scaled_dot_product_attention (nanoGPT's flash path, where this torch has it) instead of the explicit
           masked softmax. Without them nothing changes.
  fixture  writes src/train/fixtures/adamw-step.json (with --no-bias: adamw-step-nobias.json): a tiny GPT in
           float64 with fixed weights and a fixed batch — its loss, every gradient, the global gradient norm,
           and the parameters after one AdamW step with clipping and weight decay.
           src/train/exactness.test.ts holds the training step (Run.stepOn) to both.

The model is pg_nanogpt.GPT (nanoGPT's module tree and initialisation); the training is nanoGPT's train.py:
AdamW with weight decay on 2-D tensors only, warmup + cosine learning rate, global-norm clipping.
Batches come from the same seeded generator (mulberry32) and 90/10 split as src/data/dataset.ts, so both
trainers see the same tokens in the same order; the initial weights are drawn by torch (same distribution).

Needs Debian's python3-torch (`apt-get install python3-torch`); run it with /usr/bin/python3.
"""
import argparse
import json
import math
import sys
import time

import torch

from pg_nanogpt import GPT, nanogpt_config


# ---------------------------------------------------------------------------------------------------- data
def mulberry32(seed):
    a = seed & 0xFFFFFFFF

    def rng():
        nonlocal a
        a = (a + 0x6D2B79F5) & 0xFFFFFFFF
        t = a
        t = ((t ^ (t >> 15)) * (t | 1)) & 0xFFFFFFFF
        t ^= (t + (((t ^ (t >> 7)) * (t | 61)) & 0xFFFFFFFF)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296

    return rng


class Sampler:
    """src/data/dataset.ts BatchSampler: one generator per stream, random contiguous windows."""

    def __init__(self, train, val, batch_size, block_size, seed):
        self.data = {"train": train, "evalTrain": train, "evalVal": val}
        self.rngs = {
            "train": mulberry32(seed),
            "evalTrain": mulberry32(seed ^ 0x5BD1E995),
            "evalVal": mulberry32(seed ^ 0x9E3779B9),
        }
        self.B, self.T = batch_size, block_size

    def next(self, stream):
        data, rng = self.data[stream], self.rngs[stream]
        max_start = len(data) - self.T - 1
        starts = [math.floor(rng() * (max_start + 1)) for _ in range(self.B)]
        x = torch.stack([data[s : s + self.T] for s in starts])
        y = torch.stack([data[s + 1 : s + 1 + self.T] for s in starts])
        return x, y


def char_tokens(text):
    vocab = sorted(set(text))  # code points, as CharTokenizer.fromText
    ids = {c: i for i, c in enumerate(vocab)}
    return vocab, torch.tensor([ids[c] for c in text], dtype=torch.long)


# ----------------------------------------------------------------------------------------------- training
def make_optimizer(model, t):
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    groups = [{"params": decay, "weight_decay": t["weightDecay"]}, {"params": no_decay, "weight_decay": 0.0}]
    return torch.optim.AdamW(groups, lr=t["learningRate"], betas=(t["beta1"], t["beta2"]), eps=1e-8)


def lr_at(it, t):
    """nanoGPT's get_lr, as src/shared/config.ts learningRateAt."""
    if it < t["warmupIters"]:
        return t["learningRate"] * (it + 1) / (t["warmupIters"] + 1)
    if it > t["maxIters"]:
        return t["minLr"]
    span = t["maxIters"] - t["warmupIters"]
    ratio = (it - t["warmupIters"]) / span if span > 0 else 1
    return t["minLr"] + 0.5 * (1 + math.cos(math.pi * ratio)) * (t["learningRate"] - t["minLr"])


# --------------------------------------------------------------------------------------------------- bench
def blas_libraries():
    """The BLAS shared libraries this process has loaded: Debian's torch runs 14x slower on the reference BLAS."""
    try:
        with open("/proc/self/maps") as f:
            return sorted({line.split()[-1] for line in f if "blas" in line.lower() and "/" in line})
    except OSError:
        return []


def use_sdpa(model):
    """Attention through F.scaled_dot_product_attention (nanoGPT's flash path), the same maths as pg_nanogpt's."""
    sdpa = getattr(torch.nn.functional, "scaled_dot_product_attention", None)
    if sdpa is None:
        return False
    for block in model.transformer.h:
        attn = block.attn

        def forward(x, attn=attn):
            B, T, C = x.size()
            q, k, v = attn.c_attn(x).split(C, dim=2)
            q, k, v = (u.view(B, T, attn.n_head, C // attn.n_head).transpose(1, 2) for u in (q, k, v))
            y = sdpa(q, k, v, is_causal=True)
            return attn.c_proj(y.transpose(1, 2).contiguous().view(B, T, C))

        attn.forward = forward
    return True


def bench(args):
    model_cfg = json.loads(args.model)
    t = json.loads(args.train)
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        sys.exit(f"torch_gpt.py: --device {args.device}, but this PyTorch ({torch.__version__}) has no CUDA device")
    with open(args.corpus, encoding="utf-8") as f:
        text = f.read()
    vocab, tokens = char_tokens(text)
    n = math.floor(len(tokens) * 0.9)
    sampler = Sampler(tokens[:n], tokens[n:], t["batchSize"], model_cfg["blockSize"], t["seed"])
    torch.manual_seed(t["seed"])
    model = GPT(nanogpt_config({**model_cfg, "vocabSize": len(vocab)})).init_weights().to(device)
    sdpa = use_sdpa(model) if args.sdpa else False
    batch = lambda stream: tuple(u.to(device) for u in sampler.next(stream))  # drawn on the CPU, as before
    opt = make_optimizer(model, t)
    params = sum(p.numel() for p in model.parameters())

    def evaluate():
        model.eval()
        with torch.no_grad():
            out = {}
            for stream in ("evalTrain", "evalVal"):
                out[stream] = sum(model(*batch(stream))[1].item() for _ in range(t["evalIters"])) / t["evalIters"]
        model.train()
        return out

    step_ms, losses, evals = [], [], []
    if args.eval_every:  # the loss before training, as the playground reports it
        e = evaluate()
        evals.append({"step": 0, "trainLoss": e["evalTrain"], "valLoss": e["evalVal"]})
    for it in range(args.steps):
        t0 = time.perf_counter()
        x, y = batch("train")
        for g in opt.param_groups:
            g["lr"] = lr_at(it, t)
        _, loss = model(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if t["gradClip"] > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), t["gradClip"])
        opt.step()
        losses.append(loss.item())  # the readback, as the browser's step clock includes it
        step_ms.append((time.perf_counter() - t0) * 1000)
        if it == 0:
            first_step_end = time.perf_counter()
        if args.eval_every and ((it + 1) % args.eval_every == 0 or it + 1 == args.steps):
            e = evaluate()
            evals.append({"step": it + 1, "trainLoss": e["evalTrain"], "valLoss": e["evalVal"]})
            print(f"torch step {it + 1}/{args.steps}: train {e['evalTrain']:.4f} val {e['evalVal']:.4f}", file=sys.stderr)
        elif (it + 1) % 10 == 0:
            print(f"torch step {it + 1}/{args.steps}: loss {losses[-1]:.4f} ({step_ms[-1]:.0f} ms)", file=sys.stderr)
    wall_ms = (time.perf_counter() - first_step_end) * 1000  # steps 2…N with the evaluations, as the page's wall clock
    steady = sorted(step_ms[3:] or step_ms)
    q = lambda f: steady[min(len(steady) - 1, math.floor(f * len(steady)))]
    tokens_per_step = t["batchSize"] * model_cfg["blockSize"]
    print(
        json.dumps(
            {
                "engine": f"pytorch {torch.__version__} {device.type}",
                # only off the CPU default: where it ran and how (the CPU line stays what bench.mjs has always read)
                **(
                    {
                        "device": str(device),
                        "gpu": torch.cuda.get_device_name(device) if device.type == "cuda" else None,
                        "attention": "sdpa" if sdpa else "explicit",
                        "tf32": bool(torch.backends.cuda.matmul.allow_tf32) if device.type == "cuda" else None,
                    }
                    if device.type != "cpu" or args.sdpa
                    else {}
                ),
                "threads": torch.get_num_threads(),
                "blas": blas_libraries(),
                "params": params,
                "tokensPerStep": tokens_per_step,
                "steps": args.steps,
                "msPerStep": {"median": round(q(0.5), 1), "p10": round(q(0.1), 1), "p90": round(q(0.9), 1)},
                "tokensPerSec": round(tokens_per_step * 1000 / q(0.5)),
                "firstStepMs": round(step_ms[0]),
                "lastLoss": round(losses[-1], 4),
                "finalTrainLoss": round(evals[-1]["trainLoss"], 4) if evals else None,
                "finalValLoss": round(evals[-1]["valLoss"], 4) if evals else None,
                "evals": evals,
                # the series, for scripts/bench.mjs to take the same steady state and wall time as the tab's
                "stepMs": [round(x, 2) for x in step_ms],
                "wallMsPerStep": round(wall_ms / max(1, args.steps - 1), 1),
            }
        )
    )


# ------------------------------------------------------------------------------------------------- fixture
def fixture(args):
    """One AdamW step of a tiny GPT in float64, from weights and a batch drawn here with a fixed seed."""
    torch.set_default_dtype(torch.float64)
    args.out = args.out or ("src/train/fixtures/adamw-step.json" if args.bias else "src/train/fixtures/adamw-step-nobias.json")
    cfg = {"vocabSize": 7, "blockSize": 6, "nLayer": 2, "nHead": 2, "nEmbd": 8, "dropout": 0, "bias": args.bias}
    t = {"learningRate": 0.05, "beta1": 0.9, "beta2": 0.99, "weightDecay": 0.1, "gradClip": 0.5}
    g = torch.Generator().manual_seed(20261128)
    model = GPT(nanogpt_config(cfg))
    with torch.no_grad():
        for p in model.parameters():  # unit-scale weights, so every path of the model matters
            p.copy_(torch.rand(p.shape, generator=g) * 0.6 - 0.3)
        for name, p in model.named_parameters():
            if name.endswith(("ln_1.weight", "ln_2.weight", "ln_f.weight")):
                p.add_(1.0)
    x = torch.randint(0, cfg["vocabSize"], (2, cfg["blockSize"]), generator=g)
    y = torch.randint(0, cfg["vocabSize"], (2, cfg["blockSize"]), generator=g)

    names = ts_names(cfg)
    before = {ts: export(model.get_parameter(pt), ts) for ts, pt in names}
    _, loss = model(x, y)
    loss.backward()
    grads = {ts: export(model.get_parameter(pt).grad, ts) for ts, pt in names}
    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), t["gradClip"])
    opt = make_optimizer(model, t)
    opt.step()
    after = {ts: export(model.get_parameter(pt), ts) for ts, pt in names}
    out = {
        "about": "Written by scripts/torch_gpt.py fixture (PyTorch %s, float64). Do not edit by hand." % torch.__version__,
        "model": cfg,
        "train": t,
        "x": x.flatten().tolist(),
        "y": y.flatten().tolist(),
        "loss": loss.item(),
        "gradNorm": norm.item(),
        "before": before,
        "grads": grads,
        "after": after,
    }
    with open(args.out, "w") as f:
        json.dump(out, f, indent=None, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {args.out}: loss {loss.item():.6f}, gradient norm {norm.item():.6f}", file=sys.stderr)


# per block: (TypeScript path suffix, nanoGPT module), each with a .weight and (with biases) a .bias
BLOCK_NAMES = [
    ("ln1", "ln_1"),
    ("attn.cAttn", "attn.c_attn"),
    ("attn.cProj", "attn.c_proj"),
    ("ln2", "ln_2"),
    ("mlp.cFc", "mlp.c_fc"),
    ("mlp.cProj", "mlp.c_proj"),
]


def ts_names(cfg):
    """(TypeScript parameter path, nanoGPT parameter name) pairs, in src/model/gpt.ts paramShapes order."""
    kinds = ("weight", "bias") if cfg["bias"] else ("weight",)
    out = [("wte.weight", "transformer.wte.weight"), ("wpe.weight", "transformer.wpe.weight")]
    for i in range(cfg["nLayer"]):
        for ts, pt in BLOCK_NAMES:
            out += [(f"h.{i}.{ts}.{kind}", f"transformer.h.{i}.{pt}.{kind}") for kind in kinds]
    return out + [(f"lnF.{kind}", f"transformer.ln_f.{kind}") for kind in kinds]


def export(p, ts_name):
    """Flat values in the TypeScript layout: Linear weights are [in, out] there, [out, in] in PyTorch."""
    if p.dim() == 2 and ts_name.startswith("h."):
        p = p.t()
    return p.detach().contiguous().flatten().tolist()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("bench")
    b.add_argument("--model", required=True, help="ModelSettings as JSON (src/shared/config.ts)")
    b.add_argument("--train", required=True, help="TrainConfig as JSON")
    b.add_argument("--corpus", required=True)
    b.add_argument("--steps", type=int, required=True)
    b.add_argument("--eval-every", type=int, default=0)
    b.add_argument("--threads", type=int, default=0, help="torch threads (default: torch's own choice)")
    b.add_argument("--device", default="cpu", help="cpu (default) or cuda[:N]: where the model trains")
    b.add_argument("--sdpa", action="store_true", help="attention by F.scaled_dot_product_attention where torch has it")
    b.set_defaults(run=bench)
    fx = sub.add_parser("fixture")
    fx.add_argument("--out", default=None, help="default: src/train/fixtures/adamw-step.json, or adamw-step-nobias.json with --no-bias")
    fx.add_argument("--no-bias", dest="bias", action="store_false", help="the bias-free model (nanoGPT's bias=False)")
    fx.set_defaults(run=fixture)
    args = ap.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
