#!/usr/bin/env python3
"""Brian2 2.5.1 runs of every `neurite sim` preset, many seeds in one process,
for scripts/validate-vs-brian2.sh --suite.

Each model is written from the neurite preset's parameters (snn/presets.go,
snn/event.go, snn/hh.go; the presets themselves follow Brian2's examples):

  brunel-A..D   Brunel (2000), Brian2's examples/frompapers/Brunel_2000.py
                (as shared/peers/snn/brian2_brunel.py), N_E excitatory
                neurons (--n, default 10000), p = 0.1, J = 0.1 mV, D = 1.5 ms,
                g and nu_ext/nu_thr of the panel; snn.Brunel.
  coba          Brette et al. (2007) benchmark 1 (shared/peers/snn/brian2_lif.py
                --model coba): N = 4000, p = 80/N, we 6 nS, wi 67 nS,
                forward Euler; snn.COBA.
  cuba          Brette et al. (2007) benchmark 2, Brian2's examples/CUBA.py
                (brian2_lif.py --model cuba); snn.CUBA.
  cuba-event    benchmark 4: CUBA with voltage jumps of 0.405 and -4.5 mV after
                0.1 ms, tau_m 20 ms, E_L -49, V_t -50, V_r -60 mV, 5 ms
                refractory; Brian2 is clock-driven, here at dt = 0.01 ms,
                against neurite's exact event-driven engine; snn.EventCUBA.
  izhikevich    Izhikevich (2003) net.m, two half steps of v then u
                (brian2_izhikevich.py --scheme netm); snn.IzhikevichNetwork
                with IzhikevichHalfSteps, the `neurite sim izhikevich` preset.
  izhikevich-euler  the same network with forward Euler, Brian2's
                examples/frompapers/Izhikevich_2003.py (--scheme example);
                snn.IzhikevichNetwork with IzhikevichEuler.
  hh            100 unconnected Hodgkin-Huxley somata with NEURON's hh
                rates at 6.3 C, 20 um x 20 um, 0.1 nA, dt = 0.025 ms,
                exponential Euler; spikes are upward crossings of 0 mV;
                snn.HHCells (reference: shared/peers/snn/neuron_hh.py).

Brian2 runs in runtime mode (Cython), so each model's code is compiled
once and reused across seeds; each seed builds a new network after
brian2.seed(seed) (numpy's generator too, for Izhikevich's weights).
Writes DIR/<model>_s<seed>_<population>.npy: float64 rows (neuron, time
in ms), the layout of `neurite sim --out`'s spikes_<population>.npy, and
prints one JSON line per run.

  /usr/bin/python3 scripts/peers/brian2_fidelity.py --model coba --seeds 1-5 --duration-ms 1000 --out DIR
"""
import argparse
import json
import os
import time

import numpy as np

MODELS = ['brunel-A', 'brunel-B', 'brunel-C', 'brunel-D', 'coba', 'cuba', 'cuba-event',
          'izhikevich', 'izhikevich-euler', 'hh']
ap = argparse.ArgumentParser()
ap.add_argument('--model', choices=MODELS, required=True)
ap.add_argument('--seeds', default='1-5', help='first-last, inclusive')
ap.add_argument('--n', type=int, default=0, help='size: brunel N_E (10000), coba/cuba/cuba-event N (4000), hh cells (100)')
ap.add_argument('--duration-ms', type=float, default=1000.0)
ap.add_argument('--out', required=True)
ap.add_argument('--cache', default=os.path.join(os.environ.get('SNN_WORK', '/tmp/neurite-snn-peers'), 'cython_cache'))
args = ap.parse_args()
lo, hi = (int(x) for x in args.seeds.split('-'))
os.makedirs(args.out, exist_ok=True)

from brian2 import (NeuronGroup, Synapses, SpikeMonitor, PoissonInput, Network, defaultclock,  # noqa: E402
                    seed, prefs, start_scope, ms, mV, nS, pF, second)

prefs.codegen.target = 'cython'
os.makedirs(args.cache, exist_ok=True)
prefs.codegen.runtime.cython.cache_dir = args.cache


def brunel(panel, n_e):
    g, ratio = {'A': (3.0, 2.0), 'B': (6.0, 4.0), 'C': (5.0, 2.0), 'D': (4.5, 0.9)}[panel]
    N_I = round(0.25 * n_e)
    C_E = 0.1 * n_e
    ns = dict(tau=20 * ms, theta=20 * mV, V_r=10 * mV, J=0.1 * mV, g=g)
    defaultclock.dt = 0.1 * ms
    P = NeuronGroup(n_e + N_I, 'dv/dt = -v/tau : volt (unless refractory)', threshold='v > theta',
                    reset='v = V_r', refractory=2 * ms, method='exact', namespace=ns)
    exc = Synapses(P[:n_e], P, on_pre='v += J', delay=1.5 * ms, namespace=ns)
    exc.connect(p=0.1)
    inh = Synapses(P[n_e:], P, on_pre='v += -g*J', delay=1.5 * ms, namespace=ns)
    inh.connect(p=0.1)
    nu_thr = 20 * mV / (0.1 * mV * C_E * 20 * ms)
    ext = PoissonInput(target=P, target_var='v', N=int(C_E), rate=ratio * nu_thr, weight=0.1 * mV)
    return P, n_e, [exc, inh, ext], 0.1


