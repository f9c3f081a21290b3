package main

import (
	"bytes"
	"fmt"
	"net/netip"
	"text/template"
)

// fleetConf is a keepalived.conf with many instances: the resource,
// spurious-transition and config-test scenarios. Instance i (from 0)
// goes on interface Ifaces[i%len(Ifaces)] with VRID i/len(Ifaces)+1, so
// that VRIDs stay unique per interface, and virtual address fleetVIP(i).
type fleetConf struct {
	State    string
	Priority int
	N        int
	Proto    protocol
	Ifaces   []string
	Script   string // when set: one vrrp_script per instance running it, tracked by the instance
	Global   string // extra global_defs lines (faults: notify_fifo)
	Extra    string // extra lines in every instance (faults: notify)
}

// fleetInst is one rendered instance.
type fleetInst struct {
	Name, Iface string
	VRID        int
	VIP         netip.Addr
}

// maxVRID is the largest VRID (RFC 3768 / 5798 5.2.3: 1..255); the
// benchmark keeps to 250 per interface.
const maxFleetVRID = 250

// maxFleetSize is the largest fleet the lab takes: four interfaces.
const maxFleetSize = 4 * maxFleetVRID

// fleetVIP is instance i's virtual address: 198.51.100.1-250, then
// 192.0.2.100-254 (below .100 are the lab's hosts), then again from the
// start. The period, 405, is odd, so that an address comes back only on
// another interface of a fleet spread over two or four (keepalived and
// goalived accept a repeated address in different instances without a
// message).
func fleetVIP(i int) netip.Addr {
	k := i % fleetVIPs
	if k < maxFleetVRID {
		return netip.AddrFrom4([4]byte{198, 51, 100, byte(k + 1)})
	}
	return netip.AddrFrom4([4]byte{192, 0, 2, byte(100 + k - maxFleetVRID)})
}

// fleetVIPs is how many distinct addresses fleetVIP hands out.
const fleetVIPs = maxFleetVRID + 155

// fleetIfaces are the interfaces a fleet of n instances spreads over:
// eth0 alone up to maxFleetVRID instances, then eth0..eth(k-1) with at
// most maxFleetVRID VRIDs on each.
func fleetIfaces(n int) []string {
	k := max((n+maxFleetVRID-1)/maxFleetVRID, 1)
	out := make([]string, k)
	for i := range out {
		out[i] = fmt.Sprintf("eth%d", i)
	}
	return out
}

// instances lists the instances, or fails when an interface would need
// more than maxFleetVRID VRIDs.
func (c fleetConf) instances() ([]fleetInst, error) {
	if len(c.Ifaces) == 0 {
		return nil, fmt.Errorf("fleet config: no interfaces")
	}
	if c.N < 1 || (c.N+len(c.Ifaces)-1)/len(c.Ifaces) > maxFleetVRID {
		return nil, fmt.Errorf("fleet config: %d instances on %d interface(s): want 1..%d per interface",
			c.N, len(c.Ifaces), maxFleetVRID)
	}
	out := make([]fleetInst, c.N)
	for i := range out {
		out[i] = fleetInst{
			Name:  fmt.Sprintf("VI_%d", i+1),
			Iface: c.Ifaces[i%len(c.Ifaces)],
			VRID:  i/len(c.Ifaces) + 1,
			VIP:   fleetVIP(i),
		}
	}
	return out, nil
}

var fleetTemplate = template.Must(template.New("fleet").Parse(`global_defs {
    router_id gl_bench
{{- if .C.Global}}
{{.C.Global}}
{{- end}}
{{- if .C.Script}}
    enable_script_security
    script_user root
{{- end}}
}
{{range .Insts}}{{if $.C.Script}}
vrrp_script chk_{{.Name}} {
    script "{{$.C.Script}}"
    interval 1
    fall 2
    rise 2
}
{{end}}
vrrp_instance {{.Name}} {
    state {{$.C.State}}
    interface {{.Iface}}
    virtual_router_id {{.VRID}}
    priority {{$.C.Priority}}
    version {{$.C.Proto.Version}}
    advert_int {{$.AdvertInt}}
{{- if eq $.C.Proto.Version 2}}
    authentication {
        auth_type PASS
        auth_pass 11111
    }
{{- end}}
    virtual_ipaddress {
        {{.VIP}}/32
    }
{{- if $.C.Extra}}
{{$.C.Extra}}
{{- end}}
{{- if $.C.Script}}
    track_script {
        chk_{{.Name}}
    }
{{- end}}
}
{{end}}`))

func (c fleetConf) render() (string, error) {
	insts, err := c.instances()
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	data := struct {
		C         fleetConf
		Insts     []fleetInst
		AdvertInt string
	}{c, insts, fmt.Sprintf("%g", c.Proto.AdvertInt.Seconds())}
	if err := fleetTemplate.Execute(&b, data); err != nil {
		return "", fmt.Errorf("render fleet config: %w", err)
	}
	return b.String(), nil
}
