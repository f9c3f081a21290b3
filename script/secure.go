package script

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// Errors of CheckSecure and LookPath, to be tested with errors.Is. With
// enable_script_security keepalived disables a script for any of them;
// without it, ErrInsecure is only reported and the script still runs.
var (
	// ErrNotFound: the script or a path component cannot be found or
	// accessed (keepalived: "check_script_secure could not find script").
	ErrNotFound = errors.New("script not found")
	// ErrNotExecutable: no execute permission for the script's uid/gid
	// (disabled even without enable_script_security).
	ErrNotExecutable = errors.New("script not executable for its user")
	// ErrWrongFileType: a non-directory in the middle of the path, or a
	// final component that is neither a regular file nor a symlink
	// (disabled unconditionally).
	ErrWrongFileType = errors.New("wrong file type in script path")
	// ErrInsecure: a component of the path can be modified by someone other
	// than root ("Unsafe permissions found for script").
	ErrInsecure = errors.New("unsafe permissions")
)

// NotExecutableError is ErrNotExecutable with the script and the user it
// would run as (keepalived: "WARNING - script '/x' is not executable for
// uid:gid 0:0 - disabling.").
type NotExecutableError struct {
	Path     string
	UID, GID int
}

func (e *NotExecutableError) Error() string {
	return fmt.Sprintf("uid:gid %d:%d: %v", e.UID, e.GID, ErrNotExecutable)
}

func (e *NotExecutableError) Unwrap() error { return ErrNotExecutable }

// IsShellTest reports whether argv0 is keepalived's `</path` form (a '<',
// optional blanks, then '/'): a shell redirection that tests whether a file
// can be opened, run through /bin/sh and exempt from the security checks.
func IsShellTest(argv0 string) bool {
	return strings.HasPrefix(argv0, "<") &&
		strings.HasPrefix(strings.TrimLeft(argv0[1:], " \t"), "/")
}

// CheckSecure applies keepalived 2.2.7's check_script_secure rules
// to the script at path, which will run as uid:gid. path
// must be absolute (use LookPath for bare names). It returns nil, or an
// error wrapping one of ErrNotFound, ErrNotExecutable, ErrWrongFileType or
// ErrInsecure.
//
// A script "needs protection" when it runs as uid 0 or gid 0, or is
// set-uid/set-gid root. Only then is every component of its canonical
// path (see CanonicalPath), and of the fully resolved path if that
// differs, lstat()ed: each must be owned by root, and a regular file or a
// directory without the sticky bit must not be writable by others, nor by
// its group unless that group is root. Sticky world-writable directories
// such as /tmp therefore pass, and so do symlinked directories such as
// Debian's /bin, because the canonical path no longer contains them.
//
// The `</path` form is not checked (keepalived returns SC_SYSTEM for it).
func CheckSecure(path string, uid, gid int) error {
	if IsShellTest(path) {
		return nil
	}
	canon, real, err := CanonicalPath(path)
	if err != nil {
		return fmt.Errorf("check script %q: %w", path, err)
	}
	var st unix.Stat_t
	if err := unix.Stat(real, &st); err != nil {
		return fmt.Errorf("check script %q: stat %s: %w: %w", path, real, ErrNotFound, err)
	}
	if !isExecutable(&st, uint32(uid), uint32(gid)) {
		return fmt.Errorf("check script %q: %w", path, &NotExecutableError{Path: path, UID: uid, GID: gid})
	}
	if !needsProtection(&st, uid, gid) {
		return nil
	}
	if err := checkComponents(canon); err != nil {
		return fmt.Errorf("check script %q: %w", path, err)
	}
	if real != canon {
		if err := checkComponents(real); err != nil {
			return fmt.Errorf("check script %q (resolved to %s): %w", path, real, err)
		}
	}
	return nil
}

