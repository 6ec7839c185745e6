#!/usr/bin/env python3
"""Brian2 2.5.1 fixture for snn/plasticity's rules: brian2_plasticity.json.

Twenty presynaptic and ten postsynaptic neurons fire at fixed steps
(SpikeGeneratorGroup; Poisson trains of 15 and 10 Hz drawn here with
numpy's seed 22, plus one step, 5000, where every neuron fires, so that
coincident pre and post spikes are exercised) for 10,000 steps of
dt = 0.1 ms. All 200 synapses start from weights drawn uniformly in
[0.2, 0.8], and each rule of snn/plasticity, written below in Brian2's
equations from the rule's doc comment, changes them for the whole run:

  stdp_add    pair-based STDP, all-to-all, additive, clipped to [0, wmax]
  stdp_mult   the same with soft bounds (Multiplicative)
  triplet     Pfister & Gerstner (2006), visual-cortex all-to-all
              amplitudes scaled by 10 so that changes are well above
              float32 rounding
  ratehebb    rate-based Hebb with Oja's decay on rate traces, each step
  scaling     homeostatic synaptic scaling every 50 ms

The file holds the spike steps, the initial weights, each rule's
parameters (named as the Go fields) and its weights at the end, all in
float64. Weights are listed pre-major: synapse i -> j at index
i*n_post + j.

Run with Debian's Brian2: /usr/bin/python3 brian2_plasticity.py
"""
import json
import os

import numpy as np
from brian2 import (NeuronGroup, Synapses, SpikeGeneratorGroup, Network, defaultclock, prefs, ms)

prefs.codegen.target = 'numpy'
here = os.path.dirname(os.path.abspath(__file__))
dt_ms, steps, n_pre, n_post = 0.1, 10000, 20, 10
rng = np.random.default_rng(22)


def trains(n, rate_hz, first):
    out = []
    for _ in range(n):
        s = np.flatnonzero(rng.random(steps) < rate_hz * dt_ms / 1000)
        s = set(int(x) for x in s if x >= first)
        s.add(5000)
        out.append(sorted(s))
    return out


# Postsynaptic spikes from step 1 on (the Go test makes them fire one step
# after a driving spike).
pre_steps, post_steps = trains(n_pre, 15, 0), trains(n_post, 10, 1)
w0 = rng.uniform(0.2, 0.8, size=n_pre * n_post)

RULES = {
    'stdp_add': dict(APlus=0.01, AMinus=0.0105, TauPlus=20.0, TauMinus=20.0, WMax=1.0, Multiplicative=False),
    'stdp_mult': dict(APlus=0.01, AMinus=0.0105, TauPlus=20.0, TauMinus=20.0, WMax=1.0, Multiplicative=True),
    'triplet': dict(A2Plus=5e-9, A3Plus=6.2e-2, A2Minus=7e-2, A3Minus=2.3e-3,
                    TauPlus=16.8, TauMinus=33.7, TauX=101.0, TauY=125.0, WMax=1.0),
    'ratehebb': dict(Rate=2e-3, Tau=100.0, WMax=1.0),
    'scaling': dict(Target=8.0, Tau=100.0, Every=50.0, Gain=0.2, WMax=1.0),
}


def generators():
    def gen(st, name):
        idx = np.concatenate([[i] * len(s) for i, s in enumerate(st)]).astype(int)
        t = np.concatenate([np.asarray(s, dtype=float) for s in st]) * dt_ms * ms
        return SpikeGeneratorGroup(len(st), idx, t, name=name)
    return gen(pre_steps, 'pre'), gen(post_steps, 'post')


def traces(src, n, tau_ms, name):
    """A group holding one trace per neuron of src: decays with tau in the
    groups slot, +1 at each spike in the synapses slot (the order of
    neurite's trace.advance)."""
    g = NeuronGroup(n, 'dx/dt = -x/tau : 1', method='exact', name=name, namespace=dict(tau=tau_ms * ms))
    s = Synapses(src, g, on_pre='x_post += 1', name=name + '_in')
    s.connect(j='i')
    return [g, s]


