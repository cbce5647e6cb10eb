#!/usr/bin/env python
"""Reference points of a synthetic dataset, the bar and the roof for learning from partial labels:
- random: LWLRAP of random scores on the test recordings;
- constant: every test clip ranked by the test truth's own species frequencies (an oracle that ignores the audio);
- ceiling: the same preset trained with every clip's species labelled (`--boxes one`, the default: one true call per
  species and song type of each train recording as a TP row, as the varied-calls issue measured it; `--boxes all`: every
  call of truth/events.csv, several times the crops), no FP rows, unlabelled classes taken as absent, no template
  matching, stage 1 only, mean +- sd over seeds: the models' ceiling;
- recipe_ceiling: the same models with the odds kind's post-processing (`rfcx_pipeline --prior mix`, the default before
  the evidence posterior), fitted on the full labels: the `mix` prior, then the template blend with every train call as
  a template, its calibration and weight chosen on the train truth (out of fold): the roof of that output;
- default_ceiling: the same models with this version's default post-processing (`08_postproc.evidence_post`: the
  models and every train call as a template, fitted on the full labels; the test prevalence estimated), and beside it
  the same evidence at the true test prevalence.
`--boxes all` trains on every call (8763 TP rows on the field f200 set against 758 with `one`): about 11x the crops,
hours on 2 cores; a job for a GPU.
  python bench/ceiling.py DATA OUT [--seeds 42,43,44] [--preset cpu] [--boxes one|all] [--set key=value ...]
Prints the figures and writes OUT/ceiling.json; runs resume (one run folder per seed)."""
import json, os, sys, time
from pathlib import Path
import numpy as np, pandas as pd
from fastcore.script import call_parse, Param
from rfcx_nbdev.core import ANN_COLS, atomic_write
from rfcx_nbdev.train import parse_set
from rfcx_nbdev.pseudo import truth_lwlrap
from rfcx_nbdev.pipeline import run_pipeline, reference_scores, postprocess, template_step, template_table
from rfcx_nbdev.postproc import evidence_post, apply_post, evidence_llr, evidence_features, evidence_posterior
from rfcx_nbdev.metrics import lwlrap
from common import seed_list, stage_clips, stage_data

def full_label_copy(data, # a synthetic dataset (with truth/events.csv)
                    out, # folder of the copy: audio, truth and sample submission are linked, not copied
                    boxes:str='one', # 'one': one true call per species and song type of each train recording; 'all': every call
                   )->Path:
    "The dataset with true calls of its train recordings as TP rows and no FP rows."
    if boxes not in ('one', 'all'): raise ValueError(f"boxes must be 'one' or 'all', got {boxes!r}")
    data, out = Path(data).resolve(), Path(out); out.mkdir(parents=True, exist_ok=True)
    for name in ('train', 'test', 'truth', 'sample_submission.csv'):
        if not (out/name).exists(): os.symlink(data/name, out/name)
    ev = pd.read_csv(data/'truth'/'events.csv', dtype={'recording_id':str}); ev = ev[ev.split=='train']
    if boxes == 'one': ev = ev.groupby(['recording_id', 'species_id', 'songtype_id'], sort=False).head(1)  # each clip's species, once
    atomic_write(out/'train_tp.csv', lambda f: ev[ANN_COLS].to_csv(f, index=False), mode='w')
    atomic_write(out/'train_fp.csv', lambda f: pd.DataFrame(columns=ANN_COLS).to_csv(f, index=False), mode='w')
    return out

def recipe_ceiling(fl, # the full-label copy (`full_label_copy`)
                   run, # a ceiling run folder (its stage1 windows)
                   cache=None, # spectrogram cache (default RUN/cache, as the run's)
                  )->tuple: # (test LWLRAP, template weight)
    "The ceiling run's models post-processed as `--prior mix`, with the full labels: mix prior, then the template blend."
    run = Path(run); data = stage_data(fl, run/'stage1', cache)
    raw, oof, _ = stage_clips(data, run/'stage1')
    lab = data.truth['train'].loc[oof.index, oof.columns].astype(float)  # every clip label known
    final, _ = postprocess(raw, oof, 'mix', lab)
    after, info, _ = template_step(data, run, 'stage1', raw, oof, lab, 'auto', progress=False)  # every call a template; the weight by the OOF train truth
    return truth_lwlrap(after(final), data.truth['test']), info['weight']

