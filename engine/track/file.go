package track

import (
	"context"
	"fmt"
	"maps"
	"math"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/engine/kalog"
	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/script"
)

// track_file, as keepalived 2.2.7 runs it: the first integer of a file,
// read at start and whenever the file is written, multiplied by the
// tracker's weight.

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

// startFiles initialises (init_file) and reads the used track files,
// then follows them. A file that cannot be followed is left out, so its
// track_file entries are ignored, as keepalived removes it.
func (t *Tracker) startFiles() {
	used := t.used(func(tr memberTracks) []config.Track { return tr.files })
	paths := map[string]string{}
	for _, tf := range t.cfg.TrackFiles {
		if !used[tf.Name] {
			continue
		}
		if tf.InitFile {
			if err := t.os.Files.Init(tf.File, tf.InitValue, tf.InitOverwrite, t.reload); err != nil {
				t.log.Error(fmt.Sprintf("track_file %s not initialised: %v", tf.Name, err), "name", tf.Name, "err", err)
			}
		}
		paths[tf.Name] = tf.File
	}
	if len(paths) == 0 {
		return
	}
	w, dropped, err := t.os.Files.Watch(paths)
	if err != nil {
		t.log.Error(fmt.Sprintf("track_file entries ignored: %v", err), "err", err)
		return
	}
	for name, err := range dropped {
		t.log.Error(fmt.Sprintf("track_file %s removed: %v", name, err), "name", name, "err", err)
	}
	t.fileW = w
	for name := range paths {
		if _, gone := dropped[name]; !gone {
			t.files[name], _ = parseTrackFile(w.Read(name))
		}
	}
}

// fileChanged takes a file's new contents; contents out of range are
// ignored and the value kept, as keepalived does.
func (t *Tracker) fileChanged(ch netif.FileChange) {
	v, ok := parseTrackFile(ch.Data)
	t.mu.Lock()
	old, known := t.files[ch.Name]
	if !ok || !known || v == old {
		t.mu.Unlock()
		return
	}
	t.files[ch.Name] = v
	t.mu.Unlock()
	t.log.Log(context.Background(), kalog.LevelExtraDetail, fmt.Sprintf("Tracked file %s now %d", ch.Name, v), "name", ch.Name, "value", v)
	t.logFileFaults(ch.Name, old, v)
	t.applyWhere(func(tr memberTracks) bool { return hasTrack(tr.files, ch.Name) })
}

// logFileFaults writes keepalived's -D lines for the instances that
// track the file without weight, whose FAULT it decides: "(VI_1):
// tracked file f now FAULT state" when its value leaves 0, "leaving
// FAULT state" when it comes back (a weighted entry only changes the
// priority, logged as such).
func (t *Tracker) logFileFaults(name string, old, v int64) {
	if (old == 0) == (v == 0) {
		return
	}
	for _, in := range t.insts {
		for _, tf := range t.tracksOf(in.Config()).files {
			if tf.Name == name && tf.Weight == 0 {
				verb := "now"
				if (v == 0) != tf.Reverse { // reverse: zero is the fault
					verb = "leaving"
				}
				t.log.Log(context.Background(), kalog.LevelDetail,
					fmt.Sprintf("(%s): tracked file %s %s FAULT state", in.Config().Name, name, verb), "instance", in.Config().Name)
			}
		}
	}
}

// FileValues are the track files' values now.
func (t *Tracker) FileValues() map[string]int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return maps.Clone(t.files)
}

// fileTrackersLocked is the tracker of a track_file entry with value v.
// When v*weight reaches -254 the instance goes to FAULT but keepalived
// leaves the priority as it was (observed with 2.2.7: `MASTER_PRIORITY
// 60`, then `FAULT 60`, no priority change): the entry then counts as a
// fault plus the contribution of the last value that was not one. t.mu is
// held.
func (t *Tracker) fileTrackersLocked(inst string, tf config.Track, v int64) []script.Tracker {
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
