"""Writes modelio/testdata/torch_lenet5.safetensors: a PyTorch LeNet-5's
state_dict (seeded, untrained) with ten MNIST-shaped inputs and the logits
PyTorch computes for them, in safetensors written by hand (the format is a
little-endian u64 header length, a JSON header, then raw tensors), so the
Go test can check that neurite reads PyTorch's weights by name and computes
the same outputs.

    /usr/bin/python3 scripts/peers/torch_lenet5_fixture.py
"""
import json
import os
import struct
import sys

import numpy as np
import torch
from torch import nn

torch.manual_seed(0)
net = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                    nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
x = torch.rand(10, 1, 28, 28)
with torch.no_grad():
    y = net(x)

tensors = {k: v.detach().numpy() for k, v in net.state_dict().items()}
tensors["test.input"] = x.numpy().reshape(10, 784)
tensors["test.output"] = y.numpy()

header, blobs, offset = {"__metadata__": {"source": "PyTorch " + torch.__version__ + " nn.Sequential LeNet-5"}}, [], 0
for name, arr in tensors.items():
    b = np.ascontiguousarray(arr, dtype="<f4").tobytes()
    header[name] = {"dtype": "F32", "shape": list(arr.shape), "data_offsets": [offset, offset + len(b)]}
    blobs.append(b)
    offset += len(b)
h = json.dumps(header).encode()
h += b" " * (-len(h) % 8)  # the safetensors library pads the header to 8 bytes
out = os.path.join(os.path.dirname(__file__), "..", "..", "modelio", "testdata", "torch_lenet5.safetensors")
with open(out, "wb") as f:
    f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))
print(out, file=sys.stderr)
