package netif

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
)

// trackFileMax is how much of a track_file keepalived reads (a 128-byte
// buffer, NUL included).
const trackFileMax = 127

// ReadTrackFile returns the first bytes of a track_file that keepalived
// reads; nil when the file is missing or unreadable, which keepalived
// takes as 0.
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
	if err := os.WriteFile(path, []byte(strconv.Itoa(value)+"\n"), 0o644); err != nil {
		return fmt.Errorf("init track file %s: %w", path, err)
	}
	return nil
}
