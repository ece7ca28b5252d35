#!/usr/bin/python3
"""Checks that mnist-dae's checkpoints are PyTorch's state_dicts, both ways.

1. Loads a mnist-dae checkpoint (or --save file) into the same module built with PyTorch
   (scripts/torch_models.py) with load_state_dict(strict=True), after dropping the
   training-state entries ("optimizer.", "trainer."), and evaluates it on the first test
   images without noise; `mnist_dae --epochs 0 --noise-std 0 --load` must report the same
   test MSE (to float32 rounding).
2. Writes the PyTorch model's weights back as safetensors and evaluates them with mnist_dae:
   the same number again.

    /usr/bin/python3 scripts/torch_interop.py linear runs/linear/linear.safetensors

Needs PyTorch and numpy (scripts/install_deps.sh --bench); safetensors is read and written
here with the standard library, so the Python package of that name is not needed.
"""
import argparse
import gzip
import json
import os
import re
import struct
import subprocess
import sys
import tempfile

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_models  # noqa: E402

DTYPES = {"F32": np.float32, "I64": np.int64}
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_BINARY = os.path.join(ROOT, "build", "mnist_dae")


def script_parser(description):
    """The command line every PyTorch-side script starts from: the model's name and --data."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", choices=sorted(torch_models.BUILDERS))
    parser.add_argument("--data", default=os.path.join(ROOT, "data", "mnist"))
    return parser


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    header.pop("__metadata__", None)
    buffer = data[8 + length:]
    return {name: np.frombuffer(buffer[e["data_offsets"][0]:e["data_offsets"][1]], DTYPES[e["dtype"]])
            .reshape(e["shape"]).copy() for name, e in header.items()}


def write_safetensors(path, tensors, metadata):
    header, offset, chunks = {"__metadata__": metadata}, 0, []
    for name in sorted(tensors):
        array = np.asarray(tensors[name])  # (not ascontiguousarray: it turns shape () into (1,))
        dtype = {np.dtype(np.float32): "F32", np.dtype(np.int64): "I64"}[array.dtype]
        header[name] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [offset, offset + array.nbytes]}
        chunks.append(array.tobytes())
        offset += array.nbytes
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))


def read_state_dict(path):
    """The model's entries of a mnist-dae checkpoint (training state dropped) or of any
    safetensors state_dict, as numpy arrays by name."""
    return {k: v for k, v in read_safetensors(path).items() if not k.startswith(("optimizer.", "trainer."))}


def load_model(name, path):
    """The PyTorch model `name` with the weights of read_state_dict(path), strictly loaded, in
    eval mode; and its forward."""
    state = {k: torch.from_numpy(v) for k, v in read_state_dict(path).items()}
    model, forward = torch_models.make(name)
    model.load_state_dict(state, strict=True)
    model.eval()
    return model, forward


def save_model(path, name, model):
    """The model's state_dict as a safetensors file that `mnist_dae <name> --load` reads."""
    write_safetensors(path, {k: v.numpy() for k, v in model.state_dict().items()}, {"model": name})


def read_images(data_dir, split, count):
    """The first `count` images of the "train" or "t10k" split as [count, 784] floats x / 255."""
    for name in (f"{split}-images-idx3-ubyte", f"{split}-images-idx3-ubyte.gz"):
        path = os.path.join(data_dir, name)
        if os.path.exists(path):
            raw = gzip.open(path).read() if name.endswith(".gz") else open(path, "rb").read()
            return torch.from_numpy(np.frombuffer(raw[16:16 + count * 784], np.uint8).reshape(count, 784)
                                    .astype(np.float32) / np.float32(255))
    sys.exit(f"no MNIST {split} images in {data_dir}")


def ours(binary, model, path, data_dir, count):
    out = subprocess.run([binary, model, "--epochs", "0", "--noise-std", "0", "--device", "cpu", "--load", path,
                          "--test-limit", str(count), "--data", data_dir, "--out", tempfile.mkdtemp()],
                         check=True, capture_output=True, text=True).stdout
    return float(re.search(r"evaluation only: test ([0-9.eE+-]+)", out).group(1))


def main():
    parser = script_parser(__doc__)
    parser.add_argument("checkpoint")
    parser.add_argument("--binary", default=DEFAULT_BINARY)
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()

    model, forward = load_model(args.model, args.checkpoint)
    images = read_images(args.data, "t10k", args.count)
    with torch.no_grad():
        theirs = torch.nn.functional.mse_loss(forward(images), images).item()
    mine = ours(args.binary, args.model, args.checkpoint, args.data, args.count)
    print(f"{args.model}: test MSE without noise on {args.count} images: mnist-dae {mine:.8f}, "
          f"PyTorch {theirs:.8f} (relative difference {abs(mine - theirs) / theirs:.1e})")

    with tempfile.TemporaryDirectory() as folder:
        exported = os.path.join(folder, "from_torch.safetensors")
        save_model(exported, args.model, model)
        back = ours(args.binary, args.model, exported, args.data, args.count)
    print(f"{args.model}: PyTorch's state_dict loaded by mnist-dae: {back:.8f}")
    # float32 forward passes in different orders of summation: 1e-5 relative is generous.
    ok = abs(mine - theirs) <= 1e-5 * theirs and back == mine
    print("OK" if ok else "MISMATCH")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
