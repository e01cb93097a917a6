#!/bin/sh
# The .deb packages as a technician meets them, on a throwaway copy-on-write
# copy of this machine's root (an overlay in a private mount namespace: the
# real system is never touched):
#   - install both packages with dpkg; their files, conffiles, users, and
#     `systemd-analyze verify` of both units; the installed player draws the
#     installed demo deck as its service user;
#   - upgrade to a newer build: the operator's config edit and the cache kept;
#   - remove: config and cache kept; purge: both gone;
#   - scripts/install-pi.sh twice: the config written once, then unchanged;
#   - a read-only root: only the cache, state and runtime dirs writable (as
#     the unit sets them up); the player syncs from a real server, plays,
#     writes its status, then plays from the cache with the server gone, and
#     no write is ever refused (strace finds no EROFS).
# Usage: deb_it.sh SOURCE_DIR WORK_DIR SIGNAGE_SERVER
set -u
SRC=$(cd "$1" && pwd) WORK=$2 SERVER=$3

if [ "$(id -u)" -ne 0 ]; then
    if [ "${CI:-}" = true ]; then
        echo "deb_it: CI must run this as root (dpkg inside a throwaway overlay of /)" >&2
        exit 1
    fi
    echo "deb_it: skipped: needs root (dpkg inside a throwaway overlay of /)"
    exit 77
fi

if [ -z "${DEB_IT_INNER:-}" ]; then
    # ---- outside: build the packages, start a content server ----------------
    rm -rf "$WORK"
    mkdir -p "$WORK"
    WORK=$(cd "$WORK" && pwd)
    version=$(sed -n 's/^project(campus-signage VERSION \([0-9.]*\).*/\1/p' "$SRC/CMakeLists.txt")
    "$SRC/scripts/package.sh" --build-dir "$WORK/pkg" --out "$WORK/v1" >"$WORK/package.log" 2>&1 &&
        "$SRC/scripts/package.sh" --build-dir "$WORK/pkg" --version "$version+next" \
            --out "$WORK/v2" >>"$WORK/package.log" 2>&1 || {
        cat "$WORK/package.log"
        echo "FAIL: scripts/package.sh"
        exit 1
    }
    SIGNAGE_ADMIN_PASSWORD=deb-it-password "$SERVER" --data "$WORK/server-data" \
        --listen 127.0.0.1:0 >"$WORK/server.log" 2>&1 &
    server_pid=$!
    port=""
    for _ in $(seq 100); do
        port=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$WORK/server.log" | head -n 1)
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || { cat "$WORK/server.log"; echo "FAIL: the server did not start"; exit 1; }
    DEB_IT_INNER=1 PORT=$port SERVER_PID=$server_pid VERSION=$version \
        unshare -m --propagation private sh "$0" "$SRC" "$WORK" "$SERVER"
    rc=$?
    kill "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
    exit $rc
fi

# ---- inside a private mount namespace ---------------------------------------
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }
check() { # check DESCRIPTION COMMAND...: the command must succeed
    what=$1
    shift
    if "$@" >"$WORK/last.out" 2>&1; then ok; else bad "$what"; sed 's/^/    /' "$WORK/last.out" | tail -n 20; fi
}
ROOT=$WORK/root
mkdir -p "$WORK/layer" "$ROOT"
mount -t tmpfs tmpfs "$WORK/layer" || { echo "FAIL: cannot mount a tmpfs"; exit 1; }
mkdir -p "$WORK/layer/upper" "$WORK/layer/work"
mount -t overlay overlay \
    -o "lowerdir=/,upperdir=$WORK/layer/upper,workdir=$WORK/layer/work" "$ROOT" ||
    { echo "FAIL: cannot mount an overlay of / (needs overlayfs)"; exit 1; }
