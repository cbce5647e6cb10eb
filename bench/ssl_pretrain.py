#!/usr/bin/env python
"""Self-supervised pretraining of a preset's trunk on a dataset's unlabelled audio, train and test recordings (issue
31's "self-supervised pretraining"), written as a local weights file for `rfcx_pipeline DATA RUN --set weights=FILE`.
SimCLR (Chen et al. 2020): two views of one crop, each moved in pitch (mel rows) and time, masked, noised, levelled and
mixed with another recording's crop (its louder parts: the soundscape), pulled together against the other crops of the
batch (NT-Xent). No labels are read; the test recordings' audio is used, never their truth. Written by hand: fastai has
no contrastive learner, and the loop is twenty lines.
  python bench/ssl_pretrain.py DATA OUT.pth [--minutes 12] [--cache C] [--seed 42]"""
import time
from pathlib import Path
import numpy as np, torch, torch.nn as nn, torch.nn.functional as F
from fastcore.script import call_parse
from rfcx_nbdev.train import RFCxData, train_config

def views(specs, ids, nf, rng, bs, shift=4):
    "(bs, 1, M, nf) crops at random and a second view of each: pitch, time, masks, noise, level and another crop mixed in."
    x = []
    for r in rng.choice(ids, bs):
        s = specs[r]; t0 = rng.integers(0, s.shape[1] - nf - 16); x.append(s[:, t0:t0 + nf + 16])
    x = torch.from_numpy(np.stack(x)).float()[:, None]  # 16 spare frames for the time jitter
    out = []
    for _ in range(2):
        v = torch.stack([xi[..., (o := int(rng.integers(0, 17))):o + nf] for xi in x])
        M = v.shape[-2]; k = torch.from_numpy(rng.integers(-shift, shift + 1, bs))
        v = torch.stack([vi[..., (torch.arange(M) - ki).clamp(0, M - 1), :] for vi, ki in zip(v, k)])  # pitch: rows up or down
        other = torch.from_numpy(np.stack([specs[r][:, (t := rng.integers(0, specs[r].shape[1] - nf)):t + nf] for r in rng.choice(ids, bs)])).float()[:, None]
        v = torch.maximum(v, other - torch.from_numpy(rng.uniform(.5, 2.5, (bs, 1, 1, 1))).float())  # another soundscape, quieter
        v = v + .1*torch.randn_like(v) + torch.from_numpy(rng.uniform(-.5, .5, (bs, 1, 1, 1))).float()
        for i in range(bs):  # a time mask and a mel-row mask
            w = int(rng.integers(1, nf//5)); t = int(rng.integers(0, nf - w)); v[i, :, :, t:t + w] = v[i].mean()
            h = int(rng.integers(1, M//8)); m = int(rng.integers(0, M - h)); v[i, :, m:m + h] = v[i].mean()
        out.append(v)
    return out

def nt_xent(z1, z2, tau=.2):
    "SimCLR's loss: each view's partner against the other 2 bs - 2 views."
    z = F.normalize(torch.cat([z1, z2]), dim=1); n = len(z1)
    sim = z @ z.T / tau; sim.fill_diagonal_(-1e9)
    return F.cross_entropy(sim, torch.cat([torch.arange(n, 2*n), torch.arange(n)]))

@call_parse
def main(data:str, # dataset folder (Kaggle layout): its train and test audio
         out:str, # weights file to write (a CoordModel's state dict)
         minutes:float=12., # training time
         preset:str='cpu', # the preset whose trunk and spectrogram are pretrained
         cache:str=None, # spectrogram cache folder
         bs:int=48, # crops a batch (2 bs views)
         lr:float=1e-3,
         seed:int=42):
    torch.manual_seed(seed); rng = np.random.default_rng(seed)
    cfg = train_config(preset); d = RFCxData(data, cfg.spec_cfg, cache_dir=cache).build_cache(progress=False)
    ids = [p.stem for p in d.train_files] + list(d.test_ids)
    specs = {r: np.asarray(d.cache[r], dtype=np.float32) for r in ids}; nf = cfg.spec_cfg.frames(cfg.crop_len)
    model = cfg.model(pretrained=False); nfeat = model.trunk.num_features
    proj = nn.Sequential(nn.Linear(nfeat, 256), nn.ReLU(), nn.Linear(256, 128))
    opt = torch.optim.AdamW(list(model.parameters()) + list(proj.parameters()), lr=lr, weight_decay=1e-4)
    emb = lambda v: proj(model.trunk.forward_head(model.features(v), pre_logits=True))
    t0, step, losses = time.time(), 0, []
    print(f"{len(ids)} recordings, crops of {nf} frames, {cfg.arch}, {minutes} min", flush=True)
    model.train()
    while time.time() - t0 < minutes*60:
        v1, v2 = views(specs, ids, nf, rng, bs)
        loss = nt_xent(emb(v1), emb(v2)); opt.zero_grad(); loss.backward(); opt.step()
        losses.append(loss.item()); step += 1
        if step % 25 == 0: print(f"step {step}: loss {np.mean(losses[-25:]):.3f} ({time.time() - t0:.0f} s)", flush=True)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    torch.save(model.state_dict(), str(out) + '.tmp'); Path(str(out) + '.tmp').rename(out)
    print(f"{step} steps, {step*bs*2} views; loss {np.mean(losses[:25]):.3f} -> {np.mean(losses[-25:]):.3f}; wrote {out}")
