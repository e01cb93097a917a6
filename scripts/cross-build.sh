#!/bin/sh
# Cross-builds campus-signage for a Raspberry Pi on Debian multiarch and checks
# the result under qemu-user:
#   scripts/cross-build.sh [arm64|armhf] [--deps-only]
# arm64 (the default): 64-bit Raspberry Pi OS / Debian on a Pi 3, 4, 5, Zero 2 W;
# armhf: 32-bit Raspberry Pi OS on ARMv7+ boards (Pi 2, 3, 4, Zero 2 W).
#
# 1. installs only what is missing: the foreign architecture, Debian's
#    crossbuild-essential-<arch>, qemu-user-static, and the :<arch> builds of
#    the -dev packages in scripts/install-deps.sh (after checking with
#    apt-get -s that no package would be removed); uses sudo when not root;
#    --deps-only stops here;
# 2. configures build-<arch> with cmake/toolchain-<triplet>.cmake and
#    -DSIGNAGE_WERROR=ON, builds everything, checks with `file` that the
#    programs are ELF for the target;
# 3. runs the C unit tests (ctest -L unit) through qemu, then
#    signage-player --version, signage-server --version, a headless
#    screenshot of the demo deck, tests/player_cli.sh and tests/golden.sh,
#    all under qemu;
# 4. where CPack is configured (build-<arch>/CPackConfig.cmake): cpack -G DEB,
#    and each package's Architecture must be <arch> (or all).
# Re-runnable; exits non-zero on any failure.
set -eu
cd "$(dirname "$0")/.."
SRC=$(pwd)

ARCH=arm64
DEPS_ONLY=0
for arg in "$@"; do
    case "$arg" in
        arm64|armhf) ARCH=$arg ;;
        --deps-only) DEPS_ONLY=1 ;;
        -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "cross-build: unknown argument '$arg' (arm64, armhf, --deps-only)" >&2; exit 2 ;;
    esac
done
case "$ARCH" in
    arm64) TRIPLET=aarch64-linux-gnu;   QEMU=qemu-aarch64; ELF='ELF 64-bit LSB .*, ARM aarch64,' ;;
    armhf) TRIPLET=arm-linux-gnueabihf; QEMU=qemu-arm;     ELF='ELF 32-bit LSB .*, ARM, EABI5 .*ld-linux-armhf' ;;
esac
TOOLCHAIN="$SRC/cmake/toolchain-$TRIPLET.cmake"
BUILD="$SRC/build-$ARCH"
export DEBIAN_FRONTEND=noninteractive

now() { date +%s; }
T0=$(now)
say() { echo "cross-build[$ARCH]: $*"; }
die() { echo "cross-build[$ARCH]: FAILED: $*" >&2; exit 1; }

# --- 1. packages ------------------------------------------------------------
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "run as root or install sudo"
    SUDO="sudo"
fi
APT="$SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600"

# The package list of scripts/install-deps.sh (PKGS): each -dev package for the
# target architecture, build-essential as the cross compiler, the rest (cmake,
# pkg-config, fonts, tzdata) as they are for the build machine.
pkgs=$(sed -n '/^PKGS="/,/"/p' scripts/install-deps.sh | sed 's/^PKGS=//; s/"//g')
[ -n "$pkgs" ] || die "no PKGS list in scripts/install-deps.sh"
want="crossbuild-essential-$ARCH file pkgconf:$ARCH"
# what tests/player_cli.sh uses beside the player: python3, zbarimg
want="$want python3 zbar-tools"
# qemu-user-static, unless a qemu-user for the target is there already
# (qemu-user's qemu-aarch64, say: the toolchain file takes either)
command -v "$QEMU-static" >/dev/null 2>&1 || command -v "$QEMU" >/dev/null 2>&1 ||
    want="$want qemu-user-static"
for p in $pkgs; do
    case "$p" in
        build-essential) ;;
        *-dev) want="$want $p:$ARCH" ;;
        *) want="$want $p" ;;
    esac
done

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"; }
missing=""
for p in $want; do installed "$p" || missing="$missing $p"; done

