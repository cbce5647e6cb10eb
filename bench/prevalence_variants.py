#!/usr/bin/env python
"""Two estimators of the test prevalence tried against `08_postproc`'s default (the Beta prior centred on the label
rates, N/2 clips) and not adopted, re-scored on a pipeline run's last stage (models and templates as evidence):
- empirical Bayes: the prior's strength chosen among N/32 .. 4N by the marginal likelihood of the test clips'
  likelihood ratios (a grid over the prevalence), with the mean centre or the label-rate centre;
- a positive-unlabelled fit, P(labelled | x) = c_k sigmoid(w x + b_k) (one labelling rate per species, maximum
  likelihood), its likelihood ratios then EM with the default prior.
Needs the run's data folder with truth; trains nothing.
  python bench/prevalence_variants.py RUN [RUN ...]"""
import numpy as np
from pathlib import Path
from fastcore.script import call_parse, Param
from scipy.optimize import minimize
from scipy.special import expit, log_expit, logsumexp
from scipy.stats import beta
from rfcx_nbdev.metrics import lwlrap
from rfcx_nbdev.train import final_stage
from rfcx_nbdev.postproc import evidence_post, evidence_fit, evidence_llr, em_prevalence, evidence_posterior, _logit, _evidence
from common import run_data, stage_clips, template_clips

STRENGTHS = (1/32, 1/16, 1/8, 1/4, 1/2, 1, 2, 4)

def eb_strength(L, centre=None, lo=1e-3, n_grid=200)->tuple:
    "(strength, log marginal per strength): the Beta prior (as `em_prevalence` uses it) that makes the clips' LLRs most likely."
    N, K = L.shape; g = np.linspace(lo, 1 - lo, n_grid)
    ll = np.logaddexp(np.log(g)[None, None] + L[..., None], np.log1p(-g)[None, None]).sum(0)  # (K, grid)
    c = np.ones(K) if centre is None else np.asarray(centre) / np.mean(centre); out = []
    for s in STRENGTHS:
        m = np.clip(c * em_prevalence(L, strength=s, centre=centre).mean(), lo, 1 - lo); a = s*N
        out.append(float(logsumexp(ll + beta.logpdf(g[None], a*m[:, None] + 1, a*(1 - m[:, None]) + 1) + np.log(g[1] - g[0]), axis=1).sum()))
    return STRENGTHS[int(np.argmax(out))], out

def pu_fit(feats, y, l2=1.)->dict:
    "Shared slopes, an intercept and a labelling rate c_k per species: P(l=1 | x) = c_k sigmoid(w x + b_k), by maximum likelihood."
    X = _evidence(feats); M, K, F = X.shape
    def nll(th):
        w, b, lc = th[:F], th[F:F+K], th[F+K:]
        lp = log_expit(lc)[None] + log_expit(X @ w + b)
        return -(y*lp + (1 - y)*np.log1p(-np.exp(np.minimum(lp, -1e-12)))).sum() + l2*(w**2).sum()/2 + 1e-2*(b**2).sum()/2
    r = minimize(nll, np.concatenate([np.full(F, .5), np.zeros(2*K)]), method='L-BFGS-B')
    w, b = r.x[:F], r.x[F:F+K]
    return dict(slopes=w.tolist(), intercept=b.tolist(), logit_rho=_logit(expit(X @ w + b).mean(0)).tolist())

@call_parse
def main(runs:Param("pipeline run folders on synthetic data (report.json, template_scores.csv, stage windows)", str, nargs='+')):
    for run in map(Path, runs):
        _, data = run_data(run/'report.json'); raw, oof, y = stage_clips(data, final_stage(run))
        truth = data.truth['test'].loc[raw.index, raw.columns].values; to, tt = template_clips(run, oof, raw)
        pu = np.where(y == 1, 1., 0.); centre = evidence_post(oof.values, y)['centre']  # the default's centre, as the library computes it
        fo, ft = np.stack([_logit(oof.values), to], -1), np.stack([_logit(raw.values), tt], -1)
        L = evidence_llr(ft, evidence_fit(fo, pu)); print(f"== {run}")
        print(f"{'default (label-rate centre, N/2)':50s} {lwlrap(truth, evidence_posterior(L, em_prevalence(L, centre=centre))):.4f}")
        for name, c in (('mean centre', None), ('label-rate centre', centre)):
            s, _ = eb_strength(L, c)
            print(f"{f'empirical Bayes, {name} (picks N*{s:g})':50s} {lwlrap(truth, evidence_posterior(L, em_prevalence(L, strength=s, centre=c))):.4f}")
        fit = pu_fit(fo, pu); Lp = evidence_llr(ft, fit)
        print(f"{'positive-unlabelled fit, default prior':50s} {lwlrap(truth, evidence_posterior(Lp, em_prevalence(Lp, centre=centre))):.4f}")
        trp = data.truth['train'].loc[oof.index, oof.columns].values.mean(0)
        print(f"{'  its train prevalence error':50s} {np.abs(expit(np.array(fit['logit_rho'])) - trp).mean():.4f}")
