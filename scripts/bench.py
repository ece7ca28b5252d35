#!/usr/bin/python3
"""Training speed of mnist-dae against PyTorch, side by side in one run.

A run is one process that trains --warmup untimed steps and then --steps timed ones, on
synthetic uint8 images turned into floats every step (same model, batch, Adam recipe and
noise on both sides; PyTorch is Debian's python3-torch 1.13, eager). Its throughput is the
images of the timed steps over their total time. Each side runs --repeats times, the runs of
all sides interleaved so that a busy spell on the machine hits them alike; the table gives
each side's median.

On the CPU, PyTorch runs in several configurations, each in its own process (the environment
must be set before PyTorch loads), and mnist-dae is compared with the fastest of them:

  as shipped      nothing set: PyTorch's own thread count, OpenBLAS's own threads
  threads         torch.set_num_threads(--threads)
  tuned           threads + OMP_NUM_THREADS=--threads + OPENBLAS_NUM_THREADS=1 (the matrix
                  products then run on PyTorch's OpenMP threads instead of a second pool
                  that competes with them for the same cores)
  tuned passive   tuned + OMP_WAIT_POLICY=PASSIVE (idle OpenMP threads sleep, never spin)
  channels last   conv only: tuned, with the model and the images in channels-last memory
                  format, the layout oneDNN's convolutions prefer

On the GPU there is one PyTorch configuration (TF32 off on both sides unless --tf32), and the
table adds each side's peak device memory (ours: the memory pool's high-water mark;
PyTorch's: torch.cuda.max_memory_allocated).

    scripts/install_deps.sh --bench && scripts/build.sh
    /usr/bin/python3 scripts/bench.py --threads 2            # the CPU table of docs/benchmarks.md
    /usr/bin/python3 scripts/bench.py --scaling              # batch 64/256/1024 x threads 1/2
    python3 scripts/bench.py --device cuda --steps 234       # on a GPU machine: one epoch per run
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))

# name -> (environment, torch.set_num_threads?, channels last?); "{threads}" is --threads.
CPU_CONFIGS = {
    "as shipped": ({}, False, False),
    "threads": ({}, True, False),
    "tuned": ({"OMP_NUM_THREADS": "{threads}", "OPENBLAS_NUM_THREADS": "1"}, True, False),
    "tuned passive": ({"OMP_NUM_THREADS": "{threads}", "OPENBLAS_NUM_THREADS": "1", "OMP_WAIT_POLICY": "PASSIVE"},
                      True, False),
    "channels last": ({"OMP_NUM_THREADS": "{threads}", "OPENBLAS_NUM_THREADS": "1"}, True, True),
}
# Variables that change how PyTorch, OpenMP or OpenBLAS thread: cleared before each run, so
# that each configuration means what it says whatever the caller's shell has set.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_WAIT_POLICY",
                    "GOMP_SPINCOUNT", "OMP_PROC_BIND", "OMP_PLACES", "GOTO_NUM_THREADS")


def set_torch_tf32(torch, enabled):
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


def torch_tf32_state(torch):
    """What PyTorch will use for fp32 matrix products and convolutions, for the table's title."""
    try:
        if hasattr(getattr(torch.backends.cudnn, "conv", None), "fp32_precision"):
            return (f"matmul {torch.backends.cuda.matmul.fp32_precision}, "
                    f"cuDNN conv {torch.backends.cudnn.conv.fp32_precision}")
        return (f"matmul TF32 {torch.backends.cuda.matmul.allow_tf32}, "
                f"cuDNN TF32 {torch.backends.cudnn.allow_tf32}")
    except RuntimeError as error:
        return f"TF32 state unknown: {error}"


def torch_worker(job):
    """One PyTorch run (in its own process, under the environment its configuration sets)."""
    import torch  # here, after the parent has set the environment
    sys.path.insert(0, HERE)
    import torch_models
    device, batch, steps = job["device"], job["batch_size"], job["steps"]
    if job["set_threads"]:
        torch.set_num_threads(job["threads"])
    if device == "cuda":
        set_torch_tf32(torch, job["tf32"])
        torch.cuda.reset_peak_memory_stats()
    torch.manual_seed(0)
    model, forward = torch_models.make(job["model"])
    model.to(device).train()
    if job["channels_last"]:
        model.to(memory_format=torch.channels_last)
        base_forward = forward

        def forward(noisy):  # the images as [N, 1, 28, 28] in channels-last order
            return base_forward(noisy.view(-1, 1, 28, 28).contiguous(memory_format=torch.channels_last))
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-4)
    images = torch.randint(0, 256, (batch * steps, 784), dtype=torch.uint8, device=device)

    def step(i):
        clean = images[i * batch:(i + 1) * batch].float().div_(255)
        noisy = clean + 0.1 * torch.randn_like(clean)
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(forward(noisy).reshape(clean.shape), clean)
        loss.backward()
        optimizer.step()
        return loss

    def timed(count):
        start = time.perf_counter()
        for i in range(count):
            loss = step(i)
        loss.item()  # waits for the device
        return time.perf_counter() - start

    if job["warmup"]:
        timed(min(job["warmup"], steps))
    seconds = timed(steps)
    return {"images_per_s": batch * steps / seconds, "ms_per_step": 1e3 * seconds / steps,
            "threads": torch.get_num_threads(), "version": torch.__version__,
            "tf32": torch_tf32_state(torch) if device == "cuda" else "",
            "peak_device_bytes": torch.cuda.max_memory_allocated() if device == "cuda" else 0}


