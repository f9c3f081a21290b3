package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"text/template"
	"time"
)

// protocol is one VRRP variant under test.
type protocol struct {
	Version   int
	AdvertInt time.Duration
}

func (p protocol) String() string {
	return fmt.Sprintf("VRRPv%d advert_int %v", p.Version, p.AdvertInt.Seconds())
}

// skew is the Skew_Time of a backup of priority prio: RFC 3768 6.1
// (256-prio)/256 s for v2, RFC 5798 6.1 (256-prio)*interval/256 for v3.
func (p protocol) skew(prio int) time.Duration {
	if p.Version == 2 {
		return time.Duration(256-prio) * time.Second / 256
	}
	return time.Duration(256-prio) * p.AdvertInt / 256
}

// masterDown is the Master_Down_Interval of a backup of priority prio.
func (p protocol) masterDown(prio int) time.Duration {
	return 3*p.AdvertInt + p.skew(prio)
}

// routerConf is one router's keepalived.conf: the user's shape (one
// instance on eth0, one VIP, PASS authentication for VRRPv2) with an
// optional health check of the user's kind.
type routerConf struct {
	State    string
	Priority int
	VRID     int
	Proto    protocol
	VIP      string
	Check    string // script path: track it with interval 1, fall 2, weight -50
}

var confTemplate = template.Must(template.New("conf").Parse(`global_defs {
    router_id gl_bench
}
{{if .Check}}
vrrp_script chk {
    script "{{.Check}}"
    interval 1
    timeout 1
    fall 2
    rise 2
    weight -50
}
{{end}}
vrrp_instance VI_1 {
    state {{.State}}
    interface eth0
    virtual_router_id {{.VRID}}
    priority {{.Priority}}
    version {{.Proto.Version}}
    advert_int {{.AdvertInt}}
{{- if eq .Proto.Version 2}}
    authentication {
        auth_type PASS
        auth_pass 11111
    }
{{- end}}
    virtual_ipaddress {
        {{.VIP}}
    }
{{- if .Check}}
    track_script {
        chk
    }
{{- end}}
}
`))

// AdvertInt is advert_int as written in the file.
func (c routerConf) AdvertInt() string {
	return fmt.Sprintf("%g", c.Proto.AdvertInt.Seconds())
}

func (c routerConf) render() (string, error) {
	var b bytes.Buffer
	if err := confTemplate.Execute(&b, c); err != nil {
		return "", fmt.Errorf("render config: %w", err)
	}
	return b.String(), nil
}

// checkScript fails while the flag file "fail" next to it exists.
const checkScript = `#!/bin/sh
[ -e "$(dirname "$0")/fail" ] && exit 1
exit 0
`

// writeCheck writes the check script into dir and returns its path and
// the flag file that makes it fail.
func writeCheck(dir string) (script, flag string, err error) {
	script = filepath.Join(dir, "chk.sh")
	if err := os.WriteFile(script, []byte(checkScript), 0o755); err != nil {
		return "", "", fmt.Errorf("write %s: %w", script, err)
	}
	if err := os.Chmod(script, 0o755); err != nil {
		return "", "", fmt.Errorf("chmod %s: %w", script, err)
	}
	return script, filepath.Join(dir, "fail"), nil
}
