package main

import (
	"net/netip"
	"sync"
	"time"
)

// vipSample is which host held the pair's virtual addresses at one
// moment: all of them on a, none on b is the steady state.
type vipSample struct {
	At     time.Time
	OnA    int  // virtual addresses a held
	OnB    int  // and b
	Either bool // every address on a or b
	Both   bool // some address on both
	Err    bool // the listing failed: the sample says nothing
}

// vipSampler lists both hosts' addresses every period and keeps the
// samples, for the gaps (an address on neither host) and the moments of
// two masters (an address on both).
type vipSampler struct {
	bn     *bench
	vips   []netip.Addr
	period time.Duration

	mu      sync.Mutex // guards samples
	samples []vipSample

	stop     chan struct{}
	done     chan struct{}
	stopOnce sync.Once
}

func startVIPSampler(bn *bench, vips []netip.Addr, period time.Duration) *vipSampler {
	s := &vipSampler{bn: bn, vips: vips, period: period, stop: make(chan struct{}), done: make(chan struct{})}
	go s.loop()
	return s
}

func (s *vipSampler) loop() {
	defer close(s.done)
	tick := time.NewTicker(s.period)
	defer tick.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-tick.C:
		}
		smp := s.take()
		s.mu.Lock()
		s.samples = append(s.samples, smp)
		s.mu.Unlock()
	}
}

func (s *vipSampler) take() vipSample {
	smp := vipSample{At: time.Now()}
	aa, errA := s.bn.addrs("a")
	ab, errB := s.bn.addrs("b")
	if errA != nil || errB != nil {
		smp.Err = true
		return smp
	}
	smp.Either = true
	for _, v := range s.vips {
		if aa[v] {
			smp.OnA++
		}
		if ab[v] {
			smp.OnB++
		}
		smp.Both = smp.Both || aa[v] && ab[v]
		smp.Either = smp.Either && (aa[v] || ab[v])
	}
	return smp
}

// last returns the latest sample (zero before the first).
func (s *vipSampler) last() vipSample {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.samples) == 0 {
		return vipSample{}
	}
	return s.samples[len(s.samples)-1]
}

// steady reports whether the latest sample, taken after t, has every
// address on a and none on b.
func (s *vipSampler) steady(t time.Time) bool {
	l := s.last()
	return l.At.After(t) && !l.Err && l.OnA == len(s.vips) && l.OnB == 0
}

// vipWindow is what the samples of [from, to) say: the longest time some
// address was on neither host, the time some address was on both, and
// the longest sampling interval (the resolution of both).
type vipWindow struct {
	Gap, Both, Period time.Duration
}

// between measures [from, to): each sample stands for the time until the
// next one; a failed listing ends a gap and counts as neither.
func (s *vipSampler) between(from, to time.Time) vipWindow {
	s.mu.Lock()
	defer s.mu.Unlock()
	var w vipWindow
	var gapStart time.Time
	for i, smp := range s.samples {
		if smp.At.Before(from) || !smp.At.Before(to) {
			continue
		}
		next := to
		if i+1 < len(s.samples) && s.samples[i+1].At.Before(to) {
			next = s.samples[i+1].At
		}
		w.Period = max(w.Period, next.Sub(smp.At))
		if smp.Both {
			w.Both += next.Sub(smp.At)
		}
		switch {
		case !smp.Err && !smp.Either && gapStart.IsZero():
			gapStart = smp.At
		case smp.Err || smp.Either:
			gapStart = time.Time{}
		}
		if !gapStart.IsZero() {
			w.Gap = max(w.Gap, next.Sub(gapStart))
		}
	}
	return w
}

// tookOver reports whether b held every address in some sample of
// [from, to).
func (s *vipSampler) tookOver(from, to time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, smp := range s.samples {
		if !smp.At.Before(from) && smp.At.Before(to) && !smp.Err && smp.OnB == len(s.vips) {
			return true
		}
	}
	return false
}

// close stops the sampler; it is idempotent.
func (s *vipSampler) close() {
	s.stopOnce.Do(func() { close(s.stop) })
	<-s.done
}
