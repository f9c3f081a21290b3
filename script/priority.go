package script

import "fmt"

// Priority limits (RFC 5798 section 5.2.4): 255 is the address owner,
// trackers move other routers within 1..254.
const (
	OwnerPriority = 255
	MaxTracked    = 254
	MinTracked    = 1
)

// TrackerKind says what a tracker watches; it only changes the arithmetic
// for files.
type TrackerKind int

const (
	TrackScript TrackerKind = iota
	TrackInterface
	TrackProcess
	TrackBFD
	// TrackFile is track_file: its contribution is Value*Weight (reference
	// 3.1, "dynamic" weight), Condition is ignored unless Unknown.
	TrackFile
)

func (k TrackerKind) String() string {
	switch k {
	case TrackScript:
		return "script"
	case TrackInterface:
		return "interface"
	case TrackProcess:
		return "process"
	case TrackBFD:
		return "bfd"
	case TrackFile:
		return "file"
	}
	return fmt.Sprintf("TrackerKind(%d)", int(k))
}

// Tracker is one tracked object of an instance with its effective weight
// (the track_* entry's weight if given, else the object's own) and
// reverse flag.
type Tracker struct {
	Kind    TrackerKind
	Name    string
	Weight  int
	Reverse bool
	Cond    Condition
	// Value is the integer read from a track_file.
	Value int64
}

// Evaluation is the outcome of Evaluate.
type Evaluation struct {
	// Total is keepalived's unbounded total_priority.
	Total int
	// Effective is what goes into adverts: Total clamped to 1..254, or 255
	// (frozen) for an address owner.
	Effective int
	// Fault lists the trackers that put the instance in FAULT.
	Fault []string
	// Pending lists unweighted trackers without a first result: keepalived
	// keeps the instance out of BACKUP/MASTER (a silent FAULT) until they
	// report.
	Pending []string
}

// InFault reports whether some tracker forces the FAULT state.
func (e Evaluation) InFault() bool { return len(e.Fault) > 0 }

// Evaluate recomputes keepalived's total and effective priority from the
// base priority and the trackers. It is equivalent to
// keepalived's incremental updates: base plus the sum of the contributions
//
//	W > 0: +W while up (-W if reverse), 0 while down
//	W < 0: 0 while up, -|W| while down (+|W| if reverse)
//	W = 0: FAULT while down (while up if reverse)
//
// and for a track_file V*W (negated if reverse) clamped to [-254, 253],
// FAULT at -254 or below; with W = 0 a non-zero value (zero if reverse) is
// FAULT. Unknown trackers contribute nothing. An owner (base 255) keeps
// 255 and ignores weighted trackers, which keepalived removes from owners
// at load; unweighted ones can still fault it.
func Evaluate(base int, trackers []Tracker) Evaluation {
	ev := Evaluation{Total: base}
	owner := base == OwnerPriority
	for _, t := range trackers {
		if t.Cond == Unknown {
			if t.Weight == 0 {
				ev.Pending = append(ev.Pending, t.Kind.String()+" "+t.Name)
			}
			continue
		}
		delta, fault := contribution(t)
		if fault && (t.Weight == 0 || !owner) {
			ev.Fault = append(ev.Fault, t.Kind.String()+" "+t.Name)
		}
		if !owner {
			ev.Total += delta
		}
	}
	ev.Effective = min(max(ev.Total, MinTracked), MaxTracked)
	if owner {
		ev.Effective = OwnerPriority
	}
	return ev
}

func contribution(t Tracker) (delta int, fault bool) {
	m := 1
	if t.Reverse {
		m = -1
	}
	if t.Kind == TrackFile {
		return fileContribution(t.Value, t.Weight, m)
	}
	up := t.Cond == Up
	switch {
	case t.Weight == 0:
		return 0, up == t.Reverse
	case t.Weight > 0 && up, t.Weight < 0 && !up:
		return t.Weight * m, false
	}
	return 0, false
}

func fileContribution(v int64, w, m int) (int, bool) {
	if w == 0 {
		failed := v != 0
		return 0, failed != (m < 0)
	}
	// Saturate before multiplying so that absurd file contents cannot
	// overflow; anything beyond the clamp range behaves the same.
	v = min(max(v, -1<<20), 1<<20)
	p := v * int64(w) * int64(m)
	if p <= -254 {
		return -254, true
	}
	return int(min(p, 253)), false
}
