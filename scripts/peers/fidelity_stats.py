#!/usr/bin/env python3
"""Statistics and verdicts of scripts/validate-vs-brian2.sh --suite.

Reads DIR/neurite/<model>_s<seed>_<population>.npy (float64 rows: neuron,
time in ms; the layout of `neurite sim --out`'s spikes_<population>.npy)
and DIR/runs.json (model -> duration_ms, warmup_ms, population sizes), and
compares neurite's statistics with Brian2's. Brian2's side is either
  --reference FILE  a stored reference (scripts/testdata/
                    brian2_fidelity.json.gz): every Brian2 run's statistics
                    and per-neuron spike counts, computed once by this
                    script, since Brian2 does not change when neurite does;
  (default)         Brian2's spikes in DIR/brian2/, same layout.
--write-reference FILE computes the reference from DIR/brian2/ and writes
it (gzip JSON), for the models of DIR/runs.json. Prints a Markdown table;
--json FILE also keeps every figure. Exit status 1 if any test fails, 2 on
bad input.

Per run and population, over the time after the warm-up (the same code for
both simulators):
  rate   spikes / (neurons x time), Hz;
  cv     CV of interspike intervals, mean over neurons with >= 3 spikes;
  corr   mean Pearson correlation of spike counts in 2 ms bins over all
         pairs of 200 neurons (the same indices for both simulators, drawn
         with numpy seed 0), pairs with a silent neuron left out;
  rates  each neuron's rate (its spike count over the time), for the KS
         test.

Tests, per model and population (the two simulators draw different
wirings, inputs and initial states from a seed, so each run is an
independent sample of the model, and neurite's k runs are compared with
Brian2's R reference runs):
  rate, cv, corr  Welch's t test of the difference of the means over runs;
         p-value from the t distribution at the Welch-Satterthwaite degrees
         of freedom (the table also shows the 95% interval's half-width).
  KS     the two-sample Kolmogorov-Smirnov distance between the per-neuron
         rate distributions of neurite's run i and Brian2's run i, averaged
         over the k runs, against its distribution when both runs of each
         pair are Brian2's: the mean over k disjoint pairs of distinct
         reference runs, drawn 4000 times (numpy seed 0); p = (1 + draws
         at least as large) / (1 + 4000). Needs R >= 2k.
Criterion: the tests of one run of the suite (4 per row, 19 rows) are a
family; Holm-Bonferroni keeps the chance that any of them fails when
neurite simulates Brian2's model to 5%. With a test at 5% each, about four
of the 76 would fail by chance in every run. A test fails when Holm rejects
it (the i-th smallest of m p-values, and every smaller one, below
0.05/(m - i + 1)) and the difference exceeds the resolution asked of a
simulator: 3% of Brian2's mean, or 0.005 absolute for CVs and correlations
(mean correlations of asynchronous networks are ~0.01, dominated by
sampling noise; HH's regular firing has a CV of 0.001 in Brian2, where
spike times are rounded to dt = 0.025 ms of a 16 ms interval, and 0 in
neurite). The KS test has no such tolerance.
"""
import argparse
import glob
import gzip
import json
import math
import os
import re
import sys

import numpy as np
from scipy import stats

ALPHA = 0.05          # family-wise error rate of one run of the suite
KS_DRAWS = 4000       # draws of the KS test's null distribution

ap = argparse.ArgumentParser()
ap.add_argument('dir')
ap.add_argument('--json', default=None, help='keep every figure here')
ap.add_argument('--reference', default=None, help="Brian2's stored statistics (gzip JSON) instead of DIR/brian2")
ap.add_argument('--write-reference', default=None, help='compute the reference from DIR/brian2 and write it here')
args = ap.parse_args()


def fail(msg):
    print(f'fidelity_stats: {msg}', file=sys.stderr)
    raise SystemExit(2)


try:
    runs = json.load(open(os.path.join(args.dir, 'runs.json')))
except (OSError, ValueError) as e:
    fail(f'{os.path.join(args.dir, "runs.json")}: {e}')


def load(sim, model, seed, pop):
    a = np.load(os.path.join(args.dir, sim, f'{model}_s{seed}_{pop}.npy'))
    return a.reshape(-1, 2)


