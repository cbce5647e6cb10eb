#!/usr/bin/env python
"""Ways of scoring the test clips with a run's templates, tried against `00b_templates`' default and not adopted, each
re-scored through the default post-processing (`08_postproc.evidence_post`, `apply_post`) on the run's last stage:
- how a test clip (no fold) is scored: the mean over folds of each fold's best standardised peak (the default), or
  one fold's, drawn per recording (crc32 of its id), as a labelled train clip is scored;
- more templates a box: its rows shifted by +-1 or +-2 mel rows (pitch), its width stretched by 0.8 and 1.25 (tempo).
Prints, per variant, the templates' per-species test ROC AUC, the output's test LWLRAP and the mean score of absent and
present clips on train and test (full truth). Reads the recordings' spectrograms (`--cache`: a run's spectrogram
cache, else built in a temporary folder, a minute or two); trains nothing.
  python bench/template_variants.py RUN [--cache CACHE]"""
import time, zlib
from pathlib import Path
import numpy as np
from fastcore.script import call_parse
from scipy.ndimage import zoom
from rfcx_nbdev.metrics import lwlrap
from rfcx_nbdev.train import final_stage
from rfcx_nbdev.data import template_bank
from rfcx_nbdev.templates import TemplateBank
from rfcx_nbdev.postproc import evidence_post, apply_post
from common import run_data, stage_clips, known_auc

def more_templates(bank, n_mels:int, shifts=(0,), stretch=(1.,))->TemplateBank:
    "Every template of `bank` at each row shift (within the spectrogram) and width stretch."
    P, R, S, F = [], [], [], []
    for p, (r0, r1), s, f in zip(bank.patches, bank.rows, bank.species, bank.folds):
        for z in stretch:
            q = p if z == 1 else zoom(p, (1, z), order=1)
            for d in shifts:
                if 0 <= r0 + d and r1 + d <= n_mels: P.append(q); R.append((r0 + d, r1 + d)); S.append(s); F.append(f)
    return TemplateBank(P, R, S, F, bank.fold_ids, bank.species_cols)

@call_parse
def main(run:str, # pipeline run folder on synthetic data (report.json, stage windows)
         cache:str=None, # the run's spectrogram cache folder (default: built in a temporary folder)
        ):
    run = Path(run); _, data = run_data(run/'report.json', cache=cache); data.build_cache(progress=False)
    raw, oof, y = stage_clips(data, final_stage(run)); M = len(oof)
    truth, trt = (data.truth[s].loc[d.index, d.columns].values for s, d in (('test', raw), ('train', oof)))
    folds = data.folds.to_dict(); ids = list(oof.index) + list(raw.index); specs = {r: data.cache[r] for r in ids}
    base = template_bank(data.cache, data.labels, folds, data.classes); k = base.fold_ids
    one = [folds.get(r, k[zlib.crc32(r.encode()) % len(k)]) for r in ids]
    print(f"== {run}: {len(base)} templates; raw models {lwlrap(truth, raw.values):.4f}")
    for name, kw, fo in [('default (test: mean over folds)', {}, None), ('test: one fold per recording', {}, one),
                         ('pitch +-1 row', dict(shifts=(-1, 0, 1)), None), ('pitch +-2 rows', dict(shifts=(-2, -1, 0, 1, 2)), None),
                         ('stretch 0.8, 1.25', dict(stretch=(.8, 1., 1.25)), None)]:
        t0 = time.time(); b = more_templates(base, data.cache.cfg.n_mels, **kw) if kw else base
        pk = np.stack([b.peaks(specs[r]) for r in ids], 1); b.fit(pk)
        sc = b.scores(pk, fo or [folds.get(r) for r in ids]); to, tt = sc[:M], sc[M:]
        out = lwlrap(truth, apply_post(raw.values, evidence_post(oof.values, y, to), tt))
        m = lambda s, t, v: np.nanmean(np.where(t == v, s, np.nan))
        print(f"{name:34s} templates {len(b):4d}  AUC {known_auc(np.nan_to_num(tt), truth):.3f}  output {out:.4f}  "
              f"absent/present train {m(to, trt, 0):.2f}/{m(to, trt, 1):.2f} test {m(tt, truth, 0):.2f}/{m(tt, truth, 1):.2f}  ({time.time() - t0:.0f} s)", flush=True)