T_DEPS0=$(now)
if [ -n "$missing" ]; then
    updated=0
    if ! { dpkg --print-architecture; dpkg --print-foreign-architectures; } | grep -qx "$ARCH"; then
        say "adding the $ARCH architecture"
        $SUDO dpkg --add-architecture "$ARCH"
        $APT update -qq
        updated=1
    fi
    # No candidate for one of them: the package lists are missing or old.
    if [ "$updated" = 0 ]; then
        for p in $missing; do
            if ! apt-cache policy "$p" 2>/dev/null | grep -q 'Candidate: [^(]'; then
                $APT update -qq
                updated=1
                break
            fi
        done
    fi
    say "installing$missing"
    # shellcheck disable=SC2086 # word lists
    sim=$($APT -s install --no-install-recommends $missing 2>&1) || {
        echo "$sim" >&2
        die "apt-get cannot install these together (above); nothing was changed"
    }
    if echo "$sim" | grep -q '^Remv '; then
        echo "$sim" | grep '^Remv ' >&2
        die "installing would remove the packages above; nothing was changed"
    fi
    up=$(echo "$sim" | grep -c '^Inst [^ ]* \[' || true)
    [ "$up" -gt 0 ] && say "$up installed packages are upgraded with them (same version on every architecture)"
    # shellcheck disable=SC2086
    if ! $APT install -y -qq --no-install-recommends $missing; then
        # old lists point at versions the mirror no longer has: once more
        [ "$updated" = 1 ] && die "apt-get install failed"
        $APT update -qq
        # shellcheck disable=SC2086
        $APT install -y -qq --no-install-recommends $missing || die "apt-get install failed"
    fi
fi
T_DEPS=$(( $(now) - T_DEPS0 ))
say "packages ready (${T_DEPS} s)"
[ "$DEPS_ONLY" = 1 ] && exit 0

# --- 2. configure and build ---------------------------------------------------
T_BUILD0=$(now)
mkdir -p "$BUILD"
# -U: the toolchain file picks the emulator again (it depends on what is installed)
cmake -S "$SRC" -B "$BUILD" -DCMAKE_TOOLCHAIN_FILE="$TOOLCHAIN" -UCMAKE_CROSSCOMPILING_EMULATOR \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSIGNAGE_WERROR=ON >"$BUILD/configure.log" 2>&1 || {
    cat "$BUILD/configure.log" >&2; die "cmake configure"; }
nice cmake --build "$BUILD" -j"$(nproc)" || die "build"
T_BUILD=$(( $(now) - T_BUILD0 ))

for prog in signage-player signage-server; do
    desc=$(file -b "$BUILD/$prog")
    echo "$desc" | grep -q "$ELF" || die "$prog is not an ELF for $ARCH: $desc"
    say "$prog: $desc"
done

# --- 3. under qemu ---------------------------------------------------------------
EMU=$(sed -n 's/^CMAKE_CROSSCOMPILING_EMULATOR:[A-Z]*=//p' "$BUILD/CMakeCache.txt" | tr ';' ' ')
[ -n "$EMU" ] || die "no CMAKE_CROSSCOMPILING_EMULATOR in $BUILD/CMakeCache.txt"
# shellcheck disable=SC2086 # a command and its arguments, no spaces in them
set -- $EMU
QEMU_BIN=$1
command -v "$QEMU_BIN" >/dev/null 2>&1 || die "$QEMU_BIN not found"

T_TEST0=$(now)
cd "$BUILD"
total=$(ctest -N -L unit | sed -n 's/^Total Tests: //p')
[ "${total:-0}" -gt 0 ] || die "ctest -L unit lists no tests"
{ rc=0; nice ctest -L unit --output-on-failure --timeout 600 -j"$(nproc)" || rc=$?; echo "$rc" >"$BUILD/ctest-unit.rc"; } 2>&1 |
    tee "$BUILD/ctest-unit.log"
rc=$(cat "$BUILD/ctest-unit.rc")
failed=$(sed -n 's/.* \([0-9][0-9]*\) tests\{0,1\} failed out of.*/\1/p' "$BUILD/ctest-unit.log")
passed=$(( total - ${failed:-$total} ))
T_TEST=$(( $(now) - T_TEST0 ))
[ "$rc" = 0 ] || die "unit tests under $QEMU_BIN: $passed/$total passed"

