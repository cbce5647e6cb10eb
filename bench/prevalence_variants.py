#!/usr/bin/env python
"""Estimators of the test prevalence tried against `08_postproc`'s default (the Beta prior centred on the label
rates, N/2 clips) and not adopted, re-scored on a pipeline run's last stage (models and templates as evidence):
- empirical Bayes: the prior's strength chosen among N/32 .. 4N by the marginal likelihood of the test clips'
  likelihood ratios (a grid over the prevalence), with the mean centre or the label-rate centre;
- a positive-unlabelled fit, P(labelled | x) = c_k sigmoid(w x + b_k) (one labelling rate per species, maximum
  likelihood), its likelihood ratios then EM with the default prior;
- maximum-likelihood EM (no prior); the prior at a fixed level (0.1 x the centre, N/8: it cannot sink with the
  estimate's mean), the label-rate or a flat centre; two EM steps from 0.15 for every species (no fixed point);
- two Gaussians on the likelihood ratio, shared by every species and by the train and test clips (TP clips present),
  one weight per species and set: the test weights;
- the likelihood ratios doubled (the positive-unlabelled fit attenuates them), with the default prior, and their roof;
- bagged: the default on 100 bootstrap resamples of the test clips, the median log-odds (variance, not bias);
- the likelihood ratios un-attenuated at an assumed train prevalence of 0.15 (P(present | x) = r(x) pi, r the fitted
  ratio to the train clips' mean), maximum-likelihood EM and the default prior;
- a mixture with fixed components: each species' LLR standardised by its unlabelled train clips, two kernel densities
  pooled over species (unlabelled train clips, TP clips), the test weight per species by maximum likelihood;
- the test LLRs shifted by the median difference to the train clips' (a train-test shift taken as one offset), default prior;
- Elkan and Noto's positive-unlabelled correction: c, the mean fitted P(labelled | x) of the TP clips (pooled over
  species), turns it into P(present | x) = P(labelled | x) / c; the likelihood ratio at the train clips' mean of that,
  then maximum-likelihood EM or the default prior;
- the species' intercepts shrunk towards a shared one (the one-hot columns scaled by 0.1 in the L2-penalised fit);
- the prevalence as the label-rate centre times one level, the level by maximum likelihood (one parameter, not K);
- adjusted classify and count (Forman's median sweep, the quantification literature's standard): at thresholds on the
  evidence (the 50th..95th percentiles of the train clips without a TP row), the share of test clips above, less the
  false-positive rate, over the true-positive rate less it (rates pooled over species: TP clips, clips without a TP row;
  or per species), the median over thresholds, floored at 0.005;
- the method of moments: each species' mean test LLR against its train clips' without a TP row (taken as absent less an
  assumed train prevalence of 0.15 of present ones, their mean LLR that of the TP clips), over the gap between present
  and absent pooled over species; floored at 0.05 (2026-12-07);
- cross-talk (a multi-label black-box shift estimate, after Lipton et al. 2018): each species' template score regressed
  on every species' TP indicator (ridge 1, the train clips), so a species' score may rise with another's presence; the
  test means then solved for the prevalences in [0, 1] and one train level in [0, 0.5] (bounded least squares, each
  species weighted by its standard error); floored at 0.02 (2026-12-07);
- EM's values kept, their order changed (LWLRAP ranks species within a clip, so the order of the prevalences matters
  most): by each species' mean likelihood ratio over the test clips, or by its share of test clips above the 90th
  percentile of its train clips without a TP row; and the truth's order, the roof of any re-ordering (2026-12-07, later).
Each line gives the output's test LWLRAP; "at the true prevalence" is the roof of any estimate on that evidence.
Needs the run's data folder with truth; trains nothing.
  python bench/prevalence_variants.py RUN [RUN ...]"""
import numpy as np
from pathlib import Path
from fastcore.script import call_parse, Param
from scipy.optimize import minimize
from scipy.special import expit, log_expit, logsumexp
from scipy.stats import beta, norm, gaussian_kde
from scipy.optimize import minimize_scalar
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

def fixed_level(L, centre, strength=1/8, level=.1, lo=1e-6, n_iter=500)->np.ndarray:
    "MAP EM with the Beta prior's mean at `level` x centre / mean(centre): a fixed level, unlike `em_prevalence`'s."
    c = np.clip(level*np.asarray(centre)/np.mean(centre), lo, 1 - lo); pi, a = np.full(L.shape[1], .5), strength*len(L)
    for _ in range(n_iter): pi = np.clip((expit(_logit(pi)[None] + L).sum(0) + a*c) / (len(L) + a), lo, 1 - lo)
    return pi

