#!/usr/bin/env python
"""Review rounds re-scored with the evidence fitted without the reviewed rows. `rfcx_suggest` picks boxes for their high
evidence, so its Present-1 answers are not a random sample of the calls: fitted on them, the evidence post-processing
learns that calls score high. Each run given (a `review_loop` round's run, trained with its reviews) is re-scored with
its own models and templates, the evidence fitted once on every known label (what the run did: `apply_post` of
`evidence_post`) and once on the labels of the data folder alone (the reviewed rows left out of the fit only).
Prints the output's test LWLRAP, the same evidence at the true prevalence and the fitted slopes. Trains nothing.
  python bench/review_fit.py RUN [RUN ...]"""
import tempfile
from pathlib import Path
import numpy as np
from fastcore.script import call_parse, Param
from rfcx_nbdev.metrics import lwlrap
from rfcx_nbdev.train import final_stage, RFCxData, TrainConfig
from rfcx_nbdev.pseudo import clip_labels
from rfcx_nbdev.postproc import evidence_post, evidence_llr, em_prevalence, evidence_posterior, evidence_features
from common import run_data, stage_clips, template_clips

@call_parse
def main(runs:Param("pipeline run folders trained with --reviews", str, nargs='+')):
    for run in runs:
        run = Path(run); dd, d = run_data(run/'report.json'); raw, oof, y = stage_clips(d, final_stage(run))
        c = TrainConfig.from_json(run/'config.json')  # the same data without the reviews: the labels the fit may use
        d0 = RFCxData(dd, c.spec_cfg, cache_dir=tempfile.mkdtemp(), n_folds=c.n_folds, seed=c.seed)
        y0 = clip_labels(oof, d0.labels, d0.classes).values
        T = d.truth['test'].loc[raw.index, raw.columns].values; to, tt = template_clips(run, oof, raw)
        out = []
        for name, yy in (('every label (the run)', y), ('the reviewed rows left out of the fit', y0)):
            post = evidence_post(oof.values, yy, to); L = evidence_llr(evidence_features(raw.values, tt), post)
            out.append(f"{name}: output {lwlrap(T, evidence_posterior(L, em_prevalence(L, centre=post['centre']))):.3f}, "
                       f"true prevalence {lwlrap(T, evidence_posterior(L, T.mean(0))):.3f}, slopes {np.round(post['slopes'], 2).tolist()}")
        print(f"== {run} ({d.n_reviewed} reviewed rows)\n  " + '\n  '.join(out))
