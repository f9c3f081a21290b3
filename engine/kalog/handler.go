package kalog

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// Format is how records are written.
type Format int

// The formats of --log-format.
const (
	// Keepalived writes the message alone, as keepalived 2.2.7 does.
	Keepalived Format = iota
	// Text is slog's TextHandler: time, level, message and attributes.
	Text
	// JSON is slog's JSONHandler.
	JSON
)

var formatNames = [...]string{Keepalived: "keepalived", Text: "text", JSON: "json"}

func (f Format) String() string {
	if f < 0 || int(f) >= len(formatNames) {
		return fmt.Sprintf("Format(%d)", int(f))
	}
	return formatNames[f]
}

// ParseFormat reads a --log-format value.
func ParseFormat(s string) (Format, error) {
	for f, name := range formatNames {
		if s == name {
			return Format(f), nil
		}
	}
	return 0, fmt.Errorf("invalid log format %q (want keepalived, text or json)", s)
}

// The syslog idents of keepalived 2.2.7's processes.
const (
	ParentIdent = "Keepalived"
	VRRPIdent   = "Keepalived_vrrp"
)

// ParentKey is the key of the Parent attribute.
const ParentKey = "keepalived_process"

// Parent marks a record as a line keepalived's parent process writes
// (banner, "Reloading ...", "Stopping", "Stopped Keepalived ..."): add it
// to the call or to a logger with With. It is not printed in any format.
var Parent = slog.String(ParentKey, "parent")

// Options say where NewHandler writes. Nil writers are not written.
type Options struct {
	Format Format
	// Level is the lowest level written (see DetailLevel); Info if nil.
	Level slog.Leveler
	// Console gets every line, in the keepalived format with the console
	// prefix (keepalived: -l with -n, to stderr).
	Console io.Writer
	// ParentFile and VRRPFile get the parent's and the VRRP side's lines,
	// in the keepalived format with the log-file prefix (-g).
	ParentFile, VRRPFile io.Writer
	// Syslog gets every line under its process's ident.
	Syslog *Syslog
}

// Timestamp layouts of keepalived 2.2.7's lib/logger.c, in Go's notation:
// strftime "%c" in the C locale for the console, and
// "%a %b %d %T.%9ld %Y" for the log file.
const (
	consoleLayout = "Mon Jan _2 15:04:05 2006"
	fileLayout    = "Mon Jan 02 15:04:05.000000000 2006"
)

// sinks are the outputs shared by a handler and those derived from it;
// mu keeps each record's lines together and in order on every output.
type sinks struct {
	mu sync.Mutex
	o  Options
}

// handler is the slog.Handler of NewHandler.
type handler struct {
	s      *sinks
	level  slog.Leveler
	parent bool
	// ops replays WithAttrs and WithGroup onto slog's handler for the
	// structured formats, built afresh for each record.
	ops []op
}

type op struct {
	group string
	attrs []slog.Attr
}

// NewHandler returns a handler writing records to the outputs of o.
func NewHandler(o Options) slog.Handler {
	level := o.Level
	if level == nil {
		level = slog.LevelInfo
	}
	return &handler{s: &sinks{o: o}, level: level}
}

func (h *handler) Enabled(_ context.Context, l slog.Level) bool {
	return l >= h.level.Level()
}

func (h *handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return h
	}
	c := *h
	c.parent = h.parent || hasParent(attrs)
	c.ops = append(append([]op(nil), h.ops...), op{attrs: attrs})
	return &c
}

func (h *handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	c := *h
	c.ops = append(append([]op(nil), h.ops...), op{group: name})
	return &c
}

func hasParent(attrs []slog.Attr) bool {
	for _, a := range attrs {
		if a.Key == ParentKey {
			return true
		}
	}
	return false
}

func (h *handler) Handle(ctx context.Context, r slog.Record) error {
	parent := h.parent
	if !parent {
		r.Attrs(func(a slog.Attr) bool {
			parent = a.Key == ParentKey
			return !parent
		})
	}
	t := r.Time
	if t.IsZero() {
		t = time.Now()
	}
	msg := r.Message
	if h.s.o.Format != Keepalived {
		msg = strings.TrimSuffix(h.structured(ctx, r), "\n")
	}
	return h.s.write(t, r.Level, parent, msg, h.s.o.Format == Keepalived)
}

// structured formats r with slog's handler of the format.
func (h *handler) structured(ctx context.Context, r slog.Record) string {
	var buf bytes.Buffer
	opts := &slog.HandlerOptions{Level: slog.Level(-1 << 20), ReplaceAttr: replaceAttr}
	var sh slog.Handler
	if h.s.o.Format == JSON {
		sh = slog.NewJSONHandler(&buf, opts)
	} else {
		sh = slog.NewTextHandler(&buf, opts)
	}
	for _, o := range h.ops {
		if o.group != "" {
			sh = sh.WithGroup(o.group)
		} else {
			sh = sh.WithAttrs(o.attrs)
		}
	}
	if err := sh.Handle(ctx, r); err != nil {
		return r.Message
	}
	return buf.String()
}

// replaceAttr drops the Parent marker and names goalived's levels.
func replaceAttr(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 {
		switch a.Key {
		case ParentKey:
			return slog.Attr{}
		case slog.LevelKey:
			if l, ok := a.Value.Any().(slog.Level); ok {
				return slog.String(slog.LevelKey, levelName(l))
			}
		}
	}
	return a
}

// write sends one line to every output. prefixed says whether the console
// and the files get keepalived's timestamp prefix (the structured formats
// carry their own time).
func (s *sinks) write(t time.Time, l slog.Level, parent bool, msg string, prefixed bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var first error // every output is written; the first failure is returned
	keep := func(err error) {
		if first == nil {
			first = err
		}
	}
	if w := s.o.Console; w != nil {
		keep(writeLine(w, t, consoleLayout, msg, prefixed))
	}
	file, ident := s.o.VRRPFile, VRRPIdent
	if parent {
		file, ident = s.o.ParentFile, ParentIdent
	}
	if file != nil {
		keep(writeLine(file, t, fileLayout, msg, prefixed))
	}
	if s.o.Syslog != nil {
		keep(s.o.Syslog.Send(t, severity(l), ident, msg))
	}
	return first
}

// writeLine writes msg as one line in one Write, so that lines written
// by others to the same file (O_APPEND) never interleave with it.
func writeLine(w io.Writer, t time.Time, layout, msg string, prefixed bool) error {
	var b []byte
	if prefixed {
		b = t.AppendFormat(b, layout)
		b = append(b, ": "...)
	}
	b = append(b, msg...)
	b = append(b, '\n')
	_, err := w.Write(b)
	return err
}
