#!/usr/bin/env python
"""Speed of `predict_folder` (what `rfcx_predict` runs): FLAC -> clip scores, in seconds per hour of audio.

Builds a random-init run folder (speed does not depend on the weights), then times a cold cache (decode, resample,
log-mel, write cache, models) and a warm cache (models on cached spectrograms), plus the no-cache path, on the CPU;
and the same on CUDA when a GPU is present. `--profile` splits one recording's time into decode / resample / mel / model.

  python bench/predict_speed.py                      # cpu preset (resnet10t x4 folds, 64 mels, hop 1024) on 20 synthetic 60 s recordings in $TMPDIR/rfcx_speed_data
  python bench/predict_speed.py --arch resnet34 --n_mels 128 --hop 512 --folds 5   # gpu preset models
"""
import argparse, shutil, tempfile, time, os
from pathlib import Path
import numpy as np, torch, soundfile as sf, soxr
from rfcx_nbdev.synth import make_synth
from rfcx_nbdev.data import SpecConfig, melspec, load_audio
from rfcx_nbdev.inference import _save_run, load_run, predict_folder, predict_recording, run_spec

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--data', default=str(Path(tempfile.gettempdir())/'rfcx_speed_data'), help='synthetic dataset folder (made if missing)')
    ap.add_argument('--n', type=int, default=20, help='test recordings to make if --data is missing')
    ap.add_argument('--duration', type=float, default=60.)
    ap.add_argument('--arch', default='resnet10t', help='default: the cpu preset of 06_train')
    ap.add_argument('--n_mels', type=int, default=64)
    ap.add_argument('--hop', type=int, default=1024)
    ap.add_argument('--n_fft', type=int, default=2048)
    ap.add_argument('--crop_len', type=float, default=5.)
    ap.add_argument('--folds', type=int, default=4, help='fold models in the run (ensemble size; cpu preset: 4)')
    ap.add_argument('--sliding', action='store_true', help='full_clip=False')
    ap.add_argument('--profile', action='store_true')
    ap.add_argument('--repeats', type=int, default=3)
    a = ap.parse_args()
    data = Path(a.data)
    if not (data/'test').is_dir(): make_synth(data, n_train=1, n_test=a.n, duration=a.duration, progress=False)
    files = sorted((data/'test').glob('*.flac'))
    work = Path(tempfile.mkdtemp(prefix='rfcx_speed_'))
    spec = SpecConfig(n_mels=a.n_mels, hop=a.hop, n_fft=a.n_fft)
    run = _save_run(work/'run', arch=a.arch, n_folds=a.folds, spec=spec, crop_len=a.crop_len)
    print(f"load average {os.getloadavg()[0]:.1f}; {len(files)} files from {data}; run: {a.arch} x{a.folds} (random init), {spec}, torch threads {torch.get_num_threads()}, "
          f"cpus {os.cpu_count()}, full_clip={not a.sliding}")
    devs = ['cpu'] + (['cuda'] if torch.cuda.is_available() else [])
    for dev in devs:
        rc = load_run(run, dev)
        def go(name, cache=None, fresh=False):
            ts = []
            for k in range(a.repeats):   # the machine is shared: report best and median of `repeats` runs
                cd = None if cache is None else (work/f'{cache}_{dev}_{k}' if fresh else work/f'{cache}_{dev}')
                r = predict_folder(rc, files, work/f'{dev}_{name}.csv', cache_dir=cd, progress=False, device=dev,
                                   full_clip=not a.sliding)
                ts.append(r.seconds)
            h, b, m = r.audio_s/3600, min(ts), float(np.median(ts))
            print(f"[{dev}] {name:10s}: {r.n_ok} files, {h*60:.1f} min audio; best {b:6.2f} s -> {b/h:6.1f} s per hour of audio, "
                  f"{r.audio_s/b:5.0f}x real time (median of {a.repeats}: {m/h:6.1f} s/h, {r.audio_s/m:5.0f}x)")
        predict_folder(rc, files[:1], work/'warmup.csv', progress=False, device=dev)
        go('cold cache', 'cache', fresh=True)   # a new cache folder each repeat: decode + resample + mel + write + models
        go('warm cache', 'cache')                # spectrograms read from the cache: models only
        go('no cache')                           # decode + resample + mel in memory + models
    if a.profile:
        cfg, models = load_run(run, 'cpu'); sc = run_spec(cfg); f = files[0]
        def best(fn, n=3):
            ts = []
            for _ in range(n): t = time.perf_counter(); out = fn(); ts.append(time.perf_counter()-t)
            return min(ts), out
        td, (y, sr0) = best(lambda: sf.read(f, dtype='float32'))
        tr, y32 = best(lambda: soxr.resample(y, sr0, sc.sr, quality='HQ'))
        tm, s = best(lambda: melspec(y32, sc))
        with torch.no_grad(): tmod, _ = best(lambda: predict_recording(models, s, cfg, full_clip=not a.sliding))
        dur = len(y)/sr0; tot = td+tr+tm+tmod
        print(f"profile of one {dur:.0f} s file (best of 3, s per hour of audio): decode {td/dur*3600:.1f}, "
              f"resample {tr/dur*3600:.1f}, mel {tm/dur*3600:.1f}, model {tmod/dur*3600:.1f}; "
              f"sum {tot/dur*3600:.1f} s/h = {dur/tot:.0f}x (sequential, no overlap)")
    shutil.rmtree(work, ignore_errors=True)

if __name__ == '__main__': main()
