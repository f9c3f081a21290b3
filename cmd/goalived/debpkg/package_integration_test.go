package debpkg

import (
	"bytes"
	"compress/gzip"
	"debug/elf"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/netif/nstest"
)

// installed are the package's files with their modes.
var installed = []struct {
	path string
	mode os.FileMode
}{
	{"/usr/sbin/goalived", 0o755},
	{"/usr/lib/systemd/system/goalived.service", 0o644},
	{"/etc/default/goalived", 0o644},
	{"/usr/share/man/man8/goalived.8.gz", 0o644},
	{"/usr/share/man/man5/goalived.conf.5.gz", 0o644},
	{"/usr/share/doc/goalived/copyright", 0o644},
}

// TestIntegrationPackage builds the package with .ci/package.sh, installs
// it with dpkg -i on this machine, checks what it installed, and purges it
// again, leaving nothing behind. It never starts goalived.service and
// leaves keepalived's package, service and pid files as they were.
func TestIntegrationPackage(t *testing.T) {
	nstest.RequireRoot(t)
	requireTools(t)
	lockPackageTests(t)
	if st := packageStatus(); st != "" {
		t.Fatalf("the goalived package is already on this machine (%s); the test installs and purges its own: dpkg --purge goalived first", st)
	}
	requireNoStart(t)
	deb := buildPackage(t)
	paths := debPaths(t, deb)
	existed := map[string]bool{}
	for _, p := range paths {
		existed[p] = exists(p)
	}
	before := snapshotHost(t)
	t.Cleanup(func() {
		if packageStatus() != "" {
			if out, err := dpkg("--purge", "goalived"); err != nil {
				t.Errorf("cleanup: dpkg --purge goalived: %v\n%s", err, out)
			}
		}
	})

	if out, err := dpkg("-i", deb); err != nil {
		t.Fatalf("dpkg -i %s: %v\n%s", deb, err, out)
	}
	listed := dpkgList(t)
	if diff := cmp.Diff(paths, listed); diff != "" {
		t.Errorf("dpkg -L goalived and the package's contents differ (-deb +dpkg):\n%s", diff)
	}
	checkInstalled(t, deb)
	checkNotStarted(t)
	checkUnit(t)
	checkManPages(t)

	if out, err := dpkg("--purge", "goalived"); err != nil {
		t.Fatalf("dpkg --purge goalived: %v\n%s", err, out)
	}
	checkPurged(t, listed, existed, before)
}

// requireTools: the programs the test runs, from the packages .ci/test.sh
// installs.
func requireTools(t *testing.T) {
	for _, p := range [][2]string{
		{"dpkg", "dpkg"}, {"dpkg-deb", "dpkg"}, {"deb-systemd-helper", "init-system-helpers"},
		{"systemd-analyze", "systemd"}, {"man", "man-db"}, {"groff", "groff-base"},
	} {
		nstest.Program(t, p[0], p[1])
	}
}

// checkPurged: every path dpkg listed is as it was before the install
// (the package's own files gone, shared folders kept), and so is the
// rest of the host.
func checkPurged(t *testing.T, listed []string, existed map[string]bool, before hostState) {
	for _, p := range listed {
		if now := exists(p); now != existed[p] {
			t.Errorf("%s: existed before the install %v, after the purge %v", p, existed[p], now)
		}
	}
	if diff := cmp.Diff(before, snapshotHost(t)); diff != "" {
		t.Errorf("the host differs from before the install (-before +after):\n%s", diff)
	}
}

// lockPackageTests makes concurrent runs of this test (other worktrees on
// the same machine) wait for each other: they install the same package.
func lockPackageTests(t *testing.T) {
	f, err := os.OpenFile("/run/lock/goalived-package-test.lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
}

// requireNoStart fails before installing on a machine where the package
// could start goalived.service: the postinst starts it where systemd runs,
// policy-rc.d allows it and keepalived is not in use, and the unit runs
// with a configuration.
func requireNoStart(t *testing.T) {
	if !systemdRunning() || policyDenies() || keepalivedInUse() {
		return
	}
	if fi, err := os.Stat("/etc/keepalived/keepalived.conf"); err == nil && fi.Size() > 0 {
		t.Fatal("systemd runs, policy-rc.d allows starting services, keepalived.service is not in use and /etc/keepalived/keepalived.conf exists: installing the package could start goalived.service here")
	}
}

// keepalivedInUse is the postinst's test: keepalived.service is enabled,
// or running where systemd runs.
func keepalivedInUse() bool {
	if exec.Command("systemctl", "--quiet", "is-enabled", "keepalived.service").Run() == nil {
		return true
	}
	return systemdRunning() && exec.Command("systemctl", "--quiet", "is-active", "keepalived.service").Run() == nil
}

func systemdRunning() bool {
	out, _ := exec.Command("systemctl", "is-system-running").Output()
	s := strings.TrimSpace(string(out))
	return s != "" && s != "offline" && s != "unknown"
}

// policyDenies reports whether /usr/sbin/policy-rc.d forbids starting
// goalived.service (exit status 101), as in containers.
func policyDenies() bool {
	err := exec.Command("/usr/sbin/policy-rc.d", "goalived.service", "start").Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode() == 101
	}
	return false
}

// buildPackage runs .ci/package.sh into a temporary folder and returns
// the package's path.
func buildPackage(t *testing.T) string {
	out := t.TempDir()
	cmd := exec.Command("bash", ".ci/package.sh", out)
	cmd.Dir = "../../.."
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("bash .ci/package.sh: %v\n%s", err, stderr.String())
	}
	deb := strings.TrimSpace(string(stdout))
	if !regexp.MustCompile(`/goalived_[0-9][0-9A-Za-z.+~-]*_amd64\.deb$`).MatchString(deb) {
		t.Fatalf(".ci/package.sh printed %q, want DIR/goalived_VERSION_amd64.deb", deb)
	}
	return deb
}

// dpkg runs dpkg, waiting while another dpkg or apt (another test run,
// an engineer's apt-get) holds its lock.
func dpkg(args ...string) (string, error) {
	deadline := time.Now().Add(5 * time.Minute)
	for {
		cmd := exec.Command("dpkg", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), "locked by another process") || time.Now().After(deadline) {
			return string(out), err
		}
		time.Sleep(time.Second)
	}
}

// packageStatus is dpkg's status of goalived, "" when dpkg knows nothing
// of it (never installed, or purged).
func packageStatus() string {
	out, err := exec.Command("dpkg-query", "-W", "-f=${Status}", "goalived").Output()
	if err != nil {
		return ""
	}
	st := strings.TrimSpace(string(out))
	if st == "unknown ok not-installed" {
		return ""
	}
	return st
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// dpkgList is dpkg -L goalived, sorted.
func dpkgList(t *testing.T) []string {
	out, err := exec.Command("dpkg", "-L", "goalived").Output()
	if err != nil {
		t.Fatalf("dpkg -L goalived: %v", err)
	}
	var paths []string
	for _, p := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if p != "/." {
			paths = append(paths, p)
		}
	}
	slices.Sort(paths)
	return paths
}

// readGzip returns the uncompressed content of a .gz file.
func readGzip(t *testing.T, path string) []byte {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var b bytes.Buffer
	if _, err := b.ReadFrom(z); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return b.Bytes()
}

// isStatic reports whether an ELF binary has no program interpreter (no
// dynamic loader, no libc).
func isStatic(t *testing.T, path string) bool {
	f, err := elf.Open(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return false
		}
	}
	return true
}
