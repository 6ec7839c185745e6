#!/usr/bin/env python3
"""Potjans & Diesmann's (2014) cortical microcircuit in Brian2 2.5.1, built
from the network spec neurite simulates (scripts/microcircuit-spec.go prints
it; snn.MicrocircuitSpec), for scripts/bench-microcircuit-vs-brian2.sh.

The spec's features map one to one onto Brian2:
  lif with CM   NEST's iaf_psc_exp: dv/dt = (VRest - v)/TauM + (ge + gi + I)/CM
                (pA, pF), dge/dt = -ge/TauE, dgi/dt = -gi/TauI, integrated
                exactly (method='exact'), threshold v > VThresh, reset
                v = VReset, refractory TRef (v held, currents decay);
                initial v normal per population;
  rule total    `count` synapses, sources and targets drawn with replacement
                (numpy), autapses and multapses allowed;
  weights       normal [mean, sd] per synapse, in pA, onto ge or gi;
  delays        normal [mean, sd] per synapse, a draw below one step drawn
                again (as neurite and NEST do), rounded to whole steps;
  poisson       PoissonInput(N sources, rate Hz, weight pA) onto ge;
  current       the constant I (pA).

The random draws are numpy's, not neurite's, so the two simulate
statistically the same network, not the same wiring. Runs in C++
standalone mode: the project is generated and compiled once (its time is
reported apart as build_s), then the binary runs --bin-reps times; each
run's loop time is Brian2's own (results/last_run_info.txt). Prints one
JSON line: the timings and each population's rate.

  /usr/bin/python3 scripts/peers/brian2_microcircuit.py --spec mc.json --duration-ms 300 --dir DIR
"""
import argparse
import json
import os
import time

import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument('--spec', required=True, help='network spec (JSON) from scripts/microcircuit-spec.go')
ap.add_argument('--duration-ms', type=float, default=300.0)
ap.add_argument('--seed', type=int, default=1)
ap.add_argument('--threads', type=int, default=0, help='OpenMP threads of the standalone binary (0: none)')
ap.add_argument('--dir', required=True, help='directory of the standalone project (kept, so the binary can be run again)')
args = ap.parse_args()

from brian2 import (NeuronGroup, Synapses, SpikeMonitor, PoissonInput, Network, defaultclock,  # noqa: E402
                    device, prefs, set_device, seed, ms, mV, pA, pF, Hz)
import brian2  # noqa: E402

set_device('cpp_standalone', directory=args.dir, build_on_run=False)
if args.threads > 0:
    prefs.devices.cpp_standalone.openmp_threads = args.threads
seed(args.seed)
rng = np.random.default_rng(args.seed)

with open(args.spec) as f:
    spec = json.load(f)
dt = spec['dt']
defaultclock.dt = dt * ms
t0 = time.perf_counter()
groups, counts, objects = {}, {}, []
for p in spec['populations']:
    par = p['params']
    if p['model'] != 'lif' or 'CM' not in par:
        raise SystemExit(f"population {p['name']}: only lif with CM is translated")
    eqs = f'''
    dv/dt = ({par['VRest']}*mV - v)/({par['TauM']}*ms) + (ge + gi + I)/({par['CM']}*pF) : volt (unless refractory)
    dge/dt = -ge/({par['TauE']}*ms) : amp
    dgi/dt = -gi/({par['TauI']}*ms) : amp
    I : amp
    '''
    g = NeuronGroup(p['n'], eqs, threshold=f"v > {par['VThresh']}*mV", reset=f"v = {par['VReset']}*mV",
                    refractory=par['TRef'] * ms, method='exact', name=p['name'])
    mean, sd = p['init']['v']['normal']
    g.v = rng.normal(mean, sd, p['n']) * mV
    groups[p['name']] = g
    counts[p['name']] = SpikeMonitor(g, record=False, name='count_' + p['name'])
    objects += [g, counts[p['name']]]

synapses = 0
for k, pj in enumerate(spec['projections']):
    if pj['rule'] != 'total' or 'normal' not in pj.get('weights', {}) or 'normal' not in pj.get('delays', {}):
        raise SystemExit(f'projection {k}: only the total rule with normal weights and delays is translated')
    pre, post = groups[pj['pre']], groups[pj['post']]
    n = pj['count']
    s = Synapses(pre, post, 'w : amp', on_pre=f"{pj['target']}_post += w", name=f'syn{k}')
    s.connect(i=rng.integers(0, len(pre), n, dtype=np.int32), j=rng.integers(0, len(post), n, dtype=np.int32))
    mean, sd = pj['weights']['normal']
    s.w = rng.normal(mean, sd, n) * pA
    mean, sd = pj['delays']['normal']
    d = rng.normal(mean, sd, n)
    while True:  # NEST's and neurite's redraw of delays below one step
        short = d < dt
        if not short.any():
            break
        d[short] = rng.normal(mean, sd, int(short.sum()))
    s.delay = np.round(d / dt) * dt * ms
    synapses += n
    objects.append(s)

for k, inp in enumerate(spec['inputs']):
    g = groups[inp['population']]
    if inp['kind'] == 'poisson':
        objects.append(PoissonInput(g, inp['var'], N=inp['n'], rate=inp['rate'] * Hz, weight=inp['weight'] * pA))
    elif inp['kind'] == 'current':
        g.I = inp['amplitude'] * pA
    else:
        raise SystemExit(f"input {k}: kind {inp['kind']} is not translated")

net = Network(*objects)
net.run(args.duration_ms * ms)
setup_s = time.perf_counter() - t0
t0 = time.perf_counter()
device.build(directory=args.dir, compile=True, run=True, clean=True, with_output=False)
build_s = time.perf_counter() - t0 - device.timers['run_binary']
seconds = args.duration_ms / 1000
print(json.dumps(dict(brian2=brian2.__version__, neurons=sum(len(g) for g in groups.values()), synapses=synapses,
                      duration_ms=args.duration_ms, setup_s=setup_s, build_s=build_s, loop_s=device._last_run_time,
                      rates_hz={name: float(np.sum(counts[name].count[:])) / (len(g) * seconds)
                                for name, g in groups.items()})))
