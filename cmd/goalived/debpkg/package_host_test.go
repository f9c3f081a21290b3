package debpkg

import (
	"archive/tar"
	"bytes"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// debPaths lists the paths a .deb installs, sorted, from its data archive.
func debPaths(t *testing.T, deb string) []string {
	out, err := exec.Command("dpkg-deb", "--fsys-tarfile", deb).Output()
	if err != nil {
		t.Fatalf("dpkg-deb --fsys-tarfile %s: %v", deb, err)
	}
	var paths []string
	r := tar.NewReader(bytes.NewReader(out))
	for {
		h, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", deb, err)
		}
		if p := filepath.Clean("/" + h.Name); p != "/" {
			paths = append(paths, p)
		}
	}
	slices.Sort(paths)
	return paths
}

// hostState is what the install and purge must leave as it was.
type hostState struct {
	// Goalived are the paths named like the package (files, unit links,
	// deb-systemd-helper's state) under the folders a package touches.
	Goalived []string
	// Keepalived's service, the files of its package and the pid files
	// of a running keepalived (goalived's defaults too).
	KeepalivedEnabled, KeepalivedActive string
	KeepalivedVerify                    string
	PidFiles                            map[string]string
}

func snapshotHost(t *testing.T) hostState {
	var s hostState
	for _, root := range []string{"/etc", "/usr/sbin", "/usr/lib/systemd", "/usr/share/man", "/usr/share/doc", "/var/lib/systemd", "/var/cache/man"} {
		filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err == nil && strings.Contains(d.Name(), "goalived") {
				s.Goalived = append(s.Goalived, path)
			}
			return nil
		})
	}
	s.KeepalivedEnabled = output("systemctl", "is-enabled", "keepalived.service")
	s.KeepalivedActive = output("systemctl", "is-active", "keepalived.service")
	s.KeepalivedVerify = output("dpkg", "--verify", "keepalived")
	s.PidFiles = map[string]string{}
	for _, p := range []string{"/run/keepalived.pid", "/run/keepalived_vrrp.pid"} {
		b, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		s.PidFiles[p] = string(b)
	}
	return s
}

// output is a command's combined output and exit status, as text.
func output(name string, args ...string) string {
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		return string(out) + " (" + err.Error() + ")"
	}
	return string(out)
}

// checkInstalled checks the installed files: modes and owner, the conffile,
// a static binary that reports the package's version, and the unit's
// enablement, which the postinst gives only where keepalived is unused.
func checkInstalled(t *testing.T, deb string) {
	for _, f := range installed {
		fi, err := os.Lstat(f.path)
		if err != nil {
			t.Errorf("%s: %v", f.path, err)
			continue
		}
		st := fi.Sys().(*syscall.Stat_t)
		if !fi.Mode().IsRegular() || fi.Mode().Perm() != f.mode || st.Uid != 0 || st.Gid != 0 {
			t.Errorf("%s: mode %v owner %d:%d, want a regular file %v root:root", f.path, fi.Mode(), st.Uid, st.Gid, f.mode)
		}
	}
	if c := output("dpkg-query", "-W", "-f=${Conffiles}", "goalived"); !strings.Contains(c, "/etc/default/goalived ") {
		t.Errorf("conffiles %q, want /etc/default/goalived", c)
	}
	if !isStatic(t, "/usr/sbin/goalived") {
		t.Error("/usr/sbin/goalived is linked dynamically, want a static binary (CGO_ENABLED=0)")
	}
	version := strings.TrimSpace(output("dpkg-query", "-W", "-f=${Version}", "goalived"))
	if v := output("/usr/sbin/goalived", "-v"); !strings.Contains(v, "(goalived "+version+",") {
		t.Errorf("goalived -v says %q, the package's version is %q", v, version)
	}
	if !strings.HasSuffix(deb, "/goalived_"+version+"_amd64.deb") {
		t.Errorf("package file %s, version %s", deb, version)
	}
	link := exists("/etc/systemd/system/multi-user.target.wants/goalived.service")
	if used := keepalivedInUse(); link == used {
		t.Errorf("goalived.service enabled %v with keepalived.service in use %v: the first install enables it only without keepalived", link, used)
	}
}

