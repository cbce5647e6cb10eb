#!/usr/bin/env python
"""Full-clip vs sliding-window scoring of a TRAINED stage, against the truth of a synthetic dataset.
  python bench/full_clip_trained.py DATA STAGE [--cache C]
STAGE is a trained stage folder (config.json, fold*/model.pth), e.g. RUN/stage1 of `rfcx_pipeline`. Both scorings use the
same windows (stride-aligned crops, hop half a crop); prints test clip LWLRAP (raw), the Spearman correlation of the
test clip scores over all entries and per class (mean), and the max absolute difference."""
import time
import numpy as np, pandas as pd
from scipy.stats import spearmanr
from fastcore.script import call_parse
from rfcx_nbdev.pseudo import stage_windows, clip_probs, truth_lwlrap
from common import stage_data

@call_parse
def main(data:str, # synthetic dataset folder
         stage:str, # trained stage folder
         cache:str=None, # spectrogram cache folder (default: the stage's run folder/cache)
        ):
    ds = stage_data(data, stage, cache)
    res = {}
    for fc in (True, False):
        t = time.time(); w = stage_windows(ds, stage, full_clip=fc, progress=False)
        res[fc] = clip_probs(w[w.split=='test']).loc[ds.test_ids_ok]
        print(f"{'full-clip' if fc else 'sliding  '}: test LWLRAP {truth_lwlrap(res[fc], ds.truth['test']):.4f} ({time.time()-t:.0f} s incl. train OOF windows)", flush=True)
    a, b = res[True].values, res[False].values
    rho_c = np.nanmean([spearmanr(a[:, k], b[:, k])[0] for k in range(a.shape[1])])
    print(f"Spearman {spearmanr(a.ravel(), b.ravel())[0]:.3f}, per class {rho_c:.3f}, max |diff| {np.abs(a-b).max():.3f}")
