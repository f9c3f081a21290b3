package engine

import (
	"path/filepath"
	"strings"
)

// The data dump files keepalived 2.2.7 writes on SIGUSR1: the VRRP
// child's and the parent's.
const (
	DataFile       = "keepalived.data"
	ParentDataFile = "keepalived_parent.data"
)

// DataFileName is the name under which name (DataFile or ParentDataFile)
// is written. With data_use_instance keepalived puts its network
// namespace (-s, net_namespace) and instance name (the instance keyword)
// before the extension; goalived has neither (run it under ip netns exec,
// which keepalived does not see either), so the names stay as they are,
// as keepalived's do without them. The stats and JSON files never change.
func (e *Engine) DataFileName(name string) string {
	e.mu.Lock()
	use := e.cfg.Global.DataUseInstance
	e.mu.Unlock()
	return dataFileName(name, use, "", "")
}

// dataFileName is keepalived 2.2.7's data dump file name (observed):
// "keepalived.NETNS_INSTANCE.data", with only the names that are set
// ("keepalived.NETNS.data", "keepalived.INSTANCE.data"), and name itself
// when neither is or data_use_instance is off.
func dataFileName(name string, useInstance bool, netns, instance string) string {
	var parts []string
	for _, p := range []string{netns, instance} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	if !useInstance || len(parts) == 0 {
		return name
	}
	ext := filepath.Ext(name)
	return strings.TrimSuffix(name, ext) + "." + strings.Join(parts, "_") + ext
}