mount --rbind /dev "$ROOT/dev"
mount -t proc proc "$ROOT/proc"
mount -t tmpfs tmpfs "$ROOT/run" # no /run/systemd/system: systemd is not running in there
mount -t tmpfs tmpfs "$ROOT/tmp"
cp "$WORK"/v1/*.deb "$WORK"/v2/*.deb "$ROOT/tmp/"
in_root() { chroot "$ROOT" "$@"; }
arch=$(dpkg --print-architecture)
P1=/tmp/campus-signage-player_${VERSION}-1_$arch.deb
S1=/tmp/campus-signage-server_${VERSION}-1_$arch.deb
P2=/tmp/campus-signage-player_${VERSION}+next-1_$arch.deb
S2=/tmp/campus-signage-server_${VERSION}+next-1_$arch.deb
# a machine that never had it
in_root dpkg --purge campus-signage-player campus-signage-server >/dev/null 2>&1
in_root sh -c 'userdel signage; userdel signage-server; rm -rf /etc/campus-signage /var/cache/campus-signage' >/dev/null 2>&1

echo "== the packages"
for f in "$P1" "$S1"; do
    in_root dpkg-deb -I "$f" | sed -n '/Package:/p;/Version:/p;/Architecture:/p;/Depends:/p'
done
in_root dpkg-deb -c "$P1" | awk '{print "   ", $6}'
in_root dpkg-deb -c "$S1" | awk '{print "   ", $6}' | grep -v '/$'
check "the player's Depends come from its libraries (SDL2, curl)" \
    sh -c "chroot '$ROOT' dpkg-deb -f '$P1' Depends | grep -q 'libsdl2-2.0-0' && chroot '$ROOT' dpkg-deb -f '$P1' Depends | grep -q libcurl4"
check "the server's Depends include libmicrohttpd and sqlite" \
    sh -c "chroot '$ROOT' dpkg-deb -f '$S1' Depends | grep -q libmicrohttpd && chroot '$ROOT' dpkg-deb -f '$S1' Depends | grep -q libsqlite3"
check "player conffiles: /etc/campus-signage/player.conf" \
    sh -c "chroot '$ROOT' dpkg-deb --ctrl-tarfile '$P1' | tar -xO ./conffiles | grep -qx /etc/campus-signage/player.conf"

echo "== install"
check "dpkg -i both packages" in_root dpkg -i "$P1" "$S1"
check "the binaries are installed" in_root sh -c 'test -x /usr/bin/signage-player && test -x /usr/bin/signage-server'
check "the demo deck is installed" in_root test -f /usr/share/campus-signage/demo/manifest.json
check "the web pages are installed" in_root test -f /usr/share/campus-signage/web/index.html
check "the copyright file is installed" in_root test -f /usr/share/doc/campus-signage-player/copyright
check "dpkg knows both conffiles" sh -c "chroot '$ROOT' dpkg-query -W -f='\${Conffiles}\n' campus-signage-player campus-signage-server | grep -c '/etc/campus-signage/' | grep -qx 2"
check "user signage exists" in_root getent passwd signage
check "player.conf (it may hold the token) is root:signage 0640" \
    sh -c "test \"\$(chroot '$ROOT' stat -c '%U:%G %a' /etc/campus-signage/player.conf)\" = 'root:signage 640'"
check "user signage-server exists" in_root getent passwd signage-server
for g in video render input; do
    if in_root getent group "$g" >/dev/null; then
        check "signage is in group $g" sh -c "chroot '$ROOT' id -nG signage | tr ' ' '\n' | grep -qx $g"
    fi
done
check "the player's unit is enabled" in_root test -L /etc/systemd/system/multi-user.target.wants/campus-signage-player.service
check "the server's unit is enabled" in_root test -L /etc/systemd/system/multi-user.target.wants/campus-signage-server.service
for u in campus-signage-player campus-signage-server; do
    out=$(in_root systemd-analyze verify "/lib/systemd/system/$u.service" 2>&1)
    rc=$?
    echo "   systemd-analyze verify $u.service: exit $rc${out:+: $out}"
    if [ $rc -eq 0 ] && [ -z "$out" ]; then ok; else bad "systemd-analyze verify $u.service"; fi
done
check "signage-player --version" in_root signage-player --version
check "signage-player --check on the installed config and demo deck" in_root signage-player --check
check "the installed player draws the installed demo deck as user signage" \
    in_root runuser -u signage -- env SDL_VIDEODRIVER=dummy HOME=/tmp \
    signage-player --screenshot /tmp/demo.png --size 640x360
check "... a real PNG" sh -c "test \$(stat -c %s '$ROOT/tmp/demo.png') -gt 10000"
check "signage-player --help" in_root signage-player --help
if in_root test -f /usr/share/man/man1/signage-player.1.gz; then ok; else bad "the man page is installed"; fi

echo "== upgrade"
in_root sh -c 'echo "display = lobby-upgrade  # the operator'"'"'s edit" >> /etc/campus-signage/player.conf'
in_root sh -c 'mkdir -p /var/cache/campus-signage/objects && echo cached > /var/cache/campus-signage/objects/keep'
check "dpkg -i the next version" in_root dpkg -i "$P2" "$S2"
check "the new version is installed" sh -c "chroot '$ROOT' dpkg-query -W -f='\${Version}' campus-signage-player | grep -q next"
check "the config edit survived the upgrade" in_root grep -q "lobby-upgrade" /etc/campus-signage/player.conf
check "... and its mode" sh -c "test \"\$(chroot '$ROOT' stat -c '%U:%G %a' /etc/campus-signage/player.conf)\" = 'root:signage 640'"
check "the cache survived the upgrade" in_root test -f /var/cache/campus-signage/objects/keep

echo "== remove and purge"
# the server depends on the player (previews, the demo deck): both go
in_root sh -c 'mkdir -p /var/lib/campus-signage-server && echo db > /var/lib/campus-signage-server/signage.db'
check "the player cannot be removed under the server" sh -c "! chroot '$ROOT' dpkg -r campus-signage-player"
check "dpkg -r both" in_root dpkg -r campus-signage-server campus-signage-player
check "the binary is gone" in_root test ! -e /usr/bin/signage-player
check "the config stays after remove" in_root grep -q "lobby-upgrade" /etc/campus-signage/player.conf
check "the cache stays after remove" in_root test -f /var/cache/campus-signage/objects/keep
check "dpkg -i again" in_root dpkg -i "$P2" "$S2"
check "the config is still the operator's" in_root grep -q "lobby-upgrade" /etc/campus-signage/player.conf
check "dpkg --purge both" in_root dpkg --purge campus-signage-server campus-signage-player
check "purge removed the config" in_root test ! -e /etc/campus-signage/player.conf
check "purge removed the cache" in_root test ! -e /var/cache/campus-signage
check "purge kept the server's data (a year of work is deleted only by hand)" \
    in_root test -f /var/lib/campus-signage-server/signage.db

echo "== install-pi.sh"
cp -r "$SRC/scripts" "$ROOT/tmp/scripts"
url=http://127.0.0.1:$PORT
check "install-pi.sh --deb --server --display --rotate --yes" \
    in_root sh /tmp/scripts/install-pi.sh --deb "$P1" --server "$url" --display lobby-ro --rotate 90 --yes
sed 's/^/    /' "$WORK/last.out" | head -n 12
check "it set server" in_root grep -qx "server = $url" /etc/campus-signage/player.conf
check "it set display" in_root grep -qx "display = lobby-ro" /etc/campus-signage/player.conf
check "it set rotate" in_root grep -qx "rotate = 90" /etc/campus-signage/player.conf
check "install-pi.sh kept the config's mode" sh -c "test \"\$(chroot '$ROOT' stat -c '%U:%G %a' /etc/campus-signage/player.conf)\" = 'root:signage 640'"
check "the unit is enabled" in_root test -L /etc/systemd/system/multi-user.target.wants/campus-signage-player.service
sum1=$(in_root md5sum /etc/campus-signage/player.conf)
check "install-pi.sh again" in_root sh /tmp/scripts/install-pi.sh --deb "$P1" --server "$url" --display lobby-ro --rotate 90 --yes
cp "$WORK/last.out" "$WORK/second.out"
check "the second run is a no-op" grep -q "player.conf is up to date" "$WORK/second.out"
check "... and says the package is installed" grep -q "campus-signage-player .* is installed" "$WORK/second.out"
sum2=$(in_root md5sum /etc/campus-signage/player.conf)
if [ "$sum1" = "$sum2" ]; then ok; else bad "the config changed on the second run"; fi
check "install-pi.sh refuses a bad server URL" sh -c "! chroot '$ROOT' sh /tmp/scripts/install-pi.sh --deb '$P1' --server ftp://x --yes"
sum3=$(in_root md5sum /etc/campus-signage/player.conf)
if [ "$sum1" = "$sum3" ]; then ok; else bad "a refused run changed the config"; fi
check "install-pi.sh keeps the config when --check fails" sh -c "! chroot '$ROOT' sh /tmp/scripts/install-pi.sh --deb '$P1' --server '$url' --display 'bad id!' --yes"

echo "== a read-only root"
# As the unit sets it up: everything read-only but the cache, state and
# runtime dirs (CacheDirectory=, StateDirectory=, RuntimeDirectory=).
uid=$(in_root id -u signage)
gid=$(in_root id -g signage)
mkdir -p "$WORK/rw/cache" "$WORK/rw/state" "$ROOT/var/cache/campus-signage" "$ROOT/var/lib/campus-signage"
chown "$uid:$gid" "$WORK/rw/cache" "$WORK/rw/state"
RO=$WORK/ro
mkdir -p "$RO"
mount --bind "$ROOT" "$RO"
mount -o remount,bind,ro "$RO"
mount --rbind /dev "$RO/dev"
mount -t proc proc "$RO/proc"
mount -t tmpfs -o mode=755 tmpfs "$RO/run"
mkdir -p "$RO/run/campus-signage"
chown "$uid:$gid" "$RO/run/campus-signage"
mount -t tmpfs tmpfs "$RO/tmp" # PrivateTmp=
mount --bind "$WORK/rw/cache" "$RO/var/cache/campus-signage"
mount --bind "$WORK/rw/state" "$RO/var/lib/campus-signage"
check "the root really is read-only" sh -c "! chroot '$RO' touch /etc/campus-signage/x 2>/dev/null"
play() { # play SECONDS STRACE_LOG
    # strace (as root) sees every file call of the player (as signage)
    chroot "$RO" strace -f -qq -Z -o "$2" -e trace=%file \
        setpriv --reuid=signage --regid=signage --init-groups -- \
        env -i PATH=/usr/bin:/bin SDL_VIDEODRIVER=dummy \
        CACHE_DIRECTORY=/var/cache/campus-signage STATE_DIRECTORY=/var/lib/campus-signage \
        RUNTIME_DIRECTORY=/run/campus-signage HOME=/var/lib/campus-signage \
        signage-player --run-for "$1" --size 640x360
}
check "the player runs on the read-only root, syncing from the server" play 8 /run/strace1.log
status=$RO/run/campus-signage/status.json
check "its status file is in /run" test -s "$status"
check "it synced the server's deck" sh -c "python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); sys.exit(0 if s[\"sync\"][\"state\"]==\"ok\" and s[\"showing\"][\"kind\"]==\"slide\" else 1)' '$status'"
check "the deck is in the cache" test -s "$WORK/rw/cache/manifest.json"
n=$(ls "$WORK/rw/cache/objects" 2>/dev/null | wc -l)
if [ "$n" -gt 3 ]; then ok; else bad "the cache holds the deck's pictures ($n files)"; fi
refused=$(grep EROFS "$RO/run/strace1.log" | grep -v -E '^[0-9]+ +(access|faccessat2?)\(' || true)
if [ -z "$refused" ]; then ok; else bad "writes refused on the read-only root:"; echo "$refused" | head; fi
kill "$SERVER_PID" 2>/dev/null
for _ in $(seq 100); do # gone, or a zombie of the outer shell
    st=$(cut -d' ' -f3 "/proc/$SERVER_PID/stat" 2>/dev/null || echo Z)
    [ "$st" = Z ] && break
    sleep 0.1
done
check "with the server gone, it plays from the cache" play 4 /run/strace2.log
check "... the cached deck on screen" sh -c "python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); sys.exit(0 if s[\"showing\"][\"kind\"]==\"slide\" and s[\"sync\"][\"state\"]!=\"ok\" else 1)' '$status'"
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print("    offline run: showing", s["showing"], "sync", s["sync"])' "$status"
refused=$(grep EROFS "$RO/run/strace2.log" | grep -v -E '^[0-9]+ +(access|faccessat2?)\(' || true)
if [ -z "$refused" ]; then ok; else bad "writes refused on the read-only root (offline):"; echo "$refused" | head; fi
check "--info on the read-only root" chroot "$RO" signage-player --info
grep -E "cache|content" "$WORK/last.out" | sed 's/^/    /'

echo "deb_it: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
