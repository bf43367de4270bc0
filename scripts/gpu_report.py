#!/usr/bin/env python3
"""Writes scripts/gpu-check's report (report.md, report.json) from what its parts left in OUT:
parts.tsv, machine.txt, logs/, bench/*.json (Google Benchmark) and bench/gpu_memory.csv."""
import json
import pathlib
import re
import sys


def read_parts(out):
    parts = []
    for line in (out / "parts.tsv").read_text().splitlines():
        name, status, seconds, note = (line.split("\t") + [""] * 4)[:4]
        parts.append({"part": name, "status": status, "seconds": float(seconds or 0), "note": note})
    return parts


def read_bench(out, name):
    path = out / "bench" / f"{name}.json"
    if not path.exists():
        return {}
    try:
        runs = json.loads(path.read_text()).get("benchmarks", [])
    except json.JSONDecodeError:
        return {}
    return {r["name"]: r for r in runs if r.get("run_type", "iteration") == "iteration"}


def seconds(run):
    scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[run.get("time_unit", "ns")]
    return run["real_time"] * scale


def stage_of(name):
    # train_step/paper/1/1/real_time -> the stage index 1 -> coarse
    fields = name.split("/")
    return ["normal", "coarse", "fine"][int(fields[2])] if len(fields) > 2 and fields[2].isdigit() else name


def test_summary(out):
    log = out / "logs" / "tests.log"
    if not log.exists():
        return []
    return [l for l in log.read_text(errors="replace").splitlines()
            if re.match(r"^(Passed|Failed|All tests passed|test cases|.*FAILED)", l)]


def gpu_memory(out):
    path = out / "bench" / "gpu_memory.csv"
    if not path.exists():
        return None
    values = [int(v) for v in path.read_text().split() if v.strip().isdigit()]
    if not values:
        return None
    return {"idle_mib": values[0], "peak_mib": max(values), "peak_above_idle_mib": max(values) - values[0]}


def fmt(value):
    return "" if value is None else f"{value:.4g}"


def main():
    out = pathlib.Path(sys.argv[1])
    machine = dict(line.split(" ", 1) for line in (out / "machine.txt").read_text().splitlines() if " " in line)
    parts = read_parts(out)
    report = {"machine": machine, "parts": parts, "tests": test_summary(out)}

    train = {"cuda": read_bench(out, "train_step_cuda"), "cpu": read_bench(out, "train_step_cpu")}
    steps = {}
    for device, runs in train.items():
        for name, run in runs.items():
            fields = name.split("/")
            key = (fields[1], stage_of(name), int(fields[3]) if len(fields) > 3 and fields[3].isdigit() else None)
            steps.setdefault(key, {})[device] = seconds(run)
    report["train_step_s"] = [{"config": c, "stage": s, "batch": b, **v} for (c, s, b), v in sorted(steps.items())]

    refine = {}
    for device in ("cuda", "cpu"):
        for name, run in read_bench(out, f"refine_{device}").items():
            refine[device] = {"steps": run.get("steps"), "seconds": run.get("refine_s"), "ms_per_step": run.get("ms_per_step")}
    report["refine"] = refine

    recon = {}
    for device in ("cuda", "cpu"):
        for name, run in read_bench(out, f"reconstruct_{device}").items():
            recon[device] = {k: run.get(k) for k in ("total_s", "normals_encoders_s", "network_s", "field_s", "mesh_s",
                                                     "queries", "faces", "peak_rss_GiB")}
    memory = gpu_memory(out)
    if memory and "cuda" in recon:
        recon["cuda"]["gpu_memory"] = memory
    report["reconstruct"] = recon

    smoke = out / "logs" / "kokkos_cuda.log"
    if smoke.exists():
        lines = [l for l in smoke.read_text(errors="replace").splitlines() if "kokkos cuda smoke" in l]
        report["kokkos_cuda"] = lines[-1] if lines else "no smoke result (see logs/kokkos_cuda.log)"

    (out / "report.json").write_text(json.dumps(report, indent=2) + "\n")

    md = ["# hifa gpu-check", ""]
    md += [f"- {k}: {v}" for k, v in machine.items()]
    md += ["", "| part | status | seconds |", "|---|---|---|"]
    md += [f"| {p['part']} | {p['status']} | {p['seconds']:.1f} |" for p in parts]
    md += ["", f"Total: {sum(p['seconds'] for p in parts):.0f} s", ""]
    if report["tests"]:
        md += ["## [device] tests", ""] + [f"    {l}" for l in report["tests"]] + [""]
    if report["train_step_s"]:
        md += ["## One training step", "", "| config | stage | batch | CUDA s | CPU s | CPU / CUDA |", "|---|---|---|---|---|---|"]
        for r in report["train_step_s"]:
            cuda, cpu = r.get("cuda"), r.get("cpu")
            ratio = f"{cpu / cuda:.1f}" if cuda and cpu else ""
            md.append(f"| {r['config']} | {r['stage']} | {r['batch']} | {fmt(cuda)} | {fmt(cpu)} | {ratio} |")
        md.append("")
    if refine:
        md += ["## CAR refinement", "", "| device | steps | seconds | ms per step |", "|---|---|---|---|"]
        md += [f"| {d} | {v['steps']:.0f} | {v['seconds']:.2f} | {v['ms_per_step']:.1f} |" for d, v in refine.items()]
        if "cuda" in refine and "cpu" in refine:
            md.append(f"\nCPU / CUDA per step: {refine['cpu']['ms_per_step'] / refine['cuda']['ms_per_step']:.1f}")
        md.append("")
    if recon:
        md += ["## Reconstruct, 1024^2 image at 512^3, paper-size nets", ""]
        for d, v in recon.items():
            md.append(f"- {d}: " + ", ".join(f"{k} {v[k]:.3g}" if isinstance(v[k], float) else f"{k} {v[k]}" for k in v))
        md.append("")
    if "kokkos_cuda" in report:
        md += ["## Kokkos 3.4 on CUDA", "", report["kokkos_cuda"], ""]
    (out / "report.md").write_text("\n".join(md))


if __name__ == "__main__":
    main()
