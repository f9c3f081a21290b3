package syntax

import (
	"io"

	"github.com/alecthomas/participle/v2/lexer"
)

// Token types of the logical-line lexer: one token per logical line
// that holds a word, so the grammar's work is proportional to statements
// and braces, not to words. A statement is a Line, '}' is a Close, and
// '{' is an Open; a statement directly followed by a '{' line is folded
// into that Open (its value is then the statement's line, its position
// the statement's), so that the grammar needs no lookahead to see which
// statement owns a block. The words of each line are split once, by
// appendWords, and kept in a lineTable that the converter reads by line
// index (the token's Pos.Offset).
const (
	tokLine lexer.TokenType = iota + 1
	tokOpen
	tokClose
)

var symbols = map[string]lexer.TokenType{
	"EOF":   lexer.EOF,
	"Line":  tokLine,
	"Open":  tokOpen,
	"Close": tokClose,
}

// lexDef is a participle lexer.Definition over keepalived's logical lines.
// Lex preprocesses a single stand-alone file with default Options;
// ParseBytes and Parse build the token stream themselves so that options,
// includes and diagnostics are honoured.
type lexDef struct{ syms map[string]lexer.TokenType }

func (d lexDef) Symbols() map[string]lexer.TokenType { return d.syms }

func (lexDef) Lex(filename string, r io.Reader) (lexer.Lexer, error) {
	src, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	p := newPreprocessor(Options{})
	p.file(filename, filename, src)
	toks, _, _, _ := tokenStream(p.out, false, p.lim.Words)
	return &tokenLexer{toks: toks}, nil
}

// tokenLexer hands out a precomputed token stream.
type tokenLexer struct {
	toks []lexer.Token
	i    int
}

func (l *tokenLexer) Next() (lexer.Token, error) {
	if l.i >= len(l.toks) {
		return lexer.EOFToken(lexer.Position{}), nil
	}
	t := l.toks[l.i]
	l.i++
	return t, nil
}

// lineTable holds the words of every logical line in one slice (the
// words of line i are words[start[i]:start[i+1]]); for the first line of
// a Line token, the end (exclusive) of its run of lines; and for a
// statement folded into an Open, the index of its '{' line.
type lineTable struct {
	words []word
	start []int32
	end   []int32
	open  []int32 // 0: no folded '{' (it cannot be line 0)
	stmts int     // lines with words
	opens int     // Open tokens
}

func (t *lineTable) wordsOf(i int) []word {
	if i < 0 || i+1 >= len(t.start) {
		return nil
	}
	return t.words[t.start[i]:t.start[i+1]:t.start[i+1]]
}

// streamer builds a token stream from logical lines.
type streamer struct {
	lines []line
	toks  []lexer.Token
	table lineTable
	diags diagList
	// indexed: the consumer reads lines from the table, so consecutive
	// statements share one Line token, and token values are left empty:
	// participle boxes the value of every token it matches, and only an
	// empty string is boxed without an allocation.
	indexed bool
	last    int // line of the last statement in toks
}

// tokenStream tokenises logical lines (alloc_strvec_r). A token's
// position is that of its (first) statement's first word (of the brace
// for a bare Open and for Close), and its Pos.Offset the index of that
// line in lines. When indexed, a Line token stands for consecutive
// statements that own no block (participle's cost is per token, and
// which statement owns a block is all the grammar has to decide) and
// values are empty; otherwise (lexDef.Lex, whose users see only tokens)
// a token is one line and its value the line's text.
// Unmatched quotes give diagnostics and drop the rest of the line; a line
// left without words gives no statement. The lines after the one that
// takes the words past maxWords are left out; cut is its index, or -1.
func tokenStream(lines []line, indexed bool, maxWords int) (toks []lexer.Token, table lineTable, diags diagList, cut int) {
	n, cut := len(lines), -1
	s := &streamer{lines: lines, indexed: indexed, toks: make([]lexer.Token, 0, maxTokens(lines, indexed)), table: lineTable{
		words: make([]word, 0, n*2), start: make([]int32, 1, n+1), end: make([]int32, n), open: make([]int32, n)}}
	for i, l := range lines {
		switch l.sp.text {
		case "{":
			s.table.start = append(s.table.start, int32(len(s.table.words)))
			s.open(i)
		case "}":
			s.table.start = append(s.table.start, int32(len(s.table.words)))
			s.add(tokClose, "}", i, 0)
		default:
			s.statement(i)
		}
		if len(s.table.words) > maxWords {
			lines, n, cut = lines[:i+1], i+1, i
			break
		}
	}
	var end lexer.Position
	if n > 0 {
		end = toPosition(lines[n-1].pos(len(lines[n-1].sp.text)), n)
	}
	return append(s.toks, lexer.EOFToken(end)), s.table, s.diags, cut
}

