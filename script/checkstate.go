package script

import (
	"context"
	"fmt"
	"time"
)

// CheckState is how far a check has got, for handing it to another
// process (goalived's hot upgrade): the position of its rise/fall counter
// and the time left until its next run. encoding/json carries it.
type CheckState struct {
	// Counter and Init are the RiseFall's position (see RiseFall).
	Counter int  `json:"counter"`
	Init    bool `json:"init,omitempty"`
	// Next is the time from the save to the next run; negative when it
	// was due, and then the next check runs at once.
	Next time.Duration `json:"next"`
	// Status is the last exit status (see CheckEvent.StatusChanged).
	Status int `json:"status,omitempty"`
}

// Position returns the counter's position, as CheckState keeps it.
func (r *RiseFall) Position() (counter int, init bool) { return r.result, r.init }

// NewRiseFallAt returns a counter at a saved position. A position outside
// [0, rise+fall-1], which a changed rise or fall can make, is an error;
// the caller then starts afresh.
func NewRiseFallAt(rise, fall int, s CheckState) (*RiseFall, error) {
	r, err := NewRiseFall(rise, fall)
	if err != nil {
		return nil, err
	}
	if s.Counter < 0 || s.Counter > rise+fall-1 {
		return nil, fmt.Errorf("resume rise/fall counter: position %d outside 0..%d", s.Counter, rise+fall-1)
	}
	r.result, r.init = s.Counter, s.Init
	return r, nil
}

// Drain stops scheduling runs, lets a run in progress finish (its result
// is counted and its condition change sent as usual) and returns where
// the check is. When ctx ends first the run is killed, as by Close, and
// gives no verdict. The check is closed afterwards.
func (c *Check) Drain(ctx context.Context) CheckState {
	c.mu.Lock()
	first, started := !c.closed, c.started
	c.closed = true
	c.mu.Unlock()
	if started {
		if first {
			close(c.drain)
		}
		select {
		case <-c.done:
		case <-ctx.Done():
		}
		c.cancel()
		<-c.done
	}
	return c.State(time.Now())
}

// State returns the check's position at now.
func (c *Check) State(now time.Time) CheckState {
	c.mu.Lock()
	defer c.mu.Unlock()
	counter, init := c.rf.Position()
	return CheckState{Counter: counter, Init: init, Next: c.next.Sub(now), Status: c.status}
}
