#!/usr/bin/env python
"""The template blend's calibration with FP rows: on the known labels (TP against FP clips, the pipeline's default) or
TP clips against all other out-of-fold clips (what it does with positives only). Re-scores pipeline runs (report.json;
the run folder keeps stage1/windows_*.csv, template_scores.csv and templates.npz) without training: the odds kind's output
(`--prior mix`: stage 1, `mix` prior, template blend at the weight the headline picks) with each calibration, against the test truth.
  python bench/template_calibration.py RUN1/report.json ... --cache C1,C2,... (one spectrogram cache per run, or one for all)
Prints one row per run and the mean +- sd per dataset."""
import warnings
from pathlib import Path
import pandas as pd
from fastcore.script import call_parse, Param
from rfcx_nbdev.pseudo import clip_labels, truth_lwlrap
from rfcx_nbdev.pipeline import postprocess, template_step
from common import run_data, stage_clips

@call_parse
def main(reports:Param("report.json files of pipeline runs on synthetic data", str, nargs='+'),
         cache:str=None, # spectrogram cache folder(s), comma-separated: one per report or one for all (default: each run's RUN/cache)
        ):
    warnings.filterwarnings('ignore')
    caches = cache.split(',') if cache else [None]*len(reports)
    if len(caches) == 1: caches = caches*len(reports)
    rows = []
    for f, c in zip(reports, caches):
        run = Path(f).parent; dd, data = run_data(f, cache=c or run/'cache')
        raw, oof, _ = stage_clips(data, run/'stage1'); lab = clip_labels(oof, data.labels, data.classes)
        final, _ = postprocess(raw, oof, 'mix', lab)
        row = dict(set=dd.name, run=str(run))
        for name, l in (('tp_vs_fp', lab), ('tp_vs_all', lab.where(lab == 1))):  # FP labels dropped: template_step's positives-only path
            after, info, _ = template_step(data, run, 'stage1', raw, oof, l, progress=False)
            row[name], row[f'{name}_weight'] = truth_lwlrap(after(final), data.truth['test']), info['weight']
        rows.append(row); print(row, flush=True)
    d = pd.DataFrame(rows); d['gain'] = d.tp_vs_all - d.tp_vs_fp
    print(d.groupby('set')[['tp_vs_fp', 'tp_vs_all', 'gain']].agg(['mean', 'std']).round(4).to_string())
