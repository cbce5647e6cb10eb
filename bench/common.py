"""What the bench scripts share: runs and stage folders read back, the known-label AUC, seeds, console scripts, peak memory.
Not the library's API. `python bench/SCRIPT.py` puts this folder on `sys.path`, so the scripts `from common import ...`."""
import json, re, shutil, subprocess, sys, tempfile, time
from pathlib import Path
import numpy as np, pandas as pd
from sklearn.metrics import roc_auc_score
from rfcx_nbdev.train import RFCxData, TrainConfig
from rfcx_nbdev.pseudo import clip_probs, clip_labels

def seed_list(seeds:str)->list:
    "'42,43,44' -> [42, 43, 44]"
    return [int(s) for s in str(seeds).split(',')]

def console_script(name:str)->str:
    "The path of one of the library's commands (`rfcx_predict`, ...): on PATH or beside this Python, else exit saying how to install it."
    here = Path(sys.executable).parent/name
    return shutil.which(name) or (str(here) if here.exists() else sys.exit(f"{name} not on PATH (pip install -e .)"))

def time_v(cmd:list, env=None)->tuple:
    "Run `cmd` under GNU time (`/usr/bin/time -v`): (peak RSS in MB, wall s, the `CompletedProcess`)."
    if not Path('/usr/bin/time').exists(): sys.exit("this benchmark needs /usr/bin/time (GNU time)")
    t0 = time.perf_counter()
    r = subprocess.run(['/usr/bin/time', '-v'] + [str(c) for c in cmd], capture_output=True, text=True, env=env)
    m = re.search(r'Maximum resident set size \(kbytes\): (\d+)', r.stderr)
    return (int(m.group(1))/1024 if m else float('nan')), time.perf_counter() - t0, r

def split_clips(w:pd.DataFrame, classes)->tuple:
    "A windows table's (test clips, out-of-fold train clips): max over each recording's windows (`clip_probs`)."
    return clip_probs(w[w.split == 'test'], classes), clip_probs(w[(w.split == 'train') & w.oof.astype(bool)], classes)

def stage_clips(data:RFCxData, stage)->tuple:
    "A stage folder's test clips (sample-submission order, unreadable ones 0), out-of-fold train clips and their known labels (array), from its windows file."
    w = pd.read_csv(next(Path(stage).glob('windows_*.csv')), dtype={'recording_id': str})
    raw, oof = split_clips(w, data.classes)
    return raw.reindex(data.test_ids).fillna(0.), oof, clip_labels(oof, data.labels, data.classes).values

def template_clips(run, *clips)->tuple:
    "A pipeline run's template scores (RUN/template_scores.csv) on the rows and columns of each table in `clips`, as arrays (NaN: no template)."
    ts = pd.read_csv(Path(run)/'template_scores.csv', dtype={'recording_id': str}).set_index('recording_id')
    return tuple(ts.reindex(d.index)[d.columns].values for d in clips)

def data_folder(name, run, data_root=None)->Path:
    "The data folder a run's report names: relative to `data_root` (default: the current folder) or to one of the run folder's parents (where its command ran)."
    cands = [Path(data_root or '.')/name] + [a/name for a in Path(run).resolve().parents]
    dd = next((p for p in cands if p.is_dir()), None)
    if dd is None: raise FileNotFoundError(f"{run}: its data folder {name!r} is not found (--data_root)")
    return dd

def run_data(rep_file, data_root=None, cache=None)->tuple:
    "(data folder, its `RFCxData` with the run's folds, spectrogram and reviews) of a pipeline run's report.json; `cache`: the spectrogram cache (default: a new temporary folder)."
    run = Path(rep_file).parent; r = json.loads(Path(rep_file).read_text()); dd = data_folder(r['data'], run, data_root)
    c = TrainConfig.from_json(run/'config.json')  # what the pipeline trained with (`check_config`)
    revs = (r.get('reviews') or {}).get('folders')  # a run trained with reviews: its known labels include the answers
    return dd, RFCxData(dd, c.spec_cfg, cache_dir=cache or tempfile.mkdtemp(), n_folds=c.n_folds, seed=c.seed, reviews=revs or None)

def stage_data(data, stage, cache=None, dss:dict|None=None)->RFCxData:
    "The built `RFCxData` of a stage folder, one per (folds, seed, spectrogram) in `dss`: folds follow the run's seed, or the 'out-of-fold' models are wrong."
    cfg = TrainConfig.from_json(Path(stage)/'config.json'); key = (cfg.n_folds, cfg.seed, str(cfg.spec)); dss = {} if dss is None else dss
    if key not in dss: dss[key] = RFCxData(data, cfg.spec_cfg, cache_dir=cache or Path(stage).parent/'cache', n_folds=cfg.n_folds, seed=cfg.seed).build_cache(progress=False)
    return dss[key]

def known_auc(p:np.ndarray, y:np.ndarray)->float:
    "Mean over species of the ROC AUC of scores `p` on the labels `y` that are known (not NaN), species with both a 1 and a 0 only."
    return float(np.mean([roc_auc_score(y[:, j][~np.isnan(y[:, j])], p[:, j][~np.isnan(y[:, j])]) for j in range(y.shape[1])
                          if (y[:, j] == 1).any() and (y[:, j] == 0).any()]))
