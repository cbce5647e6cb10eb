#!/usr/bin/env python
"""Seconds per 60 s clip for sliding-window vs full-clip window scoring on CPU, and their difference.
  python bench/full_clip.py --arch resnet18 --n_mels 128 --frames 3751 --win 160 --hop 64
Random-init model (eval mode) on a noise spectrogram with bright 'calls'; prints one line per mode and the difference."""
import time, torch
from fastcore.script import call_parse
from rfcx_nbdev.models import CoordModel, window_logits, window_starts
from rfcx_nbdev.test_utils import calls_spec, compare_full_clip

@call_parse
def main(arch:str='resnet18', # timm arch
         n_mels:int=128, # mel bins
         frames:int=3751, # frames per clip (60 s at 32 kHz / hop 512 = 3751)
         win:int=160, # window length in frames (160 = 5.1 s, a multiple of the stride 32)
         hop:int=64, # hop in frames (64 = 2.0 s; multiples of the stride keep full-clip windows exact)
         bs:int=64, # windows per batch
         reps:int=2, # timed repetitions
         threads:int=0, # torch threads (0 = leave default)
         seed:int=0):
    if threads: torch.set_num_threads(threads)
    torch.manual_seed(seed)
    m = CoordModel(arch, n_classes=26).eval()
    torch.nn.init.normal_(m.trunk.get_classifier().weight, std=0.1)
    spec = calls_spec(n_mels, frames, seed=seed)
    nw = len(window_starts(frames, win, hop))
    times = {}
    for fc in (False, True):
        window_logits(m, spec, win, hop, full_clip=fc, bs=bs)               # warm-up
        t = time.perf_counter()
        for _ in range(reps): window_logits(m, spec, win, hop, full_clip=fc, bs=bs)
        times[fc] = (time.perf_counter() - t) / reps
        print(f"{arch} {'full-clip' if fc else 'sliding  '}: {times[fc]:.3f} s per clip ({n_mels}x{frames}, {nw} windows of {win} every {hop}, {torch.get_num_threads()} threads)")
    d, rho, rho_c = compare_full_clip(m, spec, win, hop)
    print(f"{arch} speed-up x{times[False]/times[True]:.1f}; max|diff|/std {d:.2f}, Spearman {rho:.3f}, per-class Spearman {rho_c:.2f}")
