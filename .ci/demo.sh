#!/usr/bin/env bash
# The README's first command: a failover demo of the user's KDC-style
# configuration in network namespaces (two goalived routers, a client).
# Needs root. Extra arguments go to the demo (--quick, --keep).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" != 0 ]; then
	echo "run as root: the demo builds network namespaces" >&2
	exit 1
fi

need=(iproute2 iputils-ping arping)
missing=()
for p in "${need[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update
	apt-get install -y --no-install-recommends "${missing[@]}"
fi

export PATH=$PATH:/usr/local/go/bin:/usr/sbin:/sbin
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
# Static, as the README builds it: no libc mapped, 2-3 MiB less resident.
CGO_ENABLED=0 go build -o "$bin/goalived" ./cmd/goalived
go build -o "$bin/goalived-demo" ./cmd/goalived-demo
"$bin/goalived-demo" --goalived "$bin/goalived" "$@"
