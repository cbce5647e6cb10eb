"""fastai loop overhead: samples/s of the `rfcx_learner` Learner against a bare PyTorch loop (issue 3), and loader vs model step (issue 5).

Same model (`CoordModel`), data (`dls.train` of `rfcx_dls`), loss (`MaskedFocal`), batch size; the bare loop uses torch AdamW.
Every variant trains from the same initial weights for `--warmup` batches, then `--batches` timed batches; repeated `--repeats`
times, interleaved, median reported. Validation is skipped in the Learner (training throughput only).

    python bench/loop_overhead.py [--batches 20 --warmup 3 --repeats 3 --arch resnet10t --bs 32 --data /tmp/rfcx_bench_synth40]
"""
import copy, os, statistics, time
from functools import partial
from pathlib import Path
import torch
from fastai.callback.core import Callback, CancelFitException, CancelValidException
from fastai.optimizer import OptimWrapper
from rfcx_nbdev.synth import make_synth
from rfcx_nbdev.train import train_config, RFCxData, rfcx_learner, fold_items
from rfcx_nbdev.data import rfcx_dls, crop_items
from rfcx_nbdev.models import CoordModel
from rfcx_nbdev.losses import MaskedFocal

from fastcore.basics import AttrDict
from fastcore.script import anno_parser

def _opts(batches:int=20, # timed batches per run
          warmup:int=3, # untimed batches first
          repeats:int=3, # runs of each variant (median reported)
          arch:str=None, # timm architecture (default: the cpu preset)
          bs:int=None, # batch size (default: the cpu preset)
          data:str='/tmp/rfcx_bench_synth40', # synthetic dataset folder (made if missing)
          threads:int=None, # torch threads (1 is far less sensitive to other processes on shared cores)
          profile:bool=False, # cProfile one Learner run (top 25 by tottime)
         ): ...
a = AttrDict(vars(anno_parser(_opts).parse_args()))  # the options, parsed the way @call_parse parses them
if a.threads: torch.set_num_threads(a.threads)

cfg = train_config('cpu', mixover=False, **{k: v for k, v in dict(arch=a.arch, bs=a.bs).items() if v is not None})
path = make_synth(a.data, n_train=40, n_test=2, duration=20., progress=False)
data = RFCxData(path, cfg.spec_cfg, n_folds=4, seed=cfg.seed).build_cache(progress=False)
items, labels = fold_items(data, cfg)
tr, va = data.fold_ids(0)
items = items[items.recording_id.isin(tr + va)].reset_index(drop=True)
dls = rfcx_dls(items, data.cache, labels, tr, va, n_classes=cfg.n_classes, crop_len=cfg.crop_len, bs=cfg.bs, seed=cfg.seed, jitter=cfg.jitter)
N, W = a.batches, a.warmup
torch.manual_seed(0)
init = CoordModel(cfg.arch, n_classes=cfg.n_classes, coord=cfg.coord, p_drop=cfg.p_drop).state_dict()
xb0, yb0, wb0 = dls.one_batch()
print(f"{data}\narch {cfg.arch}, bs {cfg.bs}, input {tuple(xb0.shape)}, {len(dls.train)} train batches/epoch, "
      f"torch threads {torch.get_num_threads()}, warmup {W}, timed {N}, repeats {a.repeats}")

class Parts:
    "Accumulated seconds of the model forward, loss, backward and optimizer step (the 'core' shared by both loops)."
    def __init__(self): self.t = dict(fwd=0., loss=0., bwd=0., step=0.)
    def reset(self): self.t = {k: 0. for k in self.t}
    def timed(self, k, f):
        def _f(*args, **kw):
            t0 = time.perf_counter(); r = f(*args, **kw); self.t[k] += time.perf_counter() - t0; return r
        return _f
    def hook(self, model):
        model.register_forward_pre_hook(lambda m, i: setattr(self, '_f0', time.perf_counter()))
        model.register_forward_hook(lambda m, i, o: self.t.__setitem__('fwd', self.t['fwd'] + time.perf_counter() - self._f0))

def batches(dl):
    "Endless batches of `dl` (new epoch when exhausted)."
    while True: yield from dl

def bare(source):
    "Bare PyTorch loop: samples/s over N batches after W warm-up batches."
    model = CoordModel(cfg.arch, n_classes=cfg.n_classes, coord=cfg.coord, p_drop=cfg.p_drop); model.load_state_dict(init); model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.wd)
    P = Parts(); P.hook(model)
    loss_func = P.timed('loss', MaskedFocal(gamma=cfg.gamma))
    bwd, step = P.timed('bwd', lambda l: l.backward()), P.timed('step', opt.step)
    n = 0
    for i, (x, y, w) in enumerate(source):
        if i == W: t0, c0, n = time.perf_counter(), time.process_time(), 0; P.reset()
        loss = loss_func(model(x), y, w)
        bwd(loss); step(); opt.zero_grad()
        n += len(x)
        if i == W + N - 1:
            dt = time.perf_counter() - t0
            return n / dt, n / (time.process_time() - c0), 1000 * (dt - sum(P.t.values())) / N, 1000 * P.t['step'] / N

