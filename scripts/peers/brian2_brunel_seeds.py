#!/usr/bin/env python3
"""Brunel (2000) panels in Brian2 over many seeds in one process.

The model is shared/peers/snn/brian2_brunel.py's (itself Brian2's
examples/frompapers/Brunel_2000.py): N_E = 10000, N_I = 2500, p = 0.1,
tau 20 ms, theta 20 mV, V_r 10 mV, refractory 2 ms, J = 0.1 mV, delay
1.5 ms, C_ext = 1000 Poisson sources at ratio * nu_thr, dt = 0.1 ms;
panels (g, nu_ext/nu_thr): A (3, 2), B (6, 4), C (5, 2), D (4.5, 0.9).
It runs in Brian2's runtime mode (Cython), so the generated code is
compiled once and reused for every seed; each seed builds a new network
(new wiring, new Poisson drive) after brian2.seed(seed).

Prints one JSON line per seed: panel, seed, duration_ms, n_e, rate_e_hz,
rate_i_hz.

  /usr/bin/python3 scripts/peers/brian2_brunel_seeds.py --panel C --seeds 1-25 --duration-ms 2000
"""
import argparse
import json
import os
import sys

PANELS = {'A': (3.0, 2.0), 'B': (6.0, 4.0), 'C': (5.0, 2.0), 'D': (4.5, 0.9)}
ap = argparse.ArgumentParser()
ap.add_argument('--panel', choices=sorted(PANELS), default='A')
ap.add_argument('--seeds', default='1-5', help='first-last, inclusive')
ap.add_argument('--N_E', type=int, default=10000)
ap.add_argument('--duration-ms', type=float, default=2000.0)
ap.add_argument('--cache', default=os.environ.get('SNN_WORK', '/tmp/neurite-snn-peers') + '/cython_cache')
args = ap.parse_args()
lo, hi = (int(x) for x in args.seeds.split('-'))

from brian2 import (NeuronGroup, Synapses, SpikeMonitor, PoissonInput, Network,  # noqa: E402
                    defaultclock, seed, prefs, ms, mV, second, start_scope)

prefs.codegen.target = 'cython'
os.makedirs(args.cache, exist_ok=True)
prefs.codegen.runtime.cython.cache_dir = args.cache

g, ratio = PANELS[args.panel]
N_E = args.N_E
N_I = round(0.25 * N_E)
N = N_E + N_I
epsilon = 0.1
C_E = epsilon * N_E
C_ext = int(C_E)
tau = 20 * ms
theta = 20 * mV
V_r = 10 * mV
tau_rp = 2 * ms
J = 0.1 * mV
D = 1.5 * ms
nu_thr = theta / (J * C_E * tau)
nu_ext = ratio * nu_thr

for s in range(lo, hi + 1):
    start_scope()
    defaultclock.dt = 0.1 * ms
    seed(s)
    neurons = NeuronGroup(N, 'dv/dt = -v/tau : volt (unless refractory)', threshold='v > theta',
                          reset='v = V_r', refractory=tau_rp, method='exact')
    exc = Synapses(neurons[:N_E], neurons, on_pre='v += J', delay=D)
    exc.connect(p=epsilon)
    inh = Synapses(neurons[N_E:], neurons, on_pre='v += -g*J', delay=D)
    inh.connect(p=epsilon)
    ext = PoissonInput(target=neurons, target_var='v', N=C_ext, rate=nu_ext, weight=J)
    cnt = SpikeMonitor(neurons, record=False)
    net = Network(neurons, exc, inh, ext, cnt)
    net.run(args.duration_ms * ms)
    c = cnt.count[:]
    T = args.duration_ms / 1000.0
    print(json.dumps(dict(panel=args.panel, seed=s, duration_ms=args.duration_ms, n_e=N_E,
                          rate_e_hz=float(c[:N_E].sum()) / (N_E * T),
                          rate_i_hz=float(c[N_E:].sum()) / (N_I * T))), flush=True)
