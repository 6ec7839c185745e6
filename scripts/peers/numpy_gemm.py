"""Median float32 GEMM throughput of numpy (OpenBLAS) at one size.

Usage: numpy_gemm.py N RUNS  -- prints one JSON line. Thread count comes
from OPENBLAS_NUM_THREADS, set by the caller.
"""
import json
import sys
import time

import numpy as np

n, runs = int(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(1)
a = rng.random((n, n), dtype=np.float32) * 2 - 1
b = rng.random((n, n), dtype=np.float32) * 2 - 1
np.dot(a, b)  # warm up, as neurite's bench does
times = []
for _ in range(runs):
    t = time.perf_counter()
    np.dot(a, b)
    times.append(time.perf_counter() - t)
times.sort()
median = times[len(times) // 2] if runs % 2 else (times[runs // 2 - 1] + times[runs // 2]) / 2
kernel = "unknown"
try:
    from threadpoolctl import threadpool_info
    kernel = ",".join(f"{i['internal_api']}:{i.get('architecture')}" for i in threadpool_info())
except ImportError:
    pass
print(json.dumps({"peer": "numpy", "numpy": np.__version__, "blas": kernel,
                  "median_seconds": median, "gflops": 2 * n**3 / median / 1e9}))
