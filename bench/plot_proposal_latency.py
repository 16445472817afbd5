"""Draw docs/figures/proposal_latency.png: per-claim proposal latency against registry size, from the table that
`bench/bench_proposals.py` results were recorded in (docs/BENCHMARKS.md, "Source proposals").

    .venv/bin/python bench/plot_proposal_latency.py          # needs matplotlib (requirements-bench.txt)
"""

import re
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
ROW = re.compile(r"^\| (\d+) \| ([\d,]+) \| ([\d.]+) ms \| ([\d.]+) ms \| ([\d.]+) ms \|", re.MULTILINE)


def main() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [
        (int(run), int(size.replace(",", "")), float(p50), float(p95))
        for run, size, p50, p95, _max in ROW.findall((PROJECT / "docs" / "BENCHMARKS.md").read_text("utf-8"))
    ]
    if not rows:
        raise SystemExit("No latency rows found in docs/BENCHMARKS.md.")
    figure, axis = plt.subplots(figsize=(6, 4))
    for run in sorted({r[0] for r in rows}):
        points = sorted((size, p50, p95) for number, size, p50, p95 in rows if number == run)
        sizes = [p[0] for p in points]
        axis.plot(sizes, [p[2] for p in points], marker="o", label=f"p95, run {run}")
        axis.plot(sizes, [p[1] for p in points], marker=".", linestyle="--", label=f"p50, run {run}")
    axis.axhline(50, color="grey", linewidth=0.8, linestyle=":", label="target p95 at 100k")
    axis.set_xscale("log")
    axis.set_xlabel("registry documents (PostgreSQL)")
    axis.set_ylabel("per-claim proposal latency (ms)")
    axis.set_title("Registry-documents proposer: latency against registry size")
    axis.grid(alpha=0.3)
    axis.legend(fontsize=8)
    figure.tight_layout()
    path = PROJECT / "docs" / "figures" / "proposal_latency.png"
    figure.savefig(path, dpi=110)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
