#!/usr/bin/env python3
"""Brian2 2.5.1 fixture for snn's Tsodyks-Markram short-term plasticity:
brian2_stp.json, read by TestSTPMatchesBrian2 (stp_test.go).

Four presynaptic neurons fire at fixed steps (dt = 0.1 ms, 10,000 steps):
a regular 20 Hz train, bursts of 5 spikes at 100 Hz every 250 ms, a
Poisson train of 30 Hz (numpy seed 22) and a train with gaps from 0.2 to
400 ms. Each drives one postsynaptic variable v (no dynamics: it only
accumulates) through a synapse of weight 1 with short-term plasticity,
and the fixture keeps, per neuron, the efficacy u*R each spike transmits.

Brian2's synapse is written in the ODE form of Tsodyks, Pawelzik &
Markram (1998), not in the recurrence snn.STP implements (Maass & Markram
2002), so the two are independent:

    da/dt = -a/tau_f   (event-driven; a = u just after the last spike)
    dx/dt = (1-x)/tau_d (event-driven; x = R just after the last spike)
    on_pre: u = U + (1-U)*a;  v_post += w*u*x;  a = u;  x = x - u*x

(with tau_f = 0, u = U). Parameter sets: depressing (U 0.5, tau_d 800 ms,
tau_f 0), facilitating (U 0.15, tau_d 100 ms, tau_f 750 ms) and mixed
(U 0.3, tau_d 200 ms, tau_f 300 ms).

Run with Debian's Brian2: /usr/bin/python3 brian2_stp.py
"""
import json
import os

import numpy as np
from brian2 import (NeuronGroup, Synapses, SpikeGeneratorGroup, StateMonitor, Network, defaultclock, prefs, ms)

prefs.codegen.target = 'numpy'
here = os.path.dirname(os.path.abspath(__file__))
dt_ms, steps = 0.1, 10000
rng = np.random.default_rng(22)
trains = [
    list(range(0, steps, 500)),
    sorted(b + 100 * k for b in range(0, steps, 2500) for k in range(5)),
    [int(s) for s in np.flatnonzero(rng.random(steps) < 30 * dt_ms / 1000)],
    [0, 2, 10, 60, 300, 1300, 5300, 5310, 5330, 9000],
]
SETS = {
    'depressing': dict(U=0.5, TauD=800.0, TauF=0.0),
    'facilitating': dict(U=0.15, TauD=100.0, TauF=750.0),
    'mixed': dict(U=0.3, TauD=200.0, TauF=300.0),
}


def run(p):
    defaultclock.dt = dt_ms * ms
    idx = np.concatenate([[i] * len(s) for i, s in enumerate(trains)]).astype(int)
    times = np.concatenate([np.asarray(s, dtype=float) for s in trains]) * dt_ms * ms
    pre = SpikeGeneratorGroup(len(trains), idx, times)
    post = NeuronGroup(len(trains), 'v : 1')
    ns = dict(U=p['U'], tau_d=p['TauD'] * ms, tau_f=max(p['TauF'], 1e-9) * ms)
    u = 'U' if p['TauF'] == 0 else 'U + (1 - U)*a'
    syn = Synapses(pre, post, '''w : 1
                                 da/dt = -a/tau_f : 1 (event-driven)
                                 dx/dt = (1 - x)/tau_d : 1 (event-driven)''',
                   on_pre=f'''u = {u}
                              v_post += w*u*x
                              a = u
                              x = x - u*x''', namespace=ns)
    syn.connect(j='i')
    syn.w = 1
    syn.x = 1
    mon = StateMonitor(post, 'v', record=True, when='end')
    Network(pre, post, syn, mon).run(steps * dt_ms * ms)
    v = np.asarray(mon.v)
    out = []
    for i, st in enumerate(trains):
        prev = np.concatenate([[0.0], v[i]])
        out.append([float(v[i][s] - prev[s]) for s in st])
    return out


fixture = dict(dt_ms=dt_ms, steps=steps, spike_steps=trains, sets={})
for name, p in SETS.items():
    fixture['sets'][name] = dict(params=p, efficacy=run(p))
with open(os.path.join(here, 'brian2_stp.json'), 'w') as f:
    json.dump(fixture, f, separators=(',', ':'))
    f.write('\n')
