#!/usr/bin/env python
"""Spectrogram cache build time per hour of audio beside plain FLAC decode time of the same files.

  python bench/cache_build.py                      # small synthetic dataset (rfcx_nbdev.synth), 20 train clips of 60 s
  python bench/cache_build.py --data DIR --n 50    # the first 50 files of DIR/train (e.g. the Kaggle folder)

Prints seconds per hour of audio for (a) soundfile.read of every file, (b) SpecCache.build of the same files into a
fresh cache (decode + resample to 32 kHz + log-mel + float16 .npy), and their ratio (tracked figure).
"""
import sys, tempfile, time, shutil
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, installed or not
import soundfile as sf
from fastcore.script import call_parse
from rfcx_nbdev.data import SpecCache, SpecConfig

@call_parse
def main(data:str=None, # dataset folder with train/*.flac (default: make a synthetic one in a temp dir)
         n:int=20, # number of files (synthetic: train recordings generated)
         workers:int=0, # SpecCache.build worker processes
         keep:bool=False, # keep the temp folder
        ):
    tmp = Path(tempfile.mkdtemp(prefix='rfcx_bench_'))
    try:
        if data is None:
            from rfcx_nbdev.synth import make_synth
            t = time.perf_counter()
            data = make_synth(tmp/'synth', n_train=n, n_test=1, seed=0, progress=False)
            print(f"synthetic dataset: {n} train clips in {time.perf_counter()-t:.1f} s")
        files = sorted(Path(data, 'train').glob('*.flac'))[:n]
        if not files: raise SystemExit(f"no FLAC files in {Path(data, 'train')}")
        hours = sum(sf.info(f).duration for f in files)/3600
        t = time.perf_counter()
        for f in files: sf.read(f, dtype='float32')
        t_dec = time.perf_counter() - t
        cache = SpecCache(tmp/'cache', SpecConfig(), workers=workers)
        t = time.perf_counter()
        fails = cache.build(files, progress=False)
        t_build = time.perf_counter() - t
        t = time.perf_counter(); cache.build(files, progress=False); t_reuse = time.perf_counter() - t
        mb = sum(p.stat().st_size for p in cache.dir.glob('*.npy'))/2**20
        print(f"files: {len(files)} ({hours*60:.1f} min of audio), failures: {len(fails)}, workers: {workers}")
        print(f"FLAC decode (soundfile.read): {t_dec:.2f} s = {t_dec/hours:.1f} s per hour of audio")
        print(f"cache build (SpecCache.build): {t_build:.2f} s = {t_build/hours:.1f} s per hour of audio")
        print(f"ratio build / decode: {t_build/t_dec:.2f}")
        print(f"cache reuse (second build, nothing to do): {t_reuse*1e3:.0f} ms; cache size {mb:.1f} MB = {mb/hours:.0f} MB per hour")
    finally:
        if not keep: shutil.rmtree(tmp, ignore_errors=True)
