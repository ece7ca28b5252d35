#!/usr/bin/env python3
"""Checks that two output folders of mnist_dae hold the same results, file by file.

A refactoring must not change what the program computes. Run the same commands with the
binary before and after the change, each into its own folder, then

    python3 scripts/same_outputs.py before/ after/

compares every file the two folders hold (the same names must be in both). What measures
the machine rather than the model is left out of the comparison: wall-clock seconds, images
per second, peak memory, the report's date. Everything else must be equal to the byte:
pictures, tensors, losses, the report's text and tables, the console output.
  *.png, other files   byte for byte
  *.safetensors        every tensor's dtype, shape and bytes; the metadata, with the timing
                       fields of the history left out
  epochs.csv           without the seconds and images_per_s columns
  *.md, *.html, *.log  text, with the timings, rates and memory figures masked
Prints one line per difference and exits 1 if there is any, 0 otherwise.
"""
import json
import re
import struct
import sys
from pathlib import Path

TIMING_FIELDS = ("seconds", "images_per_s")

MASKS = [
    (re.compile(r"Written: \d{4}-\d\d-\d\d \d\d:\d\d UTC"), "Written: <date>"),
    (re.compile(r"\d[\d,]*(\.\d+)? MiB"), "<memory>"),
    (re.compile(r" +\d[\d,]*(\.\d+)? img/s"), " <rate>"),
    (re.compile(r" +\d+(\.\d+)? s\b"), " <seconds>"),
    (re.compile(r"\d+(\.\d+)? (ms/step|GFLOP/s)"), "<speed>"),
    (re.compile(r"\(min [\d.]+, max [\d.]+\)"), "(<range>)"),
    (re.compile(r"\w+ trains fastest[^<\n]*"), "<speed finding>"),
]
# Table columns that measure the machine, by their heading.
MACHINE_COLUMNS = {"training time (s)", "images/s", "peak memory"}
HTML_CELL = re.compile(r"<t[hd][^>]*>(.*?)</t[hd]>")


def mask_text(text):
    """The lines of a log, Markdown or HTML file with the machine's figures masked."""
    lines, masked_columns = [], set()
    for line in text.splitlines():
        if line.startswith("|"):  # a Markdown table row
            cells = line.split("|")
            if any(cell.strip() in MACHINE_COLUMNS for cell in cells):
                masked_columns = {i for i, cell in enumerate(cells) if cell.strip() in MACHINE_COLUMNS}
            else:
                line = "|".join("<machine>" if i in masked_columns else c for i, c in enumerate(cells))
        elif "<tr>" in line:  # an HTML table row
            cells = HTML_CELL.findall(line)
            if any(cell in MACHINE_COLUMNS for cell in cells):
                masked_columns = {i for i, cell in enumerate(cells) if cell in MACHINE_COLUMNS}
            else:
                line = " ".join("<machine>" if i in masked_columns else c for i, c in enumerate(cells))
        for pattern, replacement in MASKS:
            line = pattern.sub(replacement, line)
        lines.append(line)
    return lines


def read_safetensors(path):
    data = path.read_bytes()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    body = data[8 + length:]
    metadata = header.pop("__metadata__", {})
    tensors = {name: (h["dtype"], h["shape"], body[h["data_offsets"][0]:h["data_offsets"][1]])
               for name, h in header.items()}
    if "history" in metadata:
        history = json.loads(metadata["history"])
        for row in history:
            for field in TIMING_FIELDS:
                row.pop(field, None)
        metadata["history"] = history
    return metadata, tensors


def compare_safetensors(a, b):
    meta_a, tensors_a = read_safetensors(a)
    meta_b, tensors_b = read_safetensors(b)
    problems = []
    if meta_a != meta_b:
        problems.append("metadata differs")
    if sorted(tensors_a) != sorted(tensors_b):
        problems.append("tensor names differ")
    problems += [f"tensor {name} differs" for name in sorted(set(tensors_a) & set(tensors_b))
                 if tensors_a[name] != tensors_b[name]]
    return problems


def compare_csv(a, b):
    def rows(path):
        lines = path.read_text().splitlines()
        header = lines[0].split(",")
        keep = [i for i, name in enumerate(header) if name not in TIMING_FIELDS]
        return [[line.split(",")[i] for i in keep] for line in lines]
    return [] if rows(a) == rows(b) else ["values differ (timing columns left out)"]


def compare_text(a, b):
    lines_a, lines_b = mask_text(a.read_text()), mask_text(b.read_text())
    for number, (x, y) in enumerate(zip(lines_a, lines_b), 1):
        if x != y:
            return [f"line {number} differs:\n    {x[:200]}\n    {y[:200]}"]
    if len(lines_a) != len(lines_b):
        return [f"{len(lines_a)} lines against {len(lines_b)}"]
    return []


def compare(a, b):
    if a.suffix == ".safetensors":
        return compare_safetensors(a, b)
    if a.name == "epochs.csv":
        return compare_csv(a, b)
    if a.suffix in (".md", ".html", ".log"):
        return compare_text(a, b)
    return [] if a.read_bytes() == b.read_bytes() else ["bytes differ"]


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    first, second = Path(sys.argv[1]), Path(sys.argv[2])
    files_a = {p.relative_to(first) for p in first.rglob("*") if p.is_file()}
    files_b = {p.relative_to(second) for p in second.rglob("*") if p.is_file()}
    differences = [f"{name}: only in {first}" for name in sorted(files_a - files_b)]
    differences += [f"{name}: only in {second}" for name in sorted(files_b - files_a)]
    for name in sorted(files_a & files_b):
        differences += [f"{name}: {problem}" for problem in compare(first / name, second / name)]
    for line in differences:
        print(line)
    print(f"{len(files_a & files_b)} files compared, {len(differences)} differences")
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
