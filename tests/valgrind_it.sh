#!/bin/sh
# Integration tests with the program under test in valgrind memcheck.
#   valgrind_it.sh server SERVER PLAYER SOURCE_DIR WORK_DIR
#     server_it.py with signage-server under memcheck: every endpoint, every
#     role, hostile uploads, previews, the export (not the kill -9 rounds: a
#     killed process cannot report).  It must pass as it does natively.
#   valgrind_it.sh player SERVER PLAYER SOURCE_DIR WORK_DIR
#     sync_it.py's "faults" group with signage-player under memcheck: a
#     faulty and hostile content server (truncated, corrupt, slow, wrong,
#     huge and missing content, long-polls, outages, bad certificates).
#     Under valgrind the player starts ~20x slower, so the group's timing
#     checks (first frame within 3 s, ...) are reported, not judged; it must
#     run to its end.
# Every process that reported must show 0 errors, definite and indirect
# leaks counted as errors (tests/valgrind.supp names third-party code only).
set -u
WHAT=$1 SERVER=$2 PLAYER=$3 SRC=$4 WORK=$5
rm -rf "$WORK"
mkdir -p "$WORK/logs"
VG="valgrind --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --suppressions=$SRC/tests/valgrind.supp --log-file=$WORK/logs/$WHAT-%p.log"
fail=0
case "$WHAT" in
server)
    SIGNAGE_KILL_ROUNDS=0 SIGNAGE_WRAP_SERVER="$VG" \
        python3 "$SRC/tests/server_it.py" "$SERVER" "$PLAYER" "$SRC" "$WORK/run" >"$WORK/out" 2>&1 ||
        { echo "FAIL: server_it.py under valgrind"; grep FAIL "$WORK/out" | head -n 20; fail=1; }
    ;;
player)
    SIGNAGE_WRAP="$VG" python3 "$SRC/tests/sync_it.py" "$PLAYER" "$SRC" "$WORK/run" faults \
        >"$WORK/out" 2>&1
    grep -q "^sync_it faults: [0-9]* passed" "$WORK/out" ||
        { echo "FAIL: sync_it.py faults did not run to its end"; tail -n 20 "$WORK/out"; fail=1; }
    ;;
*) echo "usage: valgrind_it.sh server|player SERVER PLAYER SOURCE_DIR WORK_DIR" >&2; exit 2 ;;
esac
tail -n 1 "$WORK/out"
reports=0
for f in "$WORK"/logs/*.log; do
    # no summary: a child the program exec'd (the server's preview runs the
    # player), which valgrind does not follow
    grep -q "ERROR SUMMARY" "$f" || continue
    reports=$((reports + 1))
    if ! grep -q "ERROR SUMMARY: 0 errors" "$f"; then
        echo "FAIL: $(basename "$f"): $(grep 'ERROR SUMMARY' "$f")"
        sed -n '/Command:/p' "$f"
        grep -A12 -E "Invalid|uninitialised|definitely lost in|indirectly lost in" "$f" | head -n 40
        fail=1
    fi
done
echo "valgrind_it $WHAT: $reports processes under memcheck, $([ $fail -eq 0 ] && echo 'every one with 0 errors and 0 leaks' || echo 'FAILURES above')"
[ "$reports" -ge 2 ] || { echo "FAIL: too few valgrind reports ($reports)"; fail=1; }
exit $fail
