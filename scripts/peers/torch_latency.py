"""Median single-example inference latency of a 784-HIDDEN-10 ReLU MLP in
PyTorch (CPU, float32, no_grad), the same measurement as neurite's
bench mlp. Usage: torch_latency.py THREADS [HIDDEN]"""
import json
import sys
import time

import torch
from torch import nn

threads = int(sys.argv[1])
hidden = int(sys.argv[2]) if len(sys.argv) > 2 else 128
torch.set_num_threads(threads)
net = nn.Sequential(nn.Linear(784, hidden), nn.ReLU(), nn.Linear(hidden, 10)).eval()
x = torch.rand(1, 784)
times = []
with torch.no_grad():
    for _ in range(200):
        net(x)
    for _ in range(2000):
        t = time.perf_counter()
        net(x)
        times.append(time.perf_counter() - t)
times.sort()
print(json.dumps({"peer": "pytorch", "threads": threads, "inference_latency_seconds": times[len(times) // 2]}))
