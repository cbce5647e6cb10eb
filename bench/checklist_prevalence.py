#!/usr/bin/env python
"""What a checklist of recordings buys (`08_postproc.read_prevalence`, `13_review.write_checklist`): a simulated listener
ticks the species heard in N test recordings drawn at random (the truth's clip labels), each species' share of them,
(heard + 1/2) / (N + 1) (`checklist_prevalence`), replaces EM's prevalence in the run's own post-processing
(`RUN/post.json` through `apply_post`, as `rfcx_predict --prevalence FILE` applies it), and the output is scored on the
test recordings NOT in the checklist, beside EM's output, the constant ranking by the true test frequencies and the same
evidence at the true prevalence, on the same recordings. Trains nothing; needs the run's data folder with truth.
  python bench/checklist_prevalence.py RUN [RUN ...] [--n 5,10,20,40] [--draws 50] [--plot FILE.png]
Prints mean +- sd over the draws per run and N, then the mean over runs; --plot: test LWLRAP against N, each arm."""
import json
from pathlib import Path
import numpy as np, pandas as pd
from fastcore.script import call_parse, Param
from rfcx_nbdev.metrics import lwlrap
from rfcx_nbdev.train import final_stage
from rfcx_nbdev.postproc import apply_post, checklist_prevalence
from common import run_data, stage_clips, template_clips, seed_list

ARMS = ('EM (the default)', 'checklist', 'constant (true frequencies)', 'true prevalence')

def checklist_figures(run, ns, draws:int=50, seed:int=0)->dict:
    "{(N, arm): [test LWLRAP of each draw on the recordings outside the checklist]} for one pipeline run."
    run = Path(run); dd, data = run_data(run/'report.json'); stage = final_stage(run)
    raw, oof, _ = stage_clips(data, stage); truth = data.truth['test'].loc[raw.index, raw.columns]
    post = json.loads((run/'post.json').read_text())
    if post.get('method') != 'evidence': raise SystemExit(f"{run}: its post-processing is {post.get('method')!r}, not the evidence posterior")
    (tt,) = template_clips(run, raw) if 'templates' in post['features'] else (None,)
    em = apply_post(raw.values, post, tt, prevalence='run')  # the submission: EM's prevalence on the run's test clips
    rng, out, N = np.random.default_rng(seed), {}, len(raw)
    for n in ns:
        for _ in range(draws):
            s = rng.choice(N, n, replace=False); h = np.setdiff1d(np.arange(N), s); T = truth.values[h]
            at = lambda pi: apply_post(raw.values[h], post, None if tt is None else tt[h], prevalence=pi)  # the run's post-processing at a prevalence
            for arm, p in zip(ARMS, (em[h], at(checklist_prevalence(truth.iloc[s], truth.columns)),
                                     np.broadcast_to(truth.values.mean(0), T.shape), at(truth.values.mean(0)))):
                out.setdefault((n, arm), []).append(lwlrap(T, p))
    return out

@call_parse
def main(runs:Param("pipeline run folders on synthetic data (report.json, post.json, template_scores.csv, stage windows)", str, nargs='+'),
         n:Param("checklist sizes (recordings), comma-separated", str)='5,10,20,40',
         draws:Param("random checklists per size", int)=50,
         plot:Param("write the figure (test LWLRAP against the checklist's size) here", str)=None):
    ns, allr = seed_list(n), {}
    for run in runs:
        f = checklist_figures(run, ns, draws); print(f"== {run}")
        for (k, arm), v in f.items():
            print(f"N={k:3d}  {arm:28s} {np.mean(v):.4f} +- {np.std(v):.4f}"); allr.setdefault((k, arm), []).append(np.mean(v))
    if len(runs) > 1:
        print(f"== mean +- sd over the {len(runs)} runs (each the mean of its {draws} draws)")
        for (k, arm), v in allr.items(): print(f"N={k:3d}  {arm:28s} {np.mean(v):.4f} +- {np.std(v):.4f}")
    if plot:
        import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(6, 3.5), dpi=100)
        for arm, st in zip(ARMS, ('o-', 's-', ':', '--')):
            m = [np.mean(allr[(k, arm)]) for k in ns]; sd = [np.std(allr[(k, arm)]) for k in ns]
            ax.errorbar(ns, m, yerr=sd, fmt=st, capsize=3, label=arm)
        ax.set(xlabel='recordings in the checklist (N)', ylabel='test LWLRAP, the other recordings', xticks=ns,
               title=f'{len(runs)} run(s), {draws} checklists each (sd over runs)')
        ax.legend(fontsize=8); fig.tight_layout(); fig.savefig(plot); print(f"figure: {plot}")
