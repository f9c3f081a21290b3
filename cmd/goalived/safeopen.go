package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
)

// The files goalived writes at paths a user may control (-g, -t FILE,
// -p/-r, --status-file, the dump files in $TMPDIR) are opened here only.
// keepalived 2.2.7 lost root's files to a link planted at such a path
// (CVE-2018-19046) and since opens them with O_NOFOLLOW; goalived goes
// further, as the rules below say.

var (
	errUnsafeFile = errors.New("not a regular file owned by us with a single link")
	errUnsafeDir  = errors.New("directory writable by others and not sticky")
)

// openAppendSafe opens path to append log lines. It never follows a link
// at path, never blocks on a FIFO there, creates the file 0600, and takes
// an existing file only if it is a regular file owned by the effective
// user (root for the daemon) with a single link and writable by no one
// else: a file planted by another user, a hard link to someone else's
// file, a device or a FIFO is refused. The directory must not let others
// replace the file unless it is sticky as /tmp is.
func openAppendSafe(path string) (*os.File, error) {
	if err := checkDir(filepath.Dir(path)); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, err
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(int(f.Fd()), &st); err != nil {
		f.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG || int(st.Uid) != os.Geteuid() || st.Nlink != 1 || st.Mode&0o022 != 0 {
		f.Close()
		return nil, fmt.Errorf("open %s: %w (mode %o, owner %d, %d links)", path, errUnsafeFile, st.Mode, st.Uid, st.Nlink)
	}
	return f, nil
}

// checkDir refuses a directory in which another user could put a file
// or a link in the place of ours: one writable by group or others
// without the sticky bit, or one owned by another user but root.
func checkDir(dir string) error {
	var st syscall.Stat_t
	if err := syscall.Stat(dir, &st); err != nil {
		return err
	}
	if uid := int(st.Uid); uid != 0 && uid != os.Geteuid() || st.Mode&0o022 != 0 && st.Mode&syscall.S_ISVTX == 0 {
		return fmt.Errorf("%s: %w", dir, errUnsafeDir)
	}
	return nil
}

// replaceFile writes path through a new file in the same directory and
// a rename, as keepalived 2.2.7 writes its files ("w" in fopen_safe): the
// new file is created exclusively and 0600, so no link is followed and no
// one can open it before its mode is set; mode is set on the open file
// before the rename (never by name, which another user could have
// swapped); a reader never sees half a file, and a link planted at path
// is replaced, not followed.
func replaceFile(path string, mode os.FileMode, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	err = write(f)
	if err == nil {
		err = f.Chmod(mode)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// readSmallFile reads at most max bytes of the regular file at path
// without following a link there or blocking on a FIFO.
func readSmallFile(path string, max int64) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("read %s: %w", path, errUnsafeFile)
	}
	var b bytes.Buffer
	_, err = b.ReadFrom(io.LimitReader(f, max))
	return b.Bytes(), err
}
