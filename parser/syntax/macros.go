package syntax

import (
	"math/rand/v2"
	"path"
	"strconv"
	"strings"
	"time"
)

// definition is one $NAME: a stored value ("\n" separates the lines of a
// multi-line one) or, for the predefined names, a function of the
// optional numeric parameters (${_RANDOM 1 10}).
type definition struct {
	value     string
	multiline bool
	fn        func(params []uint64) string
	maxParams int
}

type randSource struct{ r *rand.Rand }

func newRandSource(seed uint64) randSource {
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	return randSource{rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// standardDefinitions are keepalived's predefined names (reference 1.7).
func (p *preprocessor) standardDefinitions() map[string]*definition {
	return map[string]*definition{
		"_PWD":      {fn: func([]uint64) string { return p.pwd() }},
		"_INSTANCE": {fn: func([]uint64) string { return p.configID }},
		"_RANDOM":   {fn: p.random, maxParams: 2},
		"_HASH":     {value: "#"},
		"_BANG":     {value: "!"},
	}
}

// pwd is the directory of the file being read: keepalived chdir()s there.
func (p *preprocessor) pwd() string {
	if p.cur == nil {
		return "/"
	}
	return path.Dir(p.cur.path)
}

// random is ${_RANDOM [MIN [MAX]]}, default 0..32767 (get_random).
func (p *preprocessor) random(params []uint64) string {
	lo, hi := uint64(0), uint64(32767)
	if len(params) > 0 {
		lo = params[0]
	}
	if len(params) > 1 {
		hi = params[1]
	}
	if hi < lo {
		return strconv.FormatUint(lo, 10)
	}
	return strconv.FormatUint(lo+p.rng.r.Uint64N(hi-lo+1), 10)
}

// definition stores a "$NAME=value" line (check_definition). NAME may
// not be followed by a blank before '='. A value ending in '\' starts a
// multi-line definition that collects the following physical lines.
func (p *preprocessor) definition(sp span) bool {
	s := sp.text
	if len(s) < 2 || s[0] != '$' || !isNameStart(s[1]) {
		return false
	}
	eq := 2
	for eq < len(s) && isNameChar(s[eq]) {
		eq++
	}
	if eq == len(s) || s[eq] != '=' {
		return false
	}
	name := s[1:eq]
	value := strings.TrimLeft(s[eq+1:], " \t")
	d := &definition{value: value}
	if strings.HasSuffix(value, "\\") {
		d.multiline = true
		d.value = strings.TrimRight(value[:len(value)-1], " \t")
		if d.value != "" {
			d.value += "\n"
		}
		p.flushMulti()
		p.multi = d
	}
	p.defs[name] = d
	return true
}

// continueMulti adds a physical line to the multi-line definition being
// collected; a line without a trailing '\' is its last. The value grows
// in p.multiText: adding each line to the string would copy the whole
// value every time, and a definition of 2 MB took half a minute.
func (p *preprocessor) continueMulti(sp span) {
	s, more := sp.text, false
	if strings.HasSuffix(s, "\\") {
		s, more = strings.TrimRight(s[:len(s)-1], " \t"), true
	}
	switch {
	case more && s != "":
		p.multiText.WriteString(s)
		p.multiText.WriteByte('\n')
	case !more:
		p.multiText.WriteString(s)
	}
	if !more {
		p.endMulti()
	}
}

// endMulti ends the definition being collected at an empty line or its
// last line; one left empty is an ordinary empty definition.
func (p *preprocessor) endMulti() {
	if p.multi != nil {
		p.flushMulti()
		if p.multi.value == "" {
			p.multi.multiline = false
		}
	}
	p.multi = nil
}

// flushMulti stores what has been collected of the definition.
func (p *preprocessor) flushMulti() {
	if p.multi != nil {
		p.multi.value += p.multiText.String()
		p.multiText.Reset()
	}
}

// maxSubstitutions bounds the replacements in one line. Cycles that grow
// the line stop at maxLine first, as in keepalived; this catches the
// ones that do not grow ($A=$A), on which keepalived would loop forever.
const maxSubstitutions = 4096

// substWork bounds the bytes substitution may produce in one parse (a
// multi-line definition counts whole at each use), so that ~SEQ over a
// pathological definition cannot take minutes. Every byte of it may be
// kept, with its column (four bytes more), in the lines it produces.
var substWork = 16 << 20

// substitute replaces $NAME and ${NAME} references (replace_param). The
// replacement text is scanned again at once, so values may refer to other
// definitions. A multi-line definition, allowed only at the end of the
// line, puts its first line in place and returns the others in more.
func (p *preprocessor) substitute(sp span) (out span, more []span, changed bool) {
	cur := 0
	for n := 0; ; n++ {
		i := strings.IndexByte(sp.text[cur:], '$')
		if i < 0 || cur+i+1 >= len(sp.text) {
			return sp, more, changed
		}
		at := cur + i
		d, end, params := p.reference(sp.text, at)
		if d == nil {
			cur = at + 1
			continue
		}
		if n == maxSubstitutions {
			// Reported as unchanged so that the caller stops too.
			p.diag(p.curPos(sp.col(at)), Warning, firstWord(sp.text), "definition substitution does not terminate - stopping")
			return sp, more, false
		}
		value := d.value
		if d.fn != nil {
			value = d.fn(params)
		}
		col := int32(sp.col(at))
		if p.substBudget -= max(len(sp.text)+len(value), 64); p.substBudget < 0 {
			p.stop(p.curPos(sp.col(at)), firstWord(sp.text), "definition substitution exceeds %d bytes of work (the limit)", substWork)
			return sp, more, false
		}
		if d.multiline {
			lines := strings.Split(value, "\n")
			value = lines[0]
			rest := make([]span, 0, len(lines)-1)
			for _, l := range lines[1:] {
				rest = append(rest, fill(l, col))
			}
			more = append(rest, more...)
		}
		if len(sp.text)-(end-at)+len(value) >= maxLine {
			// Like replace_param's NULL return: keep what was done,
			// report no change so that nothing is rescanned.
			p.diag(p.curPos(sp.col(at)), Warning, firstWord(sp.text), "parameter substitution on line '%s' would exceed maximum line length", sp.text)
			return sp, more, false
		}
		sp = concat(sp.slice(0, at), fill(value, col), sp.slice(end, len(sp.text)))
		changed = true
		if strings.HasPrefix(strings.TrimLeft(value, " \t"), "~") {
			return sp, more, changed
		}
	}
}

// reference looks at the '$' at s[at] (find_definition): ${NAME},
// ${NAME params} for the predefined names that take them, or bare $NAME
// followed by a blank, ',', ')' or the end of the line. It returns the
// definition, the end of the reference and the parameters.
func (p *preprocessor) reference(s string, at int) (*definition, int, []uint64) {
	i := at + 1
	braces := s[i] == '{'
	if braces {
		i++
	}
	if i >= len(s) || !isNameStart(s[i]) {
		return nil, 0, nil
	}
	start := i
	for i < len(s) && isNameChar(s[i]) {
		i++
	}
	name := s[start:i]
	var params []uint64
	if braces {
		j := i
		for j < len(s) && (s[j] == ' ' || isDigit(s[j])) {
			j++
		}
		if j >= len(s) || s[j] != '}' {
			return nil, 0, nil
		}
		if j > i {
			if s[j-1] == ' ' && strings.TrimLeft(s[i:j], " ") != "" {
				return nil, 0, nil
			}
			for _, f := range strings.Fields(s[i:j]) {
				v, _ := strconv.ParseUint(f, 10, 64)
				params = append(params, v)
			}
		}
		i = j + 1
	} else if i < len(s) && !strings.ContainsRune(" \t,)", rune(s[i])) {
		return nil, 0, nil
	}
	d := p.defs[name]
	switch {
	case d == nil:
		return nil, 0, nil
	case d.multiline && i != len(s):
		return nil, 0, nil
	case len(params) > 0 && d.maxParams == 0:
		return nil, 0, nil
	case len(params) > d.maxParams && d.maxParams > 0:
		params = params[:d.maxParams]
	}
	return d, i, params
}

func isNameStart(c byte) bool { return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isNameChar(c byte) bool  { return isNameStart(c) || isDigit(c) }
func isDigit(c byte) bool     { return '0' <= c && c <= '9' }
