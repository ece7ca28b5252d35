#!/usr/bin/python3
"""Training speed of mnist-dae against PyTorch, side by side in one run.

For each model: `mnist_dae bench <model>` (which prints the median of --repeats timed runs of
--steps training steps after a warm-up) and then the same training step in PyTorch eager
(Debian's python3-torch 1.13; same model, batch, Adam recipe, noise and synthetic uint8 data
turned into floats every step), timed the same way. Prints a table with the ratio, and on the
GPU the peak device memory of each side (ours: the memory pool's high-water mark; PyTorch's:
torch.cuda.max_memory_allocated). TF32 is off on both sides unless --tf32 is given.

    scripts/install_deps.sh --bench && scripts/build.sh
    /usr/bin/python3 scripts/bench.py --threads 2            # the CPU table of docs/benchmarks.md
    python3 scripts/bench.py --device cuda --steps 234       # on a GPU machine: one epoch per repeat
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch  # noqa: E402
import torch_models  # noqa: E402


def set_torch_tf32(enabled):
    """TF32 for PyTorch's fp32 matrix products and convolutions, through the API this version has
    (PyTorch >= 2.9 refuses a mix of its fp32_precision settings and the older allow_tf32 flags)."""
    cudnn = torch.backends.cudnn
    if hasattr(getattr(cudnn, "conv", None), "fp32_precision"):
        # All of cuDNN's settings alike: PyTorch raises when conv and rnn disagree and a check
        # without an operator name asks.
        precision = "tf32" if enabled else "ieee"
        torch.backends.cuda.matmul.fp32_precision = precision
        for settings in (cudnn, cudnn.conv, getattr(cudnn, "rnn", None)):
            if hasattr(settings, "fp32_precision"):
                settings.fp32_precision = precision
    else:
        torch.backends.cuda.matmul.allow_tf32 = enabled
        torch.backends.cudnn.allow_tf32 = enabled


def torch_tf32_state():
    """What PyTorch will use for fp32 matrix products and convolutions, for the table's title."""
    try:
        if hasattr(getattr(torch.backends.cudnn, "conv", None), "fp32_precision"):
            return (f"matmul {torch.backends.cuda.matmul.fp32_precision}, "
                    f"cuDNN conv {torch.backends.cudnn.conv.fp32_precision}")
        return (f"matmul TF32 {torch.backends.cuda.matmul.allow_tf32}, "
                f"cuDNN TF32 {torch.backends.cudnn.allow_tf32}")
    except RuntimeError as error:
        return f"TF32 state unknown: {error}"


def bench_torch(name, device, batch, steps, warmup, repeats):
    if device == "cuda":
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()
    torch.manual_seed(0)
    model, forward = torch_models.make(name)
    model.to(device).train()
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-4)
    images = torch.randint(0, 256, (batch * steps, 784), dtype=torch.uint8, device=device)

    def step(i):
        clean = images[i * batch:(i + 1) * batch].float().div_(255)
        noisy = clean + 0.1 * torch.randn_like(clean)
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(forward(noisy), clean)
        loss.backward()
        optimizer.step()
        return loss

    def timed(count):
        start = time.perf_counter()
        for i in range(count):
            loss = step(i)
        loss.item()  # waits for the device
        return time.perf_counter() - start

    timed(min(warmup, steps)) if warmup else None
    seconds = sorted(timed(steps) for _ in range(repeats))
    if device == "cuda":
        peak = torch.cuda.max_memory_allocated()
    else:
        peak = 0
    return {"images_per_s": batch * steps / statistics.median(seconds),
            "ms_per_step_median": 1e3 * statistics.median(seconds) / steps, "peak_device_bytes": peak}


def bench_ours(binary, name, args):
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        command = [binary, "bench", name, "--device", args.device, "--batch-size", str(args.batch_size),
                   "--steps", str(args.steps), "--warmup", str(args.warmup), "--repeats", str(args.repeats),
                   "--json", out.name]
        if args.threads:
            command += ["--threads", str(args.threads)]
        if args.tf32:
            command += ["--tf32"]
        subprocess.run(command, check=True, stdout=sys.stderr if args.verbose else subprocess.DEVNULL)
        return json.load(open(out.name))[0]


