package main

import (
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// timeline prints events as they happen, stamped with the time since the
// demo started, and keeps them for the summary and the test.
type timeline struct {
	start time.Time

	mu     sync.Mutex // guards out and events
	out    io.Writer
	events []event
}

type event struct {
	At  time.Duration
	Msg string
}

func newTimeline(start time.Time, out io.Writer) *timeline {
	return &timeline{start: start, out: out}
}

// add records an event that happened at the given time.
func (t *timeline) add(at time.Time, format string, args ...any) {
	e := event{At: at.Sub(t.start), Msg: fmt.Sprintf(format, args...)}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.events = append(t.events, e)
	fmt.Fprintf(t.out, "[%7.3fs] %s\n", e.At.Seconds(), e.Msg)
}

// now records an event that happens now.
func (t *timeline) now(format string, args ...any) { t.add(time.Now(), format, args...) }

// show prints indented text (a status file, notify lines) under the
// timeline without a stamp.
func (t *timeline) show(title, text string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	fmt.Fprintf(t.out, "           %s\n", title)
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		fmt.Fprintf(t.out, "             %s\n", line)
	}
}

// pingStats is what one "ping -D -i 0.1" run saw.
type pingStats struct {
	Sent, Received int
	Replies        []time.Time // arrival of each reply, as ping printed it
}

var (
	pingReply   = regexp.MustCompile(`^\[(\d+\.\d+)\] \d+ bytes from .*icmp_seq=\d+`)
	pingSummary = regexp.MustCompile(`(\d+) packets transmitted, (\d+) (?:packets )?received`)
)

// parsePing reads the output of "ping -n -D" after it was stopped with
// SIGINT; without the summary line it is an error, since the loss count
// would be a guess.
func parsePing(out string) (pingStats, error) {
	var s pingStats
	summary := false
	for _, line := range strings.Split(out, "\n") {
		if m := pingReply.FindStringSubmatch(line); m != nil {
			at, err := parseStamp(m[1])
			if err != nil {
				return s, fmt.Errorf("parse ping reply %q: %w", line, err)
			}
			s.Replies = append(s.Replies, at)
			continue
		}
		if m := pingSummary.FindStringSubmatch(line); m != nil {
			s.Sent, _ = strconv.Atoi(m[1])
			s.Received, _ = strconv.Atoi(m[2])
			summary = true
		}
	}
	if !summary {
		return s, fmt.Errorf("parse ping output: no summary line in %q", lastLines(out, 3))
	}
	if s.Received > s.Sent {
		return s, fmt.Errorf("parse ping output: %d received of %d sent", s.Received, s.Sent)
	}
	return s, nil
}

// Lost is the number of echo requests without a reply.
func (s pingStats) Lost() int { return s.Sent - s.Received }

// MaxGap is the longest time between two consecutive replies: how long
// the client could not reach the VIP (0 with fewer than two replies).
func (s pingStats) MaxGap() time.Duration {
	var max time.Duration
	for i := 1; i < len(s.Replies); i++ {
		if d := s.Replies[i].Sub(s.Replies[i-1]); d > max {
			max = d
		}
	}
	return max
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// notifyLine is one line of a notify.log: the time and the arguments.
type notifyLine struct {
	At   time.Time
	Args string
}

// parseNotifyLog reads the lines written by notifyScript.
func parseNotifyLog(text string) ([]notifyLine, error) {
	var out []notifyLine
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		if line == "" {
			continue
		}
		stamp, args, _ := strings.Cut(line, " ")
		at, err := parseStamp(stamp)
		if err != nil {
			return nil, fmt.Errorf("parse notify line %q: %w", line, err)
		}
		out = append(out, notifyLine{At: at, Args: args})
	}
	return out, nil
}

// parseStamp reads "SECONDS.FRACTION" since the epoch exactly (a float64
// would lose the microseconds).
func parseStamp(s string) (time.Time, error) {
	whole, frac, _ := strings.Cut(s, ".")
	sec, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || sec <= 0 || len(frac) > 9 {
		return time.Time{}, fmt.Errorf("bad timestamp %q", s)
	}
	var ns int64
	if frac != "" {
		n, err := strconv.ParseInt(frac, 10, 64)
		if err != nil || n < 0 {
			return time.Time{}, fmt.Errorf("bad timestamp %q", s)
		}
		ns = n
		for i := len(frac); i < 9; i++ {
			ns *= 10
		}
	}
	return time.Unix(sec, ns), nil
}
