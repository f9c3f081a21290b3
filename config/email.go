package config

import "time"

// Email holds global_defs' e-mail alert keywords. keepalived 2.2.7 sends
// an alert only with at least one address and an SMTP server.
type Email struct {
	// To is the notification_email block, in order.
	To []string `json:"notification_email,omitempty"`
	// From is notification_email_from; empty when not written (the
	// daemon then uses USER@HOSTNAME, as keepalived does).
	From string `json:"notification_email_from,omitempty"`
	// Server is smtp_server as "host:port" (port 25 by default); empty
	// when not written.
	Server string `json:"smtp_server,omitempty"`
	// HeloName is smtp_helo_name; empty for the host name.
	HeloName string `json:"smtp_helo_name,omitempty"`
	// ConnectTimeout is smtp_connect_timeout (30 s by default).
	ConnectTimeout time.Duration `json:"smtp_connect_timeout"`
	// Alert and AlertVRRP are smtp_alert and smtp_alert_vrrp: nil when
	// not written. They give the default of the instances' and sync
	// groups' smtp_alert (AlertVRRP first).
	Alert     *bool `json:"smtp_alert,omitempty"`
	AlertVRRP *bool `json:"smtp_alert_vrrp,omitempty"`
	// NoFaults is no_email_faults: no alert on entering FAULT.
	NoFaults bool `json:"no_email_faults,omitempty"`
}

// DefaultSMTPConnectTimeout is keepalived 2.2.7's smtp_connect_timeout.
const DefaultSMTPConnectTimeout = 30 * time.Second

// Enabled reports whether alerts can be sent at all: keepalived 2.2.7
// sends none without an address or a server.
func (e Email) Enabled() bool { return len(e.To) > 0 && e.Server != "" }
