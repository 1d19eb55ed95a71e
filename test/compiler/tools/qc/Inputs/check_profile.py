"""Checks `qc bench --profile --profile-csv` against the compiled model.

    check_profile.py COMPILE_LOG BENCH_STDOUT PROFILE_CSV

- the CSV has one row per step of the model (`qc: N steps` of qc compile's
  log), in step order, the last one `outputs`;
- the table lists each step once and `by kind` counts add up to N;
- every conv / linear step carries its ONNX node name and MACs;
- the steps' mean times sum to at most the mean entry call and to more than
  half of it (each run's steps are disjoint intervals inside its entry call,
  so the first bound cannot fail; the rest is the entry's prologue and the
  hooks).
"""
import csv
import re
import sys


def fail(message):
    print("check_profile: " + message)
    sys.exit(1)


log, bench, profile = (open(p).read() for p in sys.argv[1:4])
m = re.search(r"qc: (\d+) steps;", log)
if not m:
    fail("no 'qc: N steps' in the compile log")
steps = int(m.group(1))

rows = list(csv.DictReader(open(sys.argv[3])))
if len(rows) != steps:
    fail(f"{len(rows)} CSV rows, the model has {steps} steps")
if [int(r["step"]) for r in rows] != list(range(steps)):
    fail("CSV steps are not 0..N-1 in order")
if rows[-1]["kind"] != "outputs":
    fail("the last step is not 'outputs'")
for r in rows:
    if r["kind"].startswith(("qconv2d", "qlinear")):
        if not r["name"].startswith("/"):
            fail(f"step {r['step']} ({r['kind']}) has no ONNX node name")
        if int(r["macs"]) <= 0 or not r["macs_per_cycle"]:
            fail(f"step {r['step']} ({r['kind']}) has no MACs or MAC/cyc")

m = re.search(r"run: [0-9.]+ ms \(entry call, median of the last \d+ runs; "
              r"mean ([0-9.]+) ms\)", bench)
if not m:
    fail("no 'run: ... mean X ms' line in the table")
mean_run = float(m.group(1))
mean_steps = sum(float(r["mean_ms"]) for r in rows)
# The table prints 4 decimals: allow its rounding.
if mean_steps > mean_run + 0.00005 * (1 + len(rows)):
    fail(f"steps sum to {mean_steps} ms, more than the run's {mean_run} ms")
if mean_steps <= 0.5 * mean_run:
    fail(f"steps sum to {mean_steps} ms, not more than half of {mean_run} ms")

table = bench[bench.index(" step  kind"):bench.index(" by kind")]
table_rows = [l for l in table.splitlines()[1:] if l.strip()]
if sorted(int(l.split()[0]) for l in table_rows) != list(range(steps)):
    fail("the table does not list every step once")
kinds = bench[bench.index(" by kind"):].splitlines()[1:]
if sum(int(l.split()[1]) for l in kinds if l.strip()) != steps:
    fail("the per-kind counts do not add up to the steps")
print(f"check_profile: {steps} steps, steps {mean_steps:.4f} of "
      f"{mean_run:.4f} ms per run")
