#!/bin/sh
# vmlimit.sh KIB COMMAND [ARGS...] (lit: %vmlimit KIB COMMAND ...)
#
# Runs COMMAND with its address space limited to KIB KiB (ulimit -v), so that
# an allocation a check should have refused fails at once and shows as a
# crash. AddressSanitizer reserves terabytes of shadow address space and
# cannot start under ulimit -v; in a sanitizer build (QC_SANITIZE_BUILD=1,
# set by test/lit.cfg.py) the same limit is ASan's max_allocation_size_mb
# instead: a larger allocation is a sanitizer report, which fails the run as
# the crash would.
kib=$1
shift
if [ "${QC_SANITIZE_BUILD:-0}" = 1 ]; then
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}max_allocation_size_mb=$((kib / 1024))"
  export ASAN_OPTIONS
else
  ulimit -v "$kib" || exit 125
fi
exec "$@"
