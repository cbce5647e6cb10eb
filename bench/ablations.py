#!/usr/bin/env python
"""Ablations of the three training ideas (masked loss, MixOver, coord channel) on a synthetic dataset, judged against its FULL truth.
  nice -n 10 python bench/ablations.py --out /work/runs/ablations [--data /work/data160 --folds 0|all --epochs N --seeds 42,43]
Configs (cpu preset, same seeds): baseline (the cpu preset: TP/FP crops, masked loss with unlabelled classes as weak
negatives (weight 0.2), MixOver, coord channel), fully_masked (the recipe: unlabelled classes ignored), unmasked (TP crops
only, every unlabelled class taken as absent), no_mixover, no_coord. Metrics per config:
- test clip LWLRAP: the 80 never-labelled test recordings (mean of the trained fold models) vs truth/test.csv;
- OOF train clip LWLRAP: train recordings of the held-out fold(s), each scored by the model that did not train on it, vs truth/train.csv;
- crop masked LWLRAP: held-out TP/FP crops, known labels only, recomputed here identically for every config

Each run lives in OUT/<config>_s<seed>/ so re-running resumes (finished folds and window scores are reused).
Writes OUT/ablations.md and OUT/ablations.json."""
import json, os, sys, time
from pathlib import Path
import numpy as np, pandas as pd, torch
from fastcore.script import call_parse
from rfcx_nbdev.core import atomic_write
from rfcx_nbdev.synth import make_synth
from rfcx_nbdev.data import crop_items, rfcx_dls
from rfcx_nbdev.metrics import masked_lwlrap, masked_auc, lwlrap
from rfcx_nbdev.train import train_config, RFCxData, train_folds, load_models, TrainConfig
from rfcx_nbdev.pseudo import stage_windows, clip_probs, truth_lwlrap

CONFIGS = dict(baseline={}, fully_masked=dict(unknown_weight=0.), unmasked=dict(masked=False), no_mixover=dict(mixover=False), no_coord=dict(coord=False))
METRICS = [('test_lwlrap', 'test clip LWLRAP (80 unlabelled)'), ('oof_lwlrap', 'OOF train clip LWLRAP'),
           ('crop_lwlrap', 'held-out crop masked LWLRAP'), ('crop_auc', 'held-out crop masked AUC'), ('fold_lwlrap', "train_folds' masked_lwlrap")]

def crop_metrics(data, run, folds):
    "Masked LWLRAP and AUC of each fold model on its held-out TP/FP crops (centred, no augmentation), pooled over folds."
    cfg = TrainConfig.from_json(Path(run)/'config.json'); ms = {m.fold: m for m in load_models(run, device='cpu')}
    preds, targs = [], []
    for k in folds:
        tr, va = data.fold_ids(k); items = crop_items(data.labels)
        items = pd.concat([items[items.recording_id.isin(va)], items[items.recording_id==tr[0]].iloc[:1]])  # a train split may not be empty
        dl = rfcx_dls(items, data.cache, data.labels, tr[:1], va, n_classes=cfg.n_classes, crop_len=cfg.crop_len, bs=64, seed=0).valid
        with torch.no_grad():
            for x, y, w in dl: preds.append(ms[k](x).float()); targs.append(y)
    p, t = torch.cat(preds), torch.cat(targs)
    return masked_lwlrap(p, t), masked_auc(p, t)

def evaluate(data, run, folds):
    "Clip-level truth LWLRAP (test and OOF train) and crop-level masked LWLRAP of a trained run folder."
    win = stage_windows(data, run, progress=False)
    test = clip_probs(win[win.split=='test'])
    tr = win[(win.split=='train') & win.oof.astype(bool)]       # only recordings held out by a trained fold: truly out of fold
    oof = clip_probs(tr)
    return dict(test_lwlrap=truth_lwlrap(test, data.truth['test']), n_test=len(test),
                oof_lwlrap=truth_lwlrap(oof, data.truth['train']), n_oof=len(oof),
                **dict(zip(('crop_lwlrap', 'crop_auc'), crop_metrics(data, run, folds))))

