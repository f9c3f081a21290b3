package script

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/goalived/goalived/netif/nstest"
)

func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		nstest.Unavailable(t, "not root: the ownership and uid tests change file owners and switch uid")
	}
}

const nobody = 65534

// secureBase returns a root-owned 0755 directory whose ancestors are all
// acceptable to CheckSecure (t.TempDir lives in the sticky /tmp).
func secureBase(t *testing.T) string {
	t.Helper()
	d := t.TempDir()
	if err := os.Chmod(d, 0o755); err != nil {
		t.Fatal(err)
	}
	probe := mkfile(t, filepath.Join(d, "probe"), 0o755, 0, 0)
	if err := CheckSecure(probe, 0, 0); err != nil {
		t.Skipf("temp dir %s is not secure itself (%v); cannot test", d, err)
	}
	return d
}

func mkfile(t *testing.T, path string, mode os.FileMode, uid, gid int) string {
	t.Helper()
	if err := os.WriteFile(path, []byte("#!/bin/sh\nexit 0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(path, uid, gid); err != nil {
		t.Fatal(err)
	}
	// unix.Chmod takes raw mode bits (os.Chmod wants os.ModeSetuid etc.),
	// and comes after chown, which clears set-uid.
	if err := unix.Chmod(path, uint32(mode)); err != nil {
		t.Fatal(err)
	}
	return path
}

func mkdir(t *testing.T, path string, mode os.FileMode, uid int) string {
	t.Helper()
	if err := os.Mkdir(path, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(path, uid, 0); err != nil {
		t.Fatal(err)
	}
	if err := unix.Chmod(path, uint32(mode)); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestIntegrationCheckSecure covers keepalived's enable_script_security
// rules and three observations on real files with real owners.
func TestIntegrationCheckSecure(t *testing.T) {
	requireRoot(t)
	base := secureBase(t)
	okDir := mkdir(t, filepath.Join(base, "ok"), 0o755, 0)
	wDir := mkdir(t, filepath.Join(base, "world"), 0o777, 0)
	stickyDir := mkdir(t, filepath.Join(base, "sticky"), 0o1777, 0)
	userDir := mkdir(t, filepath.Join(base, "user"), 0o755, nobody)
	link := filepath.Join(okDir, "link")
	os.Symlink(mkfile(t, filepath.Join(wDir, "target"), 0o755, 0, 0), link)
	userLink := filepath.Join(okDir, "userlink")
	os.Symlink(mkfile(t, filepath.Join(okDir, "t2"), 0o755, 0, 0), userLink)
	unix.Lchown(userLink, nobody, 0)
	fifo := filepath.Join(okDir, "fifo")
	unix.Mkfifo(fifo, 0o755)
	notLast := filepath.Join(mkfile(t, filepath.Join(okDir, "plain"), 0o755, 0, 0), "x")

	tests := []struct {
		name     string
		path     string
		uid, gid int
		want     error
	}{
		{"root 0755 in 0755 dir", mkfile(t, filepath.Join(okDir, "a"), 0o755, 0, 0), 0, 0, nil},
		{"observed: 0777 dir", mkfile(t, filepath.Join(wDir, "a"), 0o755, 0, 0), 0, 0, ErrInsecure},
		{"observed: 1777 dir", mkfile(t, filepath.Join(stickyDir, "a"), 0o755, 0, 0), 0, 0, nil},
		{"observed: 0775 group daemon", mkfile(t, filepath.Join(okDir, "b"), 0o775, 0, 1), 0, 0, ErrInsecure},
		{"0775 group root passes", mkfile(t, filepath.Join(okDir, "c"), 0o775, 0, 0), 0, 0, nil},
		{"other-writable file", mkfile(t, filepath.Join(okDir, "d"), 0o757, 0, 0), 0, 0, ErrInsecure},
		{"file owned by nobody", mkfile(t, filepath.Join(okDir, "e"), 0o755, nobody, 0), 0, 0, ErrInsecure},
		{"dir owned by nobody", mkfile(t, filepath.Join(userDir, "a"), 0o755, 0, 0), 0, 0, ErrInsecure},
		{"symlink into insecure dir", link, 0, 0, ErrInsecure},
		{"symlink owned by nobody", userLink, 0, 0, ErrInsecure},
		{"fifo as script", fifo, 0, 0, ErrWrongFileType},
		{"file as directory", notLast, 0, 0, ErrNotFound},
		{"not executable", mkfile(t, filepath.Join(okDir, "f"), 0o644, 0, 0), 0, 0, ErrNotExecutable},
		{"nobody needs no protection", mkfile(t, filepath.Join(wDir, "g"), 0o755, 0, 0), nobody, nobody, nil},
		{"nobody cannot execute 0700", mkfile(t, filepath.Join(okDir, "h"), 0o700, 0, 0), nobody, nobody, ErrNotExecutable},
		{"setuid root run by nobody", mkfile(t, filepath.Join(wDir, "i"), 0o4755, 0, 0), nobody, nobody, ErrInsecure},
	}
	if fi, err := os.Lstat("/bin"); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		tests = append(tests, struct {
			name     string
			path     string
			uid, gid int
			want     error
		}{"observed: /bin/true via the /bin symlink", "/bin/true", 0, 0, nil})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckSecure(tc.path, tc.uid, tc.gid)
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("CheckSecure(%s, %d, %d) = %v, want %v", tc.path, tc.uid, tc.gid, err, tc.want)
			}
		})
	}
}

