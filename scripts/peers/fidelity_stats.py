#!/usr/bin/env python3
"""Statistics and verdicts of scripts/validate-vs-brian2.sh --suite.

Reads DIR/<sim>/<model>_s<seed>_<population>.npy for sim = neurite and
brian2 (float64 rows: neuron, time in ms; the layout of `neurite sim
--out`'s spikes_<population>.npy) and DIR/runs.json (model -> duration_ms,
warmup_ms, population sizes), computes the same statistics from both
simulators' spikes with the same code, and prints a Markdown table;
--json FILE also keeps every figure.

Per run and population, over the time after the warm-up:
  rate   spikes / (neurons x time), Hz;
  cv     CV of interspike intervals, mean over neurons with >= 3 spikes;
  corr   mean Pearson correlation of spike counts in 2 ms bins over all
         pairs of 200 neurons (the same indices for both simulators, drawn
         with numpy seed 0), pairs with a silent neuron left out;
  rates  each neuron's rate, for the KS test.

Verdicts, per model, population and statistic, over the k seeds of each
simulator (the two draw different wirings, inputs and initial states from
a seed, so runs are independent samples of the same model):
  means  agree if the difference of the means is inside the 95% interval of
         Welch's t test (t quantile at the Welch-Satterthwaite degrees of
         freedom times the standard error of the difference), or within
         3% of Brian2's mean (the resolution asked of a simulator, for
         statistics whose seed spread is tiny, such as deterministic HH);
         for cv and corr, an absolute difference below 0.005 also agrees
         (mean correlations of asynchronous networks are ~0.01, dominated
         by sampling noise; HH's regular firing has a CV of 0.001 in
         Brian2, where spike times are rounded to dt = 0.025 ms of a
         16 ms interval, and 0 in neurite).
  KS     the two-sample Kolmogorov-Smirnov distance between the per-neuron
         rate distributions of neurite's and Brian2's run of seed s,
         averaged over seeds, must not exceed the largest distance between
         two of Brian2's own seeds (the reference's seed-to-seed spread).
"""
import argparse
import glob
import json
import math
import os
import re

import numpy as np
from scipy import stats

ap = argparse.ArgumentParser()
ap.add_argument('dir')
ap.add_argument('--json', default=None)
args = ap.parse_args()
runs = json.load(open(os.path.join(args.dir, 'runs.json')))


def load(sim, model, seed, pop):
    a = np.load(os.path.join(args.dir, sim, f'{model}_s{seed}_{pop}.npy'))
    return a.reshape(-1, 2)


