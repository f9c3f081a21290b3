package syntax

import (
	"io"

	"github.com/alecthomas/participle/v2/lexer"
)

// Token types of the logical-line lexer. Every logical line becomes its
// words followed by EOL; a '{' or '}' line becomes a single Open or Close.
const (
	tokWord lexer.TokenType = iota + 1
	tokString
	tokEOL
	tokOpen
	tokClose
)

var symbols = map[string]lexer.TokenType{
	"EOF":    lexer.EOF,
	"Word":   tokWord,
	"String": tokString,
	"EOL":    tokEOL,
	"Open":   tokOpen,
	"Close":  tokClose,
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
	toks, _ := tokenStream(p.out)
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

// tokenStream tokenises logical lines (alloc_strvec_r). A token's
// Pos.Offset is the index of its logical line in lines, which is how the
// grammar's statements find their Raw text again. Unmatched quotes give
// diagnostics and drop the rest of the line.
func tokenStream(lines []line) ([]lexer.Token, diagList) {
	toks := make([]lexer.Token, 0, len(lines)*3+1)
	var diags diagList
	for i, l := range lines {
		switch l.sp.text {
		case "{":
			toks = append(toks, tokenAt(tokOpen, "{", l, 0, i))
			continue
		case "}":
			toks = append(toks, tokenAt(tokClose, "}", l, 0, i))
			continue
		}
		words, unmatched := tokenize(l.sp.text)
		if unmatched >= 0 {
			diags.add(i, Diagnostic{Pos: l.pos(unmatched), Severity: Warning,
				Keyword: firstWord(l.sp.text), Msg: "unmatched quote, expected a closing '\"' - token dropped: '" + l.sp.text + "'"})
		}
		if len(words) == 0 {
			continue
		}
		for _, w := range words {
			typ := tokWord
			if w.quoted {
				typ = tokString
			}
			toks = append(toks, tokenAt(typ, w.text, l, w.off, i))
		}
		toks = append(toks, tokenAt(tokEOL, "\n", l, len(l.sp.text), i))
	}
	var end lexer.Position
	if n := len(lines); n > 0 {
		end = toPosition(lines[n-1].pos(len(lines[n-1].sp.text)), n)
	}
	return append(toks, lexer.EOFToken(end)), diags
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
