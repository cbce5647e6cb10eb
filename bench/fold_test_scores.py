#!/usr/bin/env python
"""How a test clip's model score is made, against how an out-of-fold train clip's is: the pipeline scores a test
window by the mean of the fold models' probabilities, then takes the clip's maximum over windows; a train clip is one
fold model's maximum. A maximum of averages is lower than an average of maxima, so the test clips sit lower than the
train clips the evidence fit saw. Here each fold model scores the test clips alone (its clip maximum) and the clip score
is their mean, the way the templates already score test clips (`00b_templates`). Re-scored through the default
post-processing (`08_postproc.apply_post`), with the templates and without (`--blend 0`); scores the test clips anew
(about 40 s a run on 2 cores), trains nothing.
  python bench/fold_test_scores.py RUN [RUN ...] [--cache C]
Prints per run: the models' mean test logit on absent / present clips, raw, `--blend 0` and default test LWLRAP."""
from pathlib import Path
import numpy as np, pandas as pd
from fastcore.script import call_parse, Param
from rfcx_nbdev.train import final_stage, Run
from rfcx_nbdev.pseudo import clip_probs
from rfcx_nbdev.metrics import lwlrap
from rfcx_nbdev.postproc import evidence_post, apply_post, _logit
from common import run_data, stage_clips, template_clips

@call_parse
def main(runs:Param("pipeline run folders on synthetic data", str, nargs='+'),
         cache:str=None, # spectrogram cache (default RUN/cache)
        ):
    for run in map(Path, runs):
        _, data = run_data(run/'report.json', cache=cache or run/'cache'); data.build_cache(progress=False)
        st = final_stage(run); raw, oof, y = stage_clips(data, st); r = Run(st); T = data.truth['test'].loc[raw.index, raw.columns].values
        to, tt = template_clips(run, oof, raw); per = []
        for m in r.models():
            w = pd.concat([r.windows([m], data.cache[i]).assign(recording_id=i) for i in raw.index], ignore_index=True)
            per.append(clip_probs(w, data.classes).reindex(raw.index)[raw.columns].values)
        print(f"== {run} (stage {st.name})")
        for name, pt in (('ensemble window mean, clip max (the pipeline)', raw.values), ('mean over folds of each fold clip max', np.mean(per, 0))):
            z = _logit(pt); b0 = apply_post(pt, evidence_post(oof.values, y)); d = apply_post(pt, evidence_post(oof.values, y, to), tt)
            print(f"{name:48s} logit absent {z[T == 0].mean():+.2f} present {z[T == 1].mean():+.2f} | raw {lwlrap(T, pt):.4f} --blend 0 {lwlrap(T, b0):.4f} default {lwlrap(T, d):.4f}", flush=True)
        zo = _logit(oof.values); Tr = data.truth['train'].loc[oof.index, oof.columns].values
        print(f"{'(out-of-fold train clips)':48s} logit absent {zo[Tr == 0].mean():+.2f} present {zo[Tr == 1].mean():+.2f}")
