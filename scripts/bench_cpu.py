#!/usr/bin/python3
"""Training speed of mnist-dae against PyTorch, side by side in one run.

For each model: `mnist_dae bench <model>` (which prints the median of --repeats timed runs of
--steps training steps after a warm-up) and then the same training step in PyTorch eager
(Debian's python3-torch 1.13; same model, batch, Adam recipe, noise and synthetic uint8 data
turned into floats every step), timed the same way. Prints a table with the ratio.

    scripts/install_deps.sh --bench && scripts/build.sh
    /usr/bin/python3 scripts/bench_cpu.py --threads 2            # the CPU table of docs/benchmarks.md
    /usr/bin/python3 scripts/bench_cpu.py --device cuda          # on a GPU machine
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


def bench_torch(name, device, batch, steps, warmup, repeats):
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
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        return json.load(open(out.name))[0]


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
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)

    rows = []
    for name in args.models.split(","):
        run = argparse.Namespace(**vars(args))
        run.steps = args.steps or (3 if name == "conv" and args.device == "cpu" else 50)
        ours = bench_ours(args.binary, name, run)
        theirs = bench_torch(name, args.device, args.batch_size, run.steps, args.warmup, args.repeats)
        rows.append((name, ours, theirs))
        print(f"{name}: mnist-dae {ours['images_per_s']:.0f} img/s, PyTorch {theirs['images_per_s']:.0f} img/s",
              file=sys.stderr)

    threads = f", {args.threads} threads" if args.device == "cpu" else ""
    print(f"\nTraining step, batch {args.batch_size}, {args.device}{threads}; median of {args.repeats} runs "
          f"(PyTorch {torch.__version__})\n")
    print("| model | mnist-dae img/s | PyTorch img/s | ratio | mnist-dae ms/step | PyTorch ms/step "
          "| GFLOP/step | mnist-dae GFLOP/s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, ours, theirs in rows:
        ratio = ours["images_per_s"] / theirs["images_per_s"]
        print(f"| {name} | {ours['images_per_s']:.0f} | {theirs['images_per_s']:.0f} | {ratio:.2f}x "
              f"| {ours['ms_per_step_median']:.2f} | {theirs['ms_per_step_median']:.2f} "
              f"| {ours['gflop_per_step']:.3f} | {ours['gflop_per_step'] / ours['ms_per_step_median'] * 1e3:.1f} |")


if __name__ == "__main__":
    main()