def em_steps(L, p0=.15, n=2)->np.ndarray:
    "`n` EM steps from `p0` for every species."
    pi = np.full(L.shape[1], p0)
    for _ in range(n): pi = expit(_logit(pi)[None] + L).mean(0)
    return pi

def gauss_mixture(Lo, y, Lt, n_iter=300, lo=1e-4)->np.ndarray:
    "Test weights of two Gaussians on the LLR shared by species and sets, one weight per species and set; TP clips present (`08_postproc.mixture_fit`, which fits one species on its logits, pooled over species here)."
    pos = y == 1; m0, s0, m1, s1 = Lo[~pos].mean(), Lo[~pos].std(), Lo[pos].mean(), Lo[pos].std()
    wo, wt = np.full(Lo.shape[1], .15), np.full(Lo.shape[1], .15); L = np.concatenate([Lo, Lt])
    for _ in range(n_iter):
        r = lambda x, w: expit(np.log(w/(1 - w))[None] + norm.logpdf(x, m1, s1) - norm.logpdf(x, m0, s0))
        ro, rt = np.where(pos, 1., r(Lo, wo)), r(Lt, wt); wo, wt = np.clip(ro.mean(0), lo, 1 - lo), np.clip(rt.mean(0), lo, 1 - lo)
        R = np.concatenate([ro, rt]); m1, m0 = (R*L).sum()/R.sum(), ((1 - R)*L).sum()/(1 - R).sum()
        s1, s0 = np.sqrt((R*(L - m1)**2).sum()/R.sum()) + 1e-3, np.sqrt(((1 - R)*(L - m0)**2).sum()/(1 - R).sum()) + 1e-3
    return wt

def bagged(L, centre, B=100, seed=0)->np.ndarray:
    "The default estimate on `B` bootstrap resamples of the test clips: the median log-odds."
    rng = np.random.default_rng(seed)
    return expit(np.median([_logit(em_prevalence(L[rng.integers(0, len(L), len(L))], centre=centre)) for _ in range(B)], 0))

def unattenuated(L, pi_tr=.15)->np.ndarray:
    "Present-against-absent log likelihood ratios from ratios to the train clips' mean (exp L), at an assumed train prevalence."
    q = np.clip(np.exp(L)*pi_tr, 1e-6, .999); return _logit(q) - _logit(pi_tr)

def elkan_noto(fo, ft, pu)->np.ndarray:
    "Test log likelihood ratios, present against absent, from the TP-against-all fit corrected by its labelling rate c."
    f = evidence_fit(fo, pu); w, b = np.asarray(f['slopes']), np.asarray(f['intercept'])
    go, gt = expit(_evidence(fo) @ w + b), expit(_evidence(ft) @ w + b); c = go[pu == 1].mean()
    po, pt = (np.clip(g/c, 1e-4, 1 - 1e-4) for g in (go, gt)); return _logit(pt) - _logit(po.mean(0))

def pooled_intercepts(fo, ft, pu, g=.1)->np.ndarray:
    "Test log likelihood ratios of `evidence_fit` with the species' one-hot columns scaled by g (a stronger pull to a shared intercept)."
    from sklearn.linear_model import LogisticRegression
    X, Xt = _evidence(fo), _evidence(ft); M, K, F = X.shape; r, c = np.nonzero(np.ones_like(pu, bool))
    lr = LogisticRegression(max_iter=2000).fit(np.concatenate([X[r, c], g*np.eye(K)[c]], 1), pu[r, c])
    w = lr.coef_[0]; b = g*w[F:] + lr.intercept_[0]; return Xt @ w[:F] + b - _logit(expit(X @ w[:F] + b).mean(0))

def centre_level(L, centre, lo=1e-4)->np.ndarray:
    "The prevalence as centre x one level, the level maximising the test clips' likelihood."
    c = np.asarray(centre)/np.mean(centre)
    def nll(a): pi = np.clip(np.exp(a)*c, lo, 1 - lo); return -np.logaddexp(np.log(pi)[None] + L, np.log1p(-pi)[None]).sum()
    return np.clip(np.exp(minimize_scalar(nll, bounds=(np.log(lo), -np.log(c.max())), method='bounded').x)*c, lo, 1 - lo)

