#!/usr/bin/env python
"""Review rounds against random boxes (`14_review_loop`, issue 32): on the field-like few-shot set, per training seed,
run 0 on the dataset's own labels, then per arm (`suggest`: `rfcx_suggest`'s choice; `random`: boxes drawn at random)
ROUNDS rounds of BOXES boxes, each answered from the truth and trained into a new run with every answer so far; the
test LWLRAP of each run's submission. About 3.5 hours with the defaults on 2 cores (21 cpu-preset runs); re-run to resume.
  python bench/review_loop.py OUT                 # the benchmark of record: 200/80 recordings of 60 s, 3 rounds of 50, seeds 42,43,44
  python bench/review_loop.py OUT --small         # the test suite's sizes (a minute): a check of the script
Prints a line per round, the table by arm and round (mean and sd over seeds) and issue 32's test at 100 boxes;
writes OUT/rounds.csv, OUT/rounds_summary.csv and OUT/review_rounds.png."""
from pathlib import Path
import pandas as pd
from fastcore.script import call_parse, Param
from rfcx_nbdev.core import atomic_write
from rfcx_nbdev.field import make_field
from rfcx_nbdev.train import parse_set
from rfcx_nbdev.review_loop import REVIEW_SIZES, review_rounds, rounds_table, review_gain, plot_review_rounds
from common import seed_list

@call_parse
def main(out:str, # benchmark folder (runs, review folders, the tables; re-run the same command to resume)
         data:str=None, # dataset folder with truth (default: OUT/data, made with the sizes below by make_field)
         small:bool=False, # the test suite's sizes (`REVIEW_SIZES['small']`) for every option not given
         n_train:int=None, # train recordings (default 200)
         n_test:int=None, # test recordings (default 80)
         duration:float=None, # seconds a recording (default 60)
         density:str=None, # labels: few (~3-5 TP rows per species, the default) or rfcx
         data_seed:int=None, # dataset seed (default 42)
         rounds:int=None, # review rounds after run 0 (default 3)
         boxes:int=None, # boxes a round (default 50)
         seeds:str=None, # training seeds (default 42,43,44)
         preset:str=None, # rfcx_pipeline preset (default cpu)
         asked:int=None, # issue 32's test after this many boxes asked (default: two rounds', 100)
         set:Param("TrainConfig overrides, key=value ... (as rfcx_pipeline --set)", str, nargs='*')=None,
        ):
    P = REVIEW_SIZES['small' if small else 'full']; out = Path(out)
    a = lambda v, k: P[k] if v is None else v
    kw = P['kw'] | parse_set(set)
    ds = Path(data) if data else make_field(out/'data', n_train=a(n_train, 'n_train'), n_test=a(n_test, 'n_test'), seed=a(data_seed, 'data_seed'),
                                            density=a(density, 'density'), duration=a(duration, 'duration'), progress=False)
    df = review_rounds(ds, out, a(rounds, 'n_rounds'), a(boxes, 'n_boxes'), seed_list(seeds) if seeds else P['seeds'], preset=a(preset, 'preset'),
                       log=lambda s: print(s, flush=True), **kw)
    t = rounds_table(df); atomic_write(out/'rounds_summary.csv', t.to_csv(index=False)); plot_review_rounds(df, out/'review_rounds.png')
    with pd.option_context('display.width', 200, 'display.max_columns', 20): print(t.round(4).to_string(index=False))
    asked = asked or 2*a(boxes, 'n_boxes')
    try: g = review_gain(df, asked); print(f"after {asked} boxes asked: gain of the suggestions {g['suggest']:+.4f}, of random boxes {g['random']:+.4f}: "
                                         f"{'met' if g['met'] else 'NOT met'} (>= 0.05 and >= 2x random){'; small sizes: not a result' if small else ''}")
    except ValueError as e: print(e)
    print(f"tables: {out/'rounds.csv'}, {out/'rounds_summary.csv'}; plot: {out/'review_rounds.png'}")
