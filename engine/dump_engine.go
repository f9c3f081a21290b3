package engine

import (
	"fmt"
	"io"
	"runtime"
	"sync"
	"weak"

	"github.com/goalived/goalived/engine/dump"
)

// WriteData writes keepalived.data (SIGUSR1) for the running instances.
func (e *Engine) WriteData(w io.Writer) error {
	s, _, err := e.snapshot(true)
	if err == nil {
		err = dump.WriteData(w, s)
	}
	if err != nil {
		return fmt.Errorf("write data dump: %w", err)
	}
	return nil
}

// WriteParentData writes keepalived_parent.data, the file keepalived
// 2.2.7's parent process writes on SIGUSR1 beside the VRRP child's
// keepalived.data: its copy of the global definitions. goalived is one
// process that plays both parts.
func (e *Engine) WriteParentData(w io.Writer) error {
	host := e.dumpHost()
	e.mu.Lock()
	s, _ := e.globalSnapshot(host)
	e.mu.Unlock()
	if err := dump.WriteParentData(w, s); err != nil {
		return fmt.Errorf("write parent data dump: %w", err)
	}
	return nil
}

// WriteStats writes keepalived.stats (SIGUSR2). With clear (STATS_CLEAR)
// the counters restart from zero after this dump.
func (e *Engine) WriteStats(w io.Writer, clear bool) error {
	s, raw, err := e.snapshot(false)
	if err == nil {
		err = dump.WriteStats(w, s)
	}
	if err != nil {
		return fmt.Errorf("write stats dump: %w", err)
	}
	if clear {
		e.baseline().reset(raw)
	}
	return nil
}

// WriteJSON writes keepalived.json (the JSON signal, json_version 1).
func (e *Engine) WriteJSON(w io.Writer) error {
	s, _, err := e.snapshot(false)
	if err == nil {
		err = dump.WriteJSON(w, s)
	}
	if err != nil {
		return fmt.Errorf("write json dump: %w", err)
	}
	return nil
}

// The data dump files keepalived 2.2.7 writes on SIGUSR1: the VRRP
// child's and the parent's.
const (
	DataFile       = dump.DataFile
	ParentDataFile = dump.ParentDataFile
)

// DataFileName is the name under which name (DataFile or ParentDataFile)
// is written. With data_use_instance keepalived puts its network
// namespace (-s, net_namespace) and instance name (the instance keyword)
// before the extension; goalived has neither (run it under ip netns exec,
// which keepalived does not see either), so the names stay as they are,
// as keepalived's do without them.
func (e *Engine) DataFileName(name string) string {
	e.mu.Lock()
	use := e.cfg.Global.DataUseInstance
	e.mu.Unlock()
	return dump.DataFileName(name, use, "", "")
}

// baselines holds each Engine's STATS_CLEAR baseline, keyed weakly so
// that it goes away with its Engine. (It lives here rather than as an
// Engine field to keep the dump code out of the engine's core files.)
var baselines sync.Map // weak.Pointer[Engine] -> *statsBaseline

func (e *Engine) baseline() *statsBaseline {
	k := weak.Make(e)
	if v, ok := baselines.Load(k); ok {
		return v.(*statsBaseline)
	}
	v, loaded := baselines.LoadOrStore(k, &statsBaseline{})
	if !loaded {
		runtime.AddCleanup(e, func(k weak.Pointer[Engine]) { baselines.Delete(k) }, k)
	}
	return v.(*statsBaseline)
}
