#!/usr/bin/python3
"""Trains one of the study's models in PyTorch with mnist_dae's recipe and prints the same
per-epoch figures (mean train loss, first-batch loss, test MSE and PSNR), so that a run of
`mnist_dae <model>` can be held against PyTorch's on the same machine.

The recipe is the app's: Adam (lr 2e-4 by default), batch 256, a fresh shuffle every epoch with
the last partial batch dropped, fresh N(0, noise_std) noise every step, MSE against the clean
image (or the noisy input with --target noisy); the test MSE is over the whole test set,
noisy input against the clean image, in eval mode. The random streams are PyTorch's, not
mnist-dae's, so single runs differ by run-to-run spread, not by rounding.

    /usr/bin/python3 scripts/torch_recipe_run.py conv --epochs 1

Needs PyTorch and numpy (scripts/install_deps.sh --bench).
"""
import math
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_interop  # noqa: E402
import torch_models  # noqa: E402


def main():
    parser = torch_interop.script_parser(__doc__)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--lr", type=float, default=2e-4)
    parser.add_argument("--noise-std", type=float, default=0.1)
    parser.add_argument("--target", choices=["clean", "noisy"], default="clean")
    parser.add_argument("--train-limit", type=int, default=0, help="use the first N training images (0: all)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--load", metavar="FILE", help="start from these weights (e.g. mnist_dae --epochs 0 --save)")
    parser.add_argument("--save", metavar="FILE", help="write the trained weights as safetensors (state_dict keys)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    train = torch_interop.read_images(args.data, "train", args.train_limit or 60000)
    test = torch_interop.read_images(args.data, "t10k", 10000)
    model, forward = torch_interop.load_model(args.model, args.load) if args.load else torch_models.make(args.model)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    steps = len(train) // args.batch_size
    print(f"PyTorch {torch.__version__}, {args.model}, {args.threads} threads, {steps} steps of "
          f"{args.batch_size} per epoch, lr {args.lr}, noise std {args.noise_std}, target {args.target}")

    for epoch in range(1, args.epochs + 1):
        model.train()
        start = time.perf_counter()
        order = torch.randperm(len(train))
        losses = []
        for step in range(steps):
            clean = train[order[step * args.batch_size:(step + 1) * args.batch_size]]
            noisy = clean + args.noise_std * torch.randn_like(clean)
            loss = torch.nn.functional.mse_loss(forward(noisy), clean if args.target == "clean" else noisy)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        seconds = time.perf_counter() - start

        model.eval()
        with torch.no_grad():
            squared = sum(torch.nn.functional.mse_loss(
                forward(chunk + args.noise_std * torch.randn_like(chunk)), chunk, reduction="sum").item()
                for chunk in test.split(1000))
        test_mse = squared / test.numel()
        print(f"epoch {epoch:3d}/{args.epochs}  train {sum(losses) / steps:.6f}  first-batch {losses[0]:.4f}  "
              f"test {test_mse:.6f}  PSNR {10 * math.log10(1 / test_mse):.2f} dB  {seconds:7.1f} s  "
              f"{steps * args.batch_size / seconds:8.0f} img/s", flush=True)
    if args.save:
        torch_interop.save_model(args.save, args.model, model)


if __name__ == "__main__":
    main()
