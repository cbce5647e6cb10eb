#!/usr/bin/env python
"""Peak memory (RSS) of `rfcx_pipeline` at two or more dataset sizes: it must not grow with the number of recordings
(spectrograms live in the on-disk cache and are memory-mapped crop by crop).

Makes synthetic datasets (`make_synth`, 60 s recordings) of each size if missing, then runs the console script
`rfcx_pipeline D R --preset cpu --rounds N --epochs E` in a subprocess under `/usr/bin/time -v` and reads
"Maximum resident set size" (the peak of the pipeline process; it spawns no workers with the cpu preset). Also prints
the cache size on disk and the wall time.

  python bench/memory.py                                  # sizes 40/20 and 80/40, --rounds 1 --epochs 2
  python bench/memory.py --sizes 160/80 --rounds 2 --epochs 10   # the 160/80 budget: peak < 4 GB
  OMP_NUM_THREADS=1 nice -n 10 python bench/memory.py     # on a shared machine
"""
import shutil, sys, tempfile, time
from fastcore.script import call_parse
from fastcore.basics import AttrDict
from pathlib import Path
from common import console_script, time_v

def du_mb(p): return sum(f.stat().st_size for f in Path(p).rglob('*') if f.is_file())/2**20

@call_parse
def main(sizes:str='40/20,80/40', # comma-separated n_train/n_test pairs
         duration:float=60., # recording length (s)
         rounds:int=1, # pseudo-label rounds
         epochs:int=2, # epochs per fold (stage 1)
         preset:str='cpu', # training preset
         root:str=str(Path(tempfile.gettempdir())/'rfcx_memory'), # datasets and runs go here
         keep:bool=False, # keep the run folders
        ):
    a = AttrDict(locals())
    from rfcx_nbdev.synth import make_synth
    exe = console_script('rfcx_pipeline')
    root = Path(a.root); res = []
    for size in a.sizes.split(','):
        ntr, nte = map(int, size.split('/'))
        data = root/f'data_{ntr}_{nte}_{int(a.duration)}s'
        if not (data/'sample_submission.csv').exists():
            t = time.time(); make_synth(data, n_train=ntr, n_test=nte, seed=0, duration=a.duration, progress=False)
            print(f"made {data} in {time.time()-t:.0f} s", flush=True)
        run = root/f'run_{ntr}_{nte}'; shutil.rmtree(run, ignore_errors=True); shutil.rmtree(data/'cache', ignore_errors=True)
        cmd = [exe, str(data), str(run), '--preset', a.preset, '--rounds', str(a.rounds), '--epochs', str(a.epochs)]
        print('$ ' + ' '.join(cmd), flush=True)
        mb, secs, r = time_v(cmd)
        if r.returncode: print(r.stderr[-1500:], file=sys.stderr); sys.exit(f"rfcx_pipeline failed ({r.returncode}) on {size}")
        res.append((size, ntr+nte, mb, du_mb(data/'cache'), du_mb(data/'train')+du_mb(data/'test'), secs))
        print(f"{size}: peak RSS {mb:.0f} MB, cache {res[-1][3]:.0f} MB, audio {res[-1][4]:.0f} MB, {secs:.0f} s", flush=True)
        if not a.keep: shutil.rmtree(run, ignore_errors=True)
    print(f"\n| train/test | recordings | peak RSS (MB) | cache on disk (MB) | FLAC (MB) | wall (s) |\n|---|---|---|---|---|---|")
    for r in res: print(f"| {r[0]} | {r[1]} | {r[2]:.0f} | {r[3]:.0f} | {r[4]:.0f} | {r[5]:.0f} |")
    if len(res) > 1:
        (s0, n0, m0, *_), (s1, n1, m1, *_) = res[0], res[-1]
        print(f"peak RSS grows {m1-m0:+.0f} MB ({(m1-m0)/max(n1-n0,1):+.2f} MB per recording) from {n0} to {n1} recordings")

