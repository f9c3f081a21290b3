#!/usr/bin/env bash
# The side-by-side benchmark: goalived vs keepalived 2.2.7 in network
# namespaces. Default: crash / graceful / check-driven failover at VRRPv2
# advert_int 1 and VRRPv3 advert_int 0.1, against the RFC bound; the
# check scenario also with goalived --fast-preempt (daemon
# goalived-fast-preempt), to show its gain alone:
#   bash .ci/bench.sh --scenarios check --reps 5
# Also (--scenarios resources,reload,spurious,configtest): RSS and CPU of
# master and backup and the advert schedule on the wire at 1/50/250/1000
# VRRPv2 instances and 250 VRRPv3 0.1 s ones (3 repetitions), start-up
# and SIGHUP reload time at 1000 instances, spurious transitions of a
# VRRPv3 0.02 s pair under CPU load, and "-t" time on
# 10/250/1000-instance configs. --scenarios
# upgrade: a goalived master of 20 VRRPv3 0.1 s instances upgraded in
# place (hot upgrade: binary replaced, SIGHUP) --reps times, and a
# keepalived master restarted (TERM, start) as often, beside a keepalived
# backup, with VIP gap, lost pings and transitions. --scenarios faults:
# the fault matrix, each fault --fault-reps times (5) to a goalived and
# to a keepalived master beside a keepalived backup (SIGSTOP 5 s, link
# down/up, partition, 20% VRRP loss, hanging notify and check scripts,
# 100k spoofed adverts, a 10-minute soak of 50 instances at advert_int
# 0.1; --faults picks some, --soak-duration shortens the soak). Needs
# root. The
# markdown tables go to stdout, progress to stderr. Extra arguments go to the
# benchmark (--quick, --reps N, --scenarios crash, --versions 3,
# --daemons goalived,keepalived, --duration 60s, --instances 1,50,250,
# --keep, --quiet-load 0.5: before each resources, reload or spurious
# repetition wait (at most --quiet-wait 5m) for the 1-minute load average
# to fall under 0.5; 0 does not wait).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" != 0 ]; then
	echo "run as root: the benchmark builds network namespaces" >&2
	exit 1
fi

need=(keepalived iproute2)
missing=()
for p in "${need[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update
	apt-get install -y --no-install-recommends "${missing[@]}"
fi
# keepalived is only the reference here: never let the package's own
# service run on the benchmark machine.
systemctl disable --now keepalived >/dev/null 2>&1 || true

export PATH=$PATH:/usr/local/go/bin:/usr/sbin:/sbin
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
# Static, as the README builds it: no libc mapped, 2-3 MiB less resident.
CGO_ENABLED=0 go build -o "$bin/goalived" ./cmd/goalived
go build -o "$bin/goalived-bench" ./cmd/goalived-bench
"$bin/goalived-bench" --goalived "$bin/goalived" "$@"
