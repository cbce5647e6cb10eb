#!/usr/bin/env python
"""Re-score a pipeline run's last stage with the evidence posterior (`08_postproc`: `evidence_post`, `apply_post`) beside
the run's submission.csv, the constant ranking by the true test frequencies and the same posterior at the true
prevalence (its roof); beside the default (fitted TP against every other clip, the prevalence shrunk towards the train
label rates, strength N/2), the variants it replaced (shrunk towards the species' mean with strength N/8: the previous
default; maximum-likelihood EM, fitted TP against FP clips or against all). Needs the run's data folder with truth;
trains nothing.
  python bench/evidence_post.py RUN [RUN ...]
Prints one block of figures per run."""
from pathlib import Path
import numpy as np, pandas as pd
from fastcore.script import call_parse, Param
from rfcx_nbdev.metrics import lwlrap
from rfcx_nbdev.train import final_stage
from rfcx_nbdev.pipeline import reference_scores
from rfcx_nbdev.postproc import evidence_fit, evidence_llr, em_prevalence, evidence_posterior, evidence_post, apply_post, _logit
from common import known_auc, run_data, stage_clips, template_clips

def evidence_figures(run)->dict:
    "The figures of one run (its last finished stage)."
    run = Path(run); dd, data = run_data(run/'report.json'); stage = final_stage(run)
    raw, oof, y = stage_clips(data, stage)
    truth = data.truth['test'].loc[raw.index, raw.columns].values
    to, tt = template_clips(run, oof, raw)
    sub = pd.read_csv(run/'submission.csv', dtype={'recording_id': str}).set_index('recording_id').loc[raw.index]
    out = dict(constant=reference_scores(data.truth['test'].loc[data.test_ids])['constant'], raw=lwlrap(truth, raw.values),
               submission=lwlrap(truth, sub.values), auc_models=known_auc(raw.values, truth), auc_templates=known_auc(np.nan_to_num(tt), truth))
    pu = np.where(y == 1, 1., 0.)  # TP against every other clip: the default (`evidence_post`)
    for name, t_o, t_t in (('models', None, None), ('models+templates', to, tt)):  # the library's own path (what a run now writes)
        p = apply_post(raw.values, evidence_post(oof.values, y, t_o), t_t)
        out[f'default: posterior {name}'] = lwlrap(truth, p)
    for name, fo, ft in (('models', _logit(oof.values), _logit(raw.values)), ('models+templates', np.stack([_logit(oof.values), to], -1), np.stack([_logit(raw.values), tt], -1))):
        for var, yl, s in (('', pu, 1/2), (' [mean centre, N/8: the old default]', pu, 1/8), (' [TP vs FP, ML EM]', y if (y == 0).any() else pu, 0.), (' [TP vs all, ML EM]', pu, 0.)):
            L = evidence_llr(ft, evidence_fit(fo, yl)); pi = em_prevalence(L, strength=s, centre=evidence_post(oof.values, y)['centre'] if not var else None)
            out[f'posterior {name}{var}'] = lwlrap(truth, evidence_posterior(L, pi))
            out[f'prevalence error {name}{var}'] = float(np.abs(pi - truth.mean(0)).mean())
            if not var: out[f'posterior {name}, true prevalence'] = lwlrap(truth, evidence_posterior(L, truth.mean(0)))
    return dict(stage=stage.name, **out)

@call_parse
def main(runs:Param("pipeline run folders on synthetic data (report.json, submission.csv, template_scores.csv, stage windows)", str, nargs='+')):
    for run in runs:
        out = evidence_figures(run); print(f"== {run} (stage {out.pop('stage')})")
        for k, v in out.items(): print(f'{k:60s} {v:.4f}')