// maxTokens bounds the tokens of lines: one per line, or when indexed one
// per brace plus one Line token before each brace and at the end.
func maxTokens(lines []line, indexed bool) int {
	if !indexed {
		return len(lines) + 1
	}
	braces := 0
	for i := range lines {
		if t := lines[i].sp.text; t == "{" || t == "}" {
			braces++
		}
	}
	return min(2*braces+2, len(lines)+1)
}

// lastLine is the Line token at the end of the stream, if any.
func (s *streamer) lastLine() *lexer.Token {
	if n := len(s.toks); n > 0 && s.toks[n-1].Type == tokLine {
		return &s.toks[n-1]
	}
	return nil
}

func (s *streamer) statement(i int) {
	l := s.lines[i]
	n := len(s.table.words)
	var unmatched int
	s.table.words, unmatched = appendWords(s.table.words, l.sp.text)
	s.table.start = append(s.table.start, int32(len(s.table.words)))
	if unmatched >= 0 {
		s.diags.add(i, Diagnostic{Pos: l.pos(unmatched), Severity: Warning, Class: Structural,
			Keyword: firstWord(l.sp.text), Msg: "unmatched quote, expected a closing '\"' - token dropped: '" + l.sp.text + "'"})
	}
	if len(s.table.words) == n {
		return
	}
	s.last = i
	s.table.stmts++
	if t := s.lastLine(); s.indexed && t != nil {
		s.table.end[t.Pos.Offset] = int32(i + 1)
		return
	}
	s.add(tokLine, l.sp.text, i, int(s.table.words[n].off))
	s.table.end[i] = int32(i + 1)
}

// open handles a '{' line: the statement just before it, if any, owns the
// block and moves from its Line token into the Open.
func (s *streamer) open(i int) {
	t := s.lastLine()
	if t == nil {
		s.add(tokOpen, "{", i, 0)
		return
	}
	s.table.open[s.last] = int32(i)
	if first := t.Pos.Offset; first == s.last {
		t.Type = tokOpen
		s.table.opens++
		return
	}
	s.table.end[t.Pos.Offset] = int32(s.last)
	s.add(tokOpen, s.lines[s.last].sp.text, s.last, int(s.table.wordsOf(s.last)[0].off))
}

// add appends a token for line i whose first word is at byte off.
func (s *streamer) add(typ lexer.TokenType, val string, i, off int) {
	if typ == tokOpen {
		s.table.opens++
	}
	if s.indexed {
		val = ""
	}
	s.toks = append(s.toks, tokenAt(typ, val, s.lines[i], off, i))
}

func tokenAt(typ lexer.TokenType, val string, l line, off, idx int) lexer.Token {
	return lexer.Token{Type: typ, Value: val, Pos: toPosition(l.pos(off), idx)}
}

func toPosition(p Pos, idx int) lexer.Position {
	return lexer.Position{Filename: p.File, Line: p.Line, Column: p.Col, Offset: idx}
}

func fromPosition(p lexer.Position) Pos {
	return Pos{File: p.Filename, Line: p.Line, Col: p.Column}
}
