#!/usr/bin/env python
"""Scaling of `rfcx_predict` over an archive: seconds per hour of audio with 1 and 2 Dask workers (`--dask local`),
and the peak memory (RSS) of one run at 20 and 200 files (it must not grow with the number of files).

Builds a random-init run folder (speed does not depend on the weights) and its ONNX bundle, and writes short FLAC
recordings (48 kHz noise with a few tones, resampled to the run's 32 kHz as real ones are). Throughput: `predict_folder`
in this process on `n_time` recordings of `duration` s, with the local engine (one ONNX thread) and on a Dask
`LocalCluster` of 1 and then 2 worker processes (one ONNX thread each; the clusters are started and warmed up before
the clock starts), best of `repeats`; the scores of every Dask run must equal the local ones. Memory: `rfcx_predict`
in a subprocess on the first 20 and all 200 of `n_rss` recordings of `rss_duration` s, local and `--dask local
--workers 2`, peak RSS from the kernel's accounting (`getrusage` of a small launcher's children: the largest of
`rfcx_predict` and, with Dask, its worker processes). The machine may be shared: the load average is printed first.

  pip install -e ".[dev,dask]" && python bench/predict_scale.py     # 40 x 60 s timed, 200 x 10 s for memory (about 3 min)
  python bench/predict_scale.py --n_time 120 --repeats 3            # longer, steadier
"""
import logging, os, shutil, subprocess, sys, tempfile, time
from pathlib import Path
import numpy as np, pandas as pd, soundfile as sf
from fastcore.script import call_parse
from rfcx_nbdev.inference import predict_folder, onnx_bundle   # no torch: Dask's spawned workers import this file again

def write_recordings(folder, n, duration, sr=48000, seed=0):
    "`n` FLAC files of `duration` s: pink-ish noise and three tones each, different per file."
    folder = Path(folder); folder.mkdir(parents=True, exist_ok=True); rng = np.random.default_rng(seed)
    t = np.arange(int(duration*sr))/sr
    for k in range(n):
        y = 0.02*np.cumsum(rng.standard_normal(len(t)))/np.sqrt(len(t)) + 0.01*rng.standard_normal(len(t))
        for f0, s0 in zip(rng.uniform(1000, 12000, 3), rng.uniform(0, duration-1, 3)): y += 0.2*np.sin(2*np.pi*f0*t)*((t >= s0) & (t < s0+.5))
        sf.write(folder/f'rec{k:04d}.flac', y.astype(np.float32), sr)
    return sorted(folder.glob('*.flac'))

# A small launcher runs the command and prints its children's peak RSS: a process started straight from this one would
# inherit this one's high-water mark (torch is loaded here), the launcher's is a few MB.
LAUNCH = "import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(r.returncode)"

def peak_rss(cmd)->tuple:
    "Run `cmd`: (peak RSS in MB of its largest process, wall s); exits with its stderr when it fails."
    t = time.perf_counter()
    r = subprocess.run([sys.executable, '-c', LAUNCH] + [str(c) for c in cmd], capture_output=True, text=True)
    if r.returncode: sys.exit(f"{' '.join(map(str, cmd))} failed:\n{r.stderr[-3000:]}")
    return int(r.stdout.split()[-1])/1024, time.perf_counter() - t   # ru_maxrss is in kB on Linux

@call_parse
def main(n_time:int=40, # recordings timed for throughput
         duration:float=60., # their length (s)
         n_rss:int=200, # recordings for the memory runs (the first 20, then all)
         rss_duration:float=10., # their length (s)
         repeats:int=1, # throughput: best of this many
         arch:str='resnet10t', # timm architecture of the random-init run
         folds:int=4, # fold models (ensemble size)
         n_mels:int=64, hop:int=1024, # spectrogram settings
         keep:bool=False, # keep the work folder (printed)
        ):
    from distributed import Client, LocalCluster
    from rfcx_nbdev.data import SpecConfig
    from rfcx_nbdev.test_utils import save_random_run
    work = Path(tempfile.mkdtemp(prefix='rfcx_scale_'))
    try:
        t = time.perf_counter()
        run = save_random_run(work/'run', arch=arch, n_folds=folds, spec=SpecConfig(n_mels=n_mels, hop=hop))
        onnx_bundle(run); t_exp = time.perf_counter() - t
        ft, fr = write_recordings(work/'timed', n_time, duration), write_recordings(work/'rss', n_rss, rss_duration, seed=1)
        (work/'rss20').mkdir()
        for f in fr[:20]: os.link(f, work/'rss20'/f.name)
        h = n_time*duration/3600
        print(f"load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} cpus; run: {arch} x{folds} folds (random init), {n_mels} mels, "
              f"hop {hop}; run + ONNX export {t_exp:.1f} s; {n_time} x {duration:.0f} s recordings timed ({h*60:.0f} min of audio)", flush=True)
        def timed(name, **k):
            best = min(predict_folder(run, ft, work/f'{name}.csv', progress=False, threads=1, **k).seconds for _ in range(repeats))
            return best, pd.read_csv(work/f'{name}.csv').set_index('recording_id')
        predict_folder(run, ft[:2], work/'warm.csv', progress=False, threads=1)
        rows = [('local (in process)', 1, *timed('local'))]
        for nw in (1, 2):
            lc = LocalCluster(n_workers=nw, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.ERROR)
            client = Client(lc)
            try:
                predict_folder(run, ft[:2*nw], work/'warm.csv', progress=False, dask=client)   # every worker makes its ONNX session
                rows.append(('--dask local', nw, *timed(f'dask{nw}', dask=client)))
            finally: client.close(); lc.close()
        ref = rows[0][3]
        print(f"\nthroughput (best of {repeats}):\n| engine | workers | s | s per audio hour | x real time | max abs diff vs local |\n|---|---|---|---|---|---|")
        for name, nw, s, df in rows:
            print(f"| {name} | {nw} | {s:.1f} | {s/h:.1f} | {h*3600/s:.0f} | {(df - ref).abs().values.max():.1e} |")
        print(f"scaling 1 -> 2 Dask workers: {rows[1][2]/rows[2][2]:.2f}x")
        from common import console_script   # here, not above: common imports torch, which Dask's workers need not
        cli = console_script('rfcx_predict')
        print(f"\npeak RSS of rfcx_predict ({rss_duration:.0f} s recordings; the largest process: with --dask, of the client and its 2 workers):\n| files | local MB | local s | --dask local --workers 2 MB | s |\n|---|---|---|---|---|")
        for n, folder in ((20, work/'rss20'), (n_rss, work/'rss')):
            (a, ta), (b, tb) = (peak_rss([sys.executable, cli, folder, run, '--out', work/f'rss_{n}_{m}.csv', '--quiet'] + x)
                                for m, x in (('local', []), ('dask', ['--dask', 'local', '--workers', '2'])))
            print(f"| {n} | {a:.0f} | {ta:.1f} | {b:.0f} | {tb:.1f} |", flush=True)
    finally:
        if keep: print(f"work folder: {work}")
        else: shutil.rmtree(work, ignore_errors=True)
