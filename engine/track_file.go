package engine

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"time"

	"github.com/goalived/goalived/parser"
	"github.com/goalived/goalived/script"
)

// track_file (reference 2.6, 3.1): the first integer of a file, read at
// start and whenever it changes, multiplied by the tracker's weight.
//
// keepalived learns of changes through inotify. goalived polls every
// fileInterval instead: a few small reads per second cost nothing, and
// polling also follows a file that is replaced by rename, deleted or
// created later, or lives on a file system without inotify, with no
// directory-watch bookkeeping. A change is seen within fileInterval.
const fileInterval = 100 * time.Millisecond

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
func initTrackFile(tf *parser.TrackFile, reload bool) error {
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

// fileWatcher polls the tracked files and sends a fileEvent for each
// change of value (and one for every file at start).
type fileWatcher struct {
	files    map[string]string // track_file name -> path
	interval time.Duration
	quit     chan struct{}
	done     chan struct{}
}

func newFileWatcher(files map[string]string, interval time.Duration) *fileWatcher {
	return &fileWatcher{files: files, interval: interval, quit: make(chan struct{}), done: make(chan struct{})}
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

// run polls until close, starting from the values last.
func (w *fileWatcher) run(last map[string]int64, events chan<- fileEvent) {
	defer close(w.done)
	t := time.NewTicker(w.interval)
	defer t.Stop()
	for {
		select {
		case <-w.quit:
			return
		case <-t.C:
		}
		for name, path := range w.files {
			v, ok := readTrackFile(path)
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

func (w *fileWatcher) close() {
	close(w.quit)
	<-w.done
}

// startFiles initialises (init_file) and reads the used track files,
// then polls them.
func (t *tracking) startFiles() {
	used := t.used(func(tr memberTracks) []parser.Track { return tr.files })
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
	t.fileW = newFileWatcher(paths, fileInterval)
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
func (t *tracking) fileTrackers(inst string, tf parser.Track, v int64) []script.Tracker {
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
