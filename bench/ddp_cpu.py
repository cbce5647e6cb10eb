"""2-process data-parallel training on the CPU (gloo) through fastai's `distrib_ctx` (accelerate), used the way a user would.

    torchrun --nproc_per_node 2 bench/ddp_cpu.py [--data D --out R --steps 1]
    (`accelerate launch --cpu --num_processes 2` starts ONE process in accelerate 1.15: use torchrun on CPU)

Checks: both ranks run; after `--steps` optimizer steps both ranks hold identical weights (each rank writes a checksum, rank 0
compares them); the weights moved from the common initial ones; each rank saw different samples (sharded loader); only rank 0
writes the model. Prints PASS/FAIL per check on rank 0 and exits non-zero on a failure.
"""
import hashlib, json, os, sys, time
from pathlib import Path
import torch, torch.distributed as dist
from fastai.callback.core import Callback, CancelFitException, CancelValidException
from fastai.torch_core import num_distrib, rank_distrib, distrib_barrier
from fastai.distributed import *
from rfcx_nbdev.core import atomic_write
from rfcx_nbdev.synth import make_synth
from rfcx_nbdev.train import train_config, RFCxData, rfcx_learner, fold_items, setup_distrib, distrib_ctx
from rfcx_nbdev.data import rfcx_dls

from fastcore.basics import AttrDict
from fastcore.script import anno_parser

def _opts(data:str='/tmp/rfcx_bench_synth40', # synthetic dataset (made if missing)
          out:str='/tmp/rfcx_ddp_out', # run folder
          arch:str='lcnet_050', # timm architecture
          steps:int=2, # training batches before stopping (0: the whole epoch)
          bs:int=8, # batch size per process
          control:bool=False, # negative control: no distrib_ctx, each rank trains alone on its own shuffle (the sync check must FAIL)
         ): ...
a = AttrDict(vars(anno_parser(_opts).parse_args()))  # the options, parsed the way @call_parse parses them
setup_distrib()  # the library's CPU/gloo adjustments (rfcx_nbdev.train), before any Accelerator exists
rank, world = rank_distrib(), num_distrib()
out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
print(f"[rank {rank}/{world}] pid {os.getpid()} start", flush=True)

cfg = train_config('cpu', arch=a.arch, epochs=1, bs=a.bs, mixover=False)
rank0_first(make_synth, a.data, n_train=40, n_test=2, duration=20., progress=False)  # fastai's way: rank 0 makes it, the others reuse it
data = RFCxData(a.data, cfg.spec_cfg, n_folds=4, seed=cfg.seed).build_cache(progress=False)
items, labels = fold_items(data, cfg)
tr, va = data.fold_ids(0)
items = items[items.recording_id.isin(tr + va)].reset_index(drop=True)
dls = rfcx_dls(items, data.cache, labels, tr, va, n_classes=cfg.n_classes, crop_len=cfg.crop_len, bs=cfg.bs, seed=cfg.seed, jitter=cfg.jitter)
torch.manual_seed(0)  # same initial weights on every rank (DDP also broadcasts rank 0's at wrap time)
learn = rfcx_learner(dls, cfg, path=out)
def digest(m, params=True):
    """sha1 of the parameters (params=True) or of the buffers (BatchNorm running stats: DDP broadcasts rank 0's before each
    forward, so after the last forward each rank holds its own batch's update and they may differ)."""
    ts = m.parameters() if params else m.buffers()
    return hashlib.sha1(b''.join(v.detach().cpu().contiguous().numpy().tobytes() for v in ts)).hexdigest()
init = digest(learn.model)

class Probe(Callback):
    "Record sample checksums seen by this rank; stop after `steps` batches; skip validation when stopping early."
    order = 100
    def before_fit(self): self.n, self.seen = 0, []
    def after_batch(self):
        if not self.training: return
        self.seen.append(float(self.learn.xb[0].double().sum()))
        self.n += 1
        if a.steps and self.n >= a.steps: raise CancelFitException
probe = Probe()
t0 = time.time()
from contextlib import nullcontext
if a.control: dls.train.rng.seed(rank)
with (nullcontext() if a.control else distrib_ctx(learn)), learn.no_bar():
    print(f"[rank {rank}] model {type(learn.model).__name__} inside the training context (control: no distrib_ctx), dist initialised {dist.is_initialized()}, "
          f"backend {dist.get_backend() if dist.is_initialized() else None}", flush=True)
    learn.fit(1, cfg.lr, cbs=probe)
w, b = digest(learn.model), digest(learn.model, params=False)
print(f"[rank {rank}] {probe.n} steps in {time.time()-t0:.1f} s, model {type(learn.model).__name__}, weights {w[:12]}, buffers {b[:12]}, "
      f"first samples {probe.seen[:2]}", flush=True)
(out/f'rank{rank}.json').write_text(json.dumps(dict(rank=rank, world=world, init=init, weights=w, buffers=b, seen=probe.seen, n=probe.n)))
if rank == 0:
    atomic_write(out/'model.pth', lambda f: torch.save(learn.model.state_dict(), f))
if world > 1 and dist.is_initialized(): dist.barrier()
if rank == 0:
    rs = [json.loads((out/f'rank{r}.json').read_text()) for r in range(max(world, 1))]
    checks = {
        f'{world} ranks ran (world size > 1)': world > 1 and len(rs) == world,
        'same initial weights on every rank': len({r['init'] for r in rs}) == 1,
        'weights moved from the initial ones': all(r['weights'] != r['init'] for r in rs),
        'identical parameters on every rank after training (gradients synchronised)': len({r['weights'] for r in rs}) == 1,
        'each rank saw different samples (sharded loader)': world > 1 and rs[0]['seen'] != rs[1]['seen'],
        'only rank 0 wrote model.pth': (out/'model.pth').exists() and not list(out.glob('model.pth.tmp')),
    }
    for k, v in checks.items(): print(f"{'PASS' if v else 'FAIL'}: {k}")
    sys.exit(0 if all(checks.values()) else 1)
