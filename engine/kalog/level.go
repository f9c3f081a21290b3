package kalog

import (
	"log/slog"
	"log/syslog"
)

// Levels beyond slog's own, for keepalived's kinds of lines.
const (
	// LevelDetail is a line keepalived writes only with -D
	// (LOG_DETAIL_BIT), at syslog severity LOG_INFO.
	LevelDetail = slog.LevelDebug
	// LevelExtraDetail is a line keepalived writes only with -DD
	// (LOG_EXTRA_DETAIL_BIT), at syslog severity LOG_INFO.
	LevelExtraDetail = LevelDetail - 1
	// LevelAlert is a LOG_ALERT line (keepalived: a notify script that
	// cannot be executed).
	LevelAlert = slog.LevelError + 4
)

// DetailLevel is the lowest level logged for the number of -D options
// given: Info without, LevelDetail with one, LevelExtraDetail with two,
// everything with more.
func DetailLevel(d int) slog.Level {
	switch d {
	case 0:
		return slog.LevelInfo
	case 1:
		return LevelDetail
	case 2:
		return LevelExtraDetail
	}
	return LevelExtraDetail - 8
}

// severity is the syslog severity of a record of level l.
func severity(l slog.Level) syslog.Priority {
	switch {
	case l >= LevelAlert:
		return syslog.LOG_ALERT
	case l >= slog.LevelError:
		return syslog.LOG_ERR
	case l >= slog.LevelWarn:
		return syslog.LOG_WARNING
	}
	return syslog.LOG_INFO
}

// levelName names the levels slog does not know, for the text and JSON
// formats.
func levelName(l slog.Level) string {
	switch l {
	case LevelAlert:
		return "ALERT"
	case LevelExtraDetail:
		return "DEBUG-1"
	}
	return l.String()
}
