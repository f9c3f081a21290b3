package main

import (
	"errors"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goalived/goalived/netif/nstest"
)

// plantedDir is a directory shared as /tmp is (mode 1777) in which the
// user nobody has planted links and a file, and a root-only file the
// links point at (outside the directory).
type plantedDir struct {
	dir, secret string
	uid         int
}

const secretText = "root only\n"

func newPlantedDir(t *testing.T) *plantedDir {
	t.Helper()
	nstest.RequireRoot(t)
	u, err := user.Lookup("nobody")
	if err != nil {
		nstest.Unavailable(t, "no user nobody: %v", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	p := &plantedDir{dir: t.TempDir(), secret: filepath.Join(t.TempDir(), "secret"), uid: uid}
	mustDo(t, os.Chmod(p.dir, 0o777|os.ModeSticky))
	mustDo(t, os.WriteFile(p.secret, []byte(secretText), 0o600))
	return p
}

// link plants name -> target, owned by nobody.
func (p *plantedDir) link(t *testing.T, name, target string) string {
	t.Helper()
	path := filepath.Join(p.dir, name)
	mustDo(t, os.Symlink(target, path))
	mustDo(t, os.Lchown(path, p.uid, p.uid))
	return path
}

// file plants an empty file anyone may write, owned by nobody.
func (p *plantedDir) file(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join(p.dir, name)
	mustDo(t, os.WriteFile(path, nil, 0o666))
	mustDo(t, os.Chmod(path, 0o666))
	mustDo(t, os.Chown(path, p.uid, p.uid))
	return path
}

// untouched checks that root wrote nothing through what nobody planted:
// the secret is unchanged, dangling links' targets were not created and
// planted files are still empty.
func (p *plantedDir) untouched(t *testing.T, dangling, files []string) {
	t.Helper()
	if b, err := os.ReadFile(p.secret); err != nil || string(b) != secretText {
		t.Errorf("root-only file now %q (%v)", b, err)
	}
	for _, d := range dangling {
		if _, err := os.Lstat(d); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s created through a dangling link (%v)", d, err)
		}
	}
	for _, f := range files {
		if fi, err := os.Stat(f); err != nil || fi.Size() != 0 {
			t.Errorf("planted file %s written (%v)", f, err)
		}
	}
}

// TestIntegrationConfigTestLogPlanted: "goalived -t FILE" refuses a
// nobody-owned link to a root-only file, a dangling one and a 0666 file
// planted by nobody (exit 1, nothing written), and creates a new file
// 0600 with the diagnostics.
func TestIntegrationConfigTestLogPlanted(t *testing.T) {
	t.Parallel()
	p := newPlantedDir(t)
	bin := goalivedBinary(t)
	conf := filepath.Join(t.TempDir(), "keepalived.conf")
	mustDo(t, os.WriteFile(conf, []byte("no_such_keyword\n"), 0o644))
	dangling := filepath.Join(p.dir, "created")
	for _, path := range []string{p.link(t, "link", p.secret), p.link(t, "dangling", dangling), p.file(t, "planted")} {
		out, err := exec.Command(bin, "--config-test="+path, "-f", conf).CombinedOutput()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != exitFatal || !strings.Contains(string(out), "open config-test log") {
			t.Errorf("-t %s: %v, output %q; want exit %d and the refusal", filepath.Base(path), err, out, exitFatal)
		}
	}
	p.untouched(t, []string{dangling}, []string{filepath.Join(p.dir, "planted")})

	fresh := filepath.Join(p.dir, "fresh.log")
	exec.Command(bin, "--config-test="+fresh, "-f", conf).Run()
	fi, err := os.Stat(fresh)
	if b, _ := os.ReadFile(fresh); err != nil || fi.Mode().Perm() != 0o600 || !strings.Contains(string(b), "no_such_keyword") {
		t.Errorf("new -t file: %v %v %q, want 0600 with the diagnostic", fi.Mode(), err, b)
	}
}

// TestIntegrationDaemonFilesPlanted runs the daemon with everything it
// writes at a place where nobody planted links: -g without a name
// ($TMPDIR/keepalived.log), the pid files, the status file and the dump
// files in $TMPDIR. The log file is refused (the daemon runs and says
// so, as keepalived does), the others are replaced by regular files of
// root's with their modes, and nothing is written through a link.
// keepalived 2.2.7 refuses a link at its pid file by not starting at all
// (O_NOFOLLOW, then "cannot write pidfile" and respawns); goalived
// replaces it, as both do for dump files.
func TestIntegrationDaemonFilesPlanted(t *testing.T) {
	t.Parallel()
	p := newPlantedDir(t)
	lab := nstest.New(t, nstest.Hosts(1))
	bin := goalivedBinary(t)
	conf := filepath.Join(t.TempDir(), "keepalived.conf")
	mustDo(t, os.WriteFile(conf, []byte(dumpConf), 0o644))
	gone := func(name string) string { return filepath.Join(p.dir, "created-"+name) }
	p.link(t, "keepalived.log", p.secret)
	kpid := p.link(t, "k.pid", p.secret)
	vpid := p.link(t, "v.pid", gone("v.pid"))
	status := p.link(t, "status", p.secret)
	p.link(t, "keepalived.data", p.secret)
	p.link(t, "keepalived.stats", gone("stats"))

	proc := lab.Start(0, "env", "TMPDIR="+p.dir, bin, "-n", "-l", "-g", "-f", conf, "-p", kpid, "-r", vpid, "--status-file", status)
	t.Cleanup(proc.Stop)
	waitFor(t, 10*time.Second, func() bool {
		b, _ := readSmallFile(status, 4096)
		return strings.Contains(string(b), "MASTER")
	}, func() string { return "VI_1 to become MASTER\n" + proc.Output() })
	if !strings.Contains(proc.Output(), "log file not opened") {
		t.Errorf("no word of the refused log file:\n%s", proc.Output())
	}
	mustDo(t, proc.Signal(syscall.SIGUSR1))
	mustDo(t, proc.Signal(syscall.SIGUSR2))
	for name, mode := range map[string]os.FileMode{"k.pid": 0o644, "v.pid": 0o644, "status": 0o644, "keepalived.data": 0o600, "keepalived.stats": 0o600} {
		path := filepath.Join(p.dir, name)
		waitFor(t, 5*time.Second, func() bool {
			fi, err := os.Lstat(path)
			return err == nil && fi.Mode().IsRegular() && fi.Size() > 0
		}, func() string { return name + " to be a regular file" })
		var st syscall.Stat_t
		if err := syscall.Lstat(path, &st); err != nil || st.Uid != 0 || os.FileMode(st.Mode).Perm() != mode {
			t.Errorf("%s: owner %d mode %o (%v), want root's %o", name, st.Uid, st.Mode&0o777, err, mode)
		}
	}
	p.untouched(t, []string{gone("v.pid"), gone("stats")}, nil)

	// A 0666 file planted by nobody as the -g file: refused, left empty.
	proc.Stop()
	planted := p.file(t, "planted.log")
	proc = lab.Start(0, bin, "-n", "-l", "-g"+planted, "-f", conf, "-p", kpid, "-r", vpid, "--status-file", status)
	t.Cleanup(proc.Stop)
	waitFor(t, 10*time.Second, func() bool { return strings.Contains(proc.Output(), "Startup complete") },
		func() string { return "the daemon to start\n" + proc.Output() })
	if !strings.Contains(proc.Output(), "log file not opened") {
		t.Errorf("no word of the refused log file:\n%s", proc.Output())
	}
	p.untouched(t, nil, []string{planted})
}