// CanonicalPath is keepalived 2.2.7's rewriting of a script path at load
// (check_script_secure): real is realpath(path); canon is real too, except
// when the final component is a symlink whose name differs from its
// target's, in which case canon is realpath(dir(path)) + "/" + base(path),
// "since some executables alter their behaviour based on what they are
// called". keepalived replaces argv[0] with canon and execs it — observed:
// `script "/tmp/k/link/dump b"` (link -> real) ran with argv[0]
// "/tmp/k/real/dump", and "/bin/true" becomes "/usr/bin/true" on Debian.
func CanonicalPath(path string) (canon, real string, err error) {
	if !filepath.IsAbs(path) {
		return "", "", fmt.Errorf("canonical path of %q: not absolute: %w", path, ErrNotFound)
	}
	real, err = filepath.EvalSymlinks(path)
	if err != nil {
		return "", "", fmt.Errorf("canonical path of %q: %w: %w", path, ErrNotFound, err)
	}
	if filepath.Base(real) == filepath.Base(path) {
		return real, real, nil
	}
	dir, err := filepath.EvalSymlinks(filepath.Dir(path))
	if err != nil {
		return "", "", fmt.Errorf("canonical path of %q: %w: %w", path, ErrNotFound, err)
	}
	return filepath.Join(dir, filepath.Base(path)), real, nil
}

// Prepared is a script command after keepalived's load-time checks.
type Prepared struct {
	// Argv is the command with argv[0] replaced as keepalived does: found
	// by PATH search for a bare name, then canonicalised (CanonicalPath).
	Argv []string
	// Warnings are messages for the daemon to log (path search).
	Warnings []string
	// Insecure is set (wrapping ErrInsecure) when the script is unsafe:
	// with enable_script_security it must be disabled, without it only
	// reported ("Unsafe permissions found for script").
	Insecure error
}

// PrepareScript runs keepalived's load-time steps for one script command
// that will run as id: PATH search, argv[0] rewriting and CheckSecure. An
// error (not found, not executable, wrong file type) means keepalived
// disables the script whatever enable_script_security says. The `</path`
// form is returned unchanged.
func PrepareScript(argv []string, id Identity) (Prepared, error) {
	if len(argv) == 0 {
		return Prepared{}, fmt.Errorf("prepare script: %w", ErrNoArgv)
	}
	p := Prepared{Argv: append([]string(nil), argv...)}
	if IsShellTest(argv[0]) {
		return p, nil
	}
	path, searched, err := LookPath(argv[0], id)
	if err != nil {
		return Prepared{}, fmt.Errorf("prepare script: %w", err)
	}
	if searched {
		p.Warnings = append(p.Warnings, PathSearchWarning(argv[0], path))
	}
	if !filepath.IsAbs(path) {
		if path, err = filepath.Abs(path); err != nil {
			return Prepared{}, fmt.Errorf("prepare script %q: %w", argv[0], err)
		}
	}
	if p.Argv[0], _, err = CanonicalPath(path); err != nil {
		return Prepared{}, fmt.Errorf("prepare script: %w", err)
	}
	if err := CheckSecure(path, int(id.UID), int(id.GID)); err != nil {
		if !errors.Is(err, ErrInsecure) {
			return Prepared{}, fmt.Errorf("prepare script: %w", err)
		}
		p.Insecure = err
	}
	return p, nil
}

// isExecutable is keepalived's is_executable: root needs any x bit; the
// owner needs u+x; otherwise the group or other bit decides, by gid only
// (supplementary groups are not considered, as in keepalived).
func isExecutable(st *unix.Stat_t, uid, gid uint32) bool {
	m := st.Mode
	switch {
	case uid == 0:
		return m&0o111 != 0
	case uid == st.Uid:
		return m&0o100 != 0
	case gid == st.Gid:
		return m&0o010 != 0
	}
	return m&0o001 != 0
}

func needsProtection(st *unix.Stat_t, uid, gid int) bool {
	setuidRoot := st.Uid == 0 && st.Mode&unix.S_IXUSR != 0 && st.Mode&unix.S_ISUID != 0
	setgidRoot := st.Gid == 0 && st.Mode&unix.S_IXGRP != 0 && st.Mode&unix.S_ISGID != 0
	return uid == 0 || gid == 0 || setuidRoot || setgidRoot
}

