package parser

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/goalived/goalived/parser/syntax"
)

// arg returns argument i of s, or "" and false.
func arg(s *syntax.Stmt, i int) (string, bool) {
	if i >= len(s.Args) {
		return "", false
	}
	return s.Args[i].Text, true
}

// argPos is the position of argument i, or of the keyword when absent.
func argPos(s *syntax.Stmt, i int) syntax.Pos {
	if i < len(s.Args) {
		return s.Args[i].Pos
	}
	return s.Pos
}

// words returns the argument texts.
func words(s *syntax.Stmt) []string {
	if len(s.Args) == 0 {
		return nil
	}
	out := make([]string, len(s.Args))
	for i, a := range s.Args {
		out[i] = a.Text
	}
	return out
}

// parseInt parses a decimal integer as strtol does under -t: optional
// leading blanks and sign, nothing after the digits.
func parseInt(text string) (int, error) {
	t := strings.TrimLeft(text, " \t")
	if t == "" {
		return 0, fmt.Errorf("invalid number '%s'", text)
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("invalid number '%s'", text)
	}
	return int(n), nil
}

// intArg reads argument i as an integer in [lo, hi]. On any problem it
// reports a warning and returns ok=false.
func (b *builder) intArg(s *syntax.Stmt, i, lo, hi int) (int, bool) {
	n, ok := b.intArgAny(s, i)
	if !ok {
		return 0, false
	}
	if n < lo || n > hi {
		b.warnf(argPos(s, i), s.Keyword, "number '%s' outside range [%d, %d]", s.Args[i].Text, lo, hi)
		return n, false
	}
	return n, true
}

// intArgAny reads argument i as an integer without range check.
func (b *builder) intArgAny(s *syntax.Stmt, i int) (int, bool) {
	text, ok := arg(s, i)
	if !ok {
		b.warnf(s.Pos, s.Keyword, "missing value")
		return 0, false
	}
	n, err := parseInt(text)
	if err != nil {
		b.warnf(argPos(s, i), s.Keyword, "%v", err)
		return 0, false
	}
	return n, true
}

var errDecimal = errors.New("invalid decimal")

// parseDecimal parses a non-negative decimal number with at most digits
// fractional digits, returned in units of 10^-digits. More digits are
// rounded and reported through rounded.
func parseDecimal(text string, digits int) (units int64, rounded bool, err error) {
	t := strings.TrimLeft(text, " \t")
	whole, frac, hasDot := strings.Cut(t, ".")
	if whole == "" && (!hasDot || frac == "") {
		return 0, false, errDecimal
	}
	if !allDigits(whole) || !allDigits(frac) || len(whole) > 12 {
		return 0, false, errDecimal
	}
	var w int64
	if whole != "" {
		w, _ = strconv.ParseInt(whole, 10, 64)
	}
	scale := int64(1)
	for range digits {
		scale *= 10
	}
	var f int64
	if len(frac) > digits {
		rounded = true
		roundUp := frac[digits] >= '5'
		frac = frac[:digits]
		defer func() {
			if roundUp {
				units++
			}
		}()
	}
	if frac != "" {
		f, _ = strconv.ParseInt(frac+strings.Repeat("0", digits-len(frac)), 10, 64)
	}
	return w*scale + f, rounded, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// timerArg reads argument i as a TIMER (decimal seconds) with the given
// number of fractional digits (6 = µs, 3 = ms) and range [lo, hi].
func (b *builder) timerArg(s *syntax.Stmt, i, digits int, lo, hi time.Duration) (time.Duration, bool) {
	text, ok := arg(s, i)
	if !ok {
		b.warnf(s.Pos, s.Keyword, "missing value")
		return 0, false
	}
	units, rounded, err := parseDecimal(text, digits)
	if err != nil {
		b.warnf(argPos(s, i), s.Keyword, "invalid number '%s'", text)
		return 0, false
	}
	unit := time.Second
	for range digits {
		unit /= 10
	}
	d := time.Duration(units) * unit
	if rounded {
		b.warnf(argPos(s, i), s.Keyword, "number '%s' has too many decimal places, using %s", text, d)
	}
	if d < lo || d > hi {
		b.warnf(argPos(s, i), s.Keyword, "number '%s' outside range [%s, %s]", text, fmtSecs(lo), fmtSecs(hi))
		return d, false
	}
	return d, true
}

// fmtSecs prints a duration as decimal seconds, as in the configuration.
func fmtSecs(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
}

// secondsArg reads an integer number of seconds in [lo, hi].
func (b *builder) secondsArg(s *syntax.Stmt, i, lo, hi int) (time.Duration, bool) {
	n, ok := b.intArg(s, i, lo, hi)
	return time.Duration(n) * time.Second, ok
}

// boolArg reads an optional <BOOL> at argument i: absent means true.
func (b *builder) boolArg(s *syntax.Stmt, i int) (bool, bool) {
	text, ok := arg(s, i)
	if !ok {
		return true, true
	}
	switch text {
	case "on", "true", "yes":
		return true, true
	case "off", "false", "no":
		return false, true
	}
	b.warnf(argPos(s, i), s.Keyword, "invalid boolean '%s', expected on|off|true|false|yes|no", text)
	return false, false
}

// addrArg reads argument i as an IP address.
func (b *builder) addrArg(s *syntax.Stmt, i int) (netip.Addr, bool) {
	text, ok := arg(s, i)
	if !ok {
		b.warnf(s.Pos, s.Keyword, "missing address")
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(text)
	if err != nil || a.Zone() != "" && a.Is4() {
		b.warnf(argPos(s, i), s.Keyword, "invalid address '%s'", text)
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// strArg reads argument i as a required string.
func (b *builder) strArg(s *syntax.Stmt, i int) (string, bool) {
	text, ok := arg(s, i)
	if !ok || text == "" {
		b.warnf(s.Pos, s.Keyword, "missing value")
		return "", false
	}
	return text, true
}

// extraWords notes the words after the n a keyword takes. keepalived
// ignores them without a word ("virtual_router_id 51 priority 200" sets
// only the VRID); goalived never ignores part of a line silently, but
// as a note, which changes the -t status only under --strict.
func (b *builder) extraWords(s *syntax.Stmt, n int) {
	if len(s.Args) <= n {
		return
	}
	b.notef(s.Args[n].Pos, s.Keyword, "extra words after '%s' ignored: %s", s.Keyword, strings.Join(words(s)[n:], " "))
}

// fixed wraps handler h of a keyword that takes at most n words.
func fixed[T any](n int, h handler[T]) handler[T] {
	return func(b *builder, s *syntax.Stmt, t T) {
		h(b, s, t)
		b.extraWords(s, n)
	}
}