def run(rule, p):
    defaultclock.dt = dt_ms * ms
    pre, post = generators()
    objs = [pre, post]
    ns = {k: v for k, v in p.items() if not isinstance(v, bool)}
    if rule in ('stdp_add', 'stdp_mult'):
        ns.update(taup=p['TauPlus'] * ms, taum=p['TauMinus'] * ms)
        eqs = '''w : 1
                 dx/dt = -x/taup : 1 (event-driven)
                 dy/dt = -y/taum : 1 (event-driven)'''
        if p['Multiplicative']:
            on_pre, on_post = 'w = w - AMinus*y*w; x += 1', 'w = w + APlus*x*(WMax - w); y += 1'
        else:
            on_pre, on_post = 'w = clip(w - AMinus*y, 0, WMax); x += 1', 'w = clip(w + APlus*x, 0, WMax); y += 1'
        syn = Synapses(pre, post, eqs, on_pre=on_pre, on_post=on_post, namespace=ns, name='syn')
    elif rule == 'triplet':
        ns.update(taup=p['TauPlus'] * ms, taum=p['TauMinus'] * ms, taux=p['TauX'] * ms, tauy=p['TauY'] * ms)
        eqs = '''w : 1
                 dr1/dt = -r1/taup : 1 (event-driven)
                 dr2/dt = -r2/taux : 1 (event-driven)
                 do1/dt = -o1/taum : 1 (event-driven)
                 do2/dt = -o2/tauy : 1 (event-driven)'''
        syn = Synapses(pre, post, eqs, namespace=ns, name='syn',
                       on_pre='w = clip(w - o1*(A2Minus + A3Minus*r2), 0, WMax); r1 += 1; r2 += 1',
                       on_post='w = clip(w + r1*(A2Plus + A3Plus*o2), 0, WMax); o1 += 1; o2 += 1')
    elif rule == 'ratehebb':
        tp, tq = traces(pre, n_pre, p['Tau'], 'tpre'), traces(post, n_post, p['Tau'], 'tpost')
        objs += tp + tq
        ns.update(scale=1000 / p['Tau'], k=p['Rate'] * dt_ms / 1000)
        syn = Synapses(tp[0], tq[0], 'w : 1', namespace=ns, name='syn')
        # every step, after the spikes: w += k·r_post·(r_pre − r_post·w)
        syn.run_regularly('w = clip(w + k*(x_post*scale)*(x_pre*scale - x_post*scale*w), 0, WMax)', when='end')
    elif rule == 'scaling':
        tq = traces(post, n_post, p['Tau'], 'tpost')
        objs += tq
        ns.update(scale=1000 / p['Tau'], every=int(round(p['Every'] / dt_ms)))
        syn = Synapses(pre, tq[0], 'w : 1', namespace=ns, name='syn')
        # at the end of steps every-1, 2·every-1, ...: w *= 1 + Gain·(Target − r)/Target
        syn.run_regularly('''on = int((timestep(t, dt) + 1) % every == 0)
                             f = clip(1 + Gain*(Target - x_post*scale)/Target, 0, inf)
                             w = clip(w*(1 + on*(f - 1)), -inf, WMax)''', when='end')
    syn.connect()
    i, j = np.asarray(syn.i[:]), np.asarray(syn.j[:])
    syn.w[:] = w0[i * n_post + j]
    net = Network(objs + [syn])
    net.run(steps * dt_ms * ms)
    out = np.empty(n_pre * n_post)
    out[np.asarray(syn.i[:]) * n_post + np.asarray(syn.j[:])] = np.asarray(syn.w[:])
    return out


fixture = dict(dt_ms=dt_ms, steps=steps, n_pre=n_pre, n_post=n_post, pre_steps=pre_steps,
               post_steps=post_steps, w0=w0.tolist(), rules={})
for rule, p in RULES.items():
    wf = run(rule, p)
    fixture["rules"][rule] = dict(params=p, w=wf.tolist())
    print(rule, 'mean |Δw|', float(np.abs(wf - w0).mean()))
with open(os.path.join(here, 'brian2_plasticity.json'), 'w') as f:
    json.dump(fixture, f, indent=None, separators=(',', ':'))
    f.write('\n')
