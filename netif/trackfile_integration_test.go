package netif

import (
	"bytes"
	"errors"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"github.com/goalived/goalived/netif/nstest"
)

// TestIntegrationInitTrackFilePlanted runs init_file as root in a
// directory shared as /tmp is (1777) where the user nobody planted
// links, a FIFO and (as if fs.protected_hardlinks were off) a hard link
// to a root-only file. keepalived 2.2.7, run so, replaces a link to a
// regular file and a dangling link by root's own 0600 file with the
// value (overwrite), leaves an existing file or link alone without
// overwrite, and writes nothing through any of them; so must goalived.
func TestIntegrationInitTrackFilePlanted(t *testing.T) {
	t.Parallel()
	nstest.RequireRoot(t)
	u, err := user.Lookup("nobody")
	if err != nil {
		nstest.Unavailable(t, "no user nobody: %v", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	dir, secretDir := t.TempDir(), t.TempDir()
	mustDo(t, os.Chmod(dir, 0o777|os.ModeSticky))
	secret, dangling := filepath.Join(secretDir, "secret"), filepath.Join(secretDir, "created")
	const secretText = "root only\n"
	mustDo(t, os.WriteFile(secret, []byte(secretText), 0o600))
	// plant makes name, owned by nobody but a hard link (whose owner is
	// the file's).
	plant := func(name string, make func(string) error) string {
		p := filepath.Join(dir, name)
		mustDo(t, make(p))
		if fi, err := os.Lstat(p); err == nil && fi.Sys().(*syscall.Stat_t).Nlink == 1 {
			mustDo(t, os.Lchown(p, uid, uid))
		}
		return p
	}
	symlink := func(target string) func(string) error {
		return func(p string) error { return os.Symlink(target, p) }
	}
	tests := []struct {
		name              string
		path              string
		overwrite, reload bool
		want              string // "" when the planted entry must stay as it is
		wantErr           bool
	}{
		{"link to root's file, overwrite", plant("link", symlink(secret)), true, false, "5\n", false},
		{"dangling link", plant("dangling", symlink(dangling)), false, false, "5\n", false},
		{"hard link to root's file, overwrite", plant("hard", func(p string) error { return os.Link(secret, p) }), true, false, "5\n", false},
		{"link to root's file", plant("kept", symlink(secret)), false, false, "", false},
		{"link to root's file, overwrite on reload", plant("reload", symlink(secret)), true, true, "", false},
		{"link to a directory, overwrite", plant("dirlink", symlink(secretDir)), true, false, "", true},
		{"fifo, overwrite", plant("fifo", func(p string) error { return syscall.Mkfifo(p, 0o666) }), true, false, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := os.Lstat(tc.path)
			err := InitTrackFile(tc.path, 5, tc.overwrite, tc.reload)
			if (err != nil) != tc.wantErr {
				t.Fatalf("InitTrackFile: %v, want error %v", err, tc.wantErr)
			}
			if tc.want == "" {
				if after, err := os.Lstat(tc.path); err != nil || !os.SameFile(before, after) {
					t.Errorf("planted entry replaced (%v)", err)
				}
				return
			}
			checkOwnFile(t, tc.path, tc.want)
		})
	}
	if b, err := os.ReadFile(secret); err != nil || string(b) != secretText {
		t.Errorf("root-only file now %q (%v)", b, err)
	}
	if _, err := os.Lstat(dangling); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s created through a dangling link (%v)", dangling, err)
	}
}

// checkOwnFile checks that path is root's regular file with one link,
// mode 0666 under the umask, holding want.
func checkOwnFile(t *testing.T, path, want string) {
	t.Helper()
	var st syscall.Stat_t
	mustDo(t, syscall.Lstat(path, &st))
	b, _ := os.ReadFile(path)
	wantMode := 0o666 &^ processUmask(t)
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG || st.Uid != 0 || st.Nlink != 1 || st.Mode&0o7777 != wantMode || string(b) != want {
		t.Errorf("%s: mode %o owner %d links %d holding %q; want root's regular file, mode %o, one link, holding %q",
			filepath.Base(path), st.Mode, st.Uid, st.Nlink, b, wantMode, want)
	}
}

// processUmask reads the umask from /proc/self/status: setting it to
// read it would race the parallel tests.
func processUmask(t *testing.T) uint32 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	mustDo(t, err)
	_, rest, _ := bytes.Cut(b, []byte("Umask:"))
	f := bytes.Fields(rest)
	if len(f) == 0 {
		t.Fatal("no umask in /proc/self/status")
	}
	v, err := strconv.ParseUint(string(f[0]), 8, 32)
	mustDo(t, err)
	return uint32(v)
}

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
