#!/usr/bin/env python
"""Template evidence from several peaks of each template's correlation curve, not only its maximum: a caller calls more
than once in a minute, a stray match once. Per template and recording, the k highest peaks at least a template's width
apart; the variants (the mean of the top 2, 3 or 5, the 2nd or 3rd peak alone) are standardised and taken out of fold
as `TemplateBank.scores` takes the maximum, then re-scored through the default post-processing, alone or beside the
maximum as a third feature. Prints the templates' per-species test ROC AUC, the output's test LWLRAP and the same
evidence at the true prevalence. Trains nothing; seconds a run once the spectrograms are cached.
  python bench/template_peaks.py RUN [--cache CACHE]"""
from pathlib import Path
import numpy as np
from fastcore.script import call_parse
from rfcx_nbdev.metrics import lwlrap
from rfcx_nbdev.train import final_stage
from rfcx_nbdev.data import template_bank
from rfcx_nbdev.postproc import evidence_fit, evidence_llr, em_prevalence, evidence_posterior, _logit
from common import run_data, stage_clips, known_auc

def top_peaks(c, w:int, k:int)->np.ndarray:
    "The `k` highest values of curve `c` at least `w` apart (the last repeated where fewer fit)."
    c, out = c.copy(), []
    for _ in range(k):
        i = int(np.argmax(c))
        if not np.isfinite(c[i]): break
        out.append(c[i]); c[max(0, i - w):i + w] = -np.inf
    return np.array(out + out[-1:]*(k - len(out)))

@call_parse
def main(run:str, # pipeline run folder on synthetic data (report.json, stage windows)
         cache:str=None, # the run's spectrogram cache folder (default: built in a temporary folder)
        ):
    run = Path(run); _, data = run_data(run/'report.json', cache=cache); data.build_cache(progress=False)
    raw, oof, y = stage_clips(data, final_stage(run)); M = len(oof)
    truth = data.truth['test'].loc[raw.index, raw.columns].values
    folds = data.folds.to_dict(); ids = list(oof.index) + list(raw.index); fo = [folds.get(r) for r in ids]
    b = template_bank(data.cache, data.labels, folds, data.classes)
    P = np.stack([np.stack([top_peaks(c, p.shape[1], 5) if len(c) else np.full(5, np.nan) for c, p in zip(b.curves(data.cache[r]), b.patches)])
                  for r in ids], 1)  # (templates, recordings, 5)
    def scores(pk): b.fit(pk); s = np.nan_to_num(b.scores(pk, fo)); return s[:M], s[M:]
    pu, zo, zt = np.where(y == 1, 1., 0.), _logit(oof.values), _logit(raw.values)
    centre = (pu.sum(0) + .5)/len(pu)  # `evidence_post`'s
    def show(name, fo_, ft_):
        fit = evidence_fit(np.stack(fo_, -1), pu); L = evidence_llr(np.stack(ft_, -1), fit)
        print(f"{name:24s} slopes {' '.join(f'{w:.2f}' for w in fit['slopes']):15s} output {lwlrap(truth, evidence_posterior(L, em_prevalence(L, centre=centre))):.4f}  "
              f"at the true prevalence {lwlrap(truth, evidence_posterior(L, truth.mean(0))):.4f}", flush=True)
    print(f"== {run}: {len(b)} templates")
    S = {k: scores(v) for k, v in {'maximum (the default)': P[..., 0], 'mean of the top 2': P[..., :2].mean(-1), 'mean of the top 3': P[..., :3].mean(-1),
                                   'mean of the top 5': P.mean(-1), '2nd peak': P[..., 1], '3rd peak': P[..., 2]}.items()}
    mx = S['maximum (the default)']
    for k, (so, st) in S.items():
        print(f"{k:24s} templates' AUC {known_auc(st, truth):.3f}"); show(k, [zo, so], [zt, st])
        if k != 'maximum (the default)': show(f'  beside the maximum', [zo, mx[0], so], [zt, mx[1], st])
