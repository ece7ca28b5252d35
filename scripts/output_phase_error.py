#!/usr/bin/python3
"""Test MSE of a trained model split by output phase: (row parity, column parity) of each pixel.

The conv model's last layer is ConvTranspose2d(16, 1, 3, stride 2, padding 1, output_padding 1):
each of its four output phases is computed from its own taps of the 3x3 kernel (pixels at
even row and even column from the centre tap alone, the others from two or four taps), and
the decoder's first stride-2 layer splits each again in four; so one of the 16 phases can
stall behind a ReLU that stays shut, and no gradient comes back through it to reopen it. The
reconstruction then shows a regular pattern of dark pixels along the strokes, and the MSE
averages a good denoiser with one that is not. This script measures that. It loads a
mnist-dae checkpoint or any safetensors file with the same state_dict keys (such as
scripts/torch_recipe_run.py --save writes) into the PyTorch model of scripts/torch_models.py.

    /usr/bin/python3 scripts/output_phase_error.py conv runs/conv/conv.safetensors

Needs PyTorch and numpy (scripts/install_deps.sh --bench).
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_interop  # noqa: E402


def main():
    parser = torch_interop.script_parser(__doc__)
    parser.add_argument("checkpoint")
    parser.add_argument("--count", type=int, default=2000, help="first N test images")
    parser.add_argument("--noise-std", type=float, default=0.1)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    _, forward = torch_interop.load_model(args.model, args.checkpoint)
    clean = torch_interop.read_images(args.data, "t10k", args.count)
    with torch.no_grad():
        output = forward(clean + args.noise_std * torch.randn_like(clean)).view(-1, 28, 28)
    clean = clean.view(-1, 28, 28)
    error = (output - clean) ** 2
    strokes = clean > 0.5

    print(f"{args.checkpoint}: {args.count} test images, noise std {args.noise_std}, "
          f"test MSE {error.mean().item():.6f}")
    print("| row, column parity | MSE | MSE on strokes (clean > 0.5) | mean output on strokes | mean clean on strokes "
          "| stroke pixels output exactly 0 |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in (0, 1):
        for column in (0, 1):
            phase = (slice(None), slice(row, None, 2), slice(column, None, 2))
            on = strokes[phase]
            print(f"| {'even' if row == 0 else 'odd'}, {'even' if column == 0 else 'odd'} | "
                  f"{error[phase].mean().item():.6f} | {error[phase][on].mean().item():.6f} | "
                  f"{output[phase][on].mean().item():.3f} | {clean[phase][on].mean().item():.3f} | "
                  f"{(output[phase][on] == 0).float().mean().item():.1%} |")

    # The decoder upsamples twice by 2 (7 -> 14 -> 28), so its output has 16 phases
    # (row mod 4, column mod 4); a stall shows as one of them shut.
    print("\nStroke pixels whose output is exactly 0, by (row mod 4, column mod 4):\n")
    print("| row mod 4 | " + " | ".join(f"column {q}" for q in range(4)) + " |")
    print("|---|" + "---:|" * 4)
    for row in range(4):
        shares = [(output[:, row::4, q::4][strokes[:, row::4, q::4]] == 0).float().mean().item() for q in range(4)]
        print(f"| {row} | " + " | ".join(f"{share:.1%}" for share in shares) + " |")


if __name__ == "__main__":
    main()
