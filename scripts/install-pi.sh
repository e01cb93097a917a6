#!/bin/sh
# Turns a fresh Raspberry Pi OS Lite (or any Debian bookworm) into a lobby
# screen: installs campus-signage-player, points it at the content server,
# starts it on boot, and says what to check.  Safe to run again: it changes
# only what differs.
#
#   sudo scripts/install-pi.sh --server https://signage.example.edu.cn --display lobby-1f
#   sudo scripts/install-pi.sh            # asks, on a terminal
#
# Options:
#   --server URL    the content server (http:// or https://); "none" = play the demo deck
#   --display ID    this screen's id on the server (default: the host name)
#   --rotate DEG    0, 90, 180 or 270 for a panel mounted on its side
#   --deb FILE      install this campus-signage-player .deb (default: dist/, or build one)
#   --yes           never ask: keep what is configured for anything not given
#   --no-start      install and enable, but do not (re)start the service now
set -eu

CONF=/etc/campus-signage/player.conf
UNIT=campus-signage-player.service
HERE=$(cd "$(dirname "$0")/.." && pwd)

say() { printf '%s\n' "install-pi: $*"; }
die() { printf '%s\n' "install-pi: error: $*" >&2; exit 1; }

server="" display="" rotate="" deb="" yes=0 start=1
while [ $# -gt 0 ]; do
    case "$1" in
    --server) server=${2?--server needs a URL}; shift 2 ;;
    --display) display=${2?--display needs an id}; shift 2 ;;
    --rotate) rotate=${2?--rotate needs 0, 90, 180 or 270}; shift 2 ;;
    --deb) deb=${2?--deb needs a file}; shift 2 ;;
    --yes | -y) yes=1; shift ;;
    --no-start) start=0; shift ;;
    -h | --help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
    esac
done

if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "run as root"
    exec sudo "$0" "$@"
fi

# ---- check what was given, before anything changes -------------------------
valid_server() {
    case "$1" in
    none | http://?* | https://?*) return 0 ;;
    *) return 1 ;;
    esac
}
valid_display() {
    [ -n "$1" ] && [ ${#1} -le 64 ] && ! printf '%s' "$1" | grep -q '[^A-Za-z0-9._-]'
}
[ -z "$server" ] || valid_server "$server" || die "--server: \"$server\" is not an http:// or https:// URL"
[ -z "$display" ] || valid_display "$display" ||
    die "--display: \"$display\": use letters, digits, '.', '_' and '-', at most 64"
case "$rotate" in "" | 0 | 90 | 180 | 270) ;; *) die "--rotate: must be 0, 90, 180 or 270" ;; esac

# ---- the package ------------------------------------------------------------
arch=$(dpkg --print-architecture)
if [ -z "$deb" ]; then
    deb=$(ls -t "$HERE"/dist/campus-signage-player_*_"$arch".deb 2>/dev/null | head -n 1 || true)
fi
if [ -z "$deb" ]; then
    say "no campus-signage-player package for $arch in $HERE/dist: building one from source"
    "$HERE"/scripts/install-deps.sh
    "$HERE"/scripts/package.sh --out "$HERE/dist" >/dev/null
    deb=$(ls -t "$HERE"/dist/campus-signage-player_*_"$arch".deb | head -n 1)
fi
[ -f "$deb" ] || die "$deb: no such file"
want=$(dpkg-deb -f "$deb" Version)
have=$(dpkg-query -W -f='${Status} ${Version}' campus-signage-player 2>/dev/null |
    sed -n 's/^install ok installed //p' || true)
if [ "$have" = "$want" ]; then
    say "campus-signage-player $want is installed"
else
    say "installing campus-signage-player $want${have:+ (over $have)}"
    case "$deb" in /*) ;; *) deb="$PWD/$deb" ;; esac
    # apt resolves the libraries it depends on; config edits are kept
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        -o Dpkg::Options::=--force-confold "$deb" >/dev/null ||
        die "apt-get could not install $deb (is the network up for its dependencies?)"
fi
[ -f "$CONF" ] || die "$CONF is missing: reinstall with: apt-get install --reinstall -o Dpkg::Options::=--force-confmiss $deb"

# ---- the settings -----------------------------------------------------------
current() { # the active value of a key in the config, if any
    sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*//p" "$CONF" | tail -n 1 | sed 's/[[:space:]]#.*//; s/^"\(.*\)"$/\1/'
}
ask() { # ask VAR PROMPT DEFAULT
    if [ "$yes" -eq 0 ] && [ -t 0 ]; then
        printf '%s [%s]: ' "$2" "$3" >&2
        read -r answer || answer=""
        eval "$1=\${answer:-\$3}"
    else
        eval "$1=\$3"
    fi
}
[ -n "$server" ] || { cur=$(current server); ask server "content server URL (none = demo deck)" "${cur:-none}"; }
valid_server "$server" || die "\"$server\" is not an http:// or https:// URL"
if [ -z "$display" ]; then
    cur=$(current display)
    ask display "this screen's display id" "${cur:-$(hostname)}"