def coba(n):
    ne = int(0.8 * n)
    ns = dict(Cm=200 * pF, gL=10 * nS, EL=-60 * mV, Vt=-50 * mV, Vr=-60 * mV, Ee=0 * mV, Ei=-80 * mV,
              taue=5 * ms, taui=10 * ms, we=6 * nS, wi=67 * nS)
    defaultclock.dt = 0.1 * ms
    P = NeuronGroup(n, '''dv/dt = (gL*(EL-v) + ge*(Ee-v) + gi*(Ei-v))/Cm : volt (unless refractory)
                          dge/dt = -ge/taue : siemens
                          dgi/dt = -gi/taui : siemens''',
                    threshold='v>Vt', reset='v = Vr', refractory=5 * ms, method='euler', namespace=ns)
    P.v = 'Vr + rand() * (Vt - Vr)'
    P.ge = '(randn() * 1.5 + 4) * 10*nS'
    P.gi = '(randn() * 12 + 20) * 10*nS'
    Ce = Synapses(P[:ne], P, on_pre='ge += we', namespace=ns)
    Ci = Synapses(P[ne:], P, on_pre='gi += wi', namespace=ns)
    Ce.connect(p=80.0 / n)
    Ci.connect(p=80.0 / n)
    return P, ne, [Ce, Ci], 0.1


def cuba(n):
    ne = int(0.8 * n)
    ns = dict(taum=20 * ms, taue=5 * ms, taui=10 * ms, Vt=-50 * mV, Vr=-60 * mV, El=-49 * mV,
              we=(60 * 0.27 / 10) * mV, wi=(-20 * 4.5 / 10) * mV, Ne=ne)
    defaultclock.dt = 0.1 * ms
    P = NeuronGroup(n, '''dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
                          dge/dt = -ge/taue : volt
                          dgi/dt = -gi/taui : volt''',
                    threshold='v>Vt', reset='v = Vr', refractory=5 * ms, method='exact', namespace=ns)
    P.v = 'Vr + rand() * (Vt - Vr)'
    Ce = Synapses(P, P, on_pre='ge += we', namespace=ns)
    Ci = Synapses(P, P, on_pre='gi += wi', namespace=ns)
    Ce.connect('i<Ne', p=80.0 / n)
    Ci.connect('i>=Ne', p=80.0 / n)
    return P, ne, [Ce, Ci], 0.1


def cuba_event(n):
    ne = int(0.8 * n)
    ns = dict(taum=20 * ms, Vt=-50 * mV, Vr=-60 * mV, El=-49 * mV, we=1.62 * 5 / 20 * mV, wi=-9.0 * 10 / 20 * mV)
    defaultclock.dt = 0.01 * ms
    P = NeuronGroup(n, 'dv/dt = (El - v)/taum : volt (unless refractory)', threshold='v>=Vt', reset='v = Vr',
                    refractory=5 * ms, method='exact', namespace=ns)
    P.v = 'Vr + rand() * (Vt - Vr)'
    Ce = Synapses(P[:ne], P, on_pre='v += we', delay=0.1 * ms, namespace=ns)
    Ci = Synapses(P[ne:], P, on_pre='v += wi', delay=0.1 * ms, namespace=ns)
    Ce.connect(p=80.0 / n)
    Ci.connect(p=80.0 / n)
    return P, ne, [Ce, Ci], 0.01


def izhikevich(scheme, s):
    rng = np.random.RandomState(s)
    Ne, Ni = 800, 200
    re, ri = rng.uniform(size=Ne), rng.uniform(size=Ni)
    weights = np.hstack([0.5 * rng.uniform(size=(Ne + Ni, Ne)), -rng.uniform(size=(Ne + Ni, Ni))]).T
    defaultclock.dt = 1 * ms
    params = 'I : 1\nI_noise : 1\na : 1\nb : 1\nc : 1\nd : 1\n'
    if scheme == 'euler':
        G = NeuronGroup(Ne + Ni, '''dv/dt = (0.04*v**2 + 5*v + 140 - u + I + I_noise)/ms : 1
                                    du/dt = (a*(b*v - u))/ms : 1\n''' + params,
                        threshold='v>=30', reset='v=c; u+=d', method='euler')
    else:
        G = NeuronGroup(Ne + Ni, 'v : 1\nu : 1\n' + params, threshold='v>=30', reset='v=c; u+=d')
        G.run_regularly('''v = v + 0.5*(0.04*v**2 + 5*v + 140 - u + I + I_noise)
                           v = v + 0.5*(0.04*v**2 + 5*v + 140 - u + I + I_noise)
                           u = u + a*(b*v - u)''', when='groups')
    G.v = -65
    G_e, G_i = G[:Ne], G[Ne:]
    G_e.a, G_e.b, G_e.c, G_e.d = 0.02, 0.2, -65 + 15 * re ** 2, 8 - 6 * re ** 2
    G_i.a, G_i.b, G_i.c, G_i.d = 0.02 + 0.08 * ri, 0.25 - 0.05 * ri, -65, 2
    G.u = 'b*v'
    S = Synapses(G, G, 'w : 1', on_pre={'up': 'I += w', 'down': 'I -= w'}, delay={'up': 0 * ms, 'down': 1 * ms})
    S.connect()
    S.w[:] = weights.flatten()
    G_e.run_regularly('I_noise = 5*randn()', dt=1 * ms)
    G_i.run_regularly('I_noise = 2*randn()', dt=1 * ms)
    return G, Ne, [S], 1.0


