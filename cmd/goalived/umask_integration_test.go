package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goalived/goalived/netif/nstest"
)

// TestIntegrationUmask runs keepalived 2.2.7 and goalived with the same
// umask keyword and -u option and compares the modes of what each
// creates: the pid file (0644 whatever the mask), the keepalived.data
// dump (0666 less the mask) and a file a notify script touches (the
// script inherits the mask). -u wins over the keyword, which keepalived
// logs; a reload applies a changed keyword.
func TestIntegrationUmask(t *testing.T) {
	t.Parallel()
	keepalived := keepalivedBinary(t)
	lab := nstest.New(t, nstest.Hosts(1))
	const ignored = "umask command line option specified, ignoring config option"
	cases := []struct {
		name    string
		keyword string
		args    []string
		reload  string // the keyword after a reload; "" for no reload
		want    [3]os.FileMode
	}{
		{"default", "", nil, "", [3]os.FileMode{0o644, 0o600, 0o600}},
		{"bits", "umask IWGRP|IWOTH", nil, "", [3]os.FileMode{0o644, 0o644, 0o644}},
		{"octal", "umask 0027", nil, "", [3]os.FileMode{0o644, 0o640, 0o640}},
		{"option wins", "umask 0", []string{"-u", "0077"}, "", [3]os.FileMode{0o644, 0o600, 0o600}},
		{"reload applies it", "umask 0077", nil, "umask 0002", [3]os.FileMode{0o644, 0o664, 0o600}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, kind := range []string{keepalivedKind, goalivedKind} {
				t.Run(kind, func(t *testing.T) {
					dir := t.TempDir()
					if err := os.Chmod(dir, 0o755); err != nil {
						t.Fatal(err)
					}
					conf := filepath.Join(dir, "keepalived.conf")
					writeUmaskConf(t, conf, dir, tc.keyword)
					pid := filepath.Join(dir, "daemon.pid")
					argv := []string{"TMPDIR=" + dir}
					switch kind {
					case keepalivedKind:
						argv = append(argv, keepalived, "-P")
					default:
						argv = append(argv, goalivedBinary(t), "--status-file", filepath.Join(dir, "status"))
					}
					argv = append(argv, "-n", "-l", "-D", "-f", conf, "-p", pid, "-r", filepath.Join(dir, "vrrp.pid"))
					p := lab.Start(0, "env", append(argv, tc.args...)...)
					t.Cleanup(func() {
						p.Stop()
						if t.Failed() {
							t.Logf("%s output:\n%s", kind, p.Output())
						}
					})
					made := filepath.Join(dir, "made")
					waitFor(t, 10*time.Second, func() bool { _, err := os.Stat(made); return err == nil },
						func() string { return kind + "'s notify_backup script to create " + made })
					if tc.reload != "" {
						writeUmaskConf(t, conf, dir, tc.reload)
						if err := p.Signal(syscall.SIGHUP); err != nil {
							t.Fatal(err)
						}
					}
					got := [3]os.FileMode{mode(t, pid), dumpMode(t, dir, tc.want[1]), mode(t, made)}
					if got != tc.want {
						t.Errorf("%s: modes of pid file, keepalived.data, script's file %v, want %v", kind, got, tc.want)
					}
					if logged := strings.Contains(p.Output(), ignored); logged != (tc.args != nil) {
						t.Errorf("%s logged %q: %t, want %t", kind, ignored, logged, tc.args != nil)
					}
				})
			}
		})
	}
}

// writeUmaskConf writes a one-instance configuration whose BACKUP notify
// creates dir/made.
func writeUmaskConf(t *testing.T, path, dir, keyword string) {
	t.Helper()
	conf := fmt.Sprintf(`global_defs {
    script_user root
    %s
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 61
    priority 100
    advert_int 1
    notify_backup "/usr/bin/touch %s/made"
    virtual_ipaddress {
        192.0.2.61
    }
}
`, keyword, dir)
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

// dumpMode asks the daemon of dir for keepalived.data (SIGUSR1 to the
// VRRP process) until one is written with mode want or 10 s passed (a
// reload may still be under way), and returns the last mode seen.
func dumpMode(t *testing.T, dir string, want os.FileMode) os.FileMode {
	t.Helper()
	data := filepath.Join(dir, "keepalived.data")
	var got os.FileMode
	waitFor(t, 10*time.Second, func() bool {
		b, err := os.ReadFile(filepath.Join(dir, "vrrp.pid"))
		if err != nil {
			return false
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil {
			return false
		}
		os.Remove(data)
		if err := syscall.Kill(pid, syscall.SIGUSR1); err != nil {
			return false
		}
		for range 50 {
			if fi, err := os.Stat(data); err == nil && fi.Size() > 0 {
				got = fi.Mode().Perm()
				return got == want
			}
			time.Sleep(20 * time.Millisecond)
		}
		return false
	}, func() string { return fmt.Sprintf("keepalived.data with mode %v, last %v", want, got) })
	return got
}
