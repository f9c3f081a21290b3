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
	toks, _, _ := tokenStream(p.out)
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
// words of line i are words[start[i]:start[i+1]]) and, for a statement
// folded into an Open, the index of the '{' line.
type lineTable struct {
	words []word
	start []int32
	open  []int32 // 0: no folded '{' (it cannot be line 0)
}

func (t *lineTable) wordsOf(i int) []word {
	if i < 0 || i+1 >= len(t.start) {
		return nil
	}
	return t.words[t.start[i]:t.start[i+1]:t.start[i+1]]
}

// tokenStream tokenises logical lines (alloc_strvec_r). A token's value
// is its line, its position that of the first word (of the brace for a
// bare Open and for Close), and its Pos.Offset the index of the line in
// lines.
// Unmatched quotes give diagnostics and drop the rest of the line; a line
// left without words gives no token.
func tokenStream(lines []line) ([]lexer.Token, lineTable, diagList) {
	toks := make([]lexer.Token, 0, len(lines)+1)
	t := lineTable{words: make([]word, 0, len(lines)*2), start: make([]int32, 1, len(lines)+1), open: make([]int32, len(lines))}
	var diags diagList
	for i, l := range lines {
		switch l.sp.text {
		case "{":
			t.start = append(t.start, int32(len(t.words)))
			if n := len(toks); n > 0 && toks[n-1].Type == tokLine {
				toks[n-1].Type = tokOpen
				t.open[toks[n-1].Pos.Offset] = int32(i)
				continue
			}
			toks = append(toks, tokenAt(tokOpen, "{", l, 0, i))
			continue
		case "}":
			t.start = append(t.start, int32(len(t.words)))
			toks = append(toks, tokenAt(tokClose, "}", l, 0, i))
			continue
		}
		n := len(t.words)
		var unmatched int
		t.words, unmatched = appendWords(t.words, l.sp.text)
		t.start = append(t.start, int32(len(t.words)))
		if unmatched >= 0 {
			diags.add(i, Diagnostic{Pos: l.pos(unmatched), Severity: Warning,
				Keyword: firstWord(l.sp.text), Msg: "unmatched quote, expected a closing '\"' - token dropped: '" + l.sp.text + "'"})
		}
		if len(t.words) > n {
			toks = append(toks, tokenAt(tokLine, l.sp.text, l, t.words[n].off, i))
		}
	}
	var end lexer.Position
	if n := len(lines); n > 0 {
		end = toPosition(lines[n-1].pos(len(lines[n-1].sp.text)), n)
	}
	return append(toks, lexer.EOFToken(end)), t, diags
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
