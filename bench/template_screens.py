#!/usr/bin/env python
"""Two more ways of sharpening a run's template evidence, tried against `00b_templates`' default and not adopted, each
re-scored through the default post-processing (`08_postproc.evidence_post`, `apply_post`) on the run's last stage:
- **confusers at the same moment**: the FP boxes (a detector fired, the species is not there: what a non-target call on
  the species' band looks like) as templates too; a species' score is the maximum over time of its TP templates'
  standardised match less lambda times its FP templates' match at that moment (clipped at 0), not the TP match alone;
- **pruning**: each template's own ROC AUC on the known labels of the other folds' train clips (TP clips of its species
  against every other clip); templates below a threshold are dropped (a species keeps its best one).
Prints per variant the templates' per-species test ROC AUC, the output's test LWLRAP and the same evidence at the true
prevalence (the roof); for pruning also how well a template's out-of-fold AUC predicts its test AUC. `lambda 0` is
the default, computed along the same path: it must print the run's own output. Trains nothing; about 3 minutes a
run on 2 cores (`--cache`: the run's spectrogram cache, else built in a temporary folder).
  python bench/template_screens.py RUN [RUN ...] [--cache CACHE]"""
from pathlib import Path
import numpy as np
from fastcore.script import call_parse, Param
from sklearn.metrics import roc_auc_score
from rfcx_nbdev.metrics import lwlrap
from rfcx_nbdev.train import final_stage
from rfcx_nbdev.data import template_bank
from rfcx_nbdev.postproc import evidence_post, evidence_llr, evidence_features, evidence_posterior, apply_post
from common import run_data, stage_clips, known_auc

LAMBDAS, THRESHOLDS = (0., .25, .5, 1.), (.5, .6, .7)

def centred(bank, spec)->np.ndarray:
    "(templates, frames) each template's standardised match centred on each frame (-inf: none)."
    T = spec.shape[1]; E = np.full((len(bank), T), -np.inf)
    for j, c in enumerate(bank.curves(spec)):
        if len(c): w = bank.patches[j].shape[1]; E[j, w//2: w//2 + len(c)] = (c - bank.med[j]) / (bank.sd[j] + 1e-6)
    return E

def contrast_scores(tp, fp, spec, fold, K:int)->np.ndarray:
    "(len(LAMBDAS), K) one recording's scores: max over time of TP match - lambda relu(FP match), out of `fold` (None: mean over folds)."
    Et, Ef = centred(tp, spec), centred(fp, spec); out = np.full((len(LAMBDAS), K), np.nan)
    for k in range(K):
        per = []
        for f in ([fold] if fold is not None else list(tp.fold_ids)):
            mt, mf = (tp.species == k) & (tp.folds != f), (fp.species == k) & (fp.folds != f)
            if not mt.any(): continue
            et = Et[mt].max(0); ok = np.isfinite(et)
            ef = np.maximum(Ef[mf].max(0), 0) if mf.any() else np.zeros_like(et)
            per.append([(et - lam*np.where(np.isfinite(ef), ef, 0))[ok].max() for lam in LAMBDAS])
        if per: out[:, k] = np.mean(per, 0)
    return out

def figures(raw, oof, y, to, tt, truth)->str:
    post = evidence_post(oof.values, y, to); L = evidence_llr(evidence_features(raw.values, tt), post)
    return (f"templates' test AUC {known_auc(np.nan_to_num(tt, nan=-9.), truth):.3f}, output {lwlrap(truth, apply_post(raw.values, post, tt)):.4f}, "
            f"at the true prevalence {lwlrap(truth, evidence_posterior(L, truth.mean(0))):.4f}")

@call_parse
def main(runs:Param("pipeline run folders on synthetic data (report.json, stage windows)", str, nargs='+'),
         cache:str=None, # the runs' spectrogram cache folder (default: built in a temporary folder)
        ):
    for run in map(Path, runs):
        _, data = run_data(run/'report.json', cache=cache); data.build_cache(progress=False)
        raw, oof, y = stage_clips(data, final_stage(run)); M, K = len(oof), len(data.classes.species_cols)
        truth = data.truth['test'].loc[raw.index, raw.columns].values
        folds = data.folds.to_dict(); ids = list(oof.index) + list(raw.index); rf = [folds.get(r) for r in ids]
        tp = template_bank(data.cache, data.labels, folds, data.classes)
        fp = template_bank(data.cache, data.labels[data.labels.kind == 'fp'].assign(kind='tp'), folds, data.classes)
        pk = np.stack([tp.peaks(data.cache[r]) for r in ids], 1); tp.fit(pk)
        fp.fit(np.stack([fp.peaks(data.cache[r]) for r in ids], 1))
        print(f"{run}: {len(tp)} TP templates, {len(fp)} FP templates", flush=True)
        S = np.stack([contrast_scores(tp, fp, data.cache[r], f, K) for r, f in zip(ids, rf)], 1)
        for lam, s in zip(LAMBDAS, S): print(f"  confusers, lambda {lam:4.2f}{' (the default)' if lam == 0 else '':14s} {figures(raw, oof, y, s[:M], s[M:], truth)}", flush=True)
        z = (pk - tp.med[:, None]) / (tp.sd[:, None] + 1e-6); of = np.array([folds.get(r) for r in oof.index], dtype=float)
        auc = np.full(len(tp), np.nan)
        for j in range(len(tp)):
            m = of != tp.folds[j]; pos = y[m, tp.species[j]] == 1
            if pos.any() and not pos.all(): auc[j] = roc_auc_score(pos, z[j, :M][m])
        ta = np.array([roc_auc_score(truth[:, k] == 1, z[j, M:]) if 0 < truth[:, k].sum() < len(truth) else np.nan for j, k in enumerate(tp.species)])
        k = ~np.isnan(auc) & ~np.isnan(ta)
        print(f"  templates' own out-of-fold AUC: quartiles {np.round(np.nanquantile(auc, [.25, .5, .75]), 2).tolist()}; "
              f"its correlation with their test AUC {np.corrcoef(auc[k], ta[k])[0, 1]:.2f}", flush=True)
        for thr in THRESHOLDS:
            keep = ~(auc < thr)
            for s_ in np.unique(tp.species):
                m = tp.species == s_
                if not keep[m].any(): keep[np.flatnonzero(m)[np.argmax(np.nan_to_num(auc[m], nan=-1))]] = True
            s = tp.scores(np.where(keep[:, None], pk, np.nan), rf)
            print(f"  pruned below AUC {thr:.1f}, {keep.sum():3d} kept {'':7s} {figures(raw, oof, y, s[:M], s[M:], truth)}", flush=True)