// checkNotStarted: no goalived of the package runs after the install.
func checkNotStarted(t *testing.T) {
	procs, _ := filepath.Glob("/proc/[0-9]*/exe")
	for _, p := range procs {
		if exe, err := os.Readlink(p); err == nil && exe == "/usr/sbin/goalived" {
			t.Errorf("%s runs /usr/sbin/goalived: the install started it", filepath.Dir(p))
		}
	}
	if systemdRunning() && exec.Command("systemctl", "--quiet", "is-active", "goalived.service").Run() == nil {
		t.Error("goalived.service is active after the install")
	}
}

// checkUnit verifies the unit with systemd-analyze (no output at all: an
// unknown key is only a warning there) and the lines the package
// promises, and the default file's DAEMON_ARGS. --man=no: checking the
// unit's Documentation= runs man, which leaves formatted pages in
// /var/cache/man (checkManPages renders them instead).
func checkUnit(t *testing.T) {
	const unit = "/usr/lib/systemd/system/goalived.service"
	if out, err := exec.Command("systemd-analyze", "verify", "--man=no", unit).CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("systemd-analyze verify %s: %v\n%s", unit, err, out)
	}
	b, err := os.ReadFile(unit)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	for _, want := range []string{
		"Type=notify", "NotifyAccess=all", "EnvironmentFile=-/etc/default/goalived",
		"ExecStart=/usr/sbin/goalived --dont-fork $DAEMON_ARGS", "ExecReload=/bin/kill -HUP $MAINPID",
		"Conflicts=keepalived.service", "After=network-online.target", "WantedBy=multi-user.target",
	} {
		if !slices.Contains(lines, want) {
			t.Errorf("%s lacks the line %q", unit, want)
		}
	}
	if b, err := os.ReadFile("/etc/default/goalived"); err != nil || !slices.Contains(strings.Split(string(b), "\n"), `DAEMON_ARGS=""`) {
		t.Errorf("/etc/default/goalived: %v, want a DAEMON_ARGS=\"\" line:\n%s", err, b)
	}
}

// checkManPages renders both pages with man -l and with groff, all
// warnings on: neither may warn.
func checkManPages(t *testing.T) {
	for _, p := range []struct{ path, title string }{
		{"/usr/share/man/man8/goalived.8.gz", "GOALIVED(8)"},
		{"/usr/share/man/man5/goalived.conf.5.gz", "GOALIVED.CONF(5)"},
	} {
		// man keeps a formatted copy in /var/cache/man of a page it finds
		// under /usr/share/man, which the purge would leave behind: render
		// a copy of the installed page.
		page := filepath.Join(t.TempDir(), filepath.Base(p.path))
		b, err := os.ReadFile(p.path)
		if err == nil {
			err = os.WriteFile(page, b, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("man", "--warnings=w", "-l", page)
		cmd.Env = append(os.Environ(), "MANWIDTH=80", "MANPAGER=cat", "PAGER=cat", "LC_ALL=C.UTF-8")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil || stderr.Len() > 0 || !strings.HasPrefix(strings.TrimSpace(string(out)), p.title) {
			t.Errorf("man -l %s: %v\nstderr: %s\nstdout begins: %.200q", p.path, err, stderr.String(), out)
		}
		cmd = exec.Command("groff", "-ww", "-man", "-Tutf8")
		cmd.Stdin = bytes.NewReader(readGzip(t, p.path))
		stderr.Reset()
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil || stderr.Len() > 0 {
			t.Errorf("groff -ww -man %s: %v\n%s", p.path, err, stderr.String())
		}
	}
}
