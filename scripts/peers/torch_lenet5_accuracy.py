"""LeNet-5 test accuracy after each epoch at issue 4's settings (SGD lr 0.05,
momentum 0.9, batch 64, raw [0, 1] pixels, PyTorch's default initialisation),
for one seed, with no warm-up batches: the accuracy peer of
`neurite train --model lenet5 --normalize=false`.

    /usr/bin/python3 scripts/peers/torch_lenet5_accuracy.py SEED [EPOCHS] [THREADS] [SCHEDULE]

SCHEDULE is constant (default) or cosine: the rate follows a half cosine
from 0.05 to 0 over all the run's batches, stepped per batch.

Prints one JSON line: seed, epoch_accuracy (list)."""
import gzip, json, os, struct, subprocess, sys
import numpy as np
import torch
from torch import nn

seed = int(sys.argv[1])
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 2
torch.set_num_threads(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
torch.manual_seed(seed)
schedule = sys.argv[4] if len(sys.argv) > 4 else "constant"

def idx(name):
    root = subprocess.run(["go", "env", "GOMODCACHE"], capture_output=True, text=True).stdout.strip()
    path = os.path.join(root, "github.com/petar/!go!m!n!i!s!t@v0.0.0-20150320212226-2fbe10d0fa63/data", name)
    with gzip.open(path) as f:
        data = f.read()
    dims = struct.unpack(">" + "I" * data[3], data[4:4 + 4 * data[3]])
    return np.frombuffer(data, np.uint8, offset=4 + 4 * data[3]).reshape(dims)

xtr = torch.from_numpy(idx("train-images-idx3-ubyte.gz").astype(np.float32) / 255).reshape(-1, 1, 28, 28)
ytr = torch.from_numpy(idx("train-labels-idx1-ubyte.gz").astype(np.int64))
xte = torch.from_numpy(idx("t10k-images-idx3-ubyte.gz").astype(np.float32) / 255).reshape(-1, 1, 28, 28)
yte = torch.from_numpy(idx("t10k-labels-idx1-ubyte.gz").astype(np.int64))
net = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                    nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
lossf = nn.CrossEntropyLoss()
batches = (len(xtr) + 63) // 64
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs * batches) if schedule == "cosine" else None
accs = []
for ep in range(epochs):
    perm = torch.randperm(len(xtr))
    for i in range(0, len(xtr), 64):
        b = perm[i:i + 64]
        opt.zero_grad(); lossf(net(xtr[b]), ytr[b]).backward(); opt.step()
        if sched:
            sched.step()
    with torch.no_grad():
        accs.append((net(xte).argmax(1) == yte).float().mean().item())
print(json.dumps({"seed": seed, "schedule": schedule, "epoch_accuracy": accs}))
