package dump

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

// DataFileName is keepalived 2.2.7's name of the data dump file name
// (DataFile or ParentDataFile), observed: "keepalived.NETNS_INSTANCE.data"
// with only the names that are set ("keepalived.NETNS.data",
// "keepalived.INSTANCE.data"), and name itself when neither is or
// data_use_instance is off. The stats and JSON files never change.
func DataFileName(name string, useInstance bool, netns, instance string) string {
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
