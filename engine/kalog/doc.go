// Package kalog writes goalived's log where and how keepalived 2.2.7
// writes its own, so that the grep lines of runbooks, alert rules and log
// dashboards written for keepalived keep matching after a migration.
//
// The daemon logs through log/slog. A record's message is the line
// keepalived would write ("(VI_1) Entering MASTER STATE"); its attributes
// carry the same facts as fields (instance=VI_1 ...). NewHandler turns the
// records into one of three formats:
//
//   - Keepalived (the default of goalived): the message alone, as keepalived
//     writes it; attributes are not printed. On the console (-l with -n)
//     each line is prefixed with strftime's "%c: " in the C locale
//     ("Mon Dec  7 09:08:41 2026: "), in a log file (-g) with
//     "%a %b %d %T.%9N %Y: " ("Mon Dec 07 09:08:41.123456789 2026: "),
//     and syslog gets the bare message.
//   - Text and JSON: slog's own handlers, for operators who want fields.
//
// keepalived 2.2.7 is two processes: the parent writes the banner, the
// reload and stop lines under the syslog ident "Keepalived", the VRRP child
// everything about instances under "Keepalived_vrrp" (and with -g, into a
// file whose name has "_vrrp" before the extension). goalived is one
// process; a record carrying the Parent attribute is one of the parent's
// lines and goes where keepalived's parent writes, every other record
// where its VRRP child writes.
//
// Levels. keepalived logs almost everything at LOG_INFO and adds lines with
// -D (LOG_DETAIL) and -DD (LOG_EXTRA_DETAIL). LevelDetail and
// LevelExtraDetail are those lines; Info, Warn and Error map to LOG_INFO,
// LOG_WARNING and LOG_ERR, LevelAlert to LOG_ALERT. A keepalived line is
// therefore logged at the level that gives keepalived's syslog severity
// (nearly always Info, Detail with -D), whatever its gravity; goalived's
// own lines may use Warn and Error.
package kalog
