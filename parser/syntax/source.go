package syntax

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
)

// source is where configuration files come from. Paths inside are rooted
// and slash-separated ("/etc/keepalived/k.conf"); fsys sees them without
// the leading slash.
type source struct {
	fsys fs.FS
	os   bool
}

func newSource(f fs.FS) source {
	if f == nil {
		return source{fsys: os.DirFS("/"), os: true}
	}
	return source{fsys: f}
}

// rooted turns a name as given by the user into the internal path: for
// the operating system relative names are relative to the working
// directory, as for keepalived's -f.
func (s source) rooted(name string) string {
	if s.os {
		if abs, err := filepath.Abs(name); err == nil {
			return filepath.ToSlash(abs)
		}
	}
	return path.Clean("/" + name)
}

func access(p string) string {
	p = strings.TrimPrefix(path.Clean(p), "/")
	if p == "" {
		return "."
	}
	return p
}

// Reasons a configuration file is not read.
var (
	errIsDir      = errors.New("is a directory")
	errNotRegular = errors.New("not a regular non-executable file")
	errTooLarge   = errors.New("too large")
)

// open opens p for reading. From the operating system it opens without
// blocking, so that a FIFO at a configuration path (or in an include
// glob) cannot hold the load, and a reload, until someone writes to it.
func (s source) open(p string, dir bool) (fs.File, error) {
	if !s.os {
		return s.fsys.Open(access(p))
	}
	flags := os.O_RDONLY | syscall.O_NONBLOCK | syscall.O_CLOEXEC
	if dir {
		flags |= syscall.O_DIRECTORY
	}
	return os.OpenFile("/"+access(p), flags, 0)
}

// read reads the file at p if it is a regular file without an execute
// bit (keepalived's check_glob_file) of at most max bytes. The type is
// taken from the open file, not from the name, so it cannot change
// between the check and the read. errTooLarge comes with the first max
// bytes.
func (s source) read(p string, max int64) ([]byte, error) {
	f, err := s.open(p, false)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	switch {
	case err != nil:
		return nil, err
	case fi.IsDir():
		return nil, errIsDir
	case !fi.Mode().IsRegular() || fi.Mode()&0o111 != 0:
		return nil, errNotRegular
	}
	var b bytes.Buffer
	b.Grow(int(min(fi.Size(), max)) + bytes.MinRead)
	if _, err := b.ReadFrom(io.LimitReader(f, max+1)); err != nil {
		return nil, err
	}
	if int64(b.Len()) > max {
		return b.Bytes()[:max], errTooLarge
	}
	return b.Bytes(), nil
}

// readDir lists the names in directory p, reading at most *left entries;
// errGlobBudget means it ran out.
func (s source) readDir(p string, left *int) ([]string, error) {
	f, err := s.open(p, true)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	d, ok := f.(fs.ReadDirFile)
	if !ok {
		return nil, fmt.Errorf("read directory %s: %w", p, errIsDir)
	}
	var names []string
	for {
		ents, err := d.ReadDir(256)
		if *left -= len(ents); *left < 0 {
			return nil, errGlobBudget
		}
		for _, e := range ents {
			names = append(names, e.Name())
		}
		if errors.Is(err, io.EOF) || err == nil && len(ents) == 0 {
			return names, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

func (s source) stat(p string) (fs.FileInfo, error) { return fs.Stat(s.fsys, access(p)) }
