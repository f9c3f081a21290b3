package engine

import (
	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/vrrp"
)

// usesAH reports whether the instance speaks keepalived's IPsec-AH
// (auth_type AH): its adverts are IP protocol 51 and go through a socket
// of their own. The parser has already dropped AH where keepalived
// ignores it (VRRPv3, IPv6, strict mode).
func usesAH(pin *config.Instance) bool {
	return pin.Auth != nil && pin.Version == 2 && pin.Auth.Type == "AH"
}

// authConfig sets the VRRPv2 authentication of c: the type and the 8
// key bytes, which are the PASS password or the AH HMAC key.
func authConfig(pin *config.Instance, c *vrrp.Config) {
	if pin.Auth == nil || pin.Version != 2 {
		return
	}
	switch pin.Auth.Type {
	case "PASS":
		c.AuthType = vrrp.AuthPass
	case "AH":
		c.AuthType = vrrp.AuthAH
	default:
		return
	}
	c.AuthPass = pin.Auth.Key()
}