def attempt(label, run):
    """run(), or None after saying why it failed: one side failing must not hide the others."""
    try:
        return run()
    except (subprocess.CalledProcessError, OSError, RuntimeError, AssertionError, ValueError, KeyError,
            IndexError) as error:
        print(f"{label} failed: {error}", file=sys.stderr)
        return None


def print_table(args, rows):
    gpu = args.device == "cuda"
    threads = f", {args.threads} threads" if not gpu else ""
    tf32 = f", mnist-dae TF32 {'on' if args.tf32 else 'off'}, PyTorch {torch_tf32_state()}" if gpu else ""
    print(f"\nTraining step, batch {args.batch_size}, {args.device}{threads}; median of {args.repeats} runs "
          f"(PyTorch {torch.__version__}{tf32})\n")
    memory = " mnist-dae peak MiB | PyTorch peak MiB |" if gpu else ""
    print("| model | steps | mnist-dae img/s | PyTorch img/s | ratio | mnist-dae ms/step | PyTorch ms/step "
          f"| GFLOP/step | mnist-dae GFLOP/s |{memory}")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|" + ("---:|---:|" if gpu else ""))
    failed = "failed"
    for name, steps, ours, theirs in rows:
        ratio = f"{ours['images_per_s'] / theirs['images_per_s']:.2f}x" if ours and theirs else "-"
        cells = [name, str(steps),
                 f"{ours['images_per_s']:.0f}" if ours else failed,
                 f"{theirs['images_per_s']:.0f}" if theirs else failed, ratio,
                 f"{ours['ms_per_step_median']:.3f}" if ours else "-",
                 f"{theirs['ms_per_step_median']:.3f}" if theirs else "-",
                 f"{ours['gflop_per_step']:.3f}" if ours else "-",
                 f"{ours['gflop_per_step'] / ours['ms_per_step_median'] * 1e3:.1f}" if ours else "-"]
        if gpu:
            cells += [f"{ours['peak_device_bytes'] / 2**20:.1f}" if ours else "-",
                      f"{theirs['peak_device_bytes'] / 2**20:.1f}" if theirs else "-"]
        print("| " + " | ".join(cells) + " |")


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.path.join(root, "build", "mnist_dae"))
    parser.add_argument("--models", default="linear,mlp,conv")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--steps", type=int, default=0, help="default: 50 (conv: 3 on the CPU)")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--tf32", action="store_true", help="allow TF32 on both sides (GPU)")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--verbose", action="store_true", help="show mnist_dae's own output (on stderr)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.device == "cuda":
        try:
            set_torch_tf32(args.tf32)
        except (AttributeError, RuntimeError, ValueError) as error:
            print(f"could not set PyTorch's TF32 mode: {error}", file=sys.stderr)

    rows = []
    for name in args.models.split(","):
        run = argparse.Namespace(**vars(args))
        run.steps = args.steps or (3 if name == "conv" and args.device == "cpu" else 50)
        ours = attempt(f"{name}: mnist-dae", lambda: bench_ours(args.binary, name, run))
        theirs = attempt(f"{name}: PyTorch",
                         lambda: bench_torch(name, args.device, args.batch_size, run.steps, args.warmup, args.repeats))
        rows.append((name, run.steps, ours, theirs))
        print(f"{name}: mnist-dae {ours['images_per_s'] if ours else 0:.0f} img/s, "
              f"PyTorch {theirs['images_per_s'] if theirs else 0:.0f} img/s", file=sys.stderr)

    print_table(args, rows)
    if args.json:
        with open(args.json, "w") as out:
            json.dump([{"model": name, "steps": steps, "mnist_dae": ours, "pytorch": theirs}
                       for name, steps, ours, theirs in rows], out, indent=2)
    if any(ours is None or theirs is None for _, _, ours, theirs in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
