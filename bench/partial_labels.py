#!/usr/bin/env python
"""Training recipes for partial labels, judged against the full truth of a synthetic dataset.
Each config x seed is one `run_pipeline` run (stage 1 + pseudo-label rounds, cpu preset unless --preset); per stage it
reports the test clip LWLRAP (truth), the share of the gap closed between the constant prior and the full-label ceiling
(`bench/ceiling.py`: gap_closed against the models' ceiling, gap_closed_recipe against the ceiling with the mix
prior and template blend), the headline metric a user can compute without truth (oof_tp_lwlrap: out-of-fold train clips vs
their TP labels), the OOF train clips vs truth, and the masked crop metric; then the rank correlation of the two
truth-free metrics (and, for comparison, of the OOF train clips vs truth) with the test truth over every stage, config and seed.
  python bench/partial_labels.py DATA OUT [--configs default,bg0] [--seeds 42,43,44] [--rounds 4] [--blend 0] [--ceiling OUT_OF_CEILING/ceiling.json]
The ablations of the recipe's three training ideas (masked loss, MixOver, coord channel), the models' stage 1 alone:
  python bench/partial_labels.py DATA OUT --configs default,fullmask,unmasked,no_mixover,no_coord --rounds 0 --blend 0
Runs resume; OUT/partial_labels.json holds every row."""
import json, sys, time
from pathlib import Path
import numpy as np, pandas as pd
from fastcore.script import call_parse, Param
from rfcx_nbdev.core import atomic_write
from rfcx_nbdev.train import parse_set
from rfcx_nbdev.pipeline import run_pipeline
from common import seed_list

CONFIGS = {  # TrainConfig overrides of the preset
    'default': {},
    'bg0': dict(bg_frac=0.),        # no background crops
    'bg3': dict(bg_frac=.3),        # 30% background crops
    'ens': dict(pl_ensemble=True),  # pseudo-labels from the fold ensemble
    'fullmask': dict(unknown_weight=0.),  # the recipe's fully masked loss
    'unmasked': dict(masked=False),  # the naive baseline: TP crops only, every unlabelled class absent
    'no_mixover': dict(mixover=False),
    'no_coord': dict(coord=False),  # no frequency coordinate channel
}

def _ms(v):
    v = np.asarray(v, float); v = v[~np.isnan(v)]
    if not len(v): return ''
    return f"{v.mean():.4f}" + (f" ± {v.std(ddof=1):.4f}" if len(v) > 1 else '')

def summary(rows:pd.DataFrame, ref:dict|None=None)->str:
    "Markdown table: mean ± sd over seeds per config and stage."
    cols = ['test_lwlrap', 'gap_closed', 'gap_closed_recipe', 'oof_tp_lwlrap', 'oof_train_lwlrap', 'valid_masked_lwlrap']
    cols = [c for c in cols if c in rows]
    lines = ['| config | stage | seeds | ' + ' | '.join(cols) + ' |', '|' + '---|'*(len(cols)+3)]
    for (c, s), d in rows.groupby(['config', 'stage'], sort=False):
        lines.append(f"| {c} | {s} | {len(d)} | " + ' | '.join(_ms(d[k]) for k in cols) + ' |')
    if ref: lines.append('\nReferences (test): ' + ', '.join(f"{k} {v:.4f}" for k, v in ref.items() if isinstance(v, float)))
    return '\n'.join(lines)

def rank_corr(rows:pd.DataFrame)->dict:
    "Spearman correlation with the test truth over every row that has both (each stage's models, and the last one blended with the template scores): the two truth-free metrics, and oof_train_lwlrap (the OOF train clips vs their full truth) for comparison."
    r = rows[rows.stage.str.match(r'^(stage1|round\d+)( \+ templates \(w=[\d.]+\))?$')]
    return {k: float(r[[k, 'test_lwlrap']].dropna().corr(method='spearman').iloc[0, 1])
            for k in ('oof_tp_lwlrap', 'valid_masked_lwlrap', 'oof_train_lwlrap') if k in r}

@call_parse
def main(data:str, # synthetic dataset folder
         out:str, # output folder: one run folder per config and seed
         configs:str='default', # comma-separated names from CONFIGS
         seeds:str='42,43,44', # comma-separated training seeds
         rounds:int=None, # pseudo-label rounds (default: the pipeline's `default_rounds`)
         preset:str='cpu', # training preset
         prior:str='mix', # the final stage's post-processing: mix (the odds kind, as in bench/README.md's regression tables) or evidence (the pipeline's default); the others are scored too
         ceiling:str=None, # ceiling.json from bench/ceiling.py (adds the gap closed)
         cache:str=None, # spectrogram cache folder
         blend:str='auto', # template weight of the final output (the pipeline's: auto; 0 for the models only)
         set:Param("TrainConfig overrides for every config, key=value ...", str, nargs='*')=None,
        ):
    out = Path(out); out.mkdir(parents=True, exist_ok=True); t_all = time.time()
    ref = json.loads(Path(ceiling).read_text()) if ceiling else None
    names, sd = configs.split(','), seed_list(seeds)
    bad = {*names} - {*CONFIGS}  # (`set` is the --set option here)
    if bad: raise ValueError(f"unknown config(s) {sorted(bad)}: choose from {', '.join(CONFIGS)}")
    rows = []
    for seed in sd:
        for name in names:
            t0 = time.time()
            rep = run_pipeline(data, out/f'{name}_s{seed}', preset, rounds=rounds, prior=prior, cache=cache, progress=False,
                               ceiling=ref['ceiling'] if ref else None, seed=seed, blend=blend, **{**CONFIGS[name], **parse_set(set)})
            for st in rep['stages']: rows.append(dict(config=name, seed=seed, **st))
            for k, v in rep['test_lwlrap_other_priors'].items():
                rows.append(dict(config=name, seed=seed, stage=f'final, prior {k}', test_lwlrap=v))
            print(f"{name} seed {seed} ({time.time()-t0:.0f} s): " + ', '.join(f"{s['stage']} {s['test_lwlrap']:.4f}" for s in rep['stages']), flush=True)
    df = pd.DataFrame(rows)
    if ref: df['gap_closed'] = (df.test_lwlrap - ref['constant']) / (ref['ceiling'] - ref['constant'])
    if ref and 'recipe_ceiling' in ref: df['gap_closed_recipe'] = (df.test_lwlrap - ref['constant']) / (ref['recipe_ceiling'] - ref['constant'])
    rc = rank_corr(df)
    md = summary(df, ref and {k: ref[k] for k in ('random', 'constant', 'ceiling', 'recipe_ceiling') if k in ref}) + '\n\nSpearman with test LWLRAP over stages, configs and seeds: ' + \
         ', '.join(f"{k} {v:.3f}" for k, v in rc.items()) + f"\n\nCommand: `python {' '.join(sys.argv)}`; wall {time.time()-t_all:.0f} s"
    atomic_write(out/'partial_labels.json', lambda f: json.dump(dict(rows=rows, rank_corr=rc, reference=ref), f, indent=1, default=float), mode='w')
    atomic_write(out/'partial_labels.md', lambda f: f.write(md), mode='w')
    print(md)
