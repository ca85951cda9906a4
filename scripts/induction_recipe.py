"""Find a recipe that forms an induction head in minutes: the measurement behind issue 20's "Watch an induction
head form" experiment (docs/induction-recipe.md).

Model: pg_nanogpt.GPT (the app's GPT: nanoGPT's module tree and init, pre-LN, tied head), with its two optional
flags attn_only (no MLP) and pos ("learned" | "sinusoidal", src/model/positions.ts). Training: the app's
(src/train/adamw.ts + src/shared/config.ts learningRateAt): AdamW, betas (0.9, 0.99), eps 1e-8, decoupled weight
decay on 2-D tensors only, global-norm clipping, linear warmup then cosine to min_lr at max_iters; loss = mean
cross-entropy over every position, as the app trains.

Data, fresh every step: B sequences of T+1 tokens drawn uniformly from a vocabulary of V; in each, one segment of
length k ~ U[kmin, kmax] starting at a random offset s is copied to a later offset d ≥ s + k (--gap random: d
uniform over what fits; --gap adjacent: d = s + k). "Repeated-token loss": the cross-entropy on the copy's
tokens after its first one (the ones an induction head can predict), on fixed held-out batches.

Probe ("varying period"): for each period p in PERIODS, PROBES_PER_PERIOD sequences [r, r], r = p distinct
tokens (so the copy is the only earlier occurrence of a token); a head's prefix-matching score on one probe is
src/analysis/heads.ts headScores(...).induction = mean over i in [p, 2p) of A[i, i - p + 1]; the head's score
is the mean over all probes. Previous-token score likewise = headScores(...).previous, mean over the probes.

usage:
  nice -n 19 /usr/bin/python3 scripts/induction_recipe.py selftest
  nice -n 19 /usr/bin/python3 scripts/induction_recipe.py train [--key value ...]   (one JSON line on stdout)
  nice -n 19 /usr/bin/python3 scripts/induction_recipe.py inspect MODEL.pt   (where each head looks; save a model
    with `train ... save MODEL.pt`)
  nice -n 19 /usr/bin/python3 scripts/induction_recipe.py offsets MODEL.pt LAYER HEAD   (attention by offset)
  nice -n 19 /usr/bin/python3 scripts/induction_recipe.py byperiod MODEL.pt   (periodic runs: top offsets by period)
    keys (defaults below in DEFAULTS): layers heads width T V B kmin kmax gap pos attn_only bias lr min_lr warmup
    wd clip steps eval_every seed stop_after (min_lr -1: lr/10) data (copy | periodic | mix) pmin pmax prefix_max
    short (periodic: P(period 1 or 2)) tie (0: untied LM head, a diagnostic; the app ties)
    (steps to run on after both criteria are met; -1: never stop
    early) ablate (1: after training, zero each layer-0 head in turn and re-measure the best layer>=1 head)
"""
import json, math, os, sys, time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pg_nanogpt import GPT  # noqa: E402

torch.set_num_threads(1)

DEFAULTS = dict(
    layers=2, heads=4, width=64, T=64, V=64, B=32, kmin=8, kmax=24, gap="random", pos="learned", attn_only=1,
    bias=1, lr=1e-3, min_lr=-1.0, warmup=100, wd=0.1, clip=1.0, steps=4000, eval_every=100, seed=1,
    stop_after=300, ablate=0, distinct=0, skip=0.0, fresh=1, skip_id=0, save="",
    data="copy", pmin=3, pmax=-1, prefix_max=-1, tie=1, short=0.0,
)
PROBES_PER_PERIOD = 4


