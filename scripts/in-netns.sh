#!/bin/sh
# Runs a command as root of fresh user and network namespaces that it
# creates (unshare -Urn), so tests that need privileges or sysctls get
# them without touching the host: loopback is brought up, and
# net.ipv4.ping_group_range is "0 0" there (the namespace's root group may
# open ICMP echo sockets). Works for root and for unprivileged users alike
# (it needs unprivileged user namespaces, the kernel default).
#
#   scripts/in-netns.sh CMD [ARGS...]          user + network namespaces
#   scripts/in-netns.sh --user-only CMD ...    a user namespace only: root
#       there, but without any capability over the host's network
#       namespace (raw sockets are refused)
set -eu

die() {
  echo "in-netns: $*" >&2
  exit 127
}

command -v unshare >/dev/null 2>&1 || die "unshare(1) is missing: install util-linux (scripts/ensure-tools.sh does)"

if [ "${1-}" = "--user-only" ]; then
  shift
  exec unshare --user --map-root-user -- "$@"
fi

command -v ip >/dev/null 2>&1 || die "ip(8) is missing: install iproute2 (scripts/ensure-tools.sh does)"
exec unshare --user --map-root-user --net -- sh -c '
  ip link set lo up || { echo "in-netns: cannot bring lo up" >&2; exit 127; }
  echo "0 0" > /proc/sys/net/ipv4/ping_group_range ||
    { echo "in-netns: cannot set net.ipv4.ping_group_range" >&2; exit 127; }
  exec "$@"' in-netns "$@"