def _fmt(vals):
    v = np.array(vals, float)
    if len(v) == 1: return f"{v[0]:.4f}"
    return f"{v.mean():.4f} ± {v.std(ddof=1):.4f}"

def chance(ds, res, n=200):
    "Reference line: LWLRAP of random scores on the same test / OOF recordings (mean ± sd of `n` draws)."
    rng, out = np.random.default_rng(0), []
    for split, ids in (('test', ds.test_ids_ok), ('OOF', [r for r in ds.train_ids if ds.folds.get(r, -1) in res[0]['folds']])):
        t = ds.truth['test' if split=='test' else 'train'].loc[ids, [f's{i}' for i in range(24)]].values
        v = [lwlrap(t, rng.random(t.shape)) for _ in range(n)]
        out.append(f"{split} {np.mean(v):.4f} ± {np.std(v):.4f}")
    return "\n\nChance (random scores, same recordings): " + ', '.join(out) + "."

def table(res, seeds):
    "Markdown table: one row per config, mean ± sd over seeds (sd omitted for one seed), and the change from baseline."
    df = pd.DataFrame(res)
    hdr = ['config'] + [n for _, n in METRICS] + ['Δ test vs baseline', 'Δ OOF vs baseline', 'train s/fold']
    lines = ['| ' + ' | '.join(hdr) + ' |', '|' + '---|'*len(hdr)]
    base = df[df.config=='baseline'].set_index('seed')
    for c in CONFIGS:
        d = df[df.config==c].set_index('seed')
        if not len(d): continue
        row = [c] + [_fmt(d[k]) for k, _ in METRICS]
        for k in ('test_lwlrap', 'oof_lwlrap'):
            common = d.index.intersection(base.index)
            row.append('—' if c=='baseline' or not len(common) else '%+.4f' % (d.loc[common, k] - base.loc[common, k]).mean()
                       + ('' if len(common) < 2 else ' ± %.4f' % (d.loc[common, k] - base.loc[common, k]).std(ddof=1)))
        row.append(f"{d.train_s_per_fold.mean():.0f}" if d.train_s_per_fold.notna().all() else 'resumed')
        lines.append('| ' + ' | '.join(row) + ' |')
    return '\n'.join(lines)

def report(res, ds, data, preset, fl, fold_seed, seeds, cmd, t_all, out):
    "Write OUT/ablations.md and .json (after every run, so a cut-off job leaves its finished rows); returns the markdown."
    wall = time.time() - t_all
    md = (f"# Ablations ({preset} preset, {Path(data).name}: {len(ds.train_ids)} train / {len(ds.test_ids_ok)} test recordings)\n\n"
          f"Folds trained: {fl} of {ds.folds.nunique()} (fold split seed {fold_seed}); epochs {res[0]['epochs']}; training seeds {seeds} "
          f"({'mean ± sd over seeds' if len(seeds) > 1 else 'one seed: no noise estimate'}).\n\n"
          + table(res, seeds) + chance(ds, res) +
          f"\n\nTest clip LWLRAP: {res[0]['n_test']} test recordings never labelled, scored by the mean of the trained fold models, max over "
          f"windows, vs full truth. OOF: the {res[0]['n_oof']} train recordings of the held-out fold(s), scored by the model that did not "
          f"see them. Crop: masked LWLRAP over the held-out TP/FP crops (known labels only, identical evaluation for every config); "
          f"train_folds' own masked_lwlrap is shown too but for `unmasked` it counts unknown classes as negatives (FillUnknown runs on "
          f"validation batches), so it is not comparable.\n\nCommand: `{cmd}`  \nWall time: {wall:.0f} s\n")
    atomic_write(out/'ablations.md', md)
    atomic_write(out/'ablations.json', json.dumps(dict(command=cmd, wall_s=wall, preset=preset, data=str(data), folds=fl,
                                                  fold_seed=fold_seed, seeds=seeds, results=res), indent=1))
    return md