# ------------------------------------------------------------------------------------------- head scores
def head_scores(w, T, period=None):
    """src/analysis/heads.ts headScores, line for line: w(i, j) is the attention of query i on key j (j <= i)."""
    previous = self_ = first = entropy = 0.0
    for i in range(T):
        self_ += w(i, i)
        if i > 0:
            previous += w(i, i - 1)
            first += w(i, 0)
        h = 0.0
        for j in range(i + 1):
            p = w(i, j)
            if p > 0:
                h -= p * math.log2(p)
        entropy += h
    induction = 0.0
    if period and period >= 2 and T > period:
        for i in range(period, T):
            induction += w(i, i - period + 1)
        induction /= T - period
    return dict(previous=previous / (T - 1) if T > 1 else 0, self=self_ / T, first=first / (T - 1) if T > 1 else 0,
                induction=induction, entropy=entropy / T)


def induction_and_previous(att, period):
    """Vectorised head_scores(...)['induction'] and ['previous'] for att (..., T, T): the same sums, as tensors."""
    T = att.shape[-1]
    i = torch.arange(period, T)
    ind = att[..., i, i - period + 1].mean(-1)
    j = torch.arange(1, T)
    prev = att[..., j, j - 1].mean(-1)
    return ind, prev


def selftest():
    """The port against hand-made attention patterns, and the vectorised scores against the loop."""
    T, p = 12, 6
    uniform = lambda i, j: 1 / (i + 1)  # noqa: E731
    s = head_scores(uniform, T, p)
    want = sum(1 / (i + 1) for i in range(p, T)) / (T - p)
    assert abs(s["induction"] - want) < 1e-12, s
    assert abs(s["previous"] - sum(1 / (i + 1) for i in range(1, T)) / (T - 1)) < 1e-12
    assert abs(s["entropy"] - sum(math.log2(i + 1) for i in range(T)) / T) < 1e-12
    # a perfect induction head: from the second copy on, all weight on the token after the earlier occurrence
    perfect = lambda i, j: (1.0 if j == i - p + 1 else 0.0) if i >= p else (1.0 if j == i else 0.0)  # noqa: E731
    s = head_scores(perfect, T, p)
    assert s["induction"] == 1.0 and s["previous"] == 0.0 and abs(s["self"] - p / T) < 1e-12, s
    # a previous-token head scores 0 on induction (p >= 3) and 1 on previous
    prevtok = lambda i, j: 1.0 if j == max(i - 1, 0) else 0.0  # noqa: E731
    s = head_scores(prevtok, T, p)
    assert s["induction"] == 0.0 and s["previous"] == 1.0, s
    # vectorised == loop on random causal rows
    g = torch.Generator().manual_seed(0)
    a = torch.rand(3, T, T, generator=g, dtype=torch.float64).tril()
    a = a / a.sum(-1, keepdim=True)
    ind, prev = induction_and_previous(a, p)
    for h in range(3):
        s = head_scores(lambda i, j: a[h, i, j].item(), T, p)
        assert abs(s["induction"] - ind[h].item()) < 1e-12 and abs(s["previous"] - prev[h].item()) < 1e-12
    # the shifted score at delta 1 is the prefix-matching score; a perfect delta-2 pattern scores 1 at delta 2
    assert torch.allclose(shifted_score(a, p, 1), ind)
    sh = torch.zeros(T, T, dtype=torch.float64)
    for i in range(T):
        sh[i, i - p + 2 if i >= p else i] = 1
    assert shifted_score(sh, p, 2).item() == 1.0 and induction_and_previous(sh, p)[0].item() == 0.0
    # the batch generator: the copy is where the mask says
    x, y, mask = make_batch(torch.Generator().manual_seed(3), 16, 32, 50, 4, 12, "random")
    seq = torch.cat([x, y[:, -1:]], 1)
    for b in range(16):
        t = mask[b].nonzero().flatten()
        assert len(t) >= 3
        d, k = t[0].item(), len(t) + 1  # predicted tokens: seq[d+1 .. d+k-1]
        copy = seq[b, d:d + k]
        found = any(torch.equal(seq[b, s:s + k], copy) for s in range(0, d - k + 1))
        assert found, (b, d, k)
    # the periodic generator: every masked target is the token p back, the mask starts after the first period,
    # and no target before it is masked
    for T_, pmin_, pmax_, short_ in ((32, 3, -1, 0.0), (48, 3, -1, 0.0), (64, 5, 20, 0.0), (32, 6, -1, 0.3)):
        meta = []
        x, y, mask = make_periodic(torch.Generator().manual_seed(4), 64, T_, 40, pmin_, pmax_, -1, meta, short_)
        seq = torch.cat([x, y[:, -1:]], 1)
        assert x.shape == (64, T_) and y.shape == (64, T_)
        for b, (L0, p) in enumerate(meta):
            assert (pmin_ <= p <= (T_ // 2 if pmax_ < 0 else pmax_) or (short_ > 0 and p in (1, 2))) and 0 <= L0 <= T_ // 4
            t = mask[b].nonzero().flatten()
            assert t[0].item() == L0 + p - 1 and len(t) == T_ - (L0 + p - 1), (b, L0, p)
            for ti in t.tolist():
                assert seq[b, ti + 1] == seq[b, ti + 1 - p]
        a_ = dict(DEFAULTS, T=32, V=40, data="mix", kmin=4, kmax=12)
        x2, y2, m2 = batch_for(torch.Generator().manual_seed(5), a_, 32)
        assert x2.shape == (32, 32) and m2[:16].sum() > m2[16:].sum()
    print("selftest: ok (head_scores port, vectorised scores, batch generator, periodic generator)")


# ---------------------------------------------------------------------------------------------- data
SKIP_PERM_SEED = 7


def make_batch(gen, B, T, V, kmin, kmax, gap, distinct=0, skip=0.0, fresh=1, skip_id=0):
    """x, y (B, T) and mask (B, T): True where y is a copied token after the copy's first one. distinct=1: the
    tokens of a sequence are drawn without replacement (V ≥ T+1), so the copy is the only repeat in it."""
    if distinct:
        seq = torch.stack([torch.randperm(V, generator=gen)[: T + 1] for _ in range(B)])
    else:
        seq = torch.randint(V, (B, T + 1), generator=gen)
    if skip > 0:
        # a skip-trigram scaffold: with probability `skip`, a token is pi(the token two before it), pi a fixed
        # permutation, so a head that reads the previous token pays off in layer 0 already (before the copy)
        # skip_id=1: pi is the identity ("a b a": the token two before comes back)
        pi = torch.arange(V) if skip_id else torch.randperm(V, generator=torch.Generator().manual_seed(SKIP_PERM_SEED))
        use = torch.rand(B, T + 1, generator=gen) < skip
        for t in range(2, T + 1):
            seq[:, t] = torch.where(use[:, t], pi[seq[:, t - 2]], seq[:, t])
    mask = torch.zeros(B, T, dtype=torch.bool)
    seg = torch.randint(V, (B, kmax), generator=gen) if skip > 0 and fresh else None
    ks = torch.randint(kmin, kmax + 1, (B,), generator=gen).tolist()
    u = torch.rand(B, 2, generator=gen).tolist()
    for b in range(B):
        k = ks[b]
        if gap == "adjacent":
            s = int(u[b][0] * (T + 1 - 2 * k + 1))  # s in [0, T+1-2k]
            d = s + k
        else:
            # (s, d) uniform over the pairs with d >= s + k, d + k <= T + 1: d first, weighted by how many s fit
            n = T + 1 - 2 * k + 1  # number of possible s when d is at its latest
            # number of pairs for d = k + m is m + 1 (m = 0 … n-1); draw m with P ∝ m + 1
            total = n * (n + 1) / 2
            r = u[b][0] * total
            m = min(n - 1, int((math.sqrt(8 * r + 1) - 1) / 2))
            d = k + m
            s = int(u[b][1] * (m + 1))
        if skip > 0 and fresh:  # the segment itself: fresh uniform tokens, outside the scaffold's rule
            seq[b, s:s + k] = seg[b, :k]
        seq[b, d:d + k] = seq[b, s:s + k]
        mask[b, d:d + k - 1] = True  # y[t] = seq[t+1]: predicting seq[d+1 … d+k-1]
    return seq[:, :-1].contiguous(), seq[:, 1:].contiguous(), mask


def make_periodic(gen, B, T, V, pmin=3, pmax=-1, prefix_max=-1, meta=None, short=0.0):
    """Dense repetition with a varying period (second search): each sequence of T+1 tokens is a prefix of L0 ~
    U[0, prefix_max] uniform tokens (prefix_max -1: T//4), then a segment r of p ~ U[pmin, pmax] uniform tokens
    (pmax -1: T//2), p drawn per sequence, repeated until the sequence is full (r r r ...). mask: True where
    y[t] = seq[t+1] lies after the first period (t + 1 >= L0 + p), the tokens only a look p back predicts.
    meta (a list): gets (L0, p) for each sequence. short > 0: with that probability a sequence's period is 1 or 2
    instead ("a a a …" or "a b a b …": a head on the token itself or the one before predicts it directly)."""
    pmax = T // 2 if pmax < 0 else pmax
    prefix_max = T // 4 if prefix_max < 0 else prefix_max
    seq = torch.randint(V, (B, T + 1), generator=gen)
    ps = torch.randint(pmin, pmax + 1, (B,), generator=gen).tolist()
    l0s = torch.randint(0, prefix_max + 1, (B,), generator=gen).tolist()
    if short > 0:
        use = (torch.rand(B, generator=gen) < short).tolist()
        alt = torch.randint(1, 3, (B,), generator=gen).tolist()
        ps = [alt[b] if use[b] else ps[b] for b in range(B)]
    mask = torch.zeros(B, T, dtype=torch.bool)
    for b in range(B):
        p, L0 = ps[b], l0s[b]
        r = seq[b, L0:L0 + p].clone()
        n = T + 1 - L0
        seq[b, L0:] = r.repeat((n + p - 1) // p)[:n]
        mask[b, L0 + p - 1:] = True
        if meta is not None:
            meta.append((L0, p))
    return seq[:, :-1].contiguous(), seq[:, 1:].contiguous(), mask


def batch_for(gen, a, B):
    """One batch of the run's data mode: "copy" (one copied segment, make_batch), "periodic" (make_periodic) or
    "mix" (the first half of the batch periodic, the rest one-segment copies)."""
    if a["data"] == "copy":
        return make_batch(gen, B, a["T"], a["V"], a["kmin"], a["kmax"], a["gap"], a["distinct"], a["skip"],
                          a["fresh"], a["skip_id"])
    if a["data"] == "periodic":
        return make_periodic(gen, B, a["T"], a["V"], a["pmin"], a["pmax"], a["prefix_max"], short=a["short"])
    if a["data"] == "mix":
        h = B // 2
        p = make_periodic(gen, h, a["T"], a["V"], a["pmin"], a["pmax"], a["prefix_max"], short=a["short"])
        c = make_batch(gen, B - h, a["T"], a["V"], a["kmin"], a["kmax"], a["gap"], a["distinct"], a["skip"],
                       a["fresh"], a["skip_id"])
        return tuple(torch.cat([u, v]) for u, v in zip(p, c))
    raise SystemExit(f"unknown data mode {a['data']} (copy | periodic | mix)")


def make_probes(V, T, seed=12345):
    """[r, r] with r = p distinct tokens, PROBES_PER_PERIOD for each period p from 4 to T/2 in steps."""
    g = torch.Generator().manual_seed(seed)
    periods = sorted(set(int(round(x)) for x in torch.linspace(4, T // 2, 8).tolist()))
    out = []
    for p in periods:
        rows = []
        for _ in range(PROBES_PER_PERIOD):
            r = torch.randperm(V, generator=g)[:p] if V >= p else torch.randint(V, (p,), generator=g)
            rows.append(torch.cat([r, r]))
        out.append((p, torch.stack(rows)))
    return out


# -------------------------------------------------------------------------------------------- model
def forward_attn(model, idx, ablate=None, mean_ablate=None):
    """Logits and every layer's attention (B, nh, T, T), from the model's own weights (pg_nanogpt's forward,
    unrolled). ablate: set of (layer, head) whose output (att @ v for that head) is zeroed."""
    cfg = model.cfg
    C, nh = cfg["n_embd"], cfg["n_head"]
    hs = C // nh
    B, T = idx.shape
    x = model.transformer.wte(idx) + model.positions(T)
    mask = torch.tril(torch.ones(T, T, dtype=torch.bool))
    maps = []
    for li, blk in enumerate(model.transformer.h):
        q, k, v = blk.attn.c_attn(blk.ln_1(x)).split(C, dim=2)
        q, k, v = (t.view(B, T, nh, hs).transpose(1, 2) for t in (q, k, v))
        att = ((q @ k.transpose(-2, -1)) / math.sqrt(hs)).masked_fill(~mask, float("-inf")).softmax(-1)
        maps.append(att)
        y = att @ v  # (B, nh, T, hs)
        if ablate:
            keep = torch.ones(1, nh, 1, 1)
            for (l_, h_) in ablate:
                if l_ == li:
                    keep[0, h_] = 0
            y = y * keep
        x = x + blk.attn.c_proj(y.transpose(1, 2).contiguous().view(B, T, C))
        if not blk.attn_only:
            x = x + blk.mlp(blk.ln_2(x))
    return model.lm_head(model.transformer.ln_f(x)), maps


def shifted_score(att, period, delta):
    """The prefix-matching score moved delta - 1 keys later: mean over queries i in [p, 2p) (with key <= i) of
    A[i, i - p + delta]; delta 1 is the prefix-matching score, delta 2, 3 the shifted copying circuits' targets."""
    T = att.shape[-1]
    i = torch.arange(period, T)
    i = i[i - period + delta <= i]
    return att[..., i, i - period + delta].mean(-1)


@torch.no_grad()
def probe_scores(model, probes, ablate=None, shifted=False):
    """(L, H) prefix-matching and previous-token scores, means over every probe; shifted=True: also the
    (L, H) scores at delta 2 and 3 (shifted_score)."""
    ind_sum = prev_sum = sh2 = sh3 = 0
    n = 0
    for p, ids in probes:
        _, maps = forward_attn(model, ids, ablate)
        att = torch.stack(maps, 1)  # (N, L, H, T, T)
        ind, prev = induction_and_previous(att, p)
        ind_sum = ind_sum + ind.sum(0)
        prev_sum = prev_sum + prev.sum(0)
        if shifted:
            sh2 = sh2 + shifted_score(att, p, 2).sum(0)
            sh3 = sh3 + shifted_score(att, p, 3).sum(0)
        n += ids.shape[0]
    if shifted:
        return ind_sum / n, prev_sum / n, sh2 / n, sh3 / n
    return ind_sum / n, prev_sum / n


@torch.no_grad()
def heldout_losses(model, batches, ablate=None):
    """(repeated-token loss, loss on every token) over fixed held-out batches."""
    rep = tot = 0.0
    nrep = ntot = 0
    for x, y, m in batches:
        logits, _ = forward_attn(model, x, ablate)
        ce = F.cross_entropy(logits.reshape(-1, logits.size(-1)), y.reshape(-1), reduction="none").reshape(y.shape)
        rep += ce[m].sum().item()
        nrep += m.sum().item()
        tot += ce.sum().item()
        ntot += ce.numel()
    return rep / nrep, tot / ntot


def untie(model, gen=None):
    """Give the LM head its own weight (pg_nanogpt ties it to wte)."""
    w = model.lm_head.weight
    model.lm_head.weight = torch.nn.Parameter(torch.randn(w.shape, generator=gen) * 0.02)


def load_model(path):
    ck = torch.load(path)
    a, cfg = dict(DEFAULTS, **ck["args"]), ck["cfg"]
    model = GPT(cfg)
    if not a["tie"]:
        untie(model)
    model.load_state_dict(ck["state"], strict=False)
    return a, cfg, model


def lr_at(it, a):
    """src/shared/config.ts learningRateAt."""
    if it < a["warmup"]:
        return a["lr"] * (it + 1) / (a["warmup"] + 1)
    if it > a["steps"]:
        return a["min_lr"]
    span = a["steps"] - a["warmup"]
    ratio = (it - a["warmup"]) / span if span > 0 else 1
    return a["min_lr"] + 0.5 * (1 + math.cos(math.pi * ratio)) * (a["lr"] - a["min_lr"])


def train(a):
    torch.manual_seed(a["seed"])
    cfg = dict(n_layer=a["layers"], n_head=a["heads"], n_embd=a["width"], block_size=a["T"], vocab_size=a["V"],
               bias=bool(a["bias"]), attn_only=bool(a["attn_only"]), pos=a["pos"])
    model = GPT(cfg).init_weights()
    if not a["tie"]:  # a diagnostic, not the app's model: the LM head its own N(0, 0.02) matrix
        untie(model, torch.Generator().manual_seed(2000 + a["seed"]))
    params = [p for p in model.parameters() if p.requires_grad]
    decay = [p for p in params if p.dim() >= 2]
    nodecay = [p for p in params if p.dim() < 2]
    opt = torch.optim.AdamW([dict(params=decay, weight_decay=a["wd"]), dict(params=nodecay, weight_decay=0.0)],
                            lr=a["lr"], betas=(0.9, 0.99), eps=1e-8)
    gen = torch.Generator().manual_seed(1000 + a["seed"])
    hgen = torch.Generator().manual_seed(99)  # held-out batches: the same for every run
    held = [batch_for(hgen, a, 64) for _ in range(4)]
    # periodic modes: also the repeated-token loss on periods 3 … pmax only (no "a a a" / "a b a b", which a
    # single layer-0 head predicts without an induction head): rep3, the stricter measure of the bar
    h3 = torch.Generator().manual_seed(98)
    held3 = [make_periodic(h3, 64, a["T"], a["V"], max(3, a["pmin"]), a["pmax"], a["prefix_max"]) for _ in range(4)] \
        if a["data"] in ("periodic", "mix") else None
    rep3_ok = None
    probes = make_probes(a["V"], a["T"])
    log, formed, rep_ok, both = [], None, None, None
    t_train = 0.0
    step = 0
    nparams = sum(p.numel() for p in params)
    while step < a["steps"]:
        t0 = time.perf_counter()
        for g_ in opt.param_groups:
            g_["lr"] = lr_at(step, a)
        x, y, _ = batch_for(gen, a, a["B"])
        _, loss = model(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if a["clip"] > 0:
            torch.nn.utils.clip_grad_norm_(params, a["clip"])
        opt.step()
        t_train += time.perf_counter() - t0
        step += 1
        if step % a["eval_every"] == 0 or step == a["steps"]:
            ind, prev, sh2, sh3 = probe_scores(model, probes, shifted=True)
            rep, tot = heldout_losses(model, held)
            rep3 = heldout_losses(model, held3)[0] if held3 else None
            best = ind[1:].max().item() if a["layers"] > 1 else 0.0
            where = divmod(int(ind[1:].argmax().item()), a["heads"]) if a["layers"] > 1 else (0, 0)
            log.append(dict(step=step, train=round(loss.item(), 4), rep=round(rep, 4), all=round(tot, 4),
                            ind=round(best, 3), head=f"{where[0] + 1}.{where[1]}",
                            prev0=round(prev[0].max().item(), 3), ind0=round(ind[0].max().item(), 3),
                            sh2=round(sh2[1:].max().item(), 3), sh3=round(sh3[1:].max().item(), 3)))
            if rep3 is not None:
                log[-1]["rep3"] = round(rep3, 4)
                if rep3_ok is None and rep3 < 0.5:
                    rep3_ok = step
            print(json.dumps(log[-1]), file=sys.stderr)
            if formed is None and best >= 0.5:
                formed = step
            if rep_ok is None and rep < 0.5:
                rep_ok = step
            if both is None and formed is not None and rep_ok is not None:
                both = step
            if both is not None and a["stop_after"] >= 0 and step >= both + a["stop_after"]:
                break
    ind, prev, sh2, sh3 = probe_scores(model, probes, shifted=True)
    rep, tot = heldout_losses(model, held)
    rep3 = heldout_losses(model, held3)[0] if held3 else None
    out = dict(args=a, params=nparams, steps_run=step, ms_per_step=round(1000 * t_train / step, 2),
               formed_step=formed, rep_below_half_step=rep_ok, both_step=both, final_rep_loss=round(rep, 4),
               final_all_loss=round(tot, 4), uniform=round(math.log(a["V"]), 4),
               induction=[[round(v, 3) for v in row] for row in ind.tolist()],
               previous=[[round(v, 3) for v in row] for row in prev.tolist()],
               shifted2=[[round(v, 3) for v in row] for row in sh2.tolist()],
               shifted3=[[round(v, 3) for v in row] for row in sh3.tolist()], log=log)
    if rep3 is not None:
        out.update(final_rep3_loss=round(rep3, 4), rep3_below_half_step=rep3_ok)
    if a["save"]:
        torch.save(dict(args=a, cfg=cfg, state=model.state_dict()), a["save"])
    if a["ablate"] and a["layers"] > 1:
        li, hi = divmod(int(ind[1:].argmax().item()), a["heads"])
        li += 1
        abl = []
        for h0 in range(a["heads"]):
            ind_a, _ = probe_scores(model, probes, ablate={(0, h0)})
            rep_a, _ = heldout_losses(model, held, ablate={(0, h0)})
            abl.append(dict(head=f"0.{h0}", prev=round(prev[0, h0].item(), 3),
                            induction_of_best=round(ind_a[li, hi].item(), 3), rep_loss=round(rep_a, 4)))
        out["ablation"] = dict(induction_head=f"{li}.{hi}", before=round(ind[li, hi].item(), 3), heads=abl)
    return out


@torch.no_grad()
def inspect(path):
    """Where each head looks from inside a copy, on fresh training-like batches: mean attention from query
    d + m (m >= 1) on key s + m + delta, delta = -1 … 2 (delta = 1: the token after the earlier occurrence — an
    induction head; delta = 0: the earlier occurrence itself), and on the previous token, the one before it,
    itself and position 0."""
    a, cfg, model = load_model(path)
    g = torch.Generator().manual_seed(5)
    T = a["T"]
    sums, n = {}, 0
    for _ in range(4):
        seq = torch.randint(a["V"], (64, T), generator=g)
        meta = []
        for b in range(64):
            kmax = min(a["kmax"], T // 2)  # periodic runs keep the default kmax (24), which T 32 cannot hold twice
            k = int(torch.randint(min(a["kmin"], kmax), kmax + 1, (1,), generator=g))
            s_ = int(torch.randint(0, T - 2 * k + 1, (1,), generator=g))
            d = int(torch.randint(s_ + k, T - k + 1, (1,), generator=g))
            seq[b, d:d + k] = seq[b, s_:s_ + k]
            meta.append((s_, d, k))
        _, maps = forward_attn(model, seq)
        for b, (s_, d, k) in enumerate(meta):
            for m in range(1, k):
                q = d + m
                for li, att in enumerate(maps):
                    for h in range(att.shape[1]):
                        row = att[b, h, q]
                        for name, key in (("d-1", s_ + m - 1), ("d0", s_ + m), ("d+1", s_ + m + 1),
                                          ("d+2", s_ + m + 2), ("prev", q - 1), ("2back", q - 2), ("self", q),
                                          ("first", 0)):
                            if 0 <= key <= q:
                                sums[(li, h, name)] = sums.get((li, h, name), 0) + row[key].item()
                n += 1
    # on the varying-period probe: the prefix-matching score (A[i, i-p+1]) and the same one token later
    # (A[i, i-p+2], a shifted copier's target), per head
    on_probe = {}
    for p_, ids in make_probes(a["V"], T):
        _, pm = forward_attn(model, ids)
        att = torch.stack(pm, 1)  # (N, L, H, T', T')
        i = torch.arange(p_, 2 * p_)
        for dlt in (1, 2):
            keep = i - p_ + dlt <= i
            sc = att[..., i[keep], (i - p_ + dlt)[keep]].mean(-1).sum(0)
            on_probe[dlt] = on_probe.get(dlt, 0) + sc
    nprobe = sum(ids.shape[0] for _, ids in make_probes(a["V"], T))
    for li in range(cfg["n_layer"]):
        for h in range(cfg["n_head"]):
            print(f"head {li}.{h}: probe PM {on_probe[1][li, h] / nprobe:.2f} shifted {on_probe[2][li, h] / nprobe:.2f} | "
                  + "  ".join(f"{nm} {sums.get((li, h, nm), 0) / n:.2f}"
                                                 for nm in ("d-1", "d0", "d+1", "d+2", "prev", "2back", "self", "first")))


@torch.no_grad()
def offsets(path, layer, head):
    """Mean attention of one head by offset q - k (0 … 8) on a fresh training batch: a head's positional habit
    (a previous-token head: 1; the three-back heads of the "a b a" runs: 3)."""
    a, cfg, model = load_model(path)
    x, _, _ = batch_for(torch.Generator().manual_seed(8), a, 64)
    _, maps = forward_attn(model, x)
    att, T = maps[layer][:, head], a["T"]
    by = [sum(att[:, q, q - o].mean().item() for q in range(o, T)) / T for o in range(9)]
    print(f"head {layer}.{head}, mean attention by offset 0..8:", " ".join(f"{v:.3f}" for v in by))


@torch.no_grad()
def byperiod(path):
    """Where each head looks on the run's periodic batches (data periodic), by period: the four offsets q - k with
    the most attention, for queries after the first period. A δ = 1 induction head looks at offset p - 1; the
    shifted circuits of the second search at p - 2 (δ = 2), p - 3 (δ = 3), …"""
    a, cfg, model = load_model(path)
    T, meta = a["T"], []
    x, _, _ = make_periodic(torch.Generator().manual_seed(5), 256, T, a["V"], max(3, a["pmin"]), a["pmax"],
                            a["prefix_max"], meta)
    _, maps = forward_attn(model, x)
    for pp in sorted(set(p for _, p in meta)):
        if pp % 4:
            continue
        print(f"period {pp}")
        for li, att in enumerate(maps):
            for h in range(att.shape[1]):
                acc, n = torch.zeros(T), 0
                for b, (L0, p) in enumerate(meta):
                    if p == pp:
                        for i in range(L0 + p, T):
                            acc[: i + 1] += att[b, h, i, : i + 1].flip(0)
                            n += 1
                top = torch.topk(acc / max(n, 1), 4)
                print(f"  head {li}.{h}: offsets " + " ".join(f"{o}:{v:.2f}" for v, o in zip(top.values.tolist(),
                                                                                         top.indices.tolist())))


def parse(argv):
    a = dict(DEFAULTS)
    for i in range(0, len(argv), 2):
        k = argv[i].lstrip("-")
        if k not in a:
            raise SystemExit(f"unknown key {k} (known: {', '.join(a)})")
        d = a[k]
        a[k] = type(d)(argv[i + 1]) if not isinstance(d, float) else float(argv[i + 1])
    if a["min_lr"] < 0:
        a["min_lr"] = a["lr"] / 10  # the presets' floor: a tenth of the peak
    return a


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "selftest":
        selftest()
    elif len(sys.argv) > 4 and sys.argv[1] == "offsets":
        offsets(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif len(sys.argv) > 2 and sys.argv[1] == "byperiod":
        byperiod(sys.argv[2])
    elif len(sys.argv) > 2 and sys.argv[1] == "inspect":
        inspect(sys.argv[2])
    elif len(sys.argv) > 1 and sys.argv[1] == "train":
        res = train(parse(sys.argv[2:]))
        print(json.dumps(res))
    else:
        print(__doc__)
