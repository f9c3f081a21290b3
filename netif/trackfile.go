package netif

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// trackFileMax is how much of a track_file keepalived reads (a 128-byte
// buffer, NUL included).
const trackFileMax = 127

// ReadTrackFile returns the first bytes of a track_file that keepalived
// reads; nil when the file is missing or unreadable, which keepalived
// takes as 0. keepalived 2.2.7 reads it with a plain fopen, following a
// link, and so does this.
func ReadTrackFile(path string) []byte {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	buf := make([]byte, trackFileMax)
	n, err := io.ReadFull(f, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil
	}
	return buf[:n]
}

// InitTrackFile writes value to path as keepalived 2.2.7's
// track_file_end_handler applies init_file: without overwrite an existing
// file (of any type) is left alone; with it an existing non-regular file
// is an error, and on a reload an existing file is never overwritten.
// Whether the file exists is asked through a link, as keepalived's stat
// does, but the file is never written through one (replaceTrackFile).
func InitTrackFile(path string, value int, overwrite, reload bool) error {
	st, err := os.Stat(path)
	switch {
	case err == nil && !overwrite:
		return nil
	case err == nil && !st.Mode().IsRegular():
		return fmt.Errorf("init track file %s: not a regular file", path)
	case err == nil && reload:
		return nil
	case err != nil && !errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("init track file %s: %w", path, err)
	}
	if err := replaceTrackFile(path, []byte(strconv.Itoa(value)+"\n")); err != nil {
		return fmt.Errorf("init track file %s: %w", path, err)
	}
	return nil
}

// replaceTrackFile writes data to a new file beside path and renames it
// over path, as keepalived 2.2.7's fopen_safe opens a file for writing
// since CVE-2018-19046: a link planted at path (dangling or to another
// file) is replaced by root's own regular file, never followed, a hard
// link to another file is not truncated, and a reader never sees half
// the value. The new file is created exclusively (no link followed at
// its name either) with 0666 under the umask, the mode keepalived gives
// it (0600 under its default umask 0177).
func replaceTrackFile(path string, data []byte) error {
	f, err := createBeside(path)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// createBeside creates a new file named path with a random suffix
// (keepalived's mkostemp name, path followed by six characters).
func createBeside(path string) (*os.File, error) {
	const flags = os.O_WRONLY | os.O_CREATE | os.O_EXCL | syscall.O_NOFOLLOW | syscall.O_CLOEXEC
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	for range 100 {
		name := []byte(filepath.Clean(path) + "XXXXXX")
		for i := len(name) - 6; i < len(name); i++ {
			name[i] = letters[rand.IntN(len(letters))]
		}
		f, err := os.OpenFile(string(name), flags, 0o666)
		if !errors.Is(err, os.ErrExist) {
			return f, err
		}
	}
	return nil, fmt.Errorf("create a file beside %s: %w", path, os.ErrExist)
}