T_SMOKE0=$(now)
mkdir -p "$BUILD/cross-check"
shot="$BUILD/cross-check/demo-640x360.png"
rm -f "$shot"
ver=$(timeout 120 "$@" "$BUILD/signage-player" --version) || die "signage-player --version under qemu"
say "signage-player --version: $ver"
sver=$(timeout 120 "$@" "$BUILD/signage-server" --version) || die "signage-server --version under qemu"
say "signage-server --version: $sver"
SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy \
    timeout 300 "$@" "$BUILD/signage-player" --screenshot "$shot" --size 640x360 >"$BUILD/cross-check/screenshot.log" 2>&1 || {
    cat "$BUILD/cross-check/screenshot.log" >&2; die "signage-player --screenshot under qemu"; }
[ -s "$shot" ] || die "the screenshot $shot is empty"
desc=$(file -b "$shot")
echo "$desc" | grep -q '^PNG image data, 640 x 360' || die "the screenshot is not a 640x360 PNG: $desc"
say "screenshot: $shot ($(wc -c <"$shot") bytes, $desc)"

# The whole-program tests of the player (tests/player_cli.sh, tests/golden.sh:
# golden images within their tolerance) through programs of the same layout
# as the build dir's that run the target's under qemu.
Q="$BUILD/qemu"
mkdir -p "$Q/tests"
for prog in signage-player signage-server tests/imgdiff; do
    printf '#!/bin/sh\nexec %s %s "$@"\n' "$EMU" "$BUILD/$prog" >"$Q/$prog"
    chmod +x "$Q/$prog"
done
wp=0; wf=0
for t in player_cli golden; do
    case $t in
        player_cli) set -- "$Q/signage-player" "$SRC" "$BUILD/cross-check/cli" ;;
        golden) set -- "$Q/signage-player" "$Q/tests/imgdiff" "$SRC" "$BUILD/cross-check/golden" ;;
    esac
    trc=0
    SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy timeout 900 nice bash "$SRC/tests/$t.sh" "$@" \
        >"$BUILD/cross-check/$t.log" 2>&1 || trc=$?
    line=$(grep -E "^$t: [0-9]+ passed, [0-9]+ failed" "$BUILD/cross-check/$t.log" | tail -n 1)
    p=$(echo "$line" | sed -n 's/.*: \([0-9]*\) passed.*/\1/p')
    f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
    if [ "$trc" != 0 ] || [ -z "$line" ]; then
        cat "$BUILD/cross-check/$t.log" >&2
        die "tests/$t.sh under qemu: ${line:-no result}"
    fi
    say "tests/$t.sh under qemu: $line"
    wp=$((wp + p)); wf=$((wf + f))
done
T_SMOKE=$(( $(now) - T_SMOKE0 ))

# --- 4. Debian packages, where CPack is configured ------------------------------
debs=""
if [ -f "$BUILD/CPackConfig.cmake" ]; then
    rm -f "$BUILD"/*.deb
    nice cpack -G DEB >"$BUILD/cpack.log" 2>&1 || { cat "$BUILD/cpack.log" >&2; die "cpack -G DEB"; }
    debs=$(sed -n 's/^CPack: - package: \(.*\.deb\) generated\.$/\1/p' "$BUILD/cpack.log")
    [ -n "$debs" ] || { cat "$BUILD/cpack.log" >&2; die "cpack made no .deb"; }
    for deb in $debs; do
        a=$(dpkg-deb -f "$deb" Architecture)
        say "package $(basename "$deb"): $(dpkg-deb -I "$deb" | grep -E '^ *Architecture:' | sed 's/^ *//')"
        [ "$a" = "$ARCH" ] || [ "$a" = all ] || die "$(basename "$deb") is for '$a', not $ARCH"
    done
else
    say "no CPackConfig.cmake in $BUILD: no packages made"
fi

echo
say "summary: $passed/$total unit tests passed under $QEMU_BIN ($EMU); player_cli + golden: $wp passed, $wf failed"
say "time: packages ${T_DEPS} s, configure+build ${T_BUILD} s, unit tests ${T_TEST} s, version + screenshot + player_cli + golden ${T_SMOKE} s, total $(( $(now) - T0 )) s"
echo "$ARCH: $(( passed + wp )) passed, $(( total - passed + wf )) failed"
