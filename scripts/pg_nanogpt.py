"""nanoGPT's GPT in PyTorch, written independently of the TypeScript code: the one PyTorch model of scripts/.

Its module tree is nanoGPT's (model.py), so its state_dict has nanoGPT's names — transformer.wte.weight,
transformer.h.0.attn.c_attn.weight, …, lm_head.weight tied to wte, and the causal-mask buffers
transformer.h.i.attn.bias that PyTorch versions without flash attention register — and nanoGPT's
initialisation. Token + learned position embeddings, pre-LN blocks, causal multi-head attention, exact-erf GELU
MLP, final LayerNorm, tied LM head. No dropout (every comparison here runs without it).

Two optional cfg keys, off by default (the default model, its parameters and state_dict are unchanged):
attn_only=True drops every block's ln_2 and MLP (an attention-only transformer, Olsson et al. 2021), and
pos="sinusoidal" replaces the learned wpe by src/model/positions.ts's fixed sinusoid (amplitude 0.02·√2; a
non-persistent buffer, so no wpe in the state_dict) — used by induction_recipe.py.

Used by torch_gpt.py (the bench and the float64 training-step fixtures) and nanogpt_interop.py (files both ways).
Needs Debian's python3-torch; run the scripts with /usr/bin/python3.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class LayerNorm(nn.Module):
    """LayerNorm with an optional bias (nanoGPT's own, since torch < 2.1 has no bias=False)."""

    def __init__(self, ndim, bias):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(ndim))
        self.bias = nn.Parameter(torch.zeros(ndim)) if bias else None

    def forward(self, x):
        return F.layer_norm(x, self.weight.shape, self.weight, self.bias, 1e-5)


class CausalSelfAttention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        C, T = cfg["n_embd"], cfg["block_size"]
        self.n_head = cfg["n_head"]
        self.c_attn = nn.Linear(C, 3 * C, bias=cfg["bias"])
        self.c_proj = nn.Linear(C, C, bias=cfg["bias"])
        self.register_buffer("bias", torch.tril(torch.ones(T, T)).view(1, 1, T, T))

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(C, dim=2)
        q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v))  # (B, nh, T, hs)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(k.size(-1))
        att = F.softmax(att.masked_fill(self.bias[:, :, :T, :T] == 0, float("-inf")), dim=-1)
        return self.c_proj((att @ v).transpose(1, 2).contiguous().view(B, T, C))


class MLP(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        C = cfg["n_embd"]
        self.c_fc = nn.Linear(C, 4 * C, bias=cfg["bias"])
        self.gelu = nn.GELU()
        self.c_proj = nn.Linear(4 * C, C, bias=cfg["bias"])

    def forward(self, x):
        return self.c_proj(self.gelu(self.c_fc(x)))


class Block(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.ln_1 = LayerNorm(cfg["n_embd"], cfg["bias"])
        self.attn = CausalSelfAttention(cfg)
        self.attn_only = bool(cfg.get("attn_only", False))
        if not self.attn_only:
            self.ln_2 = LayerNorm(cfg["n_embd"], cfg["bias"])
            self.mlp = MLP(cfg)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x if self.attn_only else x + self.mlp(self.ln_2(x))


def sinusoid_table(T, C):
    """src/model/positions.ts sinusoidTable: PE(pos, c) = 0.02·√2 · sin|cos(pos / 10000^(2⌊c/2⌋/C)), (T, C)."""
    pos = torch.arange(T, dtype=torch.float64)[:, None]
    i = torch.div(torch.arange(C), 2, rounding_mode="floor").to(torch.float64)
    angle = pos / 10000 ** (2 * i / C)
    even = (torch.arange(C) % 2 == 0)[None, :]
    return (0.02 * math.sqrt(2) * torch.where(even, torch.sin(angle), torch.cos(angle))).float()


class GPT(nn.Module):
    """cfg: n_layer, n_head, n_embd, block_size, vocab_size, bias (nanoGPT's GPTConfig names)."""

    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        C = cfg["n_embd"]
        self.sinusoidal = cfg.get("pos", "learned") == "sinusoidal"
        parts = dict(wte=nn.Embedding(cfg["vocab_size"], C))  # nanoGPT's order (wte, wpe, h, ln_f): the same init
        if not self.sinusoidal:
            parts["wpe"] = nn.Embedding(cfg["block_size"], C)
        parts["h"] = nn.ModuleList([Block(cfg) for _ in range(cfg["n_layer"])])
        parts["ln_f"] = LayerNorm(C, cfg["bias"])
        self.transformer = nn.ModuleDict(parts)
        if self.sinusoidal:
            self.register_buffer("pe", sinusoid_table(cfg["block_size"], C), persistent=False)
        self.lm_head = nn.Linear(C, cfg["vocab_size"], bias=False)
        self.transformer.wte.weight = self.lm_head.weight  # weight tying

    def init_weights(self):
        """nanoGPT's initialisation: N(0, 0.02) weights, zero biases, residual projections N(0, 0.02/√(2·n_layer))."""

        def init(m):
            if isinstance(m, (nn.Linear, nn.Embedding)):
                nn.init.normal_(m.weight, 0.0, 0.02)
                if isinstance(m, nn.Linear) and m.bias is not None:
                    nn.init.zeros_(m.bias)

        self.apply(init)
        for name, p in self.named_parameters():
            if name.endswith("c_proj.weight"):
                nn.init.normal_(p, 0.0, 0.02 / math.sqrt(2 * self.cfg["n_layer"]))
        return self

    def positions(self, T):
        """The (T, C) position term added to the token embeddings: the learned wpe rows or the fixed sinusoid."""
        return self.pe[:T] if self.sinusoidal else self.transformer.wpe(torch.arange(T))

    def forward(self, idx, targets=None):
        """Logits (B, T, V), and with targets the mean cross-entropy."""
        T = idx.size(1)
        x = self.transformer.wte(idx) + self.positions(T)
        for block in self.transformer.h:
            x = block(x)
        logits = self.lm_head(self.transformer.ln_f(x))
        loss = None if targets is None else F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))
        return logits, loss


def nanogpt_config(ts):
    """nanoGPT's names for a ModelConfig of src/shared/config.ts (vocabSize, blockSize, nLayer, nHead, nEmbd, bias)."""
    return {"n_layer": ts["nLayer"], "n_head": ts["nHead"], "n_embd": ts["nEmbd"], "block_size": ts["blockSize"], "vocab_size": ts["vocabSize"], "bias": bool(ts["bias"])}
