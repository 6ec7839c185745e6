"""Diehl & Cook (2015) training speed in Brian2: the authors' model (as in
their Brian code: conductance-based LIF, adaptive θ with the 20 mV offset,
the 0.1-rate timer, pre/post1/post2 STDP, weights normalised to 78 before
every presentation, 350 ms per image then 150 ms of rest, intensity raised
below 5 spikes) trained on the first IMAGES MNIST digits, to time it beside
`neurite train --model stdp`.

    /usr/bin/python3 scripts/peers/brian2_diehlcook.py [IMAGES] [NEURONS]

Prints one JSON line: images, presentations, seconds (training loop only),
images_per_second, spikes. Runs in Brian2's runtime mode (cython)."""
import gzip, json, os, struct, subprocess, sys, time
import numpy as np
import brian2 as b2

images = int(sys.argv[1]) if len(sys.argv) > 1 else 20
n_e = int(sys.argv[2]) if len(sys.argv) > 2 else 400
n_in = 784
b2.prefs.codegen.target = "cython"
b2.defaultclock.dt = 0.5 * b2.ms
np.random.seed(1)
b2.seed(1)

root = subprocess.run(["go", "env", "GOMODCACHE"], capture_output=True, text=True).stdout.strip()
with gzip.open(os.path.join(root, "github.com/petar/!go!m!n!i!s!t@v0.0.0-20150320212226-2fbe10d0fa63/data/train-images-idx3-ubyte.gz")) as f:
    raw = f.read()
pixels = np.frombuffer(raw, np.uint8, offset=16).reshape(-1, n_in)[:images].astype(float)

v_rest_e, v_reset_e, v_thresh_e = -65 * b2.mV, -65 * b2.mV, -52 * b2.mV
v_rest_i, v_reset_i, v_thresh_i = -60 * b2.mV, -45 * b2.mV, -40 * b2.mV
refrac_e, refrac_i = 5 * b2.ms, 2 * b2.ms
tc_theta, theta_plus, offset = 1e7 * b2.ms, 0.05 * b2.mV, 20 * b2.mV
exc = b2.NeuronGroup(n_e, """
    dv/dt = ((v_rest_e - v) + ge*(-v) + gi*(-100*mV - v)) / (100*ms) : volt (unless refractory)
    dge/dt = -ge/(1*ms) : 1
    dgi/dt = -gi/(2*ms) : 1
    dtheta/dt = -theta/tc_theta : volt
    dtimer/dt = 0.1 : second
    """, threshold="(v > theta - offset + v_thresh_e) and (timer > refrac_e)",
    reset="v = v_reset_e; theta += theta_plus; timer = 0*ms", refractory=refrac_e, method="euler")
inh = b2.NeuronGroup(n_e, """
    dv/dt = ((v_rest_i - v) + ge*(-v) + gi*(-85*mV - v)) / (10*ms) : volt (unless refractory)
    dge/dt = -ge/(1*ms) : 1
    dgi/dt = -gi/(2*ms) : 1
    """, threshold="v > v_thresh_i", reset="v = v_reset_i", refractory=refrac_i, method="euler")
exc.v, inh.v, exc.theta = v_rest_e - 40 * b2.mV, v_rest_i - 40 * b2.mV, 20 * b2.mV
ei = b2.Synapses(exc, inh, on_pre="ge_post += 10.4")
ei.connect(j="i")
ie = b2.Synapses(inh, exc, on_pre="gi_post += 17.0")
ie.connect(condition="i != j")
inp = b2.PoissonGroup(n_in, 0 * b2.Hz)
tc_pre, tc_post1, tc_post2, nu_pre, nu_post, wmax = 20 * b2.ms, 20 * b2.ms, 40 * b2.ms, 0.0001, 0.01, 1.0
xe = b2.Synapses(inp, exc, """
    w : 1
    post2before : 1
    dpre/dt = -pre/tc_pre : 1 (event-driven)
    dpost1/dt = -post1/tc_post1 : 1 (event-driven)
    dpost2/dt = -post2/tc_post2 : 1 (event-driven)
    """, on_pre="ge_post += w; pre = 1.; w = clip(w - nu_pre*post1, 0, wmax)",
    on_post="post2before = post2; w = clip(w + nu_post*pre*post2before, 0, wmax); post1 = 1.; post2 = 1.")
xe.connect()
xe.w = (np.random.random(n_in * n_e) + 0.01) * 0.3
spikes = b2.SpikeMonitor(exc, record=False)
net = b2.Network(exc, inh, ei, ie, inp, xe, spikes)
net.run(0 * b2.ms)  # code generation and compilation, not timed

def normalize():
    w = np.asarray(xe.w[:]).reshape(n_in, n_e)  # synapses were created row by row
    xe.w[:] = (w * (78.0 / w.sum(axis=0))).ravel()

t0, presentations, seen = time.perf_counter(), 0, 0
while seen < images:
    intensity = 2
    while True:
        normalize()
        before = spikes.num_spikes
        inp.rates = pixels[seen] / 8 * intensity * b2.Hz
        net.run(350 * b2.ms)
        got = spikes.num_spikes - before
        inp.rates = 0 * b2.Hz
        net.run(150 * b2.ms)
        presentations += 1
        if got >= 5 or intensity >= 22:
            break
        intensity += 1
    seen += 1
sec = time.perf_counter() - t0
print(json.dumps({"images": images, "neurons": n_e, "presentations": presentations, "seconds": sec,
                  "images_per_second": images / sec, "spikes": int(spikes.num_spikes)}))