def hh(n):
    area = np.pi * 20 * 20 * 1e-8  # cm²
    ns = dict(gna=120.0, gk=36.0, gl=0.3, ena=50.0, ek=-77.0, el=-54.3, c_m=1.0, iinj=0.1e-3 / area)  # µA/cm²
    defaultclock.dt = 0.025 * ms
    # NEURON's hh.mod at 6.3 °C (q10 = 1), its vtrap guarding x/(exp(x/y) - 1) at x = 0.
    eqs = '''dv/dt = (gna*m**3*h*(ena - v) + gk*n**4*(ek - v) + gl*(el - v) + iinj)/c_m/ms : 1
             dm/dt = (am*(1 - m) - bm*m)/ms : 1
             dh/dt = (ah*(1 - h) - bh*h)/ms : 1
             dn/dt = (an*(1 - n) - bn*n)/ms : 1
             am = 0.1*vtrap(-(v + 40), 10) : 1
             bm = 4*exp(-(v + 65)/18) : 1
             ah = 0.07*exp(-(v + 65)/20) : 1
             bh = 1/(exp(-(v + 35)/10) + 1) : 1
             an = 0.01*vtrap(-(v + 55), 10) : 1
             bn = 0.125*exp(-(v + 65)/80) : 1'''
    from brian2 import Function, implementation, check_units  # noqa: F401

    @implementation('cython', '''
    cdef double vtrap(double x, double y):
        if abs(x/y) < 1e-6:
            return y*(1 - x/y/2)
        return x/(exp(x/y) - 1)
    ''')
    @check_units(x=1, y=1, result=1)
    def vtrap(x, y):
        x = np.asarray(x, dtype=float)
        small = np.abs(x / y) < 1e-6
        return np.where(small, y * (1 - x / y / 2), x / np.expm1(np.where(small, 1.0, x / y)))
    ns['vtrap'] = vtrap
    P = NeuronGroup(n, eqs, threshold='v > 0', refractory='v > 0', method='exponential_euler', namespace=ns)
    v0 = -65.0
    def rates(v):
        am = 0.1 * (-(v + 40)) / np.expm1(-(v + 40) / 10)
        bm = 4 * np.exp(-(v + 65) / 18)
        ah = 0.07 * np.exp(-(v + 65) / 20)
        bh = 1 / (np.exp(-(v + 35) / 10) + 1)
        an = 0.01 * (-(v + 55)) / np.expm1(-(v + 55) / 10)
        bn = 0.125 * np.exp(-(v + 65) / 80)
        return am / (am + bm), ah / (ah + bh), an / (an + bn)
    P.v = v0
    P.m, P.h, P.n = rates(v0)
    return P, n, [], 0.025


for s in range(lo, hi + 1):
    start_scope()
    seed(s)
    t0 = time.time()
    m = args.model
    if m.startswith('brunel-'):
        P, ne, objs, dt = brunel(m[-1], args.n or 10000)
    elif m == 'coba':
        P, ne, objs, dt = coba(args.n or 4000)
    elif m == 'cuba':
        P, ne, objs, dt = cuba(args.n or 4000)
    elif m == 'cuba-event':
        P, ne, objs, dt = cuba_event(args.n or 4000)
    elif m.startswith('izhikevich'):
        P, ne, objs, dt = izhikevich('euler' if m.endswith('euler') else 'halfsteps', s)
    else:
        P, ne, objs, dt = hh(args.n or 100)
    mon = SpikeMonitor(P)
    Network(P, mon, *objs).run(args.duration_ms * ms)
    i = np.asarray(mon.i[:], dtype=np.int64)
    t = np.asarray(mon.t[:] / ms)
    pops = [('exc', 0, ne), ('inh', ne, len(P))] if m != 'hh' else [('hh', 0, len(P))]
    for name, a, b in pops:
        sel = (i >= a) & (i < b)
        np.save(os.path.join(args.out, f'{m}_s{s}_{name}.npy'), np.column_stack([i[sel] - a, t[sel]]).astype(np.float64))
    print(json.dumps(dict(model=m, seed=s, duration_ms=args.duration_ms, spikes=int(len(i)),
                          wall_s=round(time.time() - t0, 2))), flush=True)
