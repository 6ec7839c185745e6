"""Loads a neurite LeNet-5 checkpoint into PyTorch and scores it on MNIST's
test set: the accuracy must equal `neurite eval`'s, since the weights carry
PyTorch's state_dict names and layouts (the optimizer.* tensors are dropped,
the input normalisation comes from the file's metadata).

    neurite train --model lenet5 --epochs 1 --out lenet5.ckpt
    /usr/bin/python3 scripts/peers/torch_load_neurite.py lenet5.ckpt
    neurite eval --model lenet5.ckpt --data mnist --json
"""
import gzip
import json
import os
import struct
import subprocess
import sys

import numpy as np
import torch
from torch import nn


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    body = raw[8 + n:]
    tensors = {}
    for name, t in header.items():
        a, b = t["data_offsets"]
        assert t["dtype"] == "F32", t["dtype"]
        tensors[name] = torch.from_numpy(np.frombuffer(body[a:b], "<f4").reshape(t["shape"]).copy())
    return tensors, meta


def mnist_test():
    root = subprocess.run(["go", "env", "GOMODCACHE"], capture_output=True, text=True).stdout.strip()
    d = os.path.join(root, "github.com/petar/!go!m!n!i!s!t@v0.0.0-20150320212226-2fbe10d0fa63/data")

    def idx(name):
        with gzip.open(os.path.join(d, name)) as f:
            data = f.read()
        dims = struct.unpack(">" + "I" * data[3], data[4:4 + 4 * data[3]])
        return np.frombuffer(data, np.uint8, offset=4 + 4 * data[3]).reshape(dims)

    x = torch.from_numpy(idx("t10k-images-idx3-ubyte.gz").astype(np.float32) / 255)
    y = torch.from_numpy(idx("t10k-labels-idx1-ubyte.gz").astype(np.int64))
    return x, y


tensors, meta = read_safetensors(sys.argv[1])
net = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                    nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
net.load_state_dict({k: v for k, v in tensors.items() if not k.startswith("optimizer.")}, strict=True)
x, y = mnist_test()
norm = json.loads(meta.get("neurite.normalizer", "null"))
if norm:
    x = (x - torch.tensor(norm["mean"][0])) / torch.tensor(norm["std"][0])
with torch.no_grad():
    acc = (net(x.reshape(-1, 1, 28, 28)).argmax(1) == y).float().mean().item()
print(json.dumps({"pytorch_accuracy": acc, "samples": len(y)}))
