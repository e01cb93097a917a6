#!/bin/sh
# The test suite again, built with AddressSanitizer and UBSan
# (SIGNAGE_SANITIZE, docs/fuzzing.md): the unit tests, every fuzz seed and
# past crash, player_cli, golden and server_it.  The rest passes under the
# sanitizers too, but does not fit CI's 20 minutes beside the valgrind runs
# and the arm64 build: the sync fault table, the self-check, service_it,
# security_it, backup_it, web_e2e (docs/fuzzing.md, "The test suite under
# ASan + UBSan", gives the command and the results); the benchmarks and the
# soak measure the normal build.
# Usage: sanitize_it.sh SOURCE_DIR BUILD_DIR
set -eu
SRC=$1 BUILD=$2
cmake -S "$SRC" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSIGNAGE_WERROR=ON \
    -DSIGNAGE_SANITIZE=ON >/dev/null
cmake --build "$BUILD" -j"$(nproc)" >"$BUILD.log" 2>&1 || { tail -n 30 "$BUILD.log"; exit 1; }
cd "$BUILD"
LSAN_OPTIONS=suppressions=$SRC/tests/lsan.supp:print_suppressions=0 \
UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --output-on-failure -j"$(nproc)" \
    -E 'bench|soak|valgrind|web_e2e|deb_it|cross|sync_|selfwatch|service_it|security_it|backup_it|sanitize|fuzz_short'
