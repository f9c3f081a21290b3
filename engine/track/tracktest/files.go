package tracktest

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"sync"

	"github.com/goalived/goalived/engine/track"
	"github.com/goalived/goalived/netif"
)

// trackFileMax is how much of a file a watch reports, as
// netif.ReadTrackFile.
const trackFileMax = 127

// Files are regular files in memory. A write or a removal is delivered
// to the watches following the file, as netif.FileWatcher reports them.
// Every directory exists unless removed with RemoveDir.
type Files struct {
	mu      sync.Mutex // guards the fields below
	data    map[string][]byte
	noDirs  map[string]bool
	watches []*fileWatch
	failErr error
}

// NewFiles returns an empty file system.
func NewFiles() *Files { return &Files{data: map[string][]byte{}, noDirs: map[string]bool{}} }

// Write replaces the contents of p.
func (f *Files) Write(p, contents string) {
	f.mu.Lock()
	f.data[p] = []byte(contents)
	f.mu.Unlock()
	f.changed(p)
}

// Remove deletes p.
func (f *Files) Remove(p string) {
	f.mu.Lock()
	delete(f.data, p)
	f.mu.Unlock()
	f.changed(p)
}

// RemoveDir makes dir missing: files in it can no longer be watched.
func (f *Files) RemoveDir(dir string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.noDirs[dir] = true
}

// FailWatch makes the next Watch calls fail with err.
func (f *Files) FailWatch(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failErr = err
}

// Contents returns what p holds.
func (f *Files) Contents(p string) (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, ok := f.data[p]
	return string(b), ok
}

// Init implements track.Files with netif.InitTrackFile's rules for
// regular files.
func (f *Files) Init(p string, value int, overwrite, reload bool) error {
	f.mu.Lock()
	_, exists := f.data[p]
	missingDir := f.noDirs[path.Dir(p)]
	if exists && (!overwrite || reload) {
		f.mu.Unlock()
		return nil
	}
	if missingDir {
		f.mu.Unlock()
		return fmt.Errorf("init track file %s: %w", p, fs.ErrNotExist)
	}
	f.data[p] = []byte(strconv.Itoa(value) + "\n")
	f.mu.Unlock()
	f.changed(p)
	return nil
}

// Watch implements track.Files.
func (f *Files) Watch(paths map[string]string) (track.FileWatch, map[string]error, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failErr != nil {
		return nil, nil, f.failErr
	}
	w := &fileWatch{fs: f, paths: map[string]string{}, changes: make(chan netif.FileChange, 16), done: make(chan struct{})}
	dropped := map[string]error{}
	for name, p := range paths {
		if f.noDirs[path.Dir(p)] {
			dropped[name] = fmt.Errorf("track file directory of %s: %w", p, fs.ErrNotExist)
			continue
		}
		w.paths[name] = p
	}
	f.watches = append(f.watches, w)
	return w, dropped, nil
}

// Watches counts the watches not closed yet.
func (f *Files) Watches() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, w := range f.watches {
		if !w.isClosed() {
			n++
		}
	}
	return n
}

func (f *Files) read(p string) []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, ok := f.data[p]
	if !ok {
		return nil
	}
	return slices.Clone(b[:min(len(b), trackFileMax)])
}

func (f *Files) changed(p string) {
	f.mu.Lock()
	watches := slices.Clone(f.watches)
	f.mu.Unlock()
	data := f.read(p)
	for _, w := range watches {
		w.changed(p, data)
	}
}

type fileWatch struct {
	fs      *Files
	paths   map[string]string // name -> path, fixed
	changes chan netif.FileChange
	mu      sync.Mutex // guards closed
	closed  bool
	sending sync.WaitGroup // changes being sent; Close waits for them
	done    chan struct{}
}

func (w *fileWatch) Read(name string) []byte {
	p, ok := w.paths[name]
	if !ok {
		return nil
	}
	return w.fs.read(p)
}

func (w *fileWatch) Changes() <-chan netif.FileChange { return w.changes }

// Close implements track.FileWatch: Changes is closed, as the real one's.
func (w *fileWatch) Close() error {
	w.mu.Lock()
	first := !w.closed
	if first {
		w.closed = true
		close(w.done)
	}
	w.mu.Unlock()
	w.sending.Wait()
	if first {
		close(w.changes)
	}
	return nil
}

func (w *fileWatch) isClosed() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.closed
}

// changed reports a change of p to every name following it. It waits
// while the channel is full, as the real watcher does, until Close.
func (w *fileWatch) changed(p string, data []byte) {
	for name, wp := range w.paths {
		if wp != p {
			continue
		}
		w.mu.Lock()
		if w.closed {
			w.mu.Unlock()
			return
		}
		w.sending.Add(1)
		w.mu.Unlock()
		select {
		case w.changes <- netif.FileChange{Name: name, Data: slices.Clone(data)}:
		case <-w.done:
		}
		w.sending.Done()
	}
}