@call_parse
def main(data:str='/work/data160', # synthetic dataset (created with make_synth(n_train=160, n_test=80, seed=42) if missing)
         out:str='/work/runs/ablations', # output folder: one run folder per config and seed, ablations.md/.json
         folds:str='0', # comma-separated folds to train, or 'all'
         epochs:int=None, # epochs per fold (default: the preset's)
         seeds:str='42', # comma-separated training seeds (fold split stays fixed by --fold_seed)
         fold_seed:int=42, # seed of the fold split (the same for every run)
         preset:str='cpu', # train preset
         configs:str=','.join(CONFIGS), # which configs to run
        ):
    t_all = time.time(); out = Path(out); out.mkdir(parents=True, exist_ok=True)
    cmd = 'python ' + ' '.join(sys.argv)
    if not Path(data).is_dir():
        print(f"creating synthetic dataset {data} (160 train / 80 test, seed 42)"); make_synth(data, n_train=160, n_test=80, seed=42)
    seeds = [int(s) for s in seeds.split(',')]; names = configs.split(',')
    bad = set(names) - set(CONFIGS)
    if bad: raise ValueError(f"unknown config(s) {sorted(bad)}: choose from {', '.join(CONFIGS)}")
    base = train_config(preset)
    fl = list(range(base.n_folds)) if folds == 'all' else [int(f) for f in folds.split(',')]
    ds = RFCxData(data, base.spec_cfg, n_folds=base.n_folds, seed=fold_seed).build_cache(progress=False)
    if 'test' not in ds.truth or 'train' not in ds.truth: raise FileNotFoundError(f"{data}/truth/{{train,test}}.csv needed (synthetic data)")
    print(ds, f"| folds {fl} of {base.n_folds} | seeds {seeds}", flush=True)
    res = []
    for seed in seeds:
        for name in names:
            run = out/f'{name}_s{seed}'
            kw = dict(CONFIGS[name], seed=seed, folds=fl, **({} if epochs is None else dict(epochs=epochs)))
            cfg = train_config(preset, **kw)
            if (run/'config.json').exists():  # resume: the saved config must be the one asked for
                old = TrainConfig.from_json(run/'config.json')
                diff = {k: (getattr(old, k), getattr(cfg, k)) for k in ('masked','mixover','coord','seed','epochs','arch')
                        if getattr(old, k) != getattr(cfg, k)}
                if diff: raise ValueError(f"{run}/config.json differs from this command ({diff}): use another --out")
            todo = [k for k in fl if not (run/f'fold{k}'/'metrics.json').exists()]
            t0 = time.time()
            folds_res = train_folds(ds, cfg, run, progress=False)
            t_train = time.time() - t0
            fresh = len(todo) == len(fl)
            t1 = time.time(); ev = evaluate(ds, run, fl); t_eval = time.time() - t1
            r = dict(config=name, seed=seed, folds=fl, epochs=cfg.epochs, **ev,
                     fold_lwlrap=float(folds_res.masked_lwlrap.mean()), fold_auc=float(folds_res.masked_auc.mean()),
                     train_s_per_fold=t_train/len(fl) if fresh else None, eval_s=t_eval)
            res.append(r)
            print(f"{name:10s} seed {seed}: test {r['test_lwlrap']:.4f}  OOF {r['oof_lwlrap']:.4f} (n={r['n_oof']})  "
                  f"crop {r['crop_lwlrap']:.4f} / AUC {r['crop_auc']:.4f}  fold-metric {r['fold_lwlrap']:.4f}  "
                  f"train {t_train:.0f} s{'' if fresh else ' (resumed)'}, eval {t_eval:.0f} s", flush=True)
            report(res, ds, data, preset, fl, fold_seed, seeds, cmd, t_all, out)
    print('\n' + report(res, ds, data, preset, fl, fold_seed, seeds, cmd, t_all, out))
