package kalog

import (
	"bytes"
	"context"
	"log/slog"
	"log/syslog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// at is the time of every test record: Monday 7 December 2026, a day of
// one digit, which keepalived's console pads with a space and its log
// file with a zero.
var at = time.Date(2026, 12, 7, 9, 8, 41, 123456789, time.Local)

// outputs is one handler's console, files and syslog, captured.
type outputs struct {
	console, parentFile, vrrpFile bytes.Buffer
	syslog                        *listener
}

func newOutputs(t *testing.T, f Format, level slog.Leveler) (*outputs, slog.Handler) {
	out := &outputs{syslog: listen(t, "unixgram")}
	h := NewHandler(Options{Format: f, Level: level, Console: &out.console, ParentFile: &out.parentFile,
		VRRPFile: &out.vrrpFile, Syslog: NewSyslog(out.syslog.path, syslog.LOG_LOCAL3)})
	return out, h
}

// log hands h a record of time at, as slog.Logger would.
func log(t *testing.T, h slog.Handler, l slog.Level, msg string, attrs ...any) {
	t.Helper()
	if !h.Enabled(context.Background(), l) {
		return
	}
	r := slog.NewRecord(at, l, msg, 0)
	r.Add(attrs...)
	if err := h.Handle(context.Background(), r); err != nil {
		t.Fatalf("handle %q: %v", msg, err)
	}
}

func lines(b *bytes.Buffer) []string {
	return strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
}

// TestKeepalivedFormat checks the three places keepalived 2.2.7 writes a
// line to, with the prefixes observed (console) and read in lib/logger.c
// (file), and the parent/VRRP split.
func TestKeepalivedFormat(t *testing.T) {
	out, h := newOutputs(t, Keepalived, DetailLevel(0))
	vrrp := slog.New(h).With("instance", "VI_1")
	parent := slog.New(h).With(Parent)
	log(t, parent.Handler(), slog.LevelInfo, "Starting Keepalived v2.2.7 (01/16,2022)")
	log(t, vrrp.Handler(), slog.LevelInfo, "(VI_1) Entering MASTER STATE", "reason", "master_down_timer")
	log(t, vrrp.Handler(), LevelDetail, "(VI_1) setting VIPs.")
	log(t, h, slog.LevelInfo, "Stopping", Parent)
	log(t, h, LevelAlert, "Error exec-ing command '/x.sh', error 2: No such file or directory")

	wantConsole := []string{
		"Mon Dec  7 09:08:41 2026: Starting Keepalived v2.2.7 (01/16,2022)",
		"Mon Dec  7 09:08:41 2026: (VI_1) Entering MASTER STATE",
		"Mon Dec  7 09:08:41 2026: Stopping",
		"Mon Dec  7 09:08:41 2026: Error exec-ing command '/x.sh', error 2: No such file or directory",
	}
	if diff := cmp.Diff(wantConsole, lines(&out.console)); diff != "" {
		t.Errorf("console (-want +got):\n%s", diff)
	}
	wantParent := []string{
		"Mon Dec 07 09:08:41.123456789 2026: Starting Keepalived v2.2.7 (01/16,2022)",
		"Mon Dec 07 09:08:41.123456789 2026: Stopping",
	}
	if diff := cmp.Diff(wantParent, lines(&out.parentFile)); diff != "" {
		t.Errorf("parent's log file (-want +got):\n%s", diff)
	}
	wantVRRP := []string{
		"Mon Dec 07 09:08:41.123456789 2026: (VI_1) Entering MASTER STATE",
		"Mon Dec 07 09:08:41.123456789 2026: Error exec-ing command '/x.sh', error 2: No such file or directory",
	}
	if diff := cmp.Diff(wantVRRP, lines(&out.vrrpFile)); diff != "" {
		t.Errorf("VRRP log file (-want +got):\n%s", diff)
	}
	pid := pidString()
	// local3 is facility 19: 19*8 + severity.
	wantSyslog := []string{
		"<158>Dec  7 09:08:41 Keepalived[" + pid + "]: Starting Keepalived v2.2.7 (01/16,2022)",
		"<158>Dec  7 09:08:41 Keepalived_vrrp[" + pid + "]: (VI_1) Entering MASTER STATE",
		"<158>Dec  7 09:08:41 Keepalived[" + pid + "]: Stopping",
		"<153>Dec  7 09:08:41 Keepalived_vrrp[" + pid + "]: Error exec-ing command '/x.sh', error 2: No such file or directory",
	}
	if diff := cmp.Diff(wantSyslog, out.syslog.read(t, len(wantSyslog))); diff != "" {
		t.Errorf("syslog (-want +got):\n%s", diff)
	}
}

// TestDetailLevels checks that -D adds keepalived's detail lines and -DD
// its extra detail, and that both go to syslog as LOG_INFO as keepalived's
// do.
func TestDetailLevels(t *testing.T) {
	for _, tc := range []struct {
		d    int
		want []string
	}{
		{0, []string{"info"}},
		{1, []string{"info", "detail"}},
		{2, []string{"info", "detail", "extra"}},
	} {
		out, h := newOutputs(t, Keepalived, DetailLevel(tc.d))
		log(t, h, slog.LevelInfo, "info")
		log(t, h, LevelDetail, "detail")
		log(t, h, LevelExtraDetail, "extra")
		var got []string
		for _, l := range lines(&out.console) {
			got = append(got, strings.TrimPrefix(l, "Mon Dec  7 09:08:41 2026: "))
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("-D x%d: console (-want +got):\n%s", tc.d, diff)
		}
		for _, l := range out.syslog.read(t, len(tc.want)) {
			if !strings.HasPrefix(l, "<158>") {
				t.Errorf("-D x%d: syslog line %q is not LOG_LOCAL3|LOG_INFO", tc.d, l)
			}
		}
	}
}

// TestSeverities checks the syslog severity of each level.
func TestSeverities(t *testing.T) {
	for _, tc := range []struct {
		level slog.Level
		want  syslog.Priority
	}{
		{LevelExtraDetail, syslog.LOG_INFO},
		{LevelDetail, syslog.LOG_INFO},
		{slog.LevelInfo, syslog.LOG_INFO},
		{slog.LevelWarn, syslog.LOG_WARNING},
		{slog.LevelError, syslog.LOG_ERR},
		{LevelAlert, syslog.LOG_ALERT},
	} {
		if got := severity(tc.level); got != tc.want {
			t.Errorf("severity(%v) = %d, want %d", tc.level, got, tc.want)
		}
	}
}

// TestStructuredFormats checks that text and JSON carry the attributes
// (also those of With and WithGroup) and not the Parent marker, and that
// the parent's lines still go to the parent's ident.
func TestStructuredFormats(t *testing.T) {
	for _, tc := range []struct {
		f    Format
		want []string
	}{
		{Text, []string{
			`level=INFO msg="Starting Keepalived v2.2.7 (01/16,2022)"`,
			`level=INFO msg="(VI_1) Entering MASTER STATE" instance=VI_1 reason=master_down_timer`,
			`level=DEBUG msg="(VI_1) setting VIPs." instance=VI_1 vips.count=1`,
			`level=ALERT msg=exec err=missing`,
		}},
		{JSON, []string{
			`"level":"INFO","msg":"Starting Keepalived v2.2.7 (01/16,2022)"}`,
			`"level":"INFO","msg":"(VI_1) Entering MASTER STATE","instance":"VI_1","reason":"master_down_timer"}`,
			`"level":"DEBUG","msg":"(VI_1) setting VIPs.","instance":"VI_1","vips":{"count":1}}`,
			`"level":"ALERT","msg":"exec","err":"missing"}`,
		}},
	} {
		t.Run(tc.f.String(), func(t *testing.T) {
			out, h := newOutputs(t, tc.f, DetailLevel(1))
			vrrp := slog.New(h).With("instance", "VI_1")
			log(t, slog.New(h).With(Parent).Handler(), slog.LevelInfo, "Starting Keepalived v2.2.7 (01/16,2022)")
			log(t, vrrp.Handler(), slog.LevelInfo, "(VI_1) Entering MASTER STATE", "reason", "master_down_timer")
			log(t, vrrp.WithGroup("vips").Handler(), LevelDetail, "(VI_1) setting VIPs.", "count", 1)
			log(t, h, LevelAlert, "exec", "err", "missing")
			var got []string
			for _, l := range lines(&out.console) {
				got = append(got, stripTime(t, l))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("console (-want +got):\n%s", diff)
			}
			if n := len(lines(&out.parentFile)); n != 1 {
				t.Errorf("parent's file has %d lines, want 1:\n%s", n, out.parentFile.String())
			}
			sys := out.syslog.read(t, 4)
			if !strings.Contains(sys[0], " Keepalived["+pidString()+"]: ") || !strings.Contains(sys[1], " Keepalived_vrrp[") {
				t.Errorf("syslog idents: %q", sys)
			}
		})
	}
}

// stripTime removes the time attribute the structured handlers start
// their lines with.
func stripTime(t *testing.T, l string) string {
	t.Helper()
	if rest, ok := strings.CutPrefix(l, "time="); ok {
		_, after, _ := strings.Cut(rest, " ")
		return after
	}
	if rest, ok := strings.CutPrefix(l, `{"time":`); ok {
		_, after, _ := strings.Cut(rest, ",")
		return after
	}
	t.Fatalf("line without a time: %q", l)
	return ""
}

func TestParseFormat(t *testing.T) {
	for _, f := range []Format{Keepalived, Text, JSON} {
		got, err := ParseFormat(f.String())
		if err != nil || got != f {
			t.Errorf("ParseFormat(%q) = %v, %v", f.String(), got, err)
		}
	}
	if _, err := ParseFormat("logfmt"); err == nil || !strings.Contains(err.Error(), `"logfmt"`) {
		t.Errorf("ParseFormat(logfmt): error %v, want one naming the value", err)
	}
}
