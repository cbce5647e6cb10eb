#!/usr/bin/env python
"""Do truth-free figures of the out-of-fold train clips track the true test LWLRAP? Two kinds of point are compared:
- a pipeline run (its report.json; the run folder must still hold stage1/windows_*.csv and template_scores.csv): every
  weight of the template blend (0, .25, .5, .75, 1) applied to stage 1's out-of-fold and test clips, one point each;
- a trained stage folder (RUN/stage1, RUN/round2, an ablation's stage1; its run folder's report.json names the data):
  the models' own clip scores, one point (stages, rounds and training settings).
Figures: tp_lwlrap (the report's headline), known_auc (per species, TP vs FP clips), pooled_auc (TP vs FP, all species),
masked_lwlrap (clip LWLRAP over the known labels only), tp_rank (the TP clips' percentile per species).
  python bench/headline.py RUN1/report.json RUN2/report.json ... [--stages RUN/stage1 RUN/round1 ...] [--weights 0,0.25,0.5,0.75] [--data_root DIR]
Prints Spearman with the test truth over all points, the blend points and the stage points, per dataset and within a
run (mean), and the mean loss of the template weight each figure picks."""
import tempfile, warnings
from pathlib import Path
import numpy as np, pandas as pd
from scipy.stats import spearmanr
from sklearn.metrics import roc_auc_score
from fastcore.script import call_parse, Param
from rfcx_nbdev.pseudo import tp_lwlrap, truth_lwlrap
from rfcx_nbdev.postproc import template_fit, template_blend
from rfcx_nbdev.metrics import lwlrap
from common import known_auc, run_data, stage_clips, template_clips

def pooled_auc(p, y): m = ~np.isnan(y); return float(roc_auc_score(y[m], p[m]))
def masked_lwlrap(p, y):
    keep = (np.nan_to_num(y) == 1).any(1) & (y == 0).any(1)
    return float(lwlrap(np.nan_to_num(y)[keep].astype(int), np.where(np.isnan(y), -np.inf, p)[keep]))
def tp_rank(p, y): return float(np.nanmean(np.where(y == 1, pd.DataFrame(p).rank(pct=True).values, np.nan)))
CANDIDATES = dict(known_auc=known_auc, pooled_auc=pooled_auc, masked_lwlrap=masked_lwlrap, tp_rank=tp_rank)

def _name(dd): return dd.name if dd.name != 'data' else dd.parent.name

def stage_point(stage, data_root=None, tmp=None)->dict:
    "One row for a trained stage folder (the models' clip scores, no post-processing)."
    dd, data = run_data(Path(stage).parent/'report.json', data_root, cache=tmp); raw, oof, y = stage_clips(data, stage)
    return dict(set=_name(dd), run=str(stage), kind='stage', w=np.nan, test=truth_lwlrap(raw, data.truth['test']),
                tp_lwlrap=tp_lwlrap(oof, data.labels, data.classes), **{k: f(oof.values, y) for k, f in CANDIDATES.items()})

def run_points(rep_file, data_root=None, weights=(0., .25, .5, .75, 1.), tmp=None)->list:
    "One row per template weight of one run: test LWLRAP (truth) and every truth-free candidate."
    run = Path(rep_file).parent; dd, data = run_data(rep_file, data_root, cache=tmp)
    raw, oof, y = stage_clips(data, run/'stage1')
    to, tt = template_clips(run, oof, raw); ab = template_fit(to, y)
    out = []
    for wt in weights:
        po = pd.DataFrame(template_blend(oof.values, to, ab, wt), index=oof.index, columns=oof.columns)
        pt = pd.DataFrame(template_blend(raw.values, tt, ab, wt), index=raw.index, columns=raw.columns)
        out.append(dict(set=_name(dd), run=str(run), kind='blend', w=wt, test=truth_lwlrap(pt, data.truth['test']),
                        tp_lwlrap=tp_lwlrap(po, data.labels, data.classes), **{k: f(po.values, y) for k, f in CANDIDATES.items()}))
    return out

@call_parse
def main(reports:Param("report.json files of pipeline runs on synthetic data", str, nargs='*'),
         stages:Param("trained stage folders (RUN/stage1, RUN/round1, ...) of runs on synthetic data", str, nargs='*')=None,
         weights:str='0,0.25,0.5,0.75,1', # template weights compared (the pipeline's grid: 0,0.25,0.5,0.75)
         data_root:str=None, # folder that relative data paths of the reports are relative to (default: the current one, then the run folder's parents)
        ):
    warnings.filterwarnings('ignore')
    with tempfile.TemporaryDirectory() as tmp:  # RFCxData's cache folder: nothing is read from or written to it
        d = pd.DataFrame([p for f in reports for p in run_points(f, data_root, [float(w) for w in weights.split(',')], tmp=tmp)]
                         + [stage_point(s, data_root, tmp=tmp) for s in stages or []])
    ks = ['tp_lwlrap', *CANDIDATES]
    def sp(g): return {k: round(float(spearmanr(g[k], g.test)[0]), 2) for k in ks} if len(g) > 2 else 'too few points'
    print(f"{d[d.kind=='blend'].run.nunique()} runs ({(d.kind=='blend').sum()} (run, weight) points) and {(d.kind=='stage').sum()} stage folders; Spearman with the test LWLRAP:")
    print('  all points         ', sp(d))
    for kind, g in d.groupby('kind'): print(f'  {kind} points{" "*(13-len(kind))}', sp(g))
    for s, g in d.groupby('set'): print(f'  {s:19s}', sp(g))
    b = d[d.kind == 'blend']
    if len(b):
        print('  within a run (mean)', {k: round(float(np.nanmean([spearmanr(g[k], g.test)[0] for _, g in b.groupby('run')])), 2) for k in ks})
        print('test LWLRAP lost by the weight each picks, mean over runs:',
              {k: round(float(np.mean([g.test.max() - g.loc[g[k].idxmax(), 'test'] for _, g in b.groupby('run')])), 4) for k in ks})
