#!/usr/bin/env python
"""Re-score a pipeline run's last stage with the evidence posterior (`08_postproc`: `evidence_fit`, `evidence_llr`,
`em_prevalence`, `evidence_posterior`) beside its default output, the constant ranking by the true test frequencies
and the same posterior at the true prevalence (its roof). Needs the run's data folder with truth; trains nothing.
  python bench/evidence_post.py RUN [RUN ...]
Prints one block of figures per run."""
import sys, tempfile
from pathlib import Path
import numpy as np, pandas as pd
from sklearn.metrics import roc_auc_score
sys.path.insert(0, str(Path(__file__).parent))
from headline import run_data, stage_clips
from rfcx_nbdev.metrics import lwlrap
from rfcx_nbdev.pipeline import reference_scores
from rfcx_nbdev.postproc import evidence_fit, evidence_llr, em_prevalence, evidence_posterior, _logit

def main(run):
    run = Path(run); dd, data = run_data(run/'report.json', tmp=tempfile.mkdtemp())
    stage = sorted(d for d in run.iterdir() if d.is_dir() and (d.name == 'stage1' or d.name.startswith('round')))[-1]
    raw, oof, y = stage_clips(data, stage)
    truth = data.truth['test'].loc[raw.index, raw.columns].values
    ts = pd.read_csv(run/'template_scores.csv', dtype={'recording_id': str}).set_index('recording_id')
    to, tt = (ts.reindex(d.index)[d.columns].values for d in (oof, raw))
    sub = pd.read_csv(run/'submission.csv', dtype={'recording_id': str}).set_index('recording_id').loc[raw.index]
    def auc(p): return np.nanmean([roc_auc_score(truth[:, k], p[:, k]) for k in range(truth.shape[1]) if 0 < truth[:, k].sum() < len(truth)])
    out = dict(constant=reference_scores(data.truth['test'].loc[data.test_ids])['constant'], raw=lwlrap(truth, raw.values),
               default=lwlrap(truth, sub.values), auc_models=auc(raw.values), auc_templates=auc(np.nan_to_num(tt)))
    yl = np.where(y == 1, 1., 0.) if not (y == 0).any() else y  # positives only: every other clip counts as absent
    for name, fo, ft in (('models', _logit(oof.values), _logit(raw.values)), ('models+templates', np.stack([_logit(oof.values), to], -1), np.stack([_logit(raw.values), tt], -1))):
        fit = evidence_fit(fo, yl); L = evidence_llr(ft, fit); pi = em_prevalence(L)
        out[f'posterior {name}'] = lwlrap(truth, evidence_posterior(L, pi))
        out[f'posterior {name}, true prevalence'] = lwlrap(truth, evidence_posterior(L, truth.mean(0)))
        out[f'prevalence error {name}'] = float(np.abs(pi - truth.mean(0)).mean())
    print(f'== {run} (stage {stage.name})')
    for k, v in out.items(): print(f'{k:45s} {v:.4f}')

if __name__ == '__main__':
    for r in sys.argv[1:]: main(r)
