#!/usr/bin/env python
"""Speed of `predict_folder` (what `rfcx_predict` runs): FLAC -> clip scores, in seconds per hour of audio, old path
(engine='torch': the fold models in torch) and new path (engine='onnx': ONNX Runtime, numpy front end) side by side.

Builds a random-init run folder (speed does not depend on the weights) and times, on the CPU, in this process:
no cache ("cold": decode, resample, log-mel, models) and a warm cache (models on cached spectrograms), the two engines
interleaved repeat by repeat (the machine is shared: best and median of `repeats`). Then the max abs difference of the
clip scores between the two engines and whether the ranking of the recordings is the same for every species. Then the
whole command `rfcx_predict` in a subprocess under /usr/bin/time: wall time, the time before the loop (imports,
models), peak RSS, at each size of `--sizes` (the first files of the data set); and `rfcx_predict --help`.
`--profile` splits one recording's time into decode / resample / mel / model for both paths.

  python bench/predict_speed.py                      # resnet10t x4 folds, 64 mels, hop 1024, 60 synthetic 60 s recordings (20 timed)
  python bench/predict_speed.py --arch resnet34 --n_mels 128 --hop 512 --folds 5   # gpu preset models
"""
import shutil, tempfile, time, os, re, sys
from pathlib import Path
import numpy as np, pandas as pd, torch, soundfile as sf, soxr
from fastcore.script import call_parse
from rfcx_nbdev.synth import make_synth
from rfcx_nbdev.data import SpecConfig, melspec
from rfcx_nbdev.train import Run
from rfcx_nbdev.inference import predict_folder, onnx_bundle, OnnxRun, fast_melspec
from rfcx_nbdev.test_utils import save_random_run
from common import console_script, time_v

CLI = console_script('rfcx_predict')

def cli(args, out):
    "Run rfcx_predict in a subprocess under GNU time: (wall s, loop s or nan, peak RSS MB)."
    rss, wall, r = time_v([sys.executable, CLI] + list(args))
    if r.returncode: sys.exit(f"rfcx_predict failed:\n{r.stderr[-3000:]}")
    m = re.search(r'scored in ([\d.]+) s', r.stdout)
    return wall, float(m.group(1)) if m else float('nan'), rss

