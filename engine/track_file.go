package engine

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/script"
)

// track_file (reference 2.6, 3.1): the first integer of a file, read at
// start and whenever it is written (inotify, see fileWatcher), multiplied
// by the tracker's weight.

// fileReadMax is how much of the file keepalived reads (a 128-byte buffer).
const fileReadMax = 127

// fileEvent says that a tracked file now holds Value.
type fileEvent struct {
	Name  string
	Value int64
}

// parseTrackFile reads the file contents the way keepalived's strtol(buf,
// NULL, 0) does: leading white space, an optional sign, then decimal, 0x
// hexadecimal or 0 octal digits up to the first other character. No
// digits at all read as 0. ok is false for a number outside the C int
// range, which keepalived ignores ("Invalid number ... - ignoring"),
// keeping the previous value.
func parseTrackFile(b []byte) (v int64, ok bool) {
	i := 0
	for i < len(b) && isCSpace(b[i]) {
		i++
	}
	neg := false
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		neg = b[i] == '-'
		i++
	}
	base := 10
	switch {
	case i+2 < len(b) && b[i] == '0' && (b[i+1] == 'x' || b[i+1] == 'X') && hexDigit(b[i+2]) >= 0:
		base, i = 16, i+2
	case i < len(b) && b[i] == '0':
		base = 8
	}
	var n uint64
	for ; i < len(b); i++ {
		d := hexDigit(b[i])
		if d < 0 || d >= base {
			break
		}
		n = n*uint64(base) + uint64(d)
		if n > math.MaxInt32+1 {
			return 0, false
		}
	}
	v = int64(n)
	if neg {
		v = -v
	}
	if v > math.MaxInt32 || v < math.MinInt32 {
		return 0, false
	}
	return v, true
}

func isCSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func hexDigit(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// readTrackFile returns the file's value. A missing or unreadable file
// is 0, as in keepalived; ok is false when the contents must be ignored.
func readTrackFile(path string) (v int64, ok bool) {
	f, err := os.Open(path)
	if err != nil {
		return 0, true
	}
	defer f.Close()
	buf := make([]byte, fileReadMax)
	n, err := io.ReadFull(f, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return 0, true
	}
	return parseTrackFile(buf[:n])
}

// initTrackFile applies init_file as keepalived's track_file_end_handler
// does: without `overwrite` an existing file (of any type) is left alone;
// with it an existing non-regular file is an error, and on a reload an
// existing file is never overwritten.
func initTrackFile(tf *config.TrackFile, reload bool) error {
	if !tf.InitFile {
		return nil
	}
	st, err := os.Stat(tf.File)
	switch {
	case err == nil && !tf.InitOverwrite:
		return nil
	case err == nil && !st.Mode().IsRegular():
		return fmt.Errorf("init track file %s: not a regular file", tf.File)
	case err == nil && reload:
		return nil
	case err != nil && !errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("init track file %s: %w", tf.File, err)
	}
	if err := os.WriteFile(tf.File, []byte(strconv.Itoa(tf.InitValue)+"\n"), 0o644); err != nil {
		return fmt.Errorf("init track file %s: %w", tf.File, err)
	}
	return nil
}

// fileWatcher follows the tracked files as keepalived's process_inotify
// does: an inotify watch on each file's directory, the file read again
// when it is closed after writing or moved in, and 0 when it is deleted
// or moved away. Reading only on IN_CLOSE_WRITE matters: a writer that
// truncates and then writes (`echo 10 > file`) would otherwise be seen
// as an empty file, i.e. 0, for a moment. It sends a fileEvent for each
// change of value.
type fileWatcher struct {
	files map[string]string // track_file name -> resolved path
	ino   *os.File          // the inotify descriptor, pollable: Close ends a Read
	dirs  map[int32]string  // watch descriptor -> directory
	quit  chan struct{}
	done  chan struct{}
}

const fileEventMask = unix.IN_CLOSE_WRITE | unix.IN_DELETE | unix.IN_MOVE

// newFileWatcher watches the directories of files (name -> path). A file
// whose directory does not exist cannot be followed and is returned in
// dropped with the reason, as keepalived removes it ("Track file
// directory for X does not exist - removing").
func newFileWatcher(files map[string]string) (w *fileWatcher, dropped map[string]error, err error) {
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
	if err != nil {
		return nil, nil, fmt.Errorf("watch track files: inotify: %w", err)
	}
	w = &fileWatcher{files: map[string]string{}, ino: os.NewFile(uintptr(fd), "inotify"), dirs: map[int32]string{},
		quit: make(chan struct{}), done: make(chan struct{})}
	dropped = map[string]error{}
	wds := map[string]int32{}
	for name, path := range files {
		dir, err := resolveTrackDir(path)
		if err != nil {
			dropped[name] = err
			continue
		}
		if _, ok := wds[dir]; !ok {
			wd, err := unix.InotifyAddWatch(fd, dir, fileEventMask)
			if err != nil {
				dropped[name] = fmt.Errorf("watch %s: %w", dir, err)
				continue
			}
			wds[dir], w.dirs[int32(wd)] = int32(wd), dir
		}
		w.files[name] = filepath.Join(dir, filepath.Base(path))
	}
	return w, dropped, nil
}

// resolveTrackDir is the directory of path with symbolic links resolved,
// as keepalived's realpath of the file (or of its directory while the
// file does not exist).
func resolveTrackDir(path string) (string, error) {
	if r, err := filepath.EvalSymlinks(path); err == nil {
		path = r
	}
	dir, err := filepath.EvalSymlinks(filepath.Dir(path))
	if err != nil {
		return "", fmt.Errorf("track file directory of %s: %w", path, err)
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return "", fmt.Errorf("track file directory %s is not a directory", dir)
	}
	return dir, nil
}

// initial reads every file once, synchronously, so that the first
// priorities already include the files.
func (w *fileWatcher) initial() map[string]int64 {
	out := map[string]int64{}
	for name, path := range w.files {
		v, _ := readTrackFile(path)
		out[name] = v
	}
	return out
}

// inotifyEvent is one decoded inotify record.
type inotifyEvent struct {
	wd   int32
	mask uint32
	name string
}

// parseInotify decodes the records of one read; a truncated record ends
// the list.
func parseInotify(b []byte) []inotifyEvent {
	var out []inotifyEvent
	for len(b) >= unix.SizeofInotifyEvent {
		wd := int32(binary.NativeEndian.Uint32(b[0:]))
		mask := binary.NativeEndian.Uint32(b[4:])
		n := int(binary.NativeEndian.Uint32(b[12:]))
		if len(b) < unix.SizeofInotifyEvent+n {
			break
		}
		name := string(bytes.TrimRight(b[unix.SizeofInotifyEvent:unix.SizeofInotifyEvent+n], "\x00"))
		out = append(out, inotifyEvent{wd: wd, mask: mask, name: name})
		b = b[unix.SizeofInotifyEvent+n:]
	}
	return out
}

// run follows the files until close, starting from the values last.
func (w *fileWatcher) run(last map[string]int64, events chan<- fileEvent) {
	defer close(w.done)
	buf := make([]byte, 64*(unix.SizeofInotifyEvent+unix.NAME_MAX+1))
	for {
		n, err := w.ino.Read(buf)
		if err != nil {
			return // closed
		}
		for _, ev := range parseInotify(buf[:n]) {
			if ev.mask&unix.IN_ISDIR != 0 || ev.mask&fileEventMask == 0 {
				continue
			}
			for name, path := range w.files {
				if filepath.Join(w.dirs[ev.wd], ev.name) != path {
					continue
				}
				v, ok := int64(0), true
				if ev.mask&(unix.IN_CLOSE_WRITE|unix.IN_MOVED_TO) != 0 {
					v, ok = readTrackFile(path)
				}
				if !ok || v == last[name] {
					continue
				}
				last[name] = v
				select {
				case events <- fileEvent{Name: name, Value: v}:
				case <-w.quit:
					return
				}
			}
		}
	}
}

func (w *fileWatcher) close() {
	close(w.quit)
	_ = w.ino.Close()
	<-w.done
}

// startFiles initialises (init_file) and reads the used track files,
// then follows them. A file that cannot be followed is left out, so its
// track_file entries are ignored, as keepalived removes it.
func (t *tracking) startFiles() {
	used := t.used(func(tr memberTracks) []config.Track { return tr.files })
	paths := map[string]string{}
	for _, tf := range t.cfg.TrackFiles {
		if !used[tf.Name] {
			continue
		}
		if err := initTrackFile(tf, t.reload); err != nil {
			t.e.log.Error("track_file", "name", tf.Name, "err", err)
		}
		paths[tf.Name] = tf.File
	}
	if len(paths) == 0 {
		return
	}
	w, dropped, err := newFileWatcher(paths)
	if err != nil {
		t.e.log.Error("track_file entries ignored", "err", err)
		return
	}
	for name, err := range dropped {
		t.e.log.Error("track_file removed", "name", name, "err", err)
	}
	t.fileW = w
	t.files = t.fileW.initial()
	last := map[string]int64{}
	for k, v := range t.files {
		last[k] = v
	}
	go t.fileW.run(last, t.fileEvents)
}

func (t *tracking) fileChanged(ev fileEvent) {
	t.e.log.Info("track_file changed", "name", ev.Name, "value", ev.Value)
	t.mu.Lock()
	t.files[ev.Name] = ev.Value
	t.mu.Unlock()
	t.applyWhere(func(tr memberTracks) bool { return hasTrack(tr.files, ev.Name) })
}

// fileTrackers is the tracker of a track_file entry with value v. When
// v*weight reaches -254 the instance goes to FAULT but keepalived leaves
// the priority as it was (observed with 2.2.7: `MASTER_PRIORITY 60`, then
// `FAULT 60`, no priority change): the entry then counts as a fault plus
// the contribution of the last value that was not one. t.mu is held.
func (t *tracking) fileTrackers(inst string, tf config.Track, v int64) []script.Tracker {
	tk := script.Tracker{Kind: script.TrackFile, Name: tf.Name, Weight: tf.Weight, Reverse: tf.Reverse, Cond: script.Up, Value: v}
	key := inst + "\x00" + tf.Name
	if !fileFault(v, tf.Weight, tf.Reverse) {
		t.good[key] = v
		return []script.Tracker{tk}
	}
	fault := script.Tracker{Kind: script.TrackFile, Name: tf.Name, Cond: script.Up, Value: 1} // weight 0, non-zero: FAULT
	tk.Value = t.good[key]
	return []script.Tracker{fault, tk}
}

// fileFault reports whether a weighted file's value is a fault (value
// times weight, negated if reverse, at or below -254).
func fileFault(v int64, w int, reverse bool) bool {
	if w == 0 {
		return false // handled by Evaluate: non-zero is FAULT, priority unchanged
	}
	p := min(max(v, -1<<20), 1<<20) * int64(w)
	if reverse {
		p = -p
	}
	return p <= -254
}
