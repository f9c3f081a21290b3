package engine

import (
	"testing"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/vrrp"
)

// TestAuthWiring: the protocol configuration, the socket (AH has its own)
// and reload matching follow the parsed authentication.
func TestAuthWiring(t *testing.T) {
	tests := []struct {
		name     string
		auth     *config.Auth
		version  int
		wantType vrrp.AuthType
		wantAH   bool
	}{
		{"none", nil, 2, vrrp.AuthNone, false},
		{"pass", &config.Auth{Type: "PASS", Pass: "s3cret"}, 2, vrrp.AuthPass, false},
		{"ah", &config.Auth{Type: "AH", Pass: "s3cretpa"}, 2, vrrp.AuthAH, true},
		{"ah on v3 is no auth", &config.Auth{Type: "AH", Pass: "s3cretpa"}, 3, vrrp.AuthNone, false},
	}
	plain := &config.Instance{VRID: 51, Version: 2, Interface: "eth0"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pin := &config.Instance{VRID: 51, Version: tt.version, Interface: "eth0", Auth: tt.auth}
			var c vrrp.Config
			authConfig(pin, &c)
			if c.AuthType != tt.wantType {
				t.Errorf("auth type %v, want %v", c.AuthType, tt.wantType)
			}
			if tt.wantType != vrrp.AuthNone && c.AuthPass != tt.auth.Key() {
				t.Errorf("key %q, want %q", c.AuthPass, tt.auth.Key())
			}
			if got := usesAH(pin); got != tt.wantAH {
				t.Errorf("usesAH %t, want %t", got, tt.wantAH)
			}
			// A reload that turns AH on or off cannot keep the socket.
			if same := keyOf(pin) == keyOf(plain); same == tt.wantAH {
				t.Errorf("reload matches it with the plain instance: %t, want %t", same, !tt.wantAH)
			}
		})
	}
}
