package engine

import (
	"strings"
	"testing"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/script"
)

func TestFIFOConfigs(t *testing.T) {
	cmds := newCommands(config.GlobalDefs{}, script.System{})
	tests := []struct {
		name      string
		g         config.GlobalDefs
		paths     []string
		readers   int
		warn, err string
	}{
		{"none", config.GlobalDefs{}, nil, 0, "", ""},
		{"both", config.GlobalDefs{NotifyFIFO: &config.FIFO{Path: "/run/a"}, VRRPNotifyFIFO: &config.FIFO{Path: "/run/b"}},
			[]string{"/run/a", "/run/b"}, 0, "", ""},
		{"same path: vrrp one ignored", config.GlobalDefs{NotifyFIFO: &config.FIFO{Path: "/run/a"}, VRRPNotifyFIFO: &config.FIFO{Path: "/run/a"}},
			[]string{"/run/a"}, 0, "same as notify_fifo", ""},
		{"reader script", config.GlobalDefs{VRRPNotifyFIFO: &config.FIFO{Path: "/run/b", Script: &config.Command{Cmd: "/bin/cat", Argv: []string{"/bin/cat"}}}},
			[]string{"/run/b"}, 1, "", ""},
		{"missing reader disables that fifo only", config.GlobalDefs{
			NotifyFIFO:     &config.FIFO{Path: "/run/a", Script: &config.Command{Cmd: "/no/such/reader", Argv: []string{"/no/such/reader"}}},
			VRRPNotifyFIFO: &config.FIFO{Path: "/run/b"}},
			[]string{"/run/b"}, 0, "", "notify fifo /run/a: reader"},
		{"unknown owner", config.GlobalDefs{NotifyFIFO: &config.FIFO{Path: "/run/a", User: "no-such-user-gl"}},
			nil, 0, "", "notify fifo /run/a"},
	}
	for _, tc := range tests {
		cfgs, warns, err := fifoConfigs(tc.g, cmds)
		var paths []string
		readers := 0
		for _, c := range cfgs {
			paths = append(paths, c.Path)
			if c.Reader != nil {
				readers++
			}
		}
		if strings.Join(paths, ",") != strings.Join(tc.paths, ",") || readers != tc.readers {
			t.Errorf("%s: paths %v readers %d, want %v %d", tc.name, paths, readers, tc.paths, tc.readers)
		}
		if w := strings.Join(warns, "\n"); tc.warn == "" && w != "" || !strings.Contains(w, tc.warn) {
			t.Errorf("%s: warnings %q, want %q", tc.name, w, tc.warn)
		}
		if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%s: err %v, want %q", tc.name, err, tc.err)
		}
	}
}
