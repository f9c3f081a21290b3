package smtp

import (
	"fmt"
	"strings"
	"time"
)

// Message is one alert: what keepalived puts in the Subject header and the
// body.
type Message struct {
	Subject, Body string
}

// The states an alert is sent for, as keepalived names them.
const (
	StateMaster  = "MASTER"
	StateBackup  = "BACKUP"
	StateFault   = "FAULT"
	StateStop    = "STOP"
	StateDeleted = "DELETED"
)

// instanceTexts are keepalived 2.2.7's subjects and bodies for an
// instance (vrrp_smtp_notifier).
var instanceTexts = map[string][2]string{
	StateMaster:  {"Entering MASTER state", "=> VRRP Instance is now owning VRRP VIPs <="},
	StateBackup:  {"Entering BACKUP state", "=> VRRP Instance is no longer owning VRRP VIPs <="},
	StateFault:   {"Entering FAULT state", "=> VRRP Instance is no longer owning VRRP VIPs <="},
	StateStop:    {"Stopping", "=> VRRP Instance stopping <="},
	StateDeleted: {"Deleted", "=> VRRP Deleted at reload <="},
}

// groupTexts are those for a sync group (vrrp_sync_smtp_notifier); a
// group has no DELETED alert.
var groupTexts = map[string][2]string{
	StateMaster: {"Entering MASTER state", "=> All VRRP group instances are now in MASTER state <="},
	StateBackup: {"Entering BACKUP state", "=> All VRRP group instances are now in BACKUP state <="},
	StateFault:  {"Entering FAULT state", "=> All VRRP group instances are now in FAULT state <="},
	StateStop:   {"Stopping", "=> All VRRP group instances are now stopping <="},
}

// InstanceMessage is the alert for instance name entering state; false
// for a state keepalived sends none for.
func InstanceMessage(routerID, name, state string) (Message, bool) {
	return message(instanceTexts, "[%s] VRRP Instance %s - %s", routerID, name, state)
}

// GroupMessage is the alert for sync group name entering state.
func GroupMessage(routerID, name, state string) (Message, bool) {
	return message(groupTexts, "[%s] VRRP Group %s - %s", routerID, name, state)
}

// keepalived cuts the subject at 255 bytes and the body at 511.
const (
	maxSubject = 255
	maxBody    = 511
)

func message(texts map[string][2]string, format, routerID, name, state string) (Message, bool) {
	t, ok := texts[state]
	if !ok {
		return Message{}, false
	}
	return Message{Subject: cut(fmt.Sprintf(format, routerID, name, t[0]), maxSubject), Body: cut(t[1], maxBody)}, true
}

func cut(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// dateLayout is keepalived's strftime("%a, %d %b %Y %H:%M:%S %z").
const dateLayout = "Mon, 02 Jan 2006 15:04:05 -0700"

// data is the DATA section keepalived writes: its five headers, a blank
// line, the body and an empty last line.
func data(m Message, from string, to []string, now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Date: %s\r\nFrom: %s\r\nSubject: %s\r\nX-Mailer: Keepalived\r\nTo: %s\r\n\r\n%s\r\n\r\n",
		now.Format(dateLayout), from, m.Subject, strings.Join(to, ", "), m.Body)
	return b.String()
}
