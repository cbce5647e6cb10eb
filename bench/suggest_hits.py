#!/usr/bin/env python
"""How many of the boxes `rfcx_suggest` asks about are present (the truth answers, `13_review.simulate_review`), by how
the candidate windows are ranked: the run's evidence (`window_evidence`: models and templates, the default), the
models' window probabilities alone, and boxes drawn at random (the control). Trains nothing: one suggestion round from
a finished pipeline run on synthetic data with truth.
  python bench/suggest_hits.py DATA RUN [--n 50] [--cache CACHE]
Prints a line per ranking: boxes answered, present, and the reasons they were chosen."""
import tempfile
from pathlib import Path
from fastcore.script import call_parse
from rfcx_nbdev.review import suggest, simulate_review

@call_parse
def main(data:str, # dataset folder with truth
         run:str, # a pipeline run on it (post.json, templates.npz, its last stage's windows)
         n:int=50, # boxes a round
         cache:str=None, # spectrogram cache (default RUN/cache)
         seed:int=42, # the random control's draw
        ):
    for name, kw in (('evidence (the default)', dict(score='evidence')), ('models alone', dict(score='models')), ('at random', dict(at_random=True, seed=seed))):
        with tempfile.TemporaryDirectory() as d:
            b = suggest(data, run, Path(d)/'rev', n=n, cache=cache, sheets=False, **kw); a = simulate_review(Path(d)/'rev', data)
        print(f"{name:24s} {a['answered']:3d} answered, {a['present']:3d} present ({a['present']/max(a['answered'], 1):.0%}); {b.reason.value_counts().to_dict()}", flush=True)
