package netif

// timerHeap orders pending timers by deadline, earliest first. It is
// written out rather than built on container/heap: a backup moves one
// timer per advert it hears, and the interface calls of container/heap
// were the largest share of that.
type timerHeap []*TimerfdTimer

func (h *timerHeap) push(t *TimerfdTimer) {
	t.index = len(*h)
	*h = append(*h, t)
	h.up(t.index)
}

// popMin removes and returns the earliest timer.
func (h *timerHeap) popMin() *TimerfdTimer {
	t := (*h)[0]
	h.remove(0)
	return t
}

// remove takes the timer at i out of the heap.
func (h *timerHeap) remove(i int) {
	old := *h
	t, last := old[i], len(old)-1
	if i != last {
		old[i] = old[last]
		old[i].index = i
	}
	old[last] = nil
	*h = old[:last]
	t.index = -1
	if i != last {
		h.fix(i)
	}
}

// fix restores the order after the deadline of the timer at i changed.
func (h timerHeap) fix(i int) {
	if !h.down(i) {
		h.up(i)
	}
}

func (h timerHeap) up(i int) {
	t := h[i]
	for i > 0 {
		p := (i - 1) / 2
		if h[p].when <= t.when {
			break
		}
		h[i] = h[p]
		h[i].index = i
		i = p
	}
	h[i] = t
	t.index = i
}

// down moves the timer at i towards the leaves; it reports whether it
// moved.
func (h timerHeap) down(i int) bool {
	t, n, start := h[i], len(h), i
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if r := c + 1; r < n && h[r].when < h[c].when {
			c = r
		}
		if t.when <= h[c].when {
			break
		}
		h[i] = h[c]
		h[i].index = i
		i = c
	}
	h[i] = t
	t.index = i
	return i > start
}
