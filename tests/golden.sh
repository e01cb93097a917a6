#!/bin/bash
# Golden-image tests: renders each case in tests/golden/cases.txt with
# --screenshot and compares it with tests/golden/NAME.png within a tolerance
# (font rasterising may move a few edge pixels between library versions).
#   golden.sh PLAYER IMGDIFF SOURCE_DIR WORK_DIR
# UPDATE_GOLDEN=1 rewrites the golden files instead (review them, then commit).
set -u
PLAYER=$1
IMGDIFF=$2
SRC=$3
WORK=$4
rm -rf "$WORK"
mkdir -p "$WORK"
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
pass=0
fail=0
while IFS='|' read -r name args other rot; do
    case "$name" in ''|'#'*) continue ;; esac
    out="$WORK/$name.png"
    # shellcheck disable=SC2086 # args are word lists by design
    if ! (cd "$SRC" && "$PLAYER" --screenshot "$out" $args) 2>"$WORK/$name.log"; then
        echo "FAIL: $name: the player failed" >&2
        sed 's/^/    /' "$WORK/$name.log" >&2
        fail=$((fail + 1))
        continue
    fi
    golden="$SRC/tests/golden/${other:-$name}.png"
    if [ -n "$other" ]; then
        # a frame compared with another case's golden, turned by $rot degrees
        if "$IMGDIFF" compare "$out" "$golden" --rotate "${rot:-0}" --mean 1.5 --pct 1.0 >"$WORK/$name.cmp"; then
            pass=$((pass + 1))
        else
            echo "FAIL: $name: $(cat "$WORK/$name.cmp") (vs $other rotated $rot)" >&2
            fail=$((fail + 1))
        fi
        continue
    fi
    if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
        cp "$out" "$golden"
        echo "updated $golden"
        pass=$((pass + 1))
        continue
    fi
    if [ ! -f "$golden" ]; then
        echo "FAIL: $name: no golden image $golden (run with UPDATE_GOLDEN=1 and review)" >&2
        fail=$((fail + 1))
        continue
    fi
    if "$IMGDIFF" compare "$out" "$golden" --mean 1.5 --pct 1.0 --diff "$WORK/$name.diff.png" >"$WORK/$name.cmp"; then
        pass=$((pass + 1))
    else
        echo "FAIL: $name: $(cat "$WORK/$name.cmp") - see $WORK/$name.png and $name.diff.png" >&2
        fail=$((fail + 1))
    fi
done <"$SRC/tests/golden/cases.txt"
echo "golden: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
