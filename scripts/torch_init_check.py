#!/usr/bin/python3
"""Checks that `mnist_dae <model> --seed N` starts from bit for bit the weights PyTorch builds
after torch.manual_seed(N): every state_dict entry of the initial checkpoint is compared with
the same module built in PyTorch (scripts/torch_models.py), for a few seeds.

    /usr/bin/python3 scripts/torch_init_check.py conv --seeds 0 1 4

Needs PyTorch and numpy (scripts/install_deps.sh --bench).
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_interop  # noqa: E402
import torch_models  # noqa: E402


def initial_state(binary, model, seed, data_dir, folder):
    path = os.path.join(folder, f"{model}-{seed}.safetensors")
    subprocess.run([binary, model, "--seed", str(seed), "--epochs", "0", "--save", path, "--device", "cpu",
                    "--train-limit", "256", "--test-limit", "16", "--data", data_dir, "--out", folder],
                   check=True, capture_output=True)
    return torch_interop.read_state_dict(path)


def main():
    parser = torch_interop.script_parser(__doc__)
    parser.add_argument("--binary", default=torch_interop.DEFAULT_BINARY)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args()
    failures = 0
    with tempfile.TemporaryDirectory() as folder:
        for seed in args.seeds:
            ours = initial_state(args.binary, args.model, seed, args.data, folder)
            torch.manual_seed(seed)
            model, _ = torch_models.make(args.model)
            theirs = {k: v.numpy() for k, v in model.state_dict().items()}
            if sorted(ours) != sorted(theirs):
                sys.exit(f"{args.model}: state_dict names differ: {sorted(set(ours) ^ set(theirs))}")
            different = [k for k in theirs if not np.array_equal(ours[k], theirs[k])]
            values = sum(v.size for v in theirs.values())
            print(f"{args.model} seed {seed}: {len(theirs)} entries, {values} values, "
                  f"{'all bitwise equal' if not different else 'DIFFERENT: ' + ', '.join(different)}")
            failures += bool(different)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