def clean_environment(extra):
    env = {k: v for k, v in os.environ.items() if k not in THREAD_VARIABLES}
    env.update(extra)
    return env


def run_torch(job, environment, verbose):
    output = subprocess.run([sys.executable, os.path.abspath(__file__), "--torch-worker", json.dumps(job)],
                            check=True, env=clean_environment(environment), stdout=subprocess.PIPE,
                            stderr=sys.stderr if verbose else subprocess.DEVNULL, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def run_ours(binary, job, verbose):
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        command = [binary, "bench", job["model"], "--device", job["device"], "--batch-size", str(job["batch_size"]),
                   "--steps", str(job["steps"]), "--warmup", str(job["warmup"]), "--repeats", "1",
                   "--json", out.name]
        if job["device"] == "cpu":
            command += ["--threads", str(job["threads"])]
        if job["tf32"]:
            command += ["--tf32"]
        subprocess.run(command, check=True, env=clean_environment({}),
                       stdout=sys.stderr if verbose else subprocess.DEVNULL)
        r = json.load(open(out.name))[0]
        return {"images_per_s": r["images_per_s"], "ms_per_step": r["ms_per_step_median"],
                "gflop_per_step": r["gflop_per_step"], "peak_device_bytes": r["peak_device_bytes"]}


def attempt(label, run):
    """run(), or None after saying why it failed: one side failing must not hide the others."""
    try:
        return run()
    except (subprocess.CalledProcessError, OSError, RuntimeError, ValueError, KeyError, IndexError) as error:
        print(f"{label} failed: {error}", file=sys.stderr)
        return None


def configs_for(args, model):
    if args.device == "cuda":
        return {"PyTorch": ({}, False, False)}
    return {name: c for name, c in CPU_CONFIGS.items() if name in args.configs and (model == "conv" or not c[2])}


def measure(args, model, batch, threads):
    """Interleaved runs of ours and of every PyTorch configuration: {side: [result, ...]}."""
    # By default as many images per run as 50 steps of 256 (conv on the CPU: 3 steps of 256), so
    # that a run with a small batch still lasts long enough to time (a run of a few tens of
    # milliseconds catches the second core still waking up).
    per_run = 3 * 256 if model == "conv" and args.device == "cpu" else 50 * 256
    steps = args.steps or max(1, per_run // batch)
    job = {"model": model, "device": args.device, "batch_size": batch, "steps": steps, "warmup": args.warmup,
           "threads": threads, "tf32": args.tf32}
    configs = configs_for(args, model)
    runs = {"mnist-dae": []}
    runs.update({name: [] for name in configs})
    for repeat in range(args.repeats):
        sides = ["mnist-dae"] + list(configs)
        sides = sides[repeat % len(sides):] + sides[:repeat % len(sides)]  # no side always first
        for side in sides:
            label = f"{model} batch {batch} threads {threads}: {side}"
            if side == "mnist-dae":
                result = attempt(label, lambda: run_ours(args.binary, job, args.verbose))
            else:
                environment, set_threads, channels_last = configs[side]
                environment = {k: v.format(threads=threads) for k, v in environment.items()}
                result = attempt(label, lambda: run_torch(dict(job, set_threads=set_threads,
                                                               channels_last=channels_last),
                                                          environment, args.verbose))
            print(f"{label}: {result['images_per_s']:.1f} img/s" if result else f"{label}: failed", file=sys.stderr)
            if result:
                runs[side].append(result)
    return steps, runs


def median(results, key="images_per_s"):
    return statistics.median(r[key] for r in results) if results else None


def best_torch(runs, threads_set_only=False):
    """The PyTorch configuration with the best median; threads_set_only: among those that run
    on the thread count asked for ("as shipped" uses what PyTorch and OpenBLAS pick)."""
    medians = {side: median(r) for side, r in runs.items()
               if side != "mnist-dae" and r and not (threads_set_only and not CPU_CONFIGS.get(side, ({}, True))[1])}
    return max(medians, key=medians.get) if medians else None


def number(value, decimals=0):
    return "failed" if value is None else f"{value:,.{decimals}f}"


def print_table(args, rows):
    gpu = args.device == "cuda"
    print(f"\nTraining step, batch {args.batch_size}, {args.device}"
          f"{'' if gpu else f', {args.threads} threads'}; median of {args.repeats} runs each, interleaved"
          f"{', TF32 ' + ('on' if args.tf32 else 'off') if gpu else ''}\n")
    if gpu:
        print("| model | steps | mnist-dae img/s | PyTorch img/s | ratio | mnist-dae ms/step | PyTorch ms/step "
              "| GFLOP/step | mnist-dae GFLOP/s | mnist-dae peak MiB | PyTorch peak MiB |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    else:
        names = [n for n in CPU_CONFIGS if n in args.configs]
        print("| model | steps | mnist-dae img/s | " + " | ".join(f"PyTorch {n}" for n in names) +
              " | fastest PyTorch | ratio | mnist-dae ms/step | GFLOP/step | mnist-dae GFLOP/s |")
        print("|---|---:|---:|" + "---:|" * len(names) + "---|---:|---:|---:|---:|")
    for model, steps, runs in rows:
        ours, best = median(runs["mnist-dae"]), best_torch(runs)
        theirs = median(runs[best]) if best else None
        ratio = f"{ours / theirs:.2f}x" if ours and theirs else "-"
        ms = median(runs["mnist-dae"], "ms_per_step")
        gflop = runs["mnist-dae"][0]["gflop_per_step"] if runs["mnist-dae"] else None
        rate = gflop / ms * 1e3 if ms and gflop else None
        if gpu:
            peak_ours = median(runs["mnist-dae"], "peak_device_bytes")
            peak_theirs = median(runs[best], "peak_device_bytes") if best else None
            cells = [model, str(steps), number(ours), number(theirs), ratio, number(ms, 3),
                     number(median(runs[best], "ms_per_step"), 3) if best else "failed", number(gflop, 3),
                     number(rate, 1), number(peak_ours and peak_ours / 2**20, 1),
                     number(peak_theirs and peak_theirs / 2**20, 1)]
        else:
            cells = [model, str(steps), number(ours)]
            cells += [number(median(runs[n])) if n in runs else "-" for n in names]
            cells += [best or "-", ratio, number(ms, 1), number(gflop, 3), number(rate, 1)]
        print("| " + " | ".join(cells) + " |")


def print_scaling(args, cells):
    print(f"\nScaling, {args.device}: img/s, median of {args.repeats} runs. PyTorch: its fastest configuration "
          "on that many threads; \"as shipped\" (its own thread counts) apart\n")
    print("| model | batch | threads | mnist-dae img/s | PyTorch img/s | PyTorch configuration | ratio "
          "| PyTorch as shipped |")
    print("|---|---:|---:|---:|---:|---|---:|---:|")
    for model, batch, threads, runs in cells:
        ours, best = median(runs["mnist-dae"]), best_torch(runs, threads_set_only=True)
        theirs = median(runs[best]) if best else None
        ratio = f"{ours / theirs:.2f}x" if ours and theirs else "-"
        shipped = number(median(runs["as shipped"])) if runs.get("as shipped") else "-"
        print(f"| {model} | {batch} | {threads} | {number(ours)} | {number(theirs)} | {best or '-'} | {ratio} "
              f"| {shipped} |")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--torch-worker":
        print(json.dumps(torch_worker(json.loads(sys.argv[2]))))
        return
    root = os.path.dirname(HERE)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.path.join(root, "build", "mnist_dae"))
    parser.add_argument("--models", default="linear,mlp,conv")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--steps", type=int, default=0,
                        help="timed steps per run (default: 12,800 images' worth; conv on the CPU: 768)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed steps at the start of each run")
    parser.add_argument("--repeats", type=int, default=5, help="runs per side; the table gives the median")
    parser.add_argument("--configs", default=",".join(CPU_CONFIGS),
                        help="the PyTorch CPU configurations to run (default: all)")
    parser.add_argument("--scaling", action="store_true",
                        help="instead: batch 64, 256, 1024 x threads 1, 2 (--batches, --thread-counts)")
    parser.add_argument("--batches", default="64,256,1024")
    parser.add_argument("--thread-counts", default="1,2")
    parser.add_argument("--tf32", action="store_true", help="allow TF32 on both sides (GPU)")
    parser.add_argument("--json", help="also write every run's result to this file")
    parser.add_argument("--verbose", action="store_true", help="show each run's own output (on stderr)")
    args = parser.parse_args()
    args.configs = [c.strip() for c in args.configs.split(",")]
    unknown = [c for c in args.configs if c not in CPU_CONFIGS]
    if unknown:
        parser.error(f"--configs: unknown {unknown}; known: {', '.join(CPU_CONFIGS)}")
    models = args.models.split(",")

    if args.scaling:
        cells = []
        for model in models:
            for batch in (int(b) for b in args.batches.split(",")):
                for threads in (int(t) for t in args.thread_counts.split(",")):
                    cells.append((model, batch, threads, measure(args, model, batch, threads)[1]))
        print_scaling(args, cells)
        results = [{"model": m, "batch": b, "threads": t, "runs": r} for m, b, t, r in cells]
        failed = any(not r["mnist-dae"] or not best_torch(r) for _, _, _, r in cells)
    else:
        rows = [(model, *measure(args, model, args.batch_size, args.threads)) for model in models]
        print_table(args, rows)
        results = [{"model": m, "steps": s, "runs": r} for m, s, r in rows]
        failed = any(not r["mnist-dae"] or not best_torch(r) for _, _, r in rows)
    if args.json:
        with open(args.json, "w") as out:
            json.dump(results, out, indent=2)
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