@call_parse
def main(data:str=str(Path(tempfile.gettempdir())/'rfcx_speed_data60'), # synthetic dataset folder (made if missing)
         n:int=60, # test recordings to make if DATA is missing
         n_time:int=20, # recordings timed in this process
         sizes:str='20,60', # numbers of recordings for the rfcx_predict runs (peak RSS)
         duration:float=60., # their length (s)
         arch:str='resnet10t', # timm architecture of the random-init run
         n_mels:int=64, hop:int=1024, n_fft:int=2048, # spectrogram settings
         crop_len:float=5., # window length (s)
         folds:int=4, # fold models in the run (ensemble size)
         profile:bool=False, # split one recording's time into decode / resample / mel / model
         repeats:int=3, # timings per setting (best and median are printed)
        ):
    data = Path(data)
    if len(list((data/'test').glob('*.flac'))) < n: make_synth(data, n_train=1, n_test=n, duration=duration, progress=False)
    files = sorted((data/'test').glob('*.flac'))
    work = Path(tempfile.mkdtemp(prefix='rfcx_speed_'))
    spec = SpecConfig(n_mels=n_mels, hop=hop, n_fft=n_fft)
    run = Run(save_random_run(work/'run', arch=arch, n_folds=folds, spec=spec, crop_len=crop_len))
    t = time.perf_counter(); onnx_bundle(run, child=False); t_exp = time.perf_counter() - t
    print(f"load average {os.getloadavg()[0]:.1f}; {len(files)} files in {data}; run: {arch} x{folds} (random init), {spec}, "
          f"torch threads {torch.get_num_threads()}, cpus {os.cpu_count()}; ONNX export (once per run) {t_exp:.1f} s", flush=True)
    ms, ft = run.models('cpu'), files[:n_time]
    for e in ('torch', 'onnx'): predict_folder(run, ft[:1], work/'warmup.csv', progress=False, device='cpu', engine=e)
    for e in ('torch', 'onnx'): predict_folder(run, ft, work/'warm.csv', cache_dir=work/'cache', progress=False, device='cpu', engine=e)
    ts, res = {}, {}
    for k in range(repeats):   # engines interleaved: both see the same load
        for e in ('torch', 'onnx'):
            for mode, cd in (('cold (no cache)', None), ('warm cache', work/'cache')):
                r = predict_folder(run, ft, work/f'{e}_{mode[:4]}.csv', cache_dir=cd, progress=False, device='cpu', engine=e,
                                   models=ms if e == 'torch' else None)
                ts.setdefault((mode, e), []).append(r.seconds); res[e] = r
    h = res['onnx'].audio_s/3600
    print(f"\nin process, {len(ft)} files, {h*60:.1f} min audio (best / median of {repeats}):")
    print(f"| path | old: torch s/h | x real time | new: onnx s/h | x real time | speed-up |\n|---|---|---|---|---|---|")
    for mode in ('cold (no cache)', 'warm cache'):
        (bo, mo), (bn, mn) = [(min(ts[(mode, e)]), float(np.median(ts[(mode, e)]))) for e in ('torch', 'onnx')]
        print(f"| {mode} | {bo/h:.1f} / {mo/h:.1f} | {h*3600/bo:.0f} / {h*3600/mo:.0f} | {bn/h:.1f} / {mn/h:.1f} | "
              f"{h*3600/bn:.0f} / {h*3600/mn:.0f} | {bo/bn:.2f}x / {mo/mn:.2f}x |")
    a, b = (pd.read_csv(work/f'{e}_cold.csv').set_index('recording_id') for e in ('torch', 'onnx'))
    d = (a - b).abs().max()
    same = all((a[c].rank(method='first').values == b[c].rank(method='first').values).all() for c in a.columns)
    print(f"clip scores onnx vs torch (no cache): max abs diff {d.max():.2e} (worst species {d.idxmax()}); "
          f"same ranking of recordings for every species: {same}")
    print(f"\nrfcx_predict (subprocess, --quiet, no cache):\n| recordings | path | wall s | loop s/h | before the loop s | peak RSS MB |\n|---|---|---|---|---|---|")
    for sz in map(int, sizes.split(',')):
        sub = work/f'audio{sz}'; sub.mkdir()
        for f in files[:sz]: (sub/f.name).symlink_to(f)
        for e in ('torch', 'onnx'):
            wall, loop, rss = cli([sub, run.path, '--out', work/f'cli_{e}_{sz}.csv', '--quiet', '--device', 'cpu', '--engine', e], work)
            hs = sum(sf.info(str(f)).duration for f in files[:sz])/3600
            print(f"| {sz} | {'old: torch' if e=='torch' else 'new: onnx'} | {wall:.1f} | {loop/hs:.1f} | {wall-loop:.1f} | {rss:.0f} |", flush=True)
    hs = [cli(['--help'], work) for _ in range(3)]
    print(f"rfcx_predict --help: {min(w for w,_,_ in hs):.2f} s (best of 3), peak RSS {hs[0][2]:.0f} MB")
    if profile:
        sc, f, ox = run.spec, files[0], OnnxRun(run, threads=1)
        def best(fn, k=3):
            ts = []
            for _ in range(k): t = time.perf_counter(); out = fn(); ts.append(time.perf_counter()-t)
            return min(ts), out
        td, (y, sr0) = best(lambda: sf.read(f, dtype='float32'))
        tr, y32 = best(lambda: soxr.resample(y, sr0, sc.sr, quality='HQ'))
        tm, s = best(lambda: melspec(y32, sc))
        tf, _ = best(lambda: fast_melspec(y32, ox.fb, ox.window, sc.hop, sc.top_db))
        tmod, _ = best(lambda: run.windows(ms, s))
        tox, _ = best(lambda: ox.windows(s))
        dur = len(y)/sr0; ph = lambda t: t/dur*3600
        print(f"\nprofile of one {dur:.0f} s file (best of 3, s per hour of audio, no overlap): decode {ph(td):.1f}, resample {ph(tr):.1f}, "
              f"mel librosa {ph(tm):.1f} / numpy {ph(tf):.1f}, models torch ({torch.get_num_threads()} threads) {ph(tmod):.1f} / onnx (1 thread) {ph(tox):.1f}")
    shutil.rmtree(work, ignore_errors=True)