def measures(a, n, t0, t1):
    sel = (a[:, 1] >= t0) & (a[:, 1] < t1)
    i, t = a[sel, 0].astype(np.int64), a[sel, 1]
    if len(i) and (i.min() < 0 or i.max() >= n):
        fail(f'neuron index {int(i.max())} outside a population of {n}')
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
    pos = np.full(n, -1)
    pos[sample] = np.arange(len(sample))
    b = ((t - t0) // 2).astype(np.int64)
    k = pos[i]
    keep = (k >= 0) & (b < nb)
    np.add.at(m, (k[keep], b[keep]), 1)
    live = m.std(axis=1) > 0
    corr = float('nan')
    if live.sum() >= 2:
        c = np.corrcoef(m[live])
        corr = float(c[np.triu_indices(live.sum(), 1)].mean())
    return dict(rate=float(rates.mean()), cv=float(np.mean(cvs)) if cvs else float('nan'), corr=corr,
                rates=rates, counts=counts)


def seeds_of(sim, model, pop):
    return sorted(int(re.search(r'_s(\d+)_', f).group(1))
                  for f in glob.glob(os.path.join(args.dir, sim, f'{model}_s*_{pop}.npy')))


def nan_none(x):
    return None if math.isnan(x) else x


if args.write_reference:
    ref = dict(about="Brian2 2.5.1's statistics of every model of scripts/peers/brian2_fidelity.py, "
                     "computed by scripts/peers/fidelity_stats.py --write-reference; counts are "
                     "[spike count, neurons with that count] pairs over the time after the warm-up",
               models={})
    for model, spec in runs.items():
        t0, t1 = spec['warmup_ms'], spec['duration_ms']
        entry = dict(spec, populations=spec['populations'], runs={})
        for pop, n in spec['populations'].items():
            rs = []
            for s in seeds_of('brian2', model, pop):
                m = measures(load('brian2', model, s, pop), n, t0, t1)
                vals, mult = np.unique(m['counts'], return_counts=True)
                rs.append(dict(seed=s, rate=m['rate'], cv=nan_none(m['cv']), corr=nan_none(m['corr']),
                               counts=[[int(v), int(c)] for v, c in zip(vals, mult)]))
            if not rs:
                fail(f'no Brian2 runs of {model}/{pop} in {os.path.join(args.dir, "brian2")}')
            entry['runs'][pop] = rs
        ref['models'][model] = entry
    tmp = args.write_reference + '.tmp'
    with gzip.open(tmp, 'wt') as f:
        json.dump(ref, f, separators=(',', ':'))
    os.replace(tmp, args.write_reference)
    print(f'wrote {args.write_reference}: ' + ', '.join(
        f"{m} ({len(e['runs'][next(iter(e['runs']))])} runs)" for m, e in ref['models'].items()))
    raise SystemExit(0)

reference = None
if args.reference:
    try:
        with gzip.open(args.reference, 'rt') as f:
            reference = json.load(f)['models']
    except (OSError, ValueError, KeyError) as e:
        fail(f'reference {args.reference}: {e}')


def brian2_runs(model, spec, pop, n):
    """Brian2's runs of model/pop as a list of measures, from the reference or DIR/brian2."""
    if reference is None:
        t0, t1 = spec['warmup_ms'], spec['duration_ms']
        return [measures(load('brian2', model, s, pop), n, t0, t1) for s in seeds_of('brian2', model, pop)]
    e = reference.get(model)
    if e is None:
        fail(f'reference {args.reference} has no model {model}')
    for key in ('duration_ms', 'warmup_ms'):
        if float(e[key]) != float(spec[key]):
            fail(f'reference {args.reference}: {model} has {key} {e[key]}, the suite asks for {spec[key]}; '
                 'run the suite with the reference\'s duration or regenerate it (FIDELITY_REGENERATE=1)')
    if e['populations'].get(pop) != n:
        fail(f'reference {args.reference}: {model}/{pop} has {e["populations"].get(pop)} neurons, the suite {n}')
    T = (spec['duration_ms'] - spec['warmup_ms']) / 1000.0
    out = []
    for r in e['runs'][pop]:
        counts = np.repeat([c[0] for c in r['counts']], [c[1] for c in r['counts']]).astype(np.int64)
        if len(counts) != n:
            fail(f'reference {args.reference}: {model}/{pop} seed {r["seed"]} has {len(counts)} neurons, want {n}')
        out.append(dict(rate=r['rate'], cv=float('nan') if r['cv'] is None else r['cv'],
                        corr=float('nan') if r['corr'] is None else r['corr'], rates=counts / T))
    return out


def welch(x, y):
    """Standard error, 95% half-width and two-sided p of Welch's t test of mean(x) - mean(y)."""
    x, y = np.asarray(x), np.asarray(y)
    k1, k2 = len(x), len(y)
    v1, v2 = (x.var(ddof=1) if k1 > 1 else 0.0), (y.var(ddof=1) if k2 > 1 else 0.0)
    se = math.sqrt(v1 / k1 + v2 / k2)
    d = float(x.mean() - y.mean())
    tiny = 1e-12 * max(abs(float(x.mean())), abs(float(y.mean())), 1e-300)
    if se <= tiny:  # no spread (deterministic HH) but rounding in the sums
        return 0.0, 0.0, 1.0 if abs(d) <= tiny else 0.0
    dof = (v1 / k1 + v2 / k2) ** 2 / ((v1 / k1) ** 2 / max(k1 - 1, 1) + (v2 / k2) ** 2 / max(k2 - 1, 1))
    return se, float(stats.t.ppf(0.975, dof)) * se, float(2 * stats.t.sf(abs(d) / se, dof))


def ks_test(neu, bri):
    """Mean KS distance of neurite's run i to Brian2's run i, and its p under the null
    that neurite's runs are Brian2's (mean over k disjoint pairs of distinct Brian2 runs)."""
    k, R = len(neu), len(bri)
    obs = float(np.mean([stats.ks_2samp(neu[i], bri[i]).statistic for i in range(k)]))
    if R < 2 * k:
        return obs, None, None
    d = np.zeros((R, R))
    for a in range(R):
        for b in range(a + 1, R):
            d[a, b] = d[b, a] = stats.ks_2samp(bri[a], bri[b]).statistic
    rng = np.random.default_rng(0)
    null = np.empty(KS_DRAWS)
    for j in range(KS_DRAWS):
        p = rng.permutation(R)[:2 * k]
        null[j] = d[p[:k], p[k:]].mean()
    pval = (1 + int((null >= obs - 1e-12).sum())) / (1 + KS_DRAWS)
    return obs, float(np.median(null)), pval


out, tests = [], []
for model, spec in runs.items():
    t0, t1 = spec['warmup_ms'], spec['duration_ms']
    for pop, n in spec['populations'].items():
        nseeds = seeds_of('neurite', model, pop)
        if not nseeds:
            continue
        neu = [measures(load('neurite', model, s, pop), n, t0, t1) for s in nseeds]
        bri = brian2_runs(model, spec, pop, n)
        rec = dict(model=model, population=pop, seeds=len(neu), reference_runs=len(bri))
        for st in ('rate', 'cv', 'corr'):
            x = [m[st] for m in neu if not math.isnan(m[st])]
            y = [m[st] for m in bri if not math.isnan(m[st])]
            if not x or not y:
                rec[st] = None
                continue
            mx, my = float(np.mean(x)), float(np.mean(y))
            se, half, p = welch(x, y)
            d = mx - my
            within = (my != 0 and abs(d) <= 0.03 * abs(my)) or (st != 'rate' and abs(d) < 0.005)
            rec[st] = dict(neurite=mx, neurite_sd=float(np.std(x, ddof=1)) if len(x) > 1 else 0.0,
                           brian2=my, brian2_sd=float(np.std(y, ddof=1)) if len(y) > 1 else 0.0,
                           diff=d, ci95_half=half, p=p, within_tolerance=bool(within))
            tests.append(rec[st])
        if reference is None:  # seeds run side by side: pair equal seeds
            common = min(len(neu), len(bri))
        else:
            common = len(neu)
        obs, med, p = ks_test([m['rates'] for m in neu[:common]], [m['rates'] for m in bri])
        if p is None:
            fail(f'{model}/{pop}: the KS test needs at least {2 * len(neu)} Brian2 runs, have {len(bri)}')
        rec['ks'] = dict(neurite_vs_brian2=obs, brian2_vs_brian2_median=med, p=p, within_tolerance=False)
        tests.append(rec['ks'])
        out.append(rec)

# Holm-Bonferroni over every test of this run.
m = len(tests)
order = sorted(range(m), key=lambda j: tests[j]['p'])
stop = False
for rank, j in enumerate(order):
    thr = ALPHA / (m - rank)
    tests[j]['holm_threshold'] = thr
    stop = stop or tests[j]['p'] > thr
    tests[j]['rejected'] = not stop
for t in tests:
    t['agree'] = bool(not t['rejected'] or t['within_tolerance'])
for r in out:
    r['agree'] = all(r[st]['agree'] for st in ('rate', 'cv', 'corr', 'ks') if r.get(st) is not None)


def pfmt(p):
    return f'{p:.3f}' if p >= 0.001 else f'{p:.0e}'


def fmt(r, st):
    v = r.get(st)
    if v is None:
        return '—'
    q = 3 if st != 'rate' else 2
    mark = '' if v['agree'] else ' ✗'
    return f"{v['neurite']:.{q}f} / {v['brian2']:.{q}f} ± {v['ci95_half']:.{q}f}, p {pfmt(v['p'])}{mark}"


print('| model | population | runs n / b | rate Hz: neurite / Brian2 ± 95% CI, p | CV ISI | correlation | '
      'KS: n–b / b–b median, p | verdict |')
print('|---|---|---|---|---|---|---|---|')
for r in out:
    ks = r['ks']
    print(f"| {r['model']} | {r['population']} | {r['seeds']} / {r['reference_runs']} | {fmt(r, 'rate')} | "
          f"{fmt(r, 'cv')} | {fmt(r, 'corr')} | {ks['neurite_vs_brian2']:.3f} / {ks['brian2_vs_brian2_median']:.3f}, "
          f"p {pfmt(ks['p'])}{'' if ks['agree'] else ' ✗'} | {'agree' if r['agree'] else 'DIFFER'} |")
if args.json:
    with open(args.json, 'w') as f:
        json.dump(dict(alpha=ALPHA, tests=m, rows=out), f, indent=1)
bad = [f"{r['model']}/{r['population']}" for r in out if not r['agree']]
print()
smallest = min(t['p'] for t in tests) if tests else float('nan')
print(f'{m} tests, Holm-Bonferroni at a family-wise {ALPHA:g} (smallest p {pfmt(smallest)}, '
      f'its threshold {ALPHA / m:.1e}); ' + ('all agree' if not bad else 'differ: ' + ', '.join(bad)))
raise SystemExit(1 if bad else 0)
