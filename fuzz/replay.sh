#!/bin/sh
# ctest fuzz_replay: runs each fuzz target (built with replay_main.c) on its
# seed corpus and its regression inputs.  Usage: replay.sh FUZZ_DIR BIN...
# (each BIN is .../fuzz_<name>; its inputs are FUZZ_DIR/{corpus,regressions}/<name>).
set -u
dir=$1
shift
status=0
for bin in "$@"; do
    name=$(basename "$bin")
    name=${name#fuzz_}
    set --
    for d in "$dir/corpus/$name" "$dir/regressions/$name"; do
        [ -d "$d" ] && set -- "$@" "$d"
    done
    if [ $# -eq 0 ]; then
        echo "fuzz_replay: no corpus for $name" >&2
        status=1
        continue
    fi
    # shellcheck disable=SC2086 # FUZZ_EMULATOR: qemu and its arguments in a cross build
    ${FUZZ_EMULATOR:-} "$bin" "$@" >/dev/null || { echo "fuzz_replay: $name FAILED on an input in $*" >&2; status=1; }
    echo "fuzz_replay: $name ok ($(find "$@" -type f | wc -l) inputs)"
done
exit $status
