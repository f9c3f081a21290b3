package main

import (
	"bufio"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/goalived/goalived/netif/nstest"
)

// The hot upgrade tests' instruments: two builds of goalived that differ
// only in their version, a client pinging every VIP every 10 ms, a 1 ms
// sampler of the master's addresses and a capture of the adverts.

var (
	versionsOnce sync.Once
	versionBins  [2]string
	versionsErr  error
)

// upgradeVersions are the versions the two builds report.
var upgradeVersions = [2]string{"0.1.0-up.a", "0.1.0-up.b"}

// versionedBinaries builds goalived twice, with the versions of
// upgradeVersions, beside goalivedBinary's build (removed with it).
func versionedBinaries(t testing.TB) [2]string {
	t.Helper()
	dir := filepath.Dir(goalivedBinary(t))
	versionsOnce.Do(func() {
		for i, v := range upgradeVersions {
			bin := filepath.Join(dir, "goalived-"+v)
			c := exec.Command("go", "build", "-ldflags", "-X main.goalivedVersion="+v, "-o", bin,
				"github.com/goalived/goalived/cmd/goalived")
			c.Env = append(os.Environ(), "CGO_ENABLED=0")
			if out, err := c.CombinedOutput(); err != nil {
				versionsErr = fmt.Errorf("build goalived %s: %w\n%s", v, err, out)
				return
			}
			versionBins[i] = bin
		}
	})
	if versionsErr != nil {
		t.Fatal(versionsErr)
	}
	return versionBins
}

// install puts a copy of src at dst by renaming over it, as a package
// upgrade does: dst becomes another file (another inode).
func install(t testing.TB, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	tmp := dst + ".new"
	if err := os.WriteFile(tmp, b, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		t.Fatal(err)
	}
}

// sampler lists a lab host's IPv4 addresses (on every interface: a
// VMAC's too) every millisecond and counts the samples that miss one of
// want.
type sampler struct {
	samples, missing atomic.Int64
	first            atomic.Value // string: the first sample that missed one
	stop, done       chan struct{}
}

func startSampler(t *testing.T, lab *nstest.Lab, host int, want []netip.Addr) *sampler {
	t.Helper()
	h := lab.Handle(host)
	s := &sampler{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-tick.C:
			}
			addrs, err := h.AddrList(nil, 2 /* AF_INET */)
			if err != nil {
				continue
			}
			have := map[netip.Addr]bool{}
			for _, a := range addrs {
				ip, _ := netip.AddrFromSlice(a.IP)
				have[ip.Unmap()] = true
			}
			s.samples.Add(1)
			for _, w := range want {
				if !have[w] {
					if s.missing.Add(1) == 1 {
						s.first.Store(fmt.Sprintf("%s missing at %s", w, time.Now().Format(time.StampMicro)))
					}
					break
				}
			}
		}
	}()
	t.Cleanup(s.close)
	return s
}

func (s *sampler) close() {
	select {
	case <-s.stop:
	default:
		close(s.stop)
	}
	<-s.done
}

// advertLine is one advert of tcpdump -tt -n output.
type advertLine struct {
	at   float64
	src  string
	vrid int
	prio int
}

// parseAdverts reads tcpdump's lines such as "1796640033.840507 IP
// 192.0.2.11 > 224.0.0.18: VRRPv3, Advertisement, vrid 1, prio 150, ...".
func parseAdverts(out string) []advertLine {
	var ads []advertLine
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(strings.NewReplacer(",", " ", ":", " ").Replace(sc.Text()))
		if len(f) < 10 || f[1] != "IP" {
			continue
		}
		var a advertLine
		a.at, _ = strconv.ParseFloat(f[0], 64)
		a.src = f[2]
		for i := 0; i+1 < len(f); i++ {
			switch f[i] {
			case "vrid":
				a.vrid, _ = strconv.Atoi(f[i+1])
			case "prio":
				a.prio, _ = strconv.Atoi(f[i+1])
			}
		}
		ads = append(ads, a)
	}
	return ads
}

// longestGaps returns, per VRID, the longest interval between src's
// adverts, and src's adverts at priority 0.
func longestGaps(ads []advertLine, src string) (map[int]time.Duration, []advertLine) {
	last := map[int]float64{}
	gaps := map[int]time.Duration{}
	var zero []advertLine
	for _, a := range ads {
		if a.src != src {
			continue
		}
		if a.prio == 0 {
			zero = append(zero, a)
		}
		if l, ok := last[a.vrid]; ok {
			gaps[a.vrid] = max(gaps[a.vrid], time.Duration((a.at-l)*float64(time.Second)))
		}
		last[a.vrid] = a.at
	}
	return gaps, zero
}

// freezeTimes are the moments goalived's log says it froze for a hot
// upgrade, in seconds since the epoch as tcpdump -tt prints them.
func freezeTimes(log string) []float64 {
	var out []float64
	for _, line := range strings.Split(log, "\n") {
		if !strings.Contains(line, `msg="hot upgrade: frozen"`) || !strings.HasPrefix(line, "time=") {
			continue
		}
		ts, _, _ := strings.Cut(strings.TrimPrefix(line, "time="), " ")
		if t, err := time.Parse(time.RFC3339Nano, ts); err == nil {
			out = append(out, float64(t.UnixNano())/1e9)
		}
	}
	return out
}

// splitGaps returns the longest interval between src's adverts of one
// VRID that spans a freeze (the handover's own) and the longest that
// does not (what the machine's load does to the adverts anyway).
func splitGaps(ads []advertLine, src string, freezes []float64) (handover, other time.Duration) {
	last := map[int]float64{}
	for _, a := range ads {
		if a.src != src {
			continue
		}
		if l, ok := last[a.vrid]; ok {
			g := time.Duration((a.at - l) * float64(time.Second))
			spans := false
			for _, f := range freezes {
				spans = spans || l < f && f <= a.at
			}
			if spans {
				handover = max(handover, g)
			} else {
				other = max(other, g)
			}
		}
		last[a.vrid] = a.at
	}
	return handover, other
}