class _Timer(Callback):
    "Time N training batches after W, skip validation, stop."
    order = 100
    def before_fit(self): self.i, self.n = 0, 0
    def before_validate(self): raise CancelValidException
    def after_batch(self):
        if not self.training: return
        self.i += 1
        if self.i == W: self.t0, self.c0, self.n = time.perf_counter(), time.process_time(), 0; self.P.reset(); return
        self.n += len(self.learn.xb[0])
        if self.i == W + N:
            dt = time.perf_counter() - self.t0
            self.sps = self.n / dt, self.n / (time.process_time() - self.c0), 1000 * (dt - sum(self.P.t.values())) / N, 1000 * self.P.t['step'] / N
            raise CancelFitException

def fastai(mixover=False, torch_adamw=False, prof=None):
    "Learner.fit samples/s (no bar, no logging)."
    c = copy.deepcopy(cfg); c.mixover = mixover
    learn = rfcx_learner(dls, c, path='/tmp')
    if torch_adamw: learn.opt_func = partial(OptimWrapper, opt=torch.optim.AdamW)
    learn.model.load_state_dict(init)
    t = _Timer(); t.P = P = Parts(); P.hook(learn.model)
    learn.loss_func = P.timed('loss', learn.loss_func)
    learn._backward, learn._step = P.timed('bwd', learn._backward), P.timed('step', learn._step)
    epochs = (W + N) // len(dls.train) + 2
    with learn.no_bar(), learn.no_logging():
        if prof: prof.enable()
        learn.fit(epochs, cfg.lr, wd=cfg.wd, cbs=t)
        if prof: prof.disable()
    return t.sps

def loader_only():
    "Batches/s of dls.train alone."
    it = batches(dls.train)
    for _ in range(W): next(it)
    t0 = time.perf_counter()
    for _ in range(N): next(it)
    return N / (time.perf_counter() - t0)

tensors = [(x.clone(), y.clone(), w.clone()) for _, (x, y, w) in zip(range(W + N), batches(dls.train))]
variants = {
    'bare loop, pre-materialised tensors': lambda: bare(iter(tensors)),
    'bare loop, fastai dls.train': lambda: bare(batches(dls.train)),
    'fastai Learner.fit (fastai Adam), no MixOver': lambda: fastai(False),
    'fastai Learner.fit (torch AdamW via OptimWrapper), no MixOver': lambda: fastai(False, True),
    'fastai Learner.fit (fastai Adam), MixOver on': lambda: fastai(True),
}
res = {k: [] for k in variants}; ld = []
print(f"uptime before: {os.popen('uptime').read().strip()}")
for r in range(a.repeats):
    ld.append(loader_only())
    for k, f in variants.items(): res[k].append(f())
    print(f"  repeat {r+1}: " + ', '.join(f"{v[-1][0]:.1f}" for v in res.values()) + f" samples/s (wall); loader {ld[-1]:.1f} batches/s", flush=True)
print(f"uptime after: {os.popen('uptime').read().strip()}")
for j, clock in enumerate(['wall clock', 'process CPU time (less sensitive to other processes on the 2 shared cores)']):
    med = {k: statistics.median(x[j] for x in v) for k, v in res.items()}
    print(f"\nsamples/s by {clock} (median of {a.repeats}; min-max):")
    for k, v in res.items(): print(f"  {k:<64} {med[k]:7.2f}   ({min(x[j] for x in v):.2f}-{max(x[j] for x in v):.2f})")
    ref = med['bare loop, fastai dls.train']
    print(f"  overhead vs the bare loop on the same loader (time per sample):")
    for k in list(res)[2:]: print(f"    {k:<62} {100*(ref/med[k]-1):+6.1f}%")
print("\nper batch, ms (median): time outside forward/loss/backward/step (loader + loop + callbacks), and the optimizer step:")
core_ms = 1000 * cfg.bs / statistics.median(x[0] for x in res['bare loop, fastai dls.train']) - statistics.median(x[2] for x in res['bare loop, fastai dls.train'])
for k, v in res.items(): print(f"  {k:<64} outside {statistics.median(x[2] for x in v):7.1f}   opt step {statistics.median(x[3] for x in v):6.1f}")
ob = statistics.median(x[2] for x in res['bare loop, fastai dls.train'])
print(f"  overhead outside the core vs the bare loop on the same loader, as % of the bare batch time ({core_ms + ob:.0f} ms):")
for k in list(res)[2:]:
    v = res[k]; d = statistics.median(x[2] for x in v) - ob; ds = statistics.median(x[3] for x in v) - statistics.median(x[3] for x in res['bare loop, fastai dls.train'])
    print(f"    {k:<62} loop {100*d/(core_ms+ob):+6.1f}%   optimizer {100*ds/(core_ms+ob):+6.1f}%")
step = statistics.median(x[0] for x in res['bare loop, pre-materialised tensors']) / cfg.bs
lo = statistics.median(ld)
print(f"\nloader alone: {lo:.1f} batches/s ({1000/lo:.0f} ms/batch); model step alone (bare, tensors): {step:.2f} batches/s "
      f"({1000/step:.0f} ms/batch) -> loader is {100*step/lo:.1f}% of step time (in-process, num_workers=0)")
if a.profile:
    import cProfile, pstats
    pr = cProfile.Profile(); fastai(False, prof=pr)
    pstats.Stats(pr).sort_stats('tottime').print_stats(25)
