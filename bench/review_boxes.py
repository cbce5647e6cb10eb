#!/usr/bin/env python
"""What a review round's answers add to the template evidence, by how `rfcx_suggest` boxes a window ranked by the
run's evidence: at its best template match (`box='call'`, the default: `13_review.call_boxes`) or the whole window
(`box='window'`, before). One round of N boxes from a finished pipeline run on synthetic data, answered from the truth
(`simulate_review`); the answers join the labels (Present 1: TP rows, the templates; 0: FP rows) and the templates
re-score the run's out-of-fold and test clips (`01_data.template_scores`, the run's folds: a reviewed recording outside
them is matched by every fold). The models are the run's own: nothing is trained, so this isolates the templates.
Prints per boxing: present boxes, the templates' test ROC AUC (mean over species), the default output (the evidence
posterior, `08_postproc.apply_post`) and the same evidence at the true prevalence (its roof).
  python bench/review_boxes.py DATA RUN [--n 50] [--cache CACHE]"""
import tempfile
from pathlib import Path
import numpy as np
from fastcore.script import call_parse
from rfcx_nbdev.review import suggest, simulate_review
from rfcx_nbdev.data import template_scores
from rfcx_nbdev.train import RFCxData, TrainConfig, final_stage
from rfcx_nbdev.pseudo import clip_labels
from rfcx_nbdev.metrics import lwlrap
from rfcx_nbdev.postproc import evidence_post, evidence_llr, evidence_features, evidence_posterior, apply_post
from common import run_data, stage_clips, known_auc

def figures(data, raw, oof, labels, cache_data, truth, templates=None)->dict:
    "Templates of `labels`' TP rows (or of `templates`') scored on the run's clips, then the evidence post-processing fitted on `labels`."
    ts = template_scores(cache_data.cache, labels if templates is None else templates, list(oof.index) + list(raw.index), data.folds.to_dict(), data.classes, progress=False)
    to, tt = ts.loc[oof.index, oof.columns].values, ts.loc[raw.index, raw.columns].values
    post = evidence_post(oof.values, clip_labels(oof, labels, data.classes).values, to)
    L = evidence_llr(evidence_features(raw.values, tt), post)
    return dict(auc=known_auc(np.nan_to_num(tt, nan=-9.), truth), output=lwlrap(truth, apply_post(raw.values, post, tt)),
                roof=lwlrap(truth, evidence_posterior(L, truth.mean(0))))

@call_parse
def main(data:str, # dataset folder with truth
         run:str, # a pipeline run on it (post.json, templates.npz, template_scores.csv, its last stage's windows)
         n:int=50, # boxes in the round
         cache:str=None, # spectrogram cache (default RUN/cache)
        ):
    dd, d0 = run_data(Path(run)/'report.json', cache=cache); d0.build_cache(progress=False)
    raw, oof, _ = stage_clips(d0, final_stage(run)); truth = d0.truth['test'].loc[raw.index, raw.columns].values
    f = figures(d0, raw, oof, d0.labels, d0, truth)
    print(f"{'the run (no review)':34s} {'':14s} templates' test AUC {f['auc']:.3f}, output {f['output']:.4f}, at the true prevalence {f['roof']:.4f}", flush=True)
    c = TrainConfig.from_json(Path(run)/'config.json')
    for box in ('call', 'window'):
        with tempfile.TemporaryDirectory() as t:
            rev = Path(t)/'rev'; suggest(data, run, rev, n=n, cache=cache, sheets=False, box=box); a = simulate_review(rev, data)
            dr = RFCxData(dd, c.spec_cfg, cache_dir=cache or Path(run)/'cache', n_folds=c.n_folds, seed=c.seed, reviews=[rev]).build_cache(progress=False)
            f = figures(d0, raw, oof, dr.labels, dr, truth)
            g = figures(d0, raw, oof, dr.labels, dr, truth, templates=d0.labels) if box == 'call' else None
        print(f"{f'+ {n} reviewed, box={box!r}':34s} {a['present']:3d} present; templates' test AUC {f['auc']:.3f}, output {f['output']:.4f}, at the true prevalence {f['roof']:.4f}", flush=True)
        if g: print(f"{'  the same, not as templates':34s} {'':14s} templates' test AUC {g['auc']:.3f}, output {g['output']:.4f}, at the true prevalence {g['roof']:.4f}", flush=True)
