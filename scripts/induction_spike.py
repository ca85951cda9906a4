"""Do induction heads form in the Baby GPT preset, and when? The measurement behind the head timeline's
phase-change marker (TEACHING-VIEWS.md, V2 test 4).

Trains nanoGPT's own model.py (the architecture the playground matches to 1e-5, see scripts/interop.mjs) with
the playground's Baby GPT preset and training settings (src/shared/config.ts: 4 layers x 4 heads, 128 wide,
context 64, batch 12, AdamW lr 1e-3 -> 1e-4 cosine over 2,000 steps, warmup 100, weight decay 0.1, betas
0.9/0.99, clip 1.0), character-level, 90/10 split, on one of:
  shakespeare: ../shared/data/tinyshakespeare.txt
  repeats:     the "Induction demo" text (src/text/repeats.ts, generator ported below, same bytes)
Every 50 steps: validation loss (20 batches) and every head's scores on the playground's repeated-random probe
(32 tokens drawn with mulberry32(1) from those present in the training split, said twice; Run.repeatedProbe):
previous-token = mean A[i, i-1], induction (prefix matching) = mean A[i, i-31] over the second half
(src/analysis/heads.ts headScores). Writes one JSON per run; `npm run spike:summary` (scripts/spike-summary.mjs)
applies the app's own phase-change rule to them.

usage: /usr/bin/python3 scripts/induction_spike.py NANOGPT_DIR DATA(shakespeare|repeats) SEED OUT.json [STEPS [LR]]
(LR: the peak learning rate; the floor is a tenth of it.)
"""
import json, math, os, sys, time

import torch

sys.path.insert(0, sys.argv[1])
from model import GPT, GPTConfig  # noqa: E402

data_name, seed, out_path = sys.argv[2], int(sys.argv[3]), sys.argv[4]
max_iters = int(sys.argv[5]) if len(sys.argv) > 5 else 2000
lr = float(sys.argv[6]) if len(sys.argv) > 6 else 1e-3
torch.manual_seed(seed)
torch.set_num_threads(1)


def mulberry32(seed):
    a = seed & 0xFFFFFFFF

    def imul(x, y):
        return (x * y) & 0xFFFFFFFF

    def nxt():
        nonlocal a
        a = (a + 0x6D2B79F5) & 0xFFFFFFFF
        t = a
        t = imul(t ^ (t >> 15), t | 1)
        t ^= (t + imul(t ^ (t >> 7), t | 61)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296

    return nxt


def repeated_sequences(lines=20000, seed=1, copies=2, shortest=8, longest=24, sep=' '):
    rng = mulberry32(seed)
    letters = 'abcdefghijklmnopqrstuvwxyz'
    out = []
    for _ in range(lines):
        n = shortest + int(rng() * (longest - shortest + 1))
        r = ''.join(letters[int(rng() * 26)] for _ in range(n))
        out.append(sep.join([r] * copies) + '\n')
    return ''.join(out)


if data_name == 'shakespeare':
    text = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../shared/data/tinyshakespeare.txt')).read()
elif data_name == 'repeats':
    text = repeated_sequences()
elif data_name == 'repeats-nosep':  # "rr": nothing marks where the copy starts, so only matching content finds it
    text = repeated_sequences(sep='')
else:  # repeats3: each line three times, shorter lines (6-16 letters)
    text = repeated_sequences(copies=3, shortest=6, longest=16)
chars = sorted(set(text))
stoi = {c: i for i, c in enumerate(chars)}
data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
n = int(0.9 * len(data))
train, val = data[:n], data[n:]

# the Baby GPT preset; SPIKE_MODEL=layers,heads,width,context,batch tries another size
L_, H_, C_, T, B = (int(x) for x in os.environ.get('SPIKE_MODEL', '4,4,128,64,12').split(','))
cfg = GPTConfig(block_size=T, vocab_size=len(chars), n_layer=L_, n_head=H_, n_embd=C_, dropout=0.0, bias=True)
model = GPT(cfg)
min_lr, warmup = lr / 10, 100
opt = model.configure_optimizers(0.1, lr, (0.9, 0.99), 'cpu')
gen = torch.Generator().manual_seed(seed)


def batch(split):
    d = train if split == 'train' else val
    ix = torch.randint(len(d) - T, (B,), generator=gen)
    return torch.stack([d[i:i + T] for i in ix]), torch.stack([d[i + 1:i + 1 + T] for i in ix])


def get_lr(it):
    if it < warmup:
        return lr * (it + 1) / (warmup + 1)
    if it > max_iters:
        return min_lr
    r = (it - warmup) / (max_iters - warmup)
    return min_lr + 0.5 * (1 + math.cos(math.pi * r)) * (lr - min_lr)


# the repeated-random probe, as Run.repeatedProbe(1) builds it: ids in order of first appearance in train
present = list(dict.fromkeys(train.tolist()))
rng = mulberry32(1)
P = T // 2  # the probe's period
half = [present[int(rng() * len(present))] for _ in range(P)]
probe = torch.tensor([half + half])


@torch.no_grad()
def attention_maps(idx):
    """Every layer's attention probabilities (nh, T, T) for a (1, T) probe, from nanoGPT's own weights."""
    x = model.transformer.wte(idx) + model.transformer.wpe(torch.arange(idx.shape[1]))
    maps = []
    for blk in model.transformer.h:
        h = blk.ln_1(x)
        q, k, v = blk.attn.c_attn(h).split(cfg.n_embd, dim=2)
        hs = cfg.n_embd // cfg.n_head
        q, k = (t.view(1, -1, cfg.n_head, hs).transpose(1, 2) for t in (q, k))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(hs)
        Tn = idx.shape[1]
        att = att.masked_fill(torch.tril(torch.ones(Tn, Tn)) == 0, float('-inf')).softmax(-1)[0]
        maps.append(att)
        x = blk(x)
    return maps


@torch.no_grad()
def scores():
    out = []
    for att in attention_maps(probe):
        per = []
        for a in att:
            prev = torch.stack([a[i, i - 1] for i in range(1, T)]).mean().item()
            ind = torch.stack([a[i, i - P + 1] for i in range(P, T)]).mean().item()
            per.append({'previous': prev, 'induction': ind})
        out.append(per)
    return out


@torch.no_grad()
def val_loss():
    model.eval()
    ls = [model(*batch('val'))[1].item() for _ in range(20)]
    model.train()
    return sum(ls) / len(ls)


evals, recent = [], []
t0 = time.time()
for it in range(max_iters + 1):
    if it % 50 == 0 or it == max_iters:
        e = {'step': it, 'valLoss': val_loss(), 'trainLoss': sum(recent) / len(recent) if recent else None, 'heads': scores()}
        recent = []
        evals.append(e)
        best = max(h['induction'] for layer in e['heads'][1:] for h in layer)
        print(f"{data_name} seed {seed} step {it} val {e['valLoss']:.3f} best induction (layer>=1) {best:.3f} {time.time() - t0:.0f}s", flush=True)
    if it == max_iters:
        break
    for g in opt.param_groups:
        g['lr'] = get_lr(it)
    x, y = batch('train')
    _, loss = model(x, y)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    recent.append(loss.item())

json.dump({'data': data_name, 'seed': seed, 'maxIters': max_iters, 'learningRate': lr, 'model': [L_, H_, C_, T, B], 'vocab': len(chars), 'evals': evals, 'seconds': time.time() - t0}, open(out_path, 'w'))