def kde_mixture(Lo, y, Lt)->np.ndarray:
    "Per species, the maximum-likelihood weight of two fixed densities (kernel estimates pooled over species, standardised by the unlabelled train clips)."
    pos = y == 1; K = Lo.shape[1]
    med = np.array([np.median(Lo[~pos[:, k], k]) for k in range(K)]); sc = np.array([Lo[~pos[:, k], k].std() + 1e-6 for k in range(K)])
    U, Ut = (Lo - med)/sc, (Lt - med)/sc; f0, f1 = gaussian_kde(U[~pos]), gaussian_kde(U[pos])
    l = (np.log(f1(Ut.ravel()) + 1e-12) - np.log(f0(Ut.ravel()) + 1e-12)).reshape(Ut.shape)
    return np.array([expit(minimize_scalar(lambda a: -np.logaddexp(log_expit(a) + l[:, k], log_expit(-a)).sum(), bounds=(-9, 9), method='bounded').x) for k in range(K)])

def acc(Lo, y, Lt, per=False, qs=np.linspace(.5, .95, 10), floor=.005)->np.ndarray:
    "Adjusted classify and count on the evidence: (test share above t - FPR(t)) / (TPR(t) - FPR(t)), the median over thresholds t."
    K, ests = Lo.shape[1], []
    for q in qs:
        neg, pos = Lo[y != 1], Lo[y == 1]
        if per:
            t = np.array([np.quantile(Lo[y[:, k] != 1, k], q) for k in range(K)])
            f = np.array([(Lo[y[:, k] != 1, k] > t[k]).mean() for k in range(K)])
            r = np.array([(Lo[y[:, k] == 1, k] > t[k]).mean() if (y[:, k] == 1).any() else (pos > np.quantile(neg, q)).mean() for k in range(K)])
        else: t = np.full(K, np.quantile(neg, q)); f, r = np.full(K, (neg > t[0]).mean()), np.full(K, (pos > t[0]).mean())
        ests.append(((Lt > t).mean(0) - f) / np.maximum(r - f, .05))
    return np.clip(np.median(ests, 0), floor, 1 - floor)

def moments(Lo, y, Lt, r=.15, floor=.05)->np.ndarray:
    "Method of moments: (mean test LLR - absent mean) / (present - absent mean, pooled over species); the absent mean from the clips without a TP row, less `r` of present ones."
    K = Lo.shape[1]; tp = y == 1
    mU = np.array([Lo[~tp[:, k], k].mean() for k in range(K)]); m1 = np.array([Lo[tp[:, k], k].mean() if tp[:, k].any() else np.nan for k in range(K)])
    m0 = (mU - r*np.nan_to_num(m1, nan=np.nanmean(m1)))/(1 - r)
    return np.clip(np.nan_to_num((Lt.mean(0) - m0)/np.nanmean(m1 - m0), nan=floor), floor, 1 - floor)

def crosstalk(to, y, tt, lam=1., floor=.02)->np.ndarray:
    "Template scores as a linear function of every species' presence (ridge on the TP indicators), the test means solved for the prevalences and one train level."
    from scipy.optimize import lsq_linear
    to, tt = np.nan_to_num(to), np.nan_to_num(tt); Y = (y == 1).astype(float); M, K = Y.shape
    X = np.concatenate([np.ones((M, 1)), Y], 1); P = lam*np.eye(K + 1); P[0, 0] = 0
    B = np.linalg.solve(X.T @ X + P, X.T @ to); a, G = B[0], B[1:]
    se = tt.std(0)/np.sqrt(len(tt)) + .02
    A = np.concatenate([G.T, -G.sum(0)[:, None]], 1)/se[:, None]
    s = lsq_linear(A, (tt.mean(0) - a)/se, bounds=(np.zeros(K + 1), np.r_[np.ones(K), .5]))
    return np.clip(s.x[:K], floor, 1 - floor)

def reorder(pi, score)->np.ndarray:
    "The values of `pi`, the largest given to the species with the highest `score`."
    out = np.empty(len(pi)); out[np.argsort(score, kind='stable')] = np.sort(pi); return out

