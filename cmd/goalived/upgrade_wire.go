package main

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"time"

	"golang.org/x/sys/unix"

	"github.com/goalived/goalived/engine"
)

// The hot upgrade's conversation between the running process (old) and
// the new binary it started (new), one JSON message per line on a socket
// pair that tableflip hands to the new process as the file stateFile:
//
//	new -> old  hello: its version and pid and the keys of its
//	            configuration's instances, once its configuration is
//	            loaded and valid and its sockets are open (or refusal)
//	old -> new  state: the old engine's frozen State
//	new -> old  done: it runs, owns the pid files and told systemd
//	            (or refusal, after which it exits)
//
// tableflip's readiness (Upgrader.Ready in the new process) follows
// done; the old process then watches the new one for probation and
// only then retires and exits.
const stateFile = "goalived-state"

// handoverMsg is one message; which fields are set depends on the step.
type handoverMsg struct {
	Version string `json:"version,omitempty"`
	PID     int    `json:"pid,omitempty"`
	// Refused is why the sender gives up; the upgrade is then over and
	// the old process carries on.
	Refused string               `json:"refused,omitempty"`
	Keys    []engine.InstanceKey `json:"keys,omitempty"`
	State   *engine.State        `json:"state,omitempty"`
	// MonoAt is State.At on CLOCK_MONOTONIC (ns), which both processes
	// share: the new one converts it to its own clock (savedAt).
	MonoAt int64 `json:"mono_at,omitempty"`
	Done   bool  `json:"done,omitempty"`
}

// handoverConn is one side of the conversation.
type handoverConn struct {
	c   net.Conn
	enc *json.Encoder
	dec *json.Decoder
}

func newHandoverConn(f *os.File) (*handoverConn, error) {
	c, err := net.FileConn(f)
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("handover socket: %w", err)
	}
	return &handoverConn{c: c, enc: json.NewEncoder(c), dec: json.NewDecoder(c)}, nil
}

func (h *handoverConn) send(m handoverMsg) error {
	_ = h.c.SetWriteDeadline(time.Now().Add(5 * time.Second))
	if err := h.enc.Encode(m); err != nil {
		return fmt.Errorf("handover: send: %w", err)
	}
	return nil
}

// receive waits up to d for the next message.
func (h *handoverConn) receive(d time.Duration) (handoverMsg, error) {
	_ = h.c.SetReadDeadline(time.Now().Add(d))
	var m handoverMsg
	if err := h.dec.Decode(&m); err != nil {
		return m, fmt.Errorf("handover: receive: %w", err)
	}
	if m.Refused != "" {
		return m, fmt.Errorf("handover refused by pid %d: %s", m.PID, m.Refused)
	}
	return m, nil
}

func (h *handoverConn) close() { _ = h.c.Close() }

// monoNow reads CLOCK_MONOTONIC, the clock time.Now's monotonic reading
// and the timerfd clock count: both processes see the same one.
func monoNow() int64 {
	var ts unix.Timespec
	_ = unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
	return ts.Nano()
}

// savedAtHere converts the old process's monotonic reading of the freeze
// to this process's clock.
func savedAtHere(monoAt int64) time.Time {
	now, mono := time.Now(), monoNow()
	return now.Add(-time.Duration(mono - monoAt))
}