def measures(a, n, t0, t1):
    sel = (a[:, 1] >= t0) & (a[:, 1] < t1)
    i, t = a[sel, 0].astype(np.int64), a[sel, 1]
    T = (t1 - t0) / 1000.0
    counts = np.bincount(i, minlength=n)[:n]
    rates = counts / T
    order = np.lexsort((t, i))
    i, t = i[order], t[order]
    cvs = []
    bounds = np.flatnonzero(np.diff(i)) + 1
    for seg in np.split(t, bounds) if len(t) else []:
        if len(seg) >= 3:
            isi = np.diff(seg)
            if isi.mean() > 0:
                cvs.append(isi.std() / isi.mean())
    sample = np.sort(np.random.default_rng(0).choice(n, size=min(200, n), replace=False))
    nb = int((t1 - t0) // 2)
    m = np.zeros((len(sample), nb))
    pos = {j: k for k, j in enumerate(sample)}
    b = ((t - t0) // 2).astype(np.int64)
    for j, bb in zip(i, b):
        k = pos.get(int(j))
        if k is not None and bb < nb:
            m[k, bb] += 1
    live = m.std(axis=1) > 0
    corr = float('nan')
    if live.sum() >= 2:
        c = np.corrcoef(m[live])
        corr = float(c[np.triu_indices(live.sum(), 1)].mean())
    return dict(rate=float(rates.mean()), cv=float(np.mean(cvs)) if cvs else float('nan'), corr=corr, rates=rates)


def welch(x, y):
    x, y = np.asarray(x), np.asarray(y)
    k1, k2 = len(x), len(y)
    v1, v2 = (x.var(ddof=1) if k1 > 1 else 0.0), (y.var(ddof=1) if k2 > 1 else 0.0)
    se = math.sqrt(v1 / k1 + v2 / k2)
    if se == 0:
        return 0.0, 0.0
    dof = (v1 / k1 + v2 / k2) ** 2 / ((v1 / k1) ** 2 / max(k1 - 1, 1) + (v2 / k2) ** 2 / max(k2 - 1, 1))
    return se, float(stats.t.ppf(0.975, dof)) * se


rows, out = [], []
for model, spec in runs.items():
    t0, t1 = spec['warmup_ms'], spec['duration_ms']
    for pop, n in spec['populations'].items():
        seeds = {}
        for sim in ('neurite', 'brian2'):
            found = sorted(int(re.search(r'_s(\d+)_', f).group(1))
                           for f in glob.glob(os.path.join(args.dir, sim, f'{model}_s*_{pop}.npy')))
            seeds[sim] = {s: measures(load(sim, model, s, pop), n, t0, t1) for s in found}
        common = sorted(set(seeds['neurite']) & set(seeds['brian2']))
        if not common:
            continue
        rec = dict(model=model, population=pop, seeds=len(common))
        verdicts = []
        for st in ('rate', 'cv', 'corr'):
            x = [seeds['neurite'][s][st] for s in common if not math.isnan(seeds['neurite'][s][st])]
            y = [seeds['brian2'][s][st] for s in common if not math.isnan(seeds['brian2'][s][st])]
            if not x or not y:
                rec[st] = None
                continue
            mx, my = float(np.mean(x)), float(np.mean(y))
            se, half = welch(x, y)
            d = mx - my
            ok = abs(d) <= half or (my != 0 and abs(d) <= 0.03 * abs(my)) or (st != 'rate' and abs(d) < 0.005)
            rec[st] = dict(neurite=mx, neurite_sd=float(np.std(x, ddof=1)) if len(x) > 1 else 0.0,
                           brian2=my, brian2_sd=float(np.std(y, ddof=1)) if len(y) > 1 else 0.0,
                           diff=d, ci95_half=half, agree=bool(ok))
            verdicts.append(ok)
        ks_nb = [stats.ks_2samp(seeds['neurite'][s]['rates'], seeds['brian2'][s]['rates']).statistic for s in common]
        ks_bb = [stats.ks_2samp(seeds['brian2'][a]['rates'], seeds['brian2'][b]['rates']).statistic
                 for ai, a in enumerate(common) for b in common[ai + 1:]]
        ks_ok = (not ks_bb and float(np.mean(ks_nb)) < 0.05) or (ks_bb and float(np.mean(ks_nb)) <= max(ks_bb) + 1e-12)
        rec['ks'] = dict(neurite_vs_brian2=float(np.mean(ks_nb)), brian2_vs_brian2_max=float(max(ks_bb)) if ks_bb else None,
                         agree=bool(ks_ok))
        verdicts.append(ks_ok)
        rec['agree'] = bool(all(verdicts))
        out.append(rec)


def fmt(r, st):
    v = r.get(st)
    if v is None:
        return '—'
    p = 3 if st != 'rate' else 2
    mark = '' if v['agree'] else ' ✗'
    return f"{v['neurite']:.{p}f} / {v['brian2']:.{p}f} ± {v['ci95_half']:.{p}f}{mark}"


print('| model | population | seeds | rate Hz: neurite / Brian2 ± 95% CI of the difference | CV ISI | correlation | KS: n–b mean / b–b max | verdict |')
print('|---|---|---|---|---|---|---|---|')
for r in out:
    ks = r['ks']
    bb = f"{ks['brian2_vs_brian2_max']:.3f}" if ks['brian2_vs_brian2_max'] is not None else '—'
    print(f"| {r['model']} | {r['population']} | {r['seeds']} | {fmt(r, 'rate')} | {fmt(r, 'cv')} | {fmt(r, 'corr')} | "
          f"{ks['neurite_vs_brian2']:.3f} / {bb}{'' if ks['agree'] else ' ✗'} | {'agree' if r['agree'] else 'DIFFER'} |")
if args.json:
    with open(args.json, 'w') as f:
        json.dump(out, f, indent=1)
bad = [f"{r['model']}/{r['population']}" for r in out if not r['agree']]
print()
print('all agree' if not bad else 'differ: ' + ', '.join(bad))
raise SystemExit(1 if bad else 0)
