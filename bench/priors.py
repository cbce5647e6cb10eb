#!/usr/bin/env python
"""Post-processing priors judged against the truth of a synthetic dataset, on trained stages (no training).
For each stage folder: test clip LWLRAP (truth) of the raw scores and of every prior (`postproc.rescale`): the estimated
ones (mean; mix: a mixture's prior where the TP/FP labels confirm it; mean+labels; mean with the earlier 3-s.e. shrinkage; auto; auto at the 0.9 threshold; em), the RFCx table, and the test truth's own frequencies (an oracle), each given prior also after
Platt scaling on the out-of-fold clips' known TP/FP labels (`+platt`); then the estimated priors' error against the true
test frequencies (mean absolute error, Spearman). Mean +- sd over the stages given.
  python bench/priors.py DATA STAGE [STAGE ...] [--cache C]"""
import numpy as np, pandas as pd
from pathlib import Path
from fastcore.script import call_parse, Param
from rfcx_nbdev.pseudo import stage_windows, truth_lwlrap, clip_labels
from common import stage_data, split_clips
from rfcx_nbdev.postproc import rescale, mean_factor, odds_scale, _logit

def label_mean(te, oof, lab):
    "'mean+labels' (not in the library, `08_postproc`): each species' out-of-fold mean moved to the mean of its known labels (scores where unknown), then the mean prior."
    cal = _logit(np.where(np.isnan(lab), oof, lab).mean(0)) - _logit(oof.mean(0))
    return odds_scale(te, np.exp(cal) * mean_factor(te, oof))

@call_parse
def main(data:str, # synthetic dataset folder
         stages:Param("trained stage folders (RUN/round2, ...)", str, nargs='+'),
         cache:str=None, # spectrogram cache folder
        ):
    rows, errs, dss = [], [], {}
    for st in stages:
        ds = stage_data(data, st, cache, dss)
        w = stage_windows(ds, st, progress=False)
        te, oof = split_clips(w, ds.classes)
        truth = ds.truth['test'].loc[te.index, te.columns]; freq = truth.values.mean(0)
        lab = clip_labels(oof, ds.labels, ds.classes).values
        r = dict(stage=st, raw=truth_lwlrap(te, truth))
        for name, pr, kw in [('mean', 'mean', {}), ('mix', 'mix', dict(labels=lab)), ('mean z=3', 'mean', dict(z=3.)), ('auto', 'auto', {}), ('auto 0.9', 'auto', dict(thresh=.9)), ('em', 'em', {}), ('rfcx', 'rfcx', {}), ('rfcx+platt', 'rfcx', dict(labels=lab)),
                             ('true freq', freq, {}), ('true freq+platt', freq, dict(labels=lab))]:
            if name.startswith('rfcx') and te.shape[1] != 24: continue
            q, f, t = rescale(te.values, oof.values, pr, **kw)
            r[name] = truth_lwlrap(pd.DataFrame(q, index=te.index, columns=te.columns), truth)
            if name == 'mean': r['mean+labels'] = truth_lwlrap(pd.DataFrame(label_mean(te.values, oof.values, lab), index=te.index, columns=te.columns), truth)
            if name in ('mean', 'mix', 'auto', 'em'):
                errs.append(dict(stage=st, prior=name, mae=np.abs(t - freq).mean(), spearman=pd.Series(t).corr(pd.Series(freq), method='spearman')))
        rows.append(r)
    df = pd.DataFrame(rows).set_index('stage'); print(df.to_string(float_format='%.4f'))
    print('mean +- sd over', len(df), 'stages:', ', '.join(f"{c} {df[c].mean():.4f} +- {df[c].std():.4f}" for c in df.columns))
    e = pd.DataFrame(errs).groupby('prior')[['mae', 'spearman']].agg(['mean', 'std'])
    print('estimated prior vs true test frequencies:'); print(e.to_string(float_format='%.3f'))
