#!/usr/bin/env bash
# The README's test command: installs what the tests need, then runs vet,
# the unit tests with -race, the root integration and interop tests (which
# must not skip here), and short fuzz runs.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" != 0 ]; then
	echo "run as root: the integration tests build network namespaces" >&2
	exit 1
fi

# man-db, groff-base, systemd and init-system-helpers: the package test
# renders the manual pages, runs systemd-analyze verify and the
# maintainer scripts' deb-systemd-helper.
need=(keepalived iproute2 tcpdump iputils-ping arping krb5-kdc krb5-admin-server krb5-user
	man-db groff-base systemd init-system-helpers)
missing=()
for p in "${need[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update
	apt-get install -y --no-install-recommends "${missing[@]}"
fi
# keepalived is only a reference for the interop tests: never let the
# package's own service run on the test machine.
systemctl disable --now keepalived krb5-kdc krb5-admin-server >/dev/null 2>&1 || true

export PATH=$PATH:/usr/local/go/bin:/usr/sbin:/sbin
# Root tests fail instead of skipping when this is set (CI proves them).
export GOALIVED_REQUIRE_ROOT=1

# stage prints a stage's name with the seconds since the start, so a slow
# run shows where its time went.
stage() { echo "== $1 (at ${SECONDS}s)"; }

stage "go vet"
go vet ./...
stage "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go'))
if [ -n "$unformatted" ]; then echo "gofmt would change: $unformatted" >&2; exit 1; fi

# fuzz_one runs one fuzz target for a few seconds. Under load Go's fuzz
# coordinator can time out stopping its workers ("context deadline
# exceeded") without any failing input: only that case is retried, once.
# A real crash writes its input under testdata/fuzz and fails here.
fuzz_one() {
	local target=$1 fz=$2 out
	if ! out=$(go test -run='^$' -fuzz="^${fz}\$" -fuzztime=5s -parallel=1 "$target" 2>&1); then
		if grep -q "context deadline exceeded" <<<"$out" && ! grep -q "Failing input written" <<<"$out"; then
			echo "-- $target $fz: fuzz coordinator timeout without a failing input; retrying once"
			echo "$out" | tail -3
			out=$(go test -run='^$' -fuzz="^${fz}\$" -fuzztime=5s -parallel=1 "$target" 2>&1) || { echo "$out"; return 1; }
		else
			echo "-- $target $fz"
			echo "$out"
			return 1
		fi
	fi
	echo "-- $target $fz: $(echo "$out" | tail -1)"
}
export -f fuzz_one

stage "fuzz (short runs, two at a time)"
for target in $(grep -rl --include='*_test.go' '^func Fuzz' . | xargs -n1 dirname | sort -u); do
	for fz in $(grep -h '^func Fuzz' "$target"/*_test.go | sed 's/func \(Fuzz[A-Za-z0-9_]*\).*/\1/'); do
		echo "$target $fz"
	done
done | xargs -P 2 -n 2 bash -c 'fuzz_one "$@"' _

# The tests that judge timing (a VIP held by one router alone through a
# sampled window, a takeover within a bound) run after the others, alone,
# so that neither compilers nor the other namespace tests starve the
# daemons they time. The second run names the packages that hold them:
# a test named here in another package would run in neither.
timing='^(TestIntegrationManyInstances|TestIntegrationNoDualMaster|TestIntegrationSyncGroupMembers|TestIntegrationSyncGroup|'\
'TestIntegrationFailover|TestIntegrationSplitBrainHeals|TestIntegrationActiveActive|TestIntegrationOwnerTakesOverAtOnce|'\
'TestIntegrationBackupAdoptsMasterInterval|TestIntegrationTieDoesNotPreempt|TestIntegrationTrackProcess|'\
'TestIntegrationGARP|TestIntegrationUnsolicitedNA|TestIntegrationAnnounceAfterLinkFlap|TestIntegrationBench|'\
'TestIntegrationFIFOReload|TestIntegrationInterop|TestIntegrationInteropAH|TestIntegrationHotUpgrade.*|'\
'TestIntegrationKDCFailover|TestIntegrationFloodSpoofedSources|TestIntegrationFaults)$'

# Set GOALIVED_TEST_REPORT to keep the go test -json report.
report=${GOALIVED_TEST_REPORT:-}
if [ -z "$report" ]; then
	report=$(mktemp)
	trap 'rm -f "$report"' EXIT
fi
: > "$report"
set +e
stage "tests (unit, integration as root, interop with keepalived)"
# The namespace tests wait on VRRP timers far more than they compute:
# -parallel lets the independent ones (t.Parallel) overlap, and -p 4 runs
# four packages' tests at a time (with go test's default of one per core,
# the packages waited for each other far longer than they computed).
go test -race -count=1 -timeout 15m -p 4 -parallel 6 -skip "$timing" -json ./... >> "$report" 2>&1
stage "timing tests, alone"
# Two packages at a time: cmd/goalived-bench's failover trials beside
# cmd/goalived's timing tests; both mostly wait, and one after the other
# they were half of the suite's time on a machine with two busy loops.
go test -race -count=1 -timeout 10m -p 2 -parallel 3 -run "$timing" -json ./cmd/goalived ./cmd/goalived-bench ./engine ./netif >> "$report" 2>&1
set -e
go run .ci/testreport.go "$report"
stage "done"
