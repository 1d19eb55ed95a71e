#!/usr/bin/env python3
"""Runs a command and checks its exit status, for lit tests that need more
than `not` (which accepts any failure):

    expect_exit.py [--fsize BYTES] [--timeout SECONDS] STATUS -- COMMAND [ARGS...]

Passes the command's stdout and stderr through. Exits 0 when COMMAND exited
with STATUS, else 1 with a line on stderr saying what happened (a signal is
reported by name, e.g. SIGXFSZ). --fsize sets the file-size limit
(RLIMIT_FSIZE, `ulimit -f`) of COMMAND; SIGXFSZ is left at its default
action (subprocess restores it), so a program that does not ignore it dies.
--timeout (default 600 s) fails a command that hangs, e.g. on a FIFO.
"""
import argparse
import resource
import signal
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fsize", type=int)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("status", type=int)
    ap.add_argument("command", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    command = a.command[1:] if a.command[:1] == ["--"] else a.command

    def limit():
        if a.fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (a.fsize, a.fsize))

    try:
        r = subprocess.run(command, preexec_fn=limit, timeout=a.timeout)
    except subprocess.TimeoutExpired:
        print(f"expect_exit.py: timed out after {a.timeout:g} s", file=sys.stderr)
        return 1
    if r.returncode == a.status:
        return 0
    if r.returncode < 0:
        got = signal.Signals(-r.returncode).name
    else:
        got = f"exit status {r.returncode}"
    print(f"expect_exit.py: expected exit status {a.status}, got {got}",
          file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
