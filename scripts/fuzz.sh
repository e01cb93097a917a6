#!/bin/sh
# Builds the libFuzzer targets (fuzz/) with clang, ASan and UBSan, and runs
# each for a while:
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
# SECONDS_PER_TARGET defaults to 30 (what CI runs); TARGET is manifest,
# config, linebreak, image or server_request (default: all five).
#
# Each target fuzzes a work corpus, BUILD/fuzz-work/<target>/corpus: the seed
# corpus (fuzz/corpus/<target>) and past crashes (fuzz/regressions/<target>)
# are copied into it, so the corpus in git is never changed and a longer run
# picks up where the last one stopped.  Prints per target: executions,
# executions per second, coverage (libFuzzer's cov: edges and ft: features),
# the corpus's size, and crashes; a crash, leak, timeout or out-of-memory
# input is kept in BUILD/fuzz-work/<target>/crashes/ and makes the script
# exit non-zero.  docs/fuzzing.md says how to run long, in parallel, and how
# to make a crash a regression test.
#
# Environment: FUZZ_BUILD (build dir, default build-fuzz), FUZZ_ARGS (more
# libFuzzer flags, e.g. "-jobs=2 -workers=2"), CC (default clang).
set -eu
cd "$(dirname "$0")/.."
SRC=$(pwd)

SECONDS_PER_TARGET=30
case "${1:-}" in
'' | *[!0-9]*) ;;
*)
    SECONDS_PER_TARGET=$1
    shift
    ;;
esac
TARGETS="${*:-manifest config linebreak image server_request}"
BUILD=${FUZZ_BUILD:-build-fuzz}
CC=${CC:-clang}

for t in $TARGETS; do
    [ -f "fuzz/fuzz_$t.c" ] || { echo "fuzz.sh: no target '$t' (fuzz/fuzz_$t.c)" >&2; exit 2; }
done
command -v "$CC" >/dev/null 2>&1 || {
    echo "fuzz.sh: $CC not found (Debian: apt-get install clang libclang-rt-14-dev)" >&2
    exit 2
}

# Its own build dir: every library is compiled with the fuzzer's coverage.
# Clang's warnings are not gcc's, so they do not stop a fuzzing run.
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    CC=$CC nice cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSIGNAGE_FUZZ=ON \
        -DSIGNAGE_TESTS=OFF -DSIGNAGE_WERROR=OFF >/dev/null
fi
bins=""
for t in $TARGETS; do bins="$bins fuzz_$t"; done
# shellcheck disable=SC2086
nice cmake --build "$BUILD" -j"$(nproc)" --target $bins

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

status=0
summary=""
for t in $TARGETS; do
    work="$BUILD/fuzz-work/$t"
    mkdir -p "$work/corpus" "$work/crashes"
    cp -n "fuzz/corpus/$t/"* "$work/corpus/" 2>/dev/null || true
    [ -d "fuzz/regressions/$t" ] && cp -n "fuzz/regressions/$t/"* "$work/corpus/" 2>/dev/null || true
    dict="$work/fuzz.dict"
    case $t in
    manifest) cat fuzz/json.dict >"$dict" ;;
    server_request) cat fuzz/http.dict fuzz/json.dict >"$dict" ;;
    *) cat "fuzz/$t.dict" >"$dict" ;;
    esac
    # the server logs every change it makes: its stderr would drown the stats
    extra=""
    [ "$t" = server_request ] && extra="-close_fd_mask=2"
    before=$(ls "$work/crashes" | wc -l)
    log="$work/last.log"
    echo "fuzz.sh: $t for ${SECONDS_PER_TARGET}s ..."
    # shellcheck disable=SC2086
    nice "$BUILD/fuzz/fuzz_$t" -max_total_time="$SECONDS_PER_TARGET" -dict="$dict" \
        -rss_limit_mb=2048 -timeout=30 -max_len=65536 -print_final_stats=1 \
        -artifact_prefix="$work/crashes/" $extra ${FUZZ_ARGS:-} "$work/corpus" >"$log" 2>&1 || true
    after=$(ls "$work/crashes" | wc -l)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    last=$(grep -E '^#[0-9]+' "$log" | tail -1)
    cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
    corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\/[0-9]*[a-zA-Z]*\).*/\1/p')
    crashes=$((after - before))
    line=$(printf '%-15s execs %-10s exec/s %-7s cov %-6s ft %-7s corpus %-14s crashes %s' \
        "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$crashes")
    echo "$line"
    summary="$summary$line
"
    if [ "$crashes" -gt 0 ] || grep -qE '^==[0-9]+==ERROR|^SUMMARY: |deadly signal' "$log"; then
        status=1
        echo "fuzz.sh: $t FOUND A PROBLEM; log: $log, inputs kept:" >&2
        ls -t "$work/crashes" | head -n "$((crashes > 0 ? crashes : 1))" | sed "s|^|    $work/crashes/|" >&2
        grep -E '^==[0-9]+==ERROR|^SUMMARY|runtime error|fake_mhd:|fuzz_server_request:' "$log" |
            head -5 | sed 's/^/    /' >&2
    fi
done
echo
echo "fuzz.sh: ${SECONDS_PER_TARGET}s per target"
printf '%s' "$summary"
exit $status
