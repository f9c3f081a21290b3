package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"text/template"
)

// nodeConf is one router of the demo: the user's KDC configuration
// (seed-example.md) with the demo's addresses and a faster check.
type nodeConf struct {
	RouterID string
	State    string // MASTER or BACKUP
	Priority int
	VIP      string
	Dir      string // holds chk.sh, notify.sh, the flag file and the logs
}

// confTemplate keeps the user's shape: vrrp_script with interval,
// timeout, fall, rise and weight -50, VRRPv2 with auth_type PASS and
// advert_int 1, one VIP, a track_script and a notify script.
var confTemplate = template.Must(template.New("conf").Parse(`global_defs {
   router_id {{.RouterID}}
}

vrrp_script chk_kinit {
    script "{{.Dir}}/chk.sh"    # fails while {{.Dir}}/fail exists
    interval 1
    timeout 1
    weight -50
    rise 2
    fall 2
}

vrrp_instance VI_1 {
    state {{.State}}
    interface eth0
    virtual_router_id 69
    priority {{.Priority}}
    advert_int 1

    authentication {
        auth_type PASS
        auth_pass 11111
    }

    virtual_ipaddress {
        {{.VIP}}
    }

    track_script {
        chk_kinit
    }

    notify {{.Dir}}/notify.sh
}
`))

// checkScript stands for chk_kinit.sh: it fails while the flag file exists.
const checkScript = `#!/bin/sh
[ -e "$(dirname "$0")/fail" ] && exit 1
exit 0
`

// notifyScript stands for notify.sh: instead of alerting it appends the
// time and its arguments (TYPE NAME STATE PRIORITY) to notify.log.
const notifyScript = `#!/bin/sh
echo "$(date +%s.%N) $*" >> "$(dirname "$0")/notify.log"
`

func (c nodeConf) render() (string, error) {
	var b bytes.Buffer
	if err := confTemplate.Execute(&b, c); err != nil {
		return "", fmt.Errorf("render config of %s: %w", c.RouterID, err)
	}
	return b.String(), nil
}

// Paths inside a node's directory.
func (c nodeConf) confPath() string   { return filepath.Join(c.Dir, "keepalived.conf") }
func (c nodeConf) flagPath() string   { return filepath.Join(c.Dir, "fail") }
func (c nodeConf) notifyLog() string  { return filepath.Join(c.Dir, "notify.log") }
func (c nodeConf) statusPath() string { return filepath.Join(c.Dir, "status") }
func (c nodeConf) logPath() string    { return filepath.Join(c.Dir, "goalived.log") }

// write creates the node's directory with its configuration and scripts.
// The directory and scripts are root-owned and not group/world writable,
// which keepalived's script security checks ask for.
func (c nodeConf) write() error {
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return fmt.Errorf("create node directory %s: %w", c.Dir, err)
	}
	conf, err := c.render()
	if err != nil {
		return err
	}
	files := []struct {
		name, text string
		mode       os.FileMode
	}{
		{c.confPath(), conf, 0o644},
		{filepath.Join(c.Dir, "chk.sh"), checkScript, 0o755},
		{filepath.Join(c.Dir, "notify.sh"), notifyScript, 0o755},
	}
	for _, f := range files {
		if err := os.WriteFile(f.name, []byte(f.text), f.mode); err != nil {
			return fmt.Errorf("write %s: %w", f.name, err)
		}
		if err := os.Chmod(f.name, f.mode); err != nil { // not masked by the umask
			return fmt.Errorf("chmod %s: %w", f.name, err)
		}
	}
	return nil
}
