#!/usr/bin/env bash
# Builds goalived's Debian package, dist/goalived_VERSION_amd64.deb (or in
# the folder given as the first argument): the static binary, the systemd
# unit, /etc/default/goalived and the manual pages goalived(8) and
# goalived.conf(5), which the binary writes from its own flag set and
# keyword tables. VERSION is goalived's own (cmd/goalived/version.go), read
# from the binary's -v. nfpm builds the package, run from the Go module
# proxy at a pinned version (no downloaded binary).
set -euo pipefail
cd "$(dirname "$0")/.."

nfpm=github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.48.0
out=${1:-dist}
export PATH=$PATH:/usr/local/go/bin

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o "$stage/goalived" ./cmd/goalived
version=$("$stage/goalived" -v 2>&1 | sed -n '1s/^goalived v[^ ]* (goalived \([^,]*\),.*/\1/p')
if [ -z "$version" ]; then
	echo "package: cannot read goalived's version from its -v" >&2
	exit 1
fi
"$stage/goalived" --man-page=8 | gzip -9n >"$stage/goalived.8.gz"
"$stage/goalived" --man-page=5 | gzip -9n >"$stage/goalived.conf.5.gz"

mkdir -p "$out"
deb="$out/goalived_${version}_amd64.deb"
# The same sources give the same package: file times are the last commit's.
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)} \
	GOALIVED_VERSION=$version GOALIVED_STAGE=$stage \
	go run "$nfpm" package --config .ci/package/nfpm.yaml --packager deb --target "$deb" >&2
echo "$deb"
