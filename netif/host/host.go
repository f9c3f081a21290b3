// Package host is the engine's real host: raw VRRP sockets, rtnetlink,
// gratuitous ARP and NA, /proc/sys, scripts run as processes, notify
// FIFOs in the file system and the timerfd clock, all in the network
// namespace of the calling thread. It adapts package netif (and script)
// to the interfaces package engine declares; cmd/goalived wires it in.
package host

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vishvananda/netns"

	"github.com/goalived/goalived/engine"
	"github.com/goalived/goalived/engine/track"
	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/script"
)

// Open returns the host of the calling thread's network namespace.
// close releases it once the engine is closed.
func Open() (h engine.Host, close func() error, err error) {
	addrs, err := netif.OpenAddrs(netns.None())
	if err != nil {
		return engine.Host{}, nil, fmt.Errorf("open host: %w", err)
	}
	clock, closeClock := newClock()
	system := track.System(addrs) // inotify for track_file, /proc for processes
	h = engine.Host{
		Sockets:    sockets{},
		Routing:    addrs,
		Links:      addrs,
		Announcers: announcers{},
		Sysctls:    Sysctls{Root: "/proc/sys"},
		Scripts:    script.System{},
		FIFOs:      fifos{},
		Files:      system.Files,
		Processes:  system.Processes,
		Firewalls:  firewalls{},
		VMACs:      vmacs{},
		Clock:      clock,
	}
	return h, func() error {
		closeClock()
		addrs.Close()
		return nil
	}, nil
}

// sockets opens netif's raw sockets.
type sockets struct{}

// retryEvery is how often Open tries again while the interface has no
// address.
const retryEvery = 100 * time.Millisecond

func (sockets) Open(cfg netif.Config, wait time.Duration) (engine.Conn, error) {
	conn, err := netif.Listen(cfg)
	for deadline := time.Now().Add(wait); errors.Is(err, netif.ErrNoAddress) && time.Now().Before(deadline); {
		time.Sleep(retryEvery)
		conn, err = netif.Listen(cfg)
	}
	if err != nil {
		return nil, err
	}
	return conn, nil
}

// announcers makes netif's announcers.
type announcers struct{}

func (announcers) NewAnnouncer(cfg netif.AnnouncerConfig) engine.Announcer {
	return netif.NewAnnouncer(cfg)
}

// firewalls opens netif's nftables table.
type firewalls struct{}

func (firewalls) OpenFirewall(cfg netif.FirewallConfig) (engine.Firewall, error) {
	f, err := netif.OpenFirewall(cfg)
	if err != nil {
		return nil, err
	}
	return f, nil
}

func (firewalls) AdoptFirewall(cfg netif.FirewallConfig) (engine.Firewall, error) {
	f, err := netif.AdoptFirewall(cfg)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// vmacs opens netif's VMACs.
type vmacs struct{}

func (vmacs) OpenVMACs() (engine.VMACLinks, error) {
	v, err := netif.OpenVMACs()
	if err != nil {
		return nil, err
	}
	return v, nil
}

func (vmacs) AdoptVMACs(s netif.VMACsSaved) (engine.VMACLinks, error) {
	v, err := netif.AdoptVMACs(s)
	if err != nil {
		return nil, err
	}
	return v, nil
}

// Sysctls reads and writes the files under Root ("/proc/sys").
type Sysctls struct{ Root string }

// Get returns the setting's value without its trailing newline.
func (s Sysctls) Get(name string) (string, error) {
	b, err := os.ReadFile(filepath.Join(s.Root, name))
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

// Set writes value to the setting.
func (s Sysctls) Set(name, value string) error {
	return os.WriteFile(filepath.Join(s.Root, name), []byte(value), 0o644)
}

// fifos opens script's FIFOs.
type fifos struct{}

func (fifos) Open(cfg script.FIFOConfig) (engine.FIFO, error) {
	f, err := script.OpenFIFO(cfg)
	if err != nil {
		return nil, err
	}
	return f, nil
}
