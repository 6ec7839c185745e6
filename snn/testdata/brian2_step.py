#!/usr/bin/env python3
"""Brian2 2.5.1 fixtures for snn/step_test.go: the step's semantics, pinned.

Writes, next to this script:

brian2_refractory.csv
    v (mV) of four Brunel (2000) neurons at the start of each step
    (StateMonitor's 'start' slot), steps 0-59, dt = 0.1 ms. Each starts at
    v = 25 mV, fires in step 0 and is refractory for 2 ms; inputs of 0.5 mV
    then arrive at steps 0, 1, 10, 19, 20, 21 and 30:
      column 'direct'  through a synapse without delay,
      column 'delayed' through a synapse with a 1.5 ms delay (sent 15 steps
                       earlier, so only arrivals from step 15 on),
      column 'poisson' from a PoissonInput of 10 kHz sources at dt = 0.1 ms,
                       i.e. one event every step, 0.05 mV each,
      column 'free'    no input at all.
brian2_step_spikes.txt
    every spike, "step neuron", of a 200-neuron Brunel-style network whose
    wiring, initial potentials and external input counts are functions of
    the indices through SplitMix64's finaliser (no random numbers: Go
    computes the same ones), 2000 steps.

Run with Debian's Brian2: /usr/bin/python3 brian2_step.py
"""
import os

import numpy as np
from brian2 import (NeuronGroup, Synapses, SpikeGeneratorGroup, SpikeMonitor, StateMonitor, PoissonInput,
                    TimedArray, Network, defaultclock, prefs, ms, mV, Hz)

prefs.codegen.target = 'numpy'
here = os.path.dirname(os.path.abspath(__file__))
defaultclock.dt = 0.1 * ms
tau, theta, V_r, tau_rp = 20 * ms, 20 * mV, 10 * mV, 2 * ms
eqs = 'dv/dt = -v/tau : volt (unless refractory)'


def group(n, name):
    return NeuronGroup(n, eqs, threshold='v > theta', reset='v = V_r', refractory=tau_rp, method='exact',
                       name=name)


# --- refractoriness: which inputs count -------------------------------------
arrivals = [0, 1, 10, 19, 20, 21, 30]
G = group(4, 'g')  # direct, delayed, poisson, free
G.v = 25 * mV
direct = SpikeGeneratorGroup(1, [0] * len(arrivals), np.array(arrivals) * 0.1 * ms, name='direct')
late = [a - 15 for a in arrivals if a >= 15]
delayed = SpikeGeneratorGroup(1, [0] * len(late), np.array(late) * 0.1 * ms, name='delayed')
s1 = Synapses(direct, G, on_pre='v += 0.5*mV', name='s_direct')
s1.connect(i=0, j=0)
s2 = Synapses(delayed, G, on_pre='v += 0.5*mV', delay=1.5 * ms, name='s_delayed')
s2.connect(i=0, j=1)
P = group(1, 'p')
P.v = 25 * mV
pin = PoissonInput(P, 'v', N=1, rate=10000 * Hz, weight=0.05 * mV)
mg = StateMonitor(G, 'v', record=True, name='mg')
mp = StateMonitor(P, 'v', record=True, name='mp')
net = Network(G, direct, delayed, s1, s2, P, pin, mg, mp)
net.run(60 * 0.1 * ms, namespace=dict(globals()))
with open(os.path.join(here, 'brian2_refractory.csv'), 'w') as f:
    f.write('# written by brian2_step.py (Brian2 2.5.1); v in mV at the start of each step\n')
    f.write('step,direct,delayed,poisson,free\n')
    for k in range(60):
        v = [mg.v[0][k], mg.v[1][k], mp.v[0][k], mg.v[3][k]]
        f.write(f'{k},' + ','.join(f'{x / mV:.9f}' for x in v) + '\n')

# --- a small network, spike for spike ----------------------------------------
M64 = (1 << 64) - 1


def mix64(x):
    """SplitMix64's finaliser, as in snn/rng.go."""
    x &= M64
    x ^= x >> 30
    x = (x * 0xbf58476d1ce4e5b9) & M64
    x ^= x >> 27
    x = (x * 0x94d049bb133111eb) & M64
    x ^= x >> 31
    return x


def uniform(key, a, b):
    """A float64 in [0, 1) for (key, a, b), as hashUniform in step_test.go."""
    return (mix64(key ^ mix64(a * 0x9e3779b97f4a7c15 + b)) >> 11) * 2.0 ** -53


NE, NI, STEPS = 160, 40, 2000
N = NE + NI
J, g, p, J_ext = 0.5, 4.0, 0.1, 0.1
pre, post = [], []
for a in range(N):
    for b in range(N):
        if uniform(1, a, b) < p:
            pre.append(a)
            post.append(b)
pre, post = np.array(pre), np.array(post)
v0 = np.array([20 * uniform(2, a, 0) for a in range(N)])
# external events per neuron and step: 0, 1 or 2, mean 1 (20 mV of drive)
ext = np.array([[int(uniform(3, n, a) * 3) for a in range(N)] for n in range(STEPS)], dtype=float)

H = group(N, 'h')
H.v = v0 * mV
se = Synapses(H[:NE], H, on_pre='v += J*mV', delay=1.5 * ms, name='se')
m = pre < NE
se.connect(i=pre[m], j=post[m])
si = Synapses(H[NE:], H, on_pre='v += -g*J*mV', delay=1.5 * ms, name='si')
si.connect(i=pre[~m] - NE, j=post[~m])
ta = TimedArray(ext, dt=0.1 * ms)
H.run_regularly('v += J_ext*mV*ta(t, i)', when='synapses', order=10, name='ext')
sm = SpikeMonitor(H, name='sm')
net = Network(H, se, si, sm, H.contained_objects)
net.run(STEPS * 0.1 * ms, namespace=dict(globals()))
steps = np.round(np.asarray(sm.t / ms) * 10).astype(int)
order = np.lexsort((np.asarray(sm.i), steps))
with open(os.path.join(here, 'brian2_step_spikes.txt'), 'w') as f:
    f.write(f'# written by brian2_step.py (Brian2 2.5.1): {len(steps)} spikes, "step neuron"\n')
    for k in order:
        f.write(f'{steps[k]} {int(sm.i[k])}\n')
print(f'{len(steps)} spikes, {len(pre)} synapses, rate {len(steps) / N / (STEPS * 1e-4):.1f} Hz')
