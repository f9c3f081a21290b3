package syntax

import (
	"fmt"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// ParseBytes parses src as the configuration file name. Included files
// are looked up relative to name's directory in opts.FS (or the operating
// system). It never returns a nil *File; diagnostics are in source order
// of discovery and cover the whole input.
func ParseBytes(name string, src []byte, opts Options) (*File, []Diagnostic) {
	p := newPreprocessor(opts)
	p.file(name, p.src.rooted(name), src)
	return p.finish()
}

// Parse reads and parses the configuration file at path, like keepalived's
// -f (path may be a glob; every match is read in order).
func Parse(filePath string, opts Options) (*File, []Diagnostic) {
	p := newPreprocessor(opts)
	p.mainFile(filePath)
	return p.finish()
}

func (p *preprocessor) finish() (*File, []Diagnostic) {
	toks, diags := tokenStream(p.out)
	p.diags.merge(diags)
	f := &File{}
	g, err := grammar.ParseFromLexer(peeking(toks))
	if err != nil {
		// The grammar accepts every token sequence; reaching here is a
		// bug, reported rather than panicking.
		p.diag(Pos{}, Fatal, "", "internal parser error: %v", err)
		return f, p.diags.sorted()
	}
	c := converter{lines: p.out}
	f.Stmts = c.top(g.Items)
	p.diags.merge(c.diags)
	return f, p.diags.sorted()
}

func peeking(toks []lexer.Token) *lexer.PeekingLexer {
	pl, err := lexer.Upgrade(&tokenLexer{toks: toks})
	if err != nil {
		panic(fmt.Sprintf("syntax: upgrading a slice lexer cannot fail: %v", err))
	}
	return pl
}

// converter turns the grammar's tree into the ast types and reports brace
// problems the way keepalived's read_line and init_data do.
type converter struct {
	lines []line
	diags diagList
}

func (c *converter) top(items []*gTop) []*Stmt {
	var out []*Stmt
	for _, it := range items {
		switch {
		case it.Stmt != nil:
			out = append(out, c.stmt(it.Stmt))
		case it.Orphan != nil:
			out = append(out, c.orphan(it.Orphan)...)
		default:
			c.warn(it.Stray.Pos.Offset, fromPosition(it.Stray.Pos), "}", "extra '}' found, no block is open")
		}
	}
	return out
}

func (c *converter) items(items []*gItem) []*Stmt {
	var out []*Stmt
	for _, it := range items {
		if it.Stmt != nil {
			out = append(out, c.stmt(it.Stmt))
		} else {
			out = append(out, c.orphan(it.Orphan)...)
		}
	}
	return out
}

func (c *converter) stmt(g *gStmt) *Stmt {
	s := &Stmt{
		Pos:     fromPosition(g.Keyword.Pos),
		Keyword: g.Keyword.Value,
		Args:    make([]Arg, 0, len(g.Args)),
		Raw:     c.raw(g.Keyword),
	}
	for _, a := range g.Args {
		s.Args = append(s.Args, Arg{Pos: fromPosition(a.Tok.Pos), Text: a.Tok.Value, Quoted: a.Tok.Type == tokString})
	}
	if g.Block != nil {
		s.Block = c.block(g.Block, s.Keyword)
	}
	return s
}

// raw is the logical line after the keyword token, blanks trimmed.
func (c *converter) raw(kw lexer.Token) string {
	idx := kw.Pos.Offset
	if idx < 0 || idx >= len(c.lines) {
		return ""
	}
	text := c.lines[idx].sp.text
	words, _ := tokenize(text)
	if len(words) == 0 {
		return ""
	}
	end := words[0].off + len(words[0].text)
	if words[0].quoted {
		end += 2
	}
	return strings.Trim(text[min(end, len(text)):], " \t")
}

func (c *converter) block(g *gBlock, kw string) *Block {
	b := &Block{Open: fromPosition(g.Open.Pos), Stmts: c.items(g.Items)}
	if g.Close != nil {
		b.Close = fromPosition(g.Close.Pos)
	} else {
		c.warn(len(c.lines), b.Open, kw, "missing '}': block opened here is not closed at end of file")
	}
	return b
}

// orphan handles a '{' that follows no statement: keepalived says
// "Unexpected '{' - ignoring" and reads what follows at the same level.
func (c *converter) orphan(g *gBlock) []*Stmt {
	c.warn(g.Open.Pos.Offset, fromPosition(g.Open.Pos), "{", "unexpected '{' - ignoring, expected a statement before it")
	b := c.block(g, "{")
	return b.Stmts
}

// warn records a brace problem; ord is the index of its logical line.
func (c *converter) warn(ord int, pos Pos, kw, msg string) {
	c.diags.add(ord, Diagnostic{Pos: pos, Severity: Warning, Keyword: kw, Msg: msg})
}
