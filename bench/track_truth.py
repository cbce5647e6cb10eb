#!/usr/bin/env python
"""Does a metric computable without truth track the truth? For trained stage folders of runs on one synthetic dataset,
prints per stage the headline oof_tp_lwlrap (out-of-fold train clips vs their TP labels), the masked crop metric (mean of
folds.csv) and the test clip LWLRAP against truth (raw scores), then the Spearman correlation of each with the truth.
  python bench/track_truth.py DATA STAGE [STAGE ...] [--cache C]"""
import numpy as np, pandas as pd
from pathlib import Path
from fastcore.script import call_parse, Param
from rfcx_nbdev.train import RFCxData, TrainConfig
from rfcx_nbdev.pseudo import stage_windows, clip_probs, truth_lwlrap, tp_lwlrap

def stage_data(data, st, cache, dss:dict)->RFCxData:
    "The `RFCxData` of a stage folder, one per (folds, seed, spectrogram) in `dss`: folds follow the run's seed, or the 'out-of-fold' models are wrong."
    cfg = TrainConfig.from_json(Path(st)/'config.json'); key = (cfg.n_folds, cfg.seed, str(cfg.spec))
    if key not in dss: dss[key] = RFCxData(data, cfg.spec_cfg, cache_dir=cache or Path(st).parent/'cache', n_folds=cfg.n_folds, seed=cfg.seed).build_cache(progress=False)
    return dss[key]

@call_parse
def main(data:str, # synthetic dataset folder
         stages:Param("trained stage folders (RUN/stage1, RUN/round1, ...)", str, nargs='+'),
         cache:str=None, # spectrogram cache folder
        ):
    rows, dss = [], {}
    for st in stages:
        ds = stage_data(data, st, cache, dss)
        w = stage_windows(ds, st, progress=False)
        oof = clip_probs(w[(w.split=='train') & w.oof])
        fc = Path(st)/'folds.csv'
        rows.append(dict(stage=st, oof_tp_lwlrap=tp_lwlrap(oof, ds.labels, ds.classes),
                         valid_masked_lwlrap=pd.read_csv(fc).masked_lwlrap.mean() if fc.exists() else np.nan,
                         test_lwlrap=truth_lwlrap(clip_probs(w[w.split=='test']), ds.truth['test'])))
    df = pd.DataFrame(rows); print(df.to_string(index=False, float_format='%.4f'))
    for k in ('oof_tp_lwlrap', 'valid_masked_lwlrap'):
        print(f"Spearman({k}, test_lwlrap) = {df[[k, 'test_lwlrap']].corr(method='spearman').iloc[0, 1]:.3f} over {len(df)} stages")