// checkComponents is keepalived's check_security for one absolute, clean
// path: "/", then each prefix, then the file itself, all with lstat.
func checkComponents(path string) error {
	prefixes := []string{"/"}
	for i := 1; i < len(path); i++ {
		if path[i] == '/' {
			prefixes = append(prefixes, path[:i])
		}
	}
	if path != "/" {
		prefixes = append(prefixes, path)
	}
	for i, p := range prefixes {
		var st unix.Stat_t
		if err := unix.Lstat(p, &st); err != nil {
			return fmt.Errorf("lstat %s: %w: %w", p, ErrNotFound, err)
		}
		last := i == len(prefixes)-1
		typ := st.Mode & unix.S_IFMT
		if !last && typ != unix.S_IFDIR || last && typ != unix.S_IFREG && typ != unix.S_IFLNK {
			return fmt.Errorf("%s is a %v: %w", p, typeName(typ), ErrWrongFileType)
		}
		if err := componentSecure(p, &st); err != nil {
			return err
		}
	}
	return nil
}

func componentSecure(p string, st *unix.Stat_t) error {
	if st.Uid != 0 {
		return fmt.Errorf("%s is owned by uid %d: %w", p, st.Uid, ErrInsecure)
	}
	typ := st.Mode & unix.S_IFMT
	guarded := typ == unix.S_IFREG || typ == unix.S_IFDIR && st.Mode&unix.S_ISVTX == 0
	if !guarded {
		return nil
	}
	if st.Gid != 0 && st.Mode&unix.S_IWGRP != 0 {
		return fmt.Errorf("%s is writable by group %d: %w", p, st.Gid, ErrInsecure)
	}
	if st.Mode&unix.S_IWOTH != 0 {
		return fmt.Errorf("%s is writable by others: %w", p, ErrInsecure)
	}
	return nil
}

// LookPath resolves a bare command name (no '/') through $PATH the way
// keepalived's find_path does: the first regular file that is executable
// for id (by mode bits, see isExecutable) wins. Names containing a '/' are
// returned unchanged. keepalived logs a warning when a path search was
// needed; searched reports that case.
func LookPath(name string, id Identity) (path string, searched bool, err error) {
	if name == "" {
		return "", false, fmt.Errorf("look up script %q: %w", name, ErrNotFound)
	}
	if strings.Contains(name, "/") {
		return name, false, nil
	}
	dirs, ok := os.LookupEnv("PATH")
	if !ok {
		dirs = "/bin:/usr/bin" // confstr(_CS_PATH) on glibc
	}
	denied := false
	for _, dir := range filepath.SplitList(dirs) {
		cand := filepath.Join(dir, name) // an empty entry means "."
		var st unix.Stat_t
		if unix.Stat(cand, &st) != nil {
			continue
		}
		if st.Mode&unix.S_IFMT != unix.S_IFREG || !isExecutable(&st, id.UID, id.GID) {
			denied = true
			continue
		}
		return cand, true, nil
	}
	if denied {
		return "", true, fmt.Errorf("look up script %q in PATH: %w", name, ErrNotExecutable)
	}
	return "", true, fmt.Errorf("look up script %q in PATH: %w", name, ErrNotFound)
}

// PathSearchWarning is keepalived's message for a command found by a PATH
// search, for the daemon to log.
func PathSearchWarning(name, path string) string {
	return fmt.Sprintf("WARNING - script `%s` resolved by path search to `%s`. Please specify full path.", name, path)
}

func typeName(typ uint32) string {
	switch typ {
	case unix.S_IFDIR:
		return "directory"
	case unix.S_IFREG:
		return "regular file"
	case unix.S_IFLNK:
		return "symlink"
	case unix.S_IFIFO:
		return "fifo"
	case unix.S_IFSOCK:
		return "socket"
	case unix.S_IFCHR:
		return "character device"
	case unix.S_IFBLK:
		return "block device"
	}
	return fmt.Sprintf("file of type %#o", typ)
}
