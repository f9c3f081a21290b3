package syntax

import (
	"strconv"
	"strings"
)

// repeat handles a line starting with ~SEQ, ~SEQx or ~LST (add_seq,
// add_lst): the rest of the line is processed once per value with the
// variable(s) defined to that value. Nested prefixes nest, outermost
// first, because the rest of the line goes through logical() again. The
// variables stay defined afterwards, as in keepalived.
func (p *preprocessor) repeat(sp span, depth int) {
	var (
		vars   []string
		values [][]string
		rest   int
		err    string
	)
	kw := sp.text[:4]
	if kw == "~SEQ" {
		vars, values, rest, err = p.seq(sp.text)
	} else {
		vars, values, rest, err = lst(sp.text)
	}
	if err != "" {
		p.diag(p.curPos(sp.col(0)), Warning, kw, "invalid %s specification '%s': %s", kw, sp.text, err)
		return
	}
	text := sp.slice(rest, len(sp.text)).trimLeft()
	for _, vals := range values {
		if p.exhaust {
			return
		}
		for i, v := range vars {
			p.defs[v] = &definition{value: vals[i]}
		}
		p.logical(text, depth+1)
	}
}

// seq parses "~SEQ[x](var, [start, [step,]] end) text" like add_seq:
// definitions in the numbers are substituted first, numbers take C
// prefixes, and (end) counts 1..end, (start, end) steps by +-1.
func (p *preprocessor) seq(s string) (vars []string, values [][]string, rest int, err string) {
	name, hex, params, rest, err := seqHeader(s)
	if err != "" {
		return nil, nil, 0, err
	}
	if strings.Contains(params, "$") {
		sub, more, _ := p.substitute(fill(params, 0))
		if len(more) > 0 {
			return nil, nil, 0, "parameter is a multi-line definition"
		}
		params = sub.text
	}
	nums, err := seqNumbers(params)
	if err != "" {
		return nil, nil, 0, err
	}
	start, step, last := seqRange(nums)
	if step == 0 || start < last && step < 0 || start > last && step > 0 {
		return nil, nil, 0, "invalid ~SEQ values"
	}
	if hex && (start < 0 || last < 0) {
		return nil, nil, 0, "~SEQx is only valid for positive numbers"
	}
	return []string{name}, seqValues(start, step, last, hex, p.lim.Lines-p.used.lines+1), rest, ""
}

// seqHeader splits "~SEQ[x]( var , params)" into the variable, the hex
// flag, the parameter text up to and including ')' and the offset after.
func seqHeader(s string) (name string, hex bool, params string, rest int, err string) {
	i := 4
	hex = i < len(s) && s[i] == 'x'
	if hex {
		i++
	}
	i = skipBlanks(s, i)
	if i >= len(s) || s[i] != '(' {
		return "", false, "", 0, "missing '('"
	}
	i = skipBlanks(s, i+1)
	v := i
	for i < len(s) && strings.IndexByte(" \t,)", s[i]) < 0 {
		i++
	}
	name = s[v:i]
	i = skipBlanks(s, i)
	if i >= len(s) || s[i] == ')' || name == "" {
		return "", false, "", 0, "missing variable or values"
	}
	i = skipBlanks(s, i+1)
	end := strings.IndexByte(s[i:], ')')
	if end < 0 {
		return "", false, "", 0, "missing ')'"
	}
	return name, hex, s[i : i+end+1], i + end + 1, ""
}

// seqValues lists the values from start to last, at most limit of them
// (the caller's line budget reports the overflow).
func seqValues(start, step, last int64, hex bool, limit int) [][]string {
	var values [][]string
	for x := start; step > 0 && x <= last || step < 0 && x >= last; x += step {
		if len(values) >= limit {
			break
		}
		if hex {
			values = append(values, []string{strconv.FormatUint(uint64(x), 16)})
		} else {
			values = append(values, []string{strconv.FormatInt(x, 10)})
		}
		if next := x + step; (step > 0) != (next > x) {
			break // the next value would overflow
		}
	}
	return values
}

// seqNumbers reads up to three comma-separated numbers ending in ')'.
// A missing number is 0, as strtol gives.
func seqNumbers(s string) ([]int64, string) {
	var nums []int64
	for i := 0; ; {
		n, j := strtol(s, i)
		nums = append(nums, n)
		j = skipBlanks(s, j)
		switch {
		case j < len(s) && s[j] == ')':
			return nums, ""
		case len(nums) == 3 || j >= len(s) || s[j] != ',':
			return nil, "expected ',' or ')' after '" + strings.TrimSpace(s[i:j]) + "'"
		}
		i = j + 1
	}
}

// seqRange applies add_seq's defaults.
func seqRange(n []int64) (start, step, end int64) {
	switch len(n) {
	case 1:
		end, step, start = n[0], 1, 1
		if end < 1 {
			step = -1
		}
		if end < 0 {
			start = -1
		}
	case 2:
		start, end, step = n[0], n[1], 1
		if start > end {
			step = -1
		}
	default:
		start, step, end = n[0], n[1], n[2]
	}
	return start, step, end
}

// strtol reads a C integer (blanks, sign, 0x/0 prefixes) at s[i:] and
// returns it and the index after it; no digits give 0 and i.
func strtol(s string, i int) (int64, int) {
	j := skipBlanks(s, i)
	neg := false
	if j < len(s) && (s[j] == '+' || s[j] == '-') {
		neg = s[j] == '-'
		j++
	}
	base := 10
	switch {
	case j+2 < len(s) && s[j] == '0' && (s[j+1] == 'x' || s[j+1] == 'X') && isHex(s[j+2]):
		base, j = 16, j+2
	case j < len(s) && s[j] == '0':
		base = 8
	}
	k := j
	var n uint64
	for k < len(s) && digitVal(s[k]) < base {
		if n < 1<<63 {
			n = n*uint64(base) + uint64(digitVal(s[k]))
		}
		k++
	}
	if k == j {
		return 0, i
	}
	if n > 1<<63-1 {
		n = 1<<63 - 1 // strtol saturates at LONG_MAX
	}
	if neg {
		return -int64(n), k
	}
	return int64(n), k
}

func digitVal(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return 99
}

func isHex(c byte) bool { return digitVal(c) < 16 }

func skipBlanks(s string, i int) int {
	for i < len(s) && isBlank(s[i]) {
		i++
	}
	return i
}
