// Package smtp sends keepalived 2.2.7's e-mail alerts: the same subject
// and body for an instance's or a sync group's new state, sent with
// net/smtp on a goroutine of its own so that a slow or absent mail server
// never delays the protocol. Each message has its own connection and one
// deadline (smtp_connect_timeout); a failure is reported to the caller's
// callback, which the daemon logs.
package smtp
