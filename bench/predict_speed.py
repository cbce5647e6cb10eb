#!/usr/bin/env python
"""Speed of `predict_folder` (what `rfcx_predict` runs): FLAC -> clip scores, in seconds per hour of audio.

Builds a random-init run folder (speed does not depend on the weights), then times a cold cache (decode, resample,
log-mel, write cache, models) and a warm cache (models on cached spectrograms), plus the no-cache path, on the CPU;
and the same on CUDA when a GPU is present. `--profile` splits one recording's time into decode / resample / mel / model.

  python bench/predict_speed.py                      # resnet10t x4 folds, 64 mels, hop 1024 on 20 synthetic 60 s recordings in $TMPDIR/rfcx_speed_data
  python bench/predict_speed.py --arch resnet34 --n_mels 128 --hop 512 --folds 5   # gpu preset models
"""
import shutil, tempfile, time, os
from pathlib import Path
import numpy as np, torch, soundfile as sf, soxr
from fastcore.script import call_parse
from rfcx_nbdev.synth import make_synth
from rfcx_nbdev.data import SpecConfig, melspec
from rfcx_nbdev.train import Run
from rfcx_nbdev.inference import predict_folder
from rfcx_nbdev.test_utils import save_random_run

@call_parse
def main(data:str=str(Path(tempfile.gettempdir())/'rfcx_speed_data'), # synthetic dataset folder (made if missing)
         n:int=20, # test recordings to make if DATA is missing
         duration:float=60., # their length (s)
         arch:str='resnet10t', # timm architecture of the random-init run
         n_mels:int=64, hop:int=1024, n_fft:int=2048, # spectrogram settings
         crop_len:float=5., # window length (s)
         folds:int=4, # fold models in the run (ensemble size)
         sliding:bool=False, # full_clip=False
         profile:bool=False, # split one recording's time into decode / resample / mel / model
         repeats:int=3, # timings per setting (best and median are printed)
        ):
    data = Path(data)
    if not (data/'test').is_dir(): make_synth(data, n_train=1, n_test=n, duration=duration, progress=False)
    files = sorted((data/'test').glob('*.flac'))
    work = Path(tempfile.mkdtemp(prefix='rfcx_speed_'))
    spec = SpecConfig(n_mels=n_mels, hop=hop, n_fft=n_fft)
    run = Run(save_random_run(work/'run', arch=arch, n_folds=folds, spec=spec, crop_len=crop_len))
    print(f"load average {os.getloadavg()[0]:.1f}; {len(files)} files from {data}; run: {arch} x{folds} (random init), {spec}, torch threads {torch.get_num_threads()}, "
          f"cpus {os.cpu_count()}, full_clip={not sliding}")
    for dev in ['cpu'] + (['cuda'] if torch.cuda.is_available() else []):
        ms = run.models(dev)
        def go(name, cache=None, fresh=False):
            ts = []
            for k in range(repeats):   # the machine is shared: report best and median of `repeats` runs
                cd = None if cache is None else (work/f'{cache}_{dev}_{k}' if fresh else work/f'{cache}_{dev}')
                r = predict_folder(run, files, work/f'{dev}_{name}.csv', cache_dir=cd, progress=False, device=dev,
                                   full_clip=not sliding, models=ms)
                ts.append(r.seconds)
            h, b, m = r.audio_s/3600, min(ts), float(np.median(ts))
            print(f"[{dev}] {name:10s}: {r.n_ok} files, {h*60:.1f} min audio; best {b:6.2f} s -> {b/h:6.1f} s per hour of audio, "
                  f"{r.audio_s/b:5.0f}x real time (median of {repeats}: {m/h:6.1f} s/h, {r.audio_s/m:5.0f}x)")
        predict_folder(run, files[:1], work/'warmup.csv', progress=False, device=dev, models=ms)
        go('cold cache', 'cache', fresh=True)   # a new cache folder each repeat: decode + resample + mel + write + models
        go('warm cache', 'cache')                # spectrograms read from the cache: models only
        go('no cache')                           # decode + resample + mel in memory + models
    if profile:
        models, sc, f = run.models('cpu'), run.spec, files[0]
        def best(fn, k=3):
            ts = []
            for _ in range(k): t = time.perf_counter(); out = fn(); ts.append(time.perf_counter()-t)
            return min(ts), out
        td, (y, sr0) = best(lambda: sf.read(f, dtype='float32'))
        tr, y32 = best(lambda: soxr.resample(y, sr0, sc.sr, quality='HQ'))
        tm, s = best(lambda: melspec(y32, sc))
        tmod, _ = best(lambda: run.windows(models, s, full_clip=not sliding))
        dur = len(y)/sr0; tot = td+tr+tm+tmod
        print(f"profile of one {dur:.0f} s file (best of 3, s per hour of audio): decode {td/dur*3600:.1f}, "
              f"resample {tr/dur*3600:.1f}, mel {tm/dur*3600:.1f}, model {tmod/dur*3600:.1f}; "
              f"sum {tot/dur*3600:.1f} s/h = {dur/tot:.0f}x (sequential, no overlap)")
    shutil.rmtree(work, ignore_errors=True)