func TestIntegrationPrepareScriptInsecure(t *testing.T) {
	requireRoot(t)
	wDir := mkdir(t, filepath.Join(secureBase(t), "world"), 0o777, 0)
	p, err := PrepareScript([]string{mkfile(t, filepath.Join(wDir, "s"), 0o755, 0, 0), "a"}, Identity{})
	if err != nil || !errors.Is(p.Insecure, ErrInsecure) || p.Argv[1] != "a" {
		t.Errorf("PrepareScript in a 0777 dir = %+v, %v; want usable but insecure", p, err)
	}
	nobodyID := Identity{UID: nobody, GID: nobody}
	if _, err := PrepareScript([]string{mkfile(t, filepath.Join(wDir, "t"), 0o700, 0, 0)}, nobodyID); !errors.Is(err, ErrNotExecutable) {
		t.Errorf("0700 root script for nobody: %v", err)
	}
}

func TestIntegrationRunAsNobody(t *testing.T) {
	requireRoot(t)
	id, err := LookupIdentity("nobody", "")
	if err != nil {
		t.Skipf("no nobody account: %v", err)
	}
	r, err := Run(context.Background(), Command{Argv: []string{"/bin/sh", "-c", "id -u; id -g; id -G"}, User: &id, Capture: 4096})
	if err != nil || !r.OK {
		t.Fatalf("run: %v %+v", err, r)
	}
	want := "65534\n" + itoa(id.GID) + "\n" + itoa(id.GID) + "\n"
	if got := string(r.Output); got != want {
		t.Errorf("id output %q, want %q (no supplementary groups)", got, want)
	}
	id.Groups = []uint32{id.GID, 4}
	r, _ = Run(context.Background(), Command{Argv: []string{"/usr/bin/id", "-G"}, User: &id, Capture: 4096})
	if got := strings.Fields(string(r.Output)); strings.Join(got, " ") != itoa(id.GID)+" 4" {
		t.Errorf("id -G with supplementary groups: %q", got)
	}
	// A program nobody cannot execute: keepalived's exec-failure quirk.
	p := mkfile(t, filepath.Join(secureBase(t), "rootonly"), 0o700, 0, 0)
	r, _ = Run(context.Background(), Command{Argv: []string{p}, User: &id})
	if !r.OK || r.ExecErr == nil {
		t.Errorf("unexecutable for nobody: ok=%v execErr=%v", r.OK, r.ExecErr)
	}
}

func itoa(v uint32) string { return strconv.FormatUint(uint64(v), 10) }
