#!/usr/bin/env bash
# Benchmark (not a test): requests/s of examples/hyper_server.rs on
# wirelane::tokio (Async<Listener<Ipv4>>) against the same hyper server on
# tokio::net::TcpListener (`--tokio-net`), under h2load (HTTP/2 by prior
# knowledge, and HTTP/1.1 with --h1) and wrk (HTTP/1.1), in interleaved
# rounds: both servers run at once, and each round loads A then B or B then
# A, alternately.
#
#   benches/tokio/hyper_bench.sh [ROUNDS]      (default 7)
#
# Installs h2load (Debian nghttp2-client) and wrk if missing (needs root and
# apt-get, else fails saying how). Prints the median req/s per server and
# tool, and the ratio wirelane::tokio / tokio::net. Results: PERFORMANCE.md.
set -euo pipefail
cd "$(dirname "$0")/../.."

rounds=${1:-7}
requests=${REQUESTS:-40000}   # per h2load run
clients=${CLIENTS:-50}
streams=${STREAMS:-10}        # h2load concurrent streams per HTTP/2 connection
wrk_secs=${WRK_SECS:-4}

missing=()
command -v h2load >/dev/null 2>&1 || missing+=(nghttp2-client)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "hyper_bench: needs the Debian packages ${missing[*]}: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "hyper_bench: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

cargo build --release --quiet --features tokio --example hyper_server
server="$(scripts/target-dir.sh)/release/examples/hyper_server"

tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

# Starts a server in the background (in this shell, so cleanup can kill
# it) and waits for its banner.
start() { # name args...
  local name=$1; shift
  "$server" 0 "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
  pids+=($!)
  for _ in $(seq 100); do
    grep -q Listening "$tmp/$name.out" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "hyper_bench: $name server did not start: $(cat "$tmp/$name.err")" >&2
  exit 1
}
addr_of() { awk '{print $3}' "$tmp/$1.out" | head -1; }
start wirelane
start tokio-net --tokio-net
wl=$(addr_of wirelane)
net=$(addr_of tokio-net)
echo "wirelane::tokio on $wl, tokio::net on $net; $rounds interleaved rounds" >&2

# One load run; prints req/s.
load() { # tool addr
  case $1 in
    h2)  h2load -n "$requests" -c "$clients" -m "$streams" "http://$2/" | awk '/^finished in/ {print $4}' ;;
    h1)  h2load --h1 -n "$requests" -c "$clients" "http://$2/" | awk '/^finished in/ {print $4}' ;;
    wrk) wrk -t1 -c "$clients" -d "${wrk_secs}s" "http://$2/" | awk '/^Requests\/sec:/ {print $2}' ;;
  esac
}

for tool in h2 h1 wrk; do
  load "$tool" "$wl" >/dev/null   # warm-up, discarded
  load "$tool" "$net" >/dev/null
  for r in $(seq "$rounds"); do
    if [ $((r % 2)) -eq 1 ]; then order="wl net"; else order="net wl"; fi
    for who in $order; do
      addr=$wl; [ "$who" = net ] && addr=$net
      echo "$tool $who $r $(load "$tool" "$addr")" >>"$tmp/samples"
    done
  done
done

python3 - "$tmp/samples" "$rounds" "$requests" "$clients" "$streams" "$wrk_secs" <<'PY'
import statistics, sys
path, rounds, n, c, m, secs = sys.argv[1:]
rows = [l.split() for l in open(path)]
tools = {"h2": f"h2load, HTTP/2 prior knowledge, {n} requests, {c} connections x {m} streams",
         "h1": f"h2load --h1, HTTP/1.1, {n} requests, {c} connections",
         "wrk": f"wrk -t1, HTTP/1.1, {c} connections, {secs} s"}
print(f"| load | wirelane::tokio req/s | tokio::net req/s | ratio | paired ratio |")
print("|---|---|---|---|---|")
for t, what in tools.items():
    s = {w: {int(r): float(v) for (tt, w2, r, v) in rows if tt == t and w2 == w} for w in ("wl", "net")}
    wl, net = statistics.median(s["wl"].values()), statistics.median(s["net"].values())
    paired = statistics.median(s["wl"][r] / s["net"][r] for r in s["wl"])
    print(f"| {what} | {wl:.0f} | {net:.0f} | {wl/net:.3f}x | {paired:.3f}x |")
print(f"medians of {rounds} interleaved rounds (1 warm-up each discarded)")
PY
