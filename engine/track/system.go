package track

import (
	"net/netip"

	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/script"
)

// System is the real host side: links and addresses through addrs, the
// files by inotify, the processes from /proc and the checks as
// processes.
func System(addrs *netif.Addrs) OS {
	return OS{Links: systemLinks{addrs}, Files: systemFiles{}, Processes: netif.ProcFS{}, Checks: systemChecks{}}
}

type systemLinks struct{ a *netif.Addrs }

func (l systemLinks) Link(ifname string) (netif.LinkState, error) { return l.a.Link(ifname) }

func (l systemLinks) HasAddr(ifname string, a netip.Addr) bool {
	return netif.InterfaceHasAddr(ifname, a)
}

func (l systemLinks) Watch() (LinkWatch, error) {
	w, err := l.a.Watch()
	if err != nil {
		return nil, err
	}
	return w, nil
}

type systemFiles struct{}

func (systemFiles) Init(path string, value int, overwrite, reload bool) error {
	return netif.InitTrackFile(path, value, overwrite, reload)
}

func (systemFiles) Watch(paths map[string]string) (FileWatch, map[string]error, error) {
	w, dropped, err := netif.WatchFiles(paths)
	if err != nil {
		return nil, nil, err
	}
	return w, dropped, nil
}

type systemChecks struct{}

func (systemChecks) NewCheck(cfg script.CheckConfig) (Check, error) {
	c, err := script.NewCheck(cfg)
	if err != nil {
		return nil, err
	}
	return c, nil
}