fi
valid_display "$display" || die "display id \"$display\": use letters, digits, '.', '_' and '-', at most 64"

# Each key: the active line is replaced, or the commented default becomes the
# active line, or it is appended.  Written to a temp file, checked by the
# player, then renamed: a bad edit never reaches the running service.
tmp=$(mktemp "$CONF.XXXXXX")
trap 'rm -f "$tmp"' EXIT
cp -p "$CONF" "$tmp"
set_key() { # set_key KEY VALUE (empty VALUE: comment the key out)
    if [ -z "$2" ]; then
        sed -i "s|^[[:space:]]*$1[[:space:]]*=.*|#$1 =|" "$tmp"
    elif grep -q "^[[:space:]]*$1[[:space:]]*=" "$tmp"; then
        sed -i "s|^[[:space:]]*$1[[:space:]]*=.*|$1 = $2|" "$tmp"
    elif grep -q "^#$1[[:space:]]*=" "$tmp"; then
        sed -i "0,/^#$1[[:space:]]*=.*/s||$1 = $2|" "$tmp"
    else
        printf '%s = %s\n' "$1" "$2" >>"$tmp"
    fi
}
if [ "$server" = none ]; then set_key server ""; else set_key server "$server"; fi
set_key display "$display"
[ -z "$rotate" ] || set_key rotate "$rotate"
if ! check=$(signage-player --config "$tmp" --check 2>&1); then
    printf '%s\n' "$check" | sed "s|$tmp|$CONF|g" >&2
    die "the new settings do not pass signage-player --check: $CONF is unchanged"
fi
changed=0
if cmp -s "$tmp" "$CONF"; then
    say "$CONF is up to date"
else
    sync "$tmp" 2>/dev/null || sync
    mv "$tmp" "$CONF"
    changed=1
    say "wrote $CONF (server ${server}, display ${display}${rotate:+, rotate $rotate})"
fi

# ---- this machine -----------------------------------------------------------
model=""
[ -r /proc/device-tree/model ] && model=$(tr -d '\0' </proc/device-tree/model)
if [ -n "$model" ]; then
    say "this is a $model"
    cfg=/boot/firmware/config.txt
    [ -f $cfg ] || cfg=/boot/config.txt
    if [ -f $cfg ] && ! grep -q '^dtoverlay=vc4-kms-v3d' $cfg; then
        say "warning: $cfg has no dtoverlay=vc4-kms-v3d: the player needs the KMS driver (docs/install.md)"
    fi
    mem=$(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo)
    if [ "$mem" -le 600 ]; then
        say "note: ${mem} MB of memory: see docs/install.md (Zero 2 W) for cma= and size = 1920x1080"
    fi
fi
if systemctl is-enabled --quiet display-manager.service 2>/dev/null; then
    say "warning: a desktop starts at boot and would hold the screen; boot to the console instead:"
    say "         raspi-config nonint do_boot_behaviour B1   (or: systemctl set-default multi-user.target)"
fi

# ---- the service ------------------------------------------------------------
if [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    systemctl enable --quiet "$UNIT"
    if [ "$start" -eq 1 ]; then
        if [ "$changed" -eq 1 ] || ! systemctl is-active --quiet "$UNIT"; then
            systemctl restart "$UNIT" || say "warning: the service did not start: journalctl -u $UNIT -b"
        fi
        systemctl is-active --quiet "$UNIT" && say "$UNIT is running"
    fi
else
    # an image being prepared, a chroot: the unit starts at the next boot
    systemctl enable --quiet "$UNIT" 2>/dev/null || true
    say "systemd is not running here: $UNIT is enabled and starts at the next boot"
fi

cat <<EOF

What to check:
  systemctl status $UNIT        running, "slide N of M on screen"
  journalctl -u $UNIT -b        what the player logged since boot
  signage-player --info         display id, addresses, server, cache, last sync
  The screen shows the content, or 等待内容 (waiting for content) with the display id,
  the address and the last error.  On the server's dashboard, accept the new display
  "$display" and give it a group.  Black screen: docs/install.md, "Troubleshooting".

EOF
signage-player --info 2>/dev/null || true
