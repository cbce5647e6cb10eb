#!/usr/bin/env python
"""How much a run's default output owes to its fold split, through the template evidence alone: the train clips'
template scores are out of fold (`01_data.template_scores`), so another split of the labelled recordings gives other
scores, another evidence fit and another prevalence estimate. Re-scores a run's last stage with its own split (it must
print the run's own output), then with SPLITS other stratified splits (`01_data.recording_folds`, seeds 1000, 1001, ...;
the models' out-of-fold scores stay the run's), and with the template scores averaged over those splits. Prints the
output's test LWLRAP, the same evidence at the true prevalence (the roof) and the fit's slopes. Trains nothing; the
template peaks are computed once per data set; 13 s a 200/80 run on 2 cores with nothing beside it.
  python bench/template_splits.py RUN [RUN ...] [--splits 20] [--cache C]"""
from pathlib import Path
import numpy as np
from fastcore.script import call_parse, Param
from rfcx_nbdev.metrics import lwlrap
from rfcx_nbdev.train import final_stage
from rfcx_nbdev.data import template_bank, recording_folds
from rfcx_nbdev.templates import TemplateBank
from rfcx_nbdev.postproc import evidence_post, apply_post, evidence_llr, evidence_features, evidence_posterior
from common import run_data, stage_clips

def split_scores(bank, pk, folds:dict, trec, ids)->np.ndarray:
    "(R, K) `TemplateBank.scores` of the fitted `bank` with its templates and recordings put in the folds of another split."
    return TemplateBank(bank.patches, bank.rows, bank.species, [folds.get(r, np.nan) for r in trec], np.unique(list(folds.values())),
                        bank.species_cols, bank.med, bank.sd).scores(pk, [folds.get(r) for r in ids])

@call_parse
def main(runs:Param("pipeline run folders on synthetic data (report.json, stage windows)", str, nargs='+'),
         splits:int=20, # other stratified splits
         cache:str=None, # the runs' spectrogram cache folder (default: built in a temporary folder)
        ):
    peaks = {}
    for run in map(Path, runs):
        dd, data = run_data(run/'report.json', cache=cache); data.build_cache(progress=False)
        raw, oof, y = stage_clips(data, final_stage(run)); K = len(data.classes.species_cols)
        truth = data.truth['test'].loc[raw.index, raw.columns].values; ok = raw.index.isin(data.test_ids_ok)
        ids, lab = list(oof.index) + list(raw.index[ok]), data.given_labels
        trec = lab[lab.kind == 'tp'].reset_index(drop=True).recording_id.values
        bank = template_bank(data.cache, lab, data.folds.to_dict(), data.classes)
        key = (str(dd.resolve()), tuple(ids))
        if key not in peaks: peaks[key] = np.stack([bank.peaks(data.cache[r]) for r in ids], 1)
        pk = peaks[key]; bank.fit(pk)
        def output(S):
            to, tt = S[:len(oof)], np.full((len(raw), K), np.nan); tt[ok] = S[len(oof):]
            post = evidence_post(oof.values, y, to); P = np.zeros_like(raw.values); P[ok] = apply_post(raw.values[ok], post, tt[ok])
            return lwlrap(truth, P), lwlrap(truth, evidence_posterior(evidence_llr(evidence_features(raw.values, tt), post), truth.mean(0))), np.round(post['slopes'], 2)
        own = output(split_scores(bank, pk, data.folds.to_dict(), trec, ids))
        Ss = [split_scores(bank, pk, recording_folds(data.labels, data.n_folds, seed=1000 + s).to_dict(), trec, ids) for s in range(splits)]
        outs = np.array([output(S)[0] for S in Ss]); avg = output(np.nanmean(Ss, 0))
        print(f"== {run} ({data.n_folds} folds)\nthe run's split: output {own[0]:.4f}, roof {own[1]:.4f}, slopes {own[2]}\n"
              f"{splits} other splits: output {outs.mean():.4f} +- {outs.std():.4f} (min {outs.min():.4f}, max {outs.max():.4f})\n"
              f"template scores averaged over the {splits} splits: output {avg[0]:.4f}, roof {avg[1]:.4f}, slopes {avg[2]}", flush=True)