def evidence_ceiling(fl, # the full-label copy (`full_label_copy`)
                     run, # a ceiling run folder (its stage1 windows; template_scores.csv from `recipe_ceiling`)
                     cache=None, # spectrogram cache (default RUN/cache, as the run's)
                    )->tuple: # (test LWLRAP, the same evidence at the true prevalence)
    "The ceiling run's models post-processed as the default (`08_postproc.evidence_post`: models and every train call as a template, fitted on the full labels)."
    run = Path(run); data = stage_data(fl, run/'stage1', cache)
    raw, oof, _ = stage_clips(data, run/'stage1')
    lab = data.truth['train'].loc[oof.index, oof.columns].values.astype(float)  # every clip label known
    to, tt = template_table(data, run, oof, raw, progress=False); post = evidence_post(oof.values, lab, to)
    truth = data.truth['test'].loc[raw.index, raw.columns].values
    return lwlrap(truth, apply_post(raw.values, post, tt)), lwlrap(truth, evidence_posterior(evidence_llr(evidence_features(raw.values, tt), post), truth.mean(0)))

def ceiling(data, out, seeds=(42,), preset='cpu', cache=None, boxes='one', **cfg_kw)->dict:
    "Train the full-label runs; returns the reference points with the ceiling's per-seed test LWLRAP."
    out = Path(out); fl = full_label_copy(data, out/f'full_labels_{boxes}')
    res, rc, ec = [], [], []
    for s in seeds:
        t0 = time.time()
        rep = run_pipeline(fl, out/f'ceiling_{boxes}_s{s}', preset, rounds=0, prior='none', cache=cache, progress=False, blend=0,  # the models' ceiling
                           seed=s, masked=False, **{'template_k': 0, **cfg_kw})  # every call is labelled: nothing left for template matching to find
        res.append(rep['stages'][0]['test_lwlrap']); t1 = time.time()
        rc.append(recipe_ceiling(fl, out/f'ceiling_{boxes}_s{s}', cache)); ec.append(evidence_ceiling(fl, out/f'ceiling_{boxes}_s{s}', cache))
        print(f"ceiling seed {s}: test LWLRAP {res[-1]:.4f} ({t1-t0:.0f} s); with the mix prior and template blend {rc[-1][0]:.4f} "
              f"(template weight {rc[-1][1]:g}); with the default post-processing {ec[-1][0]:.4f} (at the true prevalence {ec[-1][1]:.4f}; {time.time()-t1:.0f} s)", flush=True)
    truth = pd.read_csv(Path(data)/'truth'/'test.csv', dtype={'recording_id':str}).set_index('recording_id')
    return dict(reference_scores(truth), ceiling=float(np.mean(res)), ceiling_sd=float(np.std(res, ddof=1)) if len(res) > 1 else None,
                ceiling_runs=res, recipe_ceiling=float(np.mean([r for r, _ in rc])),
                recipe_ceiling_sd=float(np.std([r for r, _ in rc], ddof=1)) if len(rc) > 1 else None,
                recipe_ceiling_runs=[r for r, _ in rc], recipe_weights=[w for _, w in rc],
                default_ceiling=float(np.mean([e for e, _ in ec])), default_ceiling_sd=float(np.std([e for e, _ in ec], ddof=1)) if len(ec) > 1 else None,
                default_ceiling_runs=[e for e, _ in ec], default_roof_runs=[r for _, r in ec],
                seeds=list(seeds), data=str(data), preset=preset, boxes=boxes, overrides=cfg_kw)

@call_parse
def main(data:str, # synthetic dataset folder
         out:str, # output folder
         seeds:str='42,43,44', # comma-separated training seeds
         preset:str='cpu', # training preset
         cache:str=None, # spectrogram cache folder (default: DATA/cache)
         boxes:str='one', # TP rows of the full labels: one (each clip's species, one call each) | all (every call)
         set:Param("TrainConfig overrides, key=value ...", str, nargs='*')=None,
        ):
    r = ceiling(data, out, seed_list(seeds), preset, cache, boxes, **parse_set(set))
    sd = lambda k: f" +- {r[k]:.4f}" if r[k] is not None else ''
    print(f"{data}: random {r['random']:.4f} | constant (test frequencies, oracle) {r['constant']:.4f} | "
          f"full-label ceiling: models {r['ceiling']:.4f}{sd('ceiling_sd')}, with the mix prior and template blend "
          f"{r['recipe_ceiling']:.4f}{sd('recipe_ceiling_sd')}, with the default post-processing {r['default_ceiling']:.4f}{sd('default_ceiling_sd')} over seeds {r['seeds']}")
    atomic_write(Path(out)/'ceiling.json', lambda f: json.dump(dict(r, command='python ' + ' '.join(sys.argv)), f, indent=1), mode='w')