@call_parse
def main(runs:Param("pipeline run folders on synthetic data (report.json, template_scores.csv, stage windows)", str, nargs='+')):
    for run in map(Path, runs):
        _, data = run_data(run/'report.json'); raw, oof, y = stage_clips(data, final_stage(run))
        truth = data.truth['test'].loc[raw.index, raw.columns].values; to, tt = template_clips(run, oof, raw)
        pu = np.where(y == 1, 1., 0.); centre = evidence_post(oof.values, y)['centre']  # the default's centre, as the library computes it
        fo, ft = np.stack([_logit(oof.values), to], -1), np.stack([_logit(raw.values), tt], -1)
        L = evidence_llr(ft, evidence_fit(fo, pu)); print(f"== {run}")
        em = em_prevalence(L, centre=centre); print(f"{'default (label-rate centre, N/2)':50s} {lwlrap(truth, evidence_posterior(L, em)):.4f}")
        for name, c in (('mean centre', None), ('label-rate centre', centre)):
            s, _ = eb_strength(L, c)
            print(f"{f'empirical Bayes, {name} (picks N*{s:g})':50s} {lwlrap(truth, evidence_posterior(L, em_prevalence(L, strength=s, centre=c))):.4f}")
        fit = pu_fit(fo, pu); Lp = evidence_llr(ft, fit)
        print(f"{'positive-unlabelled fit, default prior':50s} {lwlrap(truth, evidence_posterior(Lp, em_prevalence(Lp, centre=centre))):.4f}")
        trp = data.truth['train'].loc[oof.index, oof.columns].values.mean(0)
        print(f"{'  its train prevalence error':50s} {np.abs(expit(np.array(fit['logit_rho'])) - trp).mean():.4f}")
        show = lambda name, pi, LL=L: print(f"{name:50s} {lwlrap(truth, evidence_posterior(LL, pi)):.4f}")
        show('maximum-likelihood EM', em_prevalence(L, strength=0))
        show('fixed level 0.1, label-rate centre, N/8', fixed_level(L, centre))
        show('fixed level 0.1, flat centre, N/8', fixed_level(L, np.ones(len(centre))))
        show('two EM steps from 0.15', em_steps(L))
        Lo = evidence_llr(fo, evidence_fit(fo, pu)); show('two Gaussians on the LLR, train and test', gauss_mixture(Lo, y, L))
        show('LLR x 2, default prior', em_prevalence(2*L, centre=centre), 2*L)
        show('bagged (median of 100 bootstraps)', bagged(L, centre))
        Lu = evidence_llr(fo, evidence_fit(fo, pu)); Lt = unattenuated(L)
        show('un-attenuated at train prevalence 0.15, ML EM', em_prevalence(Lt, strength=0), Lt)
        show('un-attenuated at train prevalence 0.15, default prior', em_prevalence(Lt, centre=centre), Lt)
        show('two fixed kernel densities, ML weight', np.clip(kde_mixture(Lu, y, L), 1e-4, 1 - 1e-4))
        Ls = L + np.median(Lu) - np.median(L); show('test LLRs shifted to the train median, default prior', em_prevalence(Ls, centre=centre), Ls)
        Le = elkan_noto(fo, ft, pu); show('Elkan-Noto correction, ML EM', em_prevalence(Le, strength=0), Le)
        show('Elkan-Noto correction, default prior', em_prevalence(Le, centre=centre), Le)
        Lg = pooled_intercepts(fo, ft, pu); show('intercepts pulled to a shared one (x0.1), default prior', em_prevalence(Lg, centre=centre), Lg)
        show('label-rate centre x one ML level', centre_level(L, centre))
        show('adjusted classify and count, pooled rates', acc(Lu, pu, L)); show('adjusted classify and count, per species', acc(Lu, pu, L, per=True))
        show('method of moments (train prevalence 0.15, floor 0.05)', moments(Lu, pu, L))
        show('cross-talk of the template scores (BBSE), floor 0.02', crosstalk(to, y, tt))
        show("EM's values, ordered by the mean test likelihood ratio", reorder(em, np.exp(L).mean(0)))
        q9 = np.array([np.quantile(Lu[y[:, k] != 1, k], .9) for k in range(L.shape[1])])
        show("EM's values, ordered by test clips above 90% of non-TP", reorder(em, (L >= q9).mean(0)))
        show("EM's values in the truth's order (a roof)", reorder(em, truth.mean(0)))
        show('at the true prevalence', truth.mean(0)); show('LLR x 2, at the true prevalence', truth.mean(0), 2*L)
