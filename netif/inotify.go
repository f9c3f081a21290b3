package netif

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"golang.org/x/sys/unix"
)

// FileChange says that a watched file was written, moved in, deleted or
// moved away. Data is its contents as ReadTrackFile returns them: nil
// once it is gone.
type FileChange struct {
	Name string
	Data []byte
}

// FileWatcher follows files as keepalived 2.2.7 follows its track_files
// (process_inotify): an inotify watch on each file's directory, the file
// read again when it is closed after writing or moved in, and reported
// gone when it is deleted or moved away. Reading only on IN_CLOSE_WRITE
// matters: a writer that truncates and then writes (`echo 10 > file`)
// would otherwise be seen empty for a moment.
type FileWatcher struct {
	files   map[string]string // name -> resolved path
	ino     *os.File          // the inotify descriptor, pollable: Close ends a Read
	dirs    map[int32]string  // watch descriptor -> directory
	changes chan FileChange
	quit    chan struct{}
	done    chan struct{}
	once    sync.Once
}

const fileEventMask = unix.IN_CLOSE_WRITE | unix.IN_DELETE | unix.IN_MOVE

// WatchFiles watches the directories of files (name -> path) and starts
// reporting their changes. A file whose directory does not exist cannot
// be followed and is returned in dropped with the reason, as keepalived
// removes it ("Track file directory for X does not exist - removing").
func WatchFiles(files map[string]string) (w *FileWatcher, dropped map[string]error, err error) {
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
	if err != nil {
		return nil, nil, fmt.Errorf("watch track files: inotify: %w", err)
	}
	w = &FileWatcher{files: map[string]string{}, ino: os.NewFile(uintptr(fd), "inotify"), dirs: map[int32]string{},
		changes: make(chan FileChange, 16), quit: make(chan struct{}), done: make(chan struct{})}
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
	go w.run()
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

// Read returns the contents of a watched file now (nil when it is
// missing or not watched).
func (w *FileWatcher) Read(name string) []byte {
	path, ok := w.files[name]
	if !ok {
		return nil
	}
	return ReadTrackFile(path)
}

// Changes delivers the changes; it is closed once the watcher stopped.
func (w *FileWatcher) Changes() <-chan FileChange { return w.changes }

// Close stops watching and waits; it is idempotent.
func (w *FileWatcher) Close() error {
	w.once.Do(func() {
		close(w.quit)
		_ = w.ino.Close()
	})
	<-w.done
	return nil
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

func (w *FileWatcher) run() {
	defer close(w.done)
	defer close(w.changes)
	buf := make([]byte, 64*(unix.SizeofInotifyEvent+unix.NAME_MAX+1))
	for {
		n, err := w.ino.Read(buf)
		if err != nil {
			return // closed
		}
		for _, ev := range parseInotify(buf[:n]) {
			if !w.report(ev) {
				return
			}
		}
	}
}

// report sends the change of the watched file ev is about, if any; it
// returns false once the watcher is closing.
func (w *FileWatcher) report(ev inotifyEvent) bool {
	if ev.mask&unix.IN_ISDIR != 0 || ev.mask&fileEventMask == 0 {
		return true
	}
	for name, path := range w.files {
		if filepath.Join(w.dirs[ev.wd], ev.name) != path {
			continue
		}
		var data []byte
		if ev.mask&(unix.IN_CLOSE_WRITE|unix.IN_MOVED_TO) != 0 {
			data = ReadTrackFile(path)
		}
		select {
		case w.changes <- FileChange{Name: name, Data: data}:
		case <-w.quit:
			return false
		}
	}
	return true
}
