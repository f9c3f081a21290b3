package syntax

import (
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// converter turns the grammar's tree into the ast types and reports brace
// problems the way keepalived's read_line and init_data do. Statements,
// arguments, blocks and statement lists are carved out of slices sized up
// front from the line table, so the tree costs a handful of allocations
// rather than several per statement.
type converter struct {
	lines   []line
	table   lineTable
	stmts   []Stmt  // unused part of the statement arena
	args    []Arg   // unused part of the argument arena
	ptrs    []*Stmt // unused part of the arena of Stmts slices
	blocks  []Block // unused part of the block arena
	scratch []*Stmt // statements of the levels being walked
	diags   diagList
}

func newConverter(lines []line, table lineTable) *converter {
	return &converter{
		lines:  lines,
		table:  table,
		stmts:  make([]Stmt, table.stmts),
		args:   make([]Arg, len(table.words)-table.stmts), // keywords are not Args
		ptrs:   make([]*Stmt, table.stmts),
		blocks: make([]Block, table.opens),
	}
}

// file converts a whole parsed file.
func (c *converter) file(g *gFile) []*Stmt {
	c.top(g)
	return c.topStmts()
}

// top converts one parsed piece of the top level; topStmts returns the
// statements of all pieces.
func (c *converter) top(g *gFile) { c.level(g.Tokens, g.Blocks, true) }

func (c *converter) topStmts() []*Stmt {
	stmts := c.newPtrs(len(c.scratch))
	copy(stmts, c.scratch)
	c.scratch = c.scratch[:0]
	return stmts
}

// walk converts the tokens of one block's body; see level.
func (c *converter) walk(toks []lexer.Token, blocks []*gBlock) (stmts []*Stmt, closeTok *lexer.Token) {
	base := len(c.scratch)
	closeTok = c.level(toks, blocks, false)
	stmts = c.newPtrs(len(c.scratch) - base)
	copy(stmts, c.scratch[base:])
	c.scratch = c.scratch[:base]
	return stmts, closeTok
}

// level adds the statements of one level to c.scratch: a Line is a run of
// statements, an Open starts either the next of blocks (whose own Tokens
// it skips) or a leaf block. A Close at this level closes the block being
// walked (the grammar puts it last) and is returned; at top level it
// closes nothing.
func (c *converter) level(toks []lexer.Token, blocks []*gBlock, top bool) (closeTok *lexer.Token) {
	for i := 0; i < len(toks); {
		t := &toks[i]
		switch t.Type {
		case tokLine:
			c.run(t)
			i++
		case tokOpen:
			b := leafAt(toks, i)
			if len(blocks) > 0 && len(blocks[0].Tokens) > 0 && &blocks[0].Tokens[0] == t {
				b, blocks = *blocks[0], blocks[1:]
			}
			i += len(b.Tokens)
			if c.isHead(t) {
				s := c.stmt(t, &b)
				c.scratch = append(c.scratch, s)
			} else {
				ss := c.orphan(&b)
				c.scratch = append(c.scratch, ss...)
			}
		case tokClose:
			if !top {
				return t
			}
			c.warn(t.Pos.Offset, fromPosition(t.Pos), Structural, "}", extraClose)
			i++
		default:
			i++
		}
	}
	return nil
}

// leafAt is the leaf block (Open Line? Close) that starts at toks[i]: the
// grammar matches it without a node of its own.
func leafAt(toks []lexer.Token, i int) gBlock {
	j := i + 1
	if j < len(toks) && toks[j].Type == tokLine {
		j++
	}
	if j < len(toks) && toks[j].Type == tokClose {
		j++
	}
	return gBlock{Tokens: toks[i:j]}
}

// isHead tells an Open that carries its statement from a bare '{'.
func (c *converter) isHead(t *lexer.Token) bool {
	if i := t.Pos.Offset; i >= 0 && i < len(c.table.open) {
		return c.table.open[i] > 0
	}
	return t.Value != "{" // lexDef.Lex: no table, but a statement is never "{"
}

// run adds the statements of a Line token to c.scratch.
func (c *converter) run(tok *lexer.Token) {
	if !c.fromTable(tok) {
		s := c.stmt(tok, nil)
		c.scratch = append(c.scratch, s)
		return
	}
	for j := tok.Pos.Offset; j < int(c.table.end[tok.Pos.Offset]); j++ {
		if words := c.table.wordsOf(j); len(words) > 0 {
			c.scratch = append(c.scratch, c.build(c.lines[j], words))
		}
	}
}

func (c *converter) stmt(tok *lexer.Token, g *gBlock) *Stmt {
	l, words := c.line(tok)
	s := c.build(l, words)
	if g != nil {
		s.Block = c.block(g, s.Keyword, c.openPos(tok))
	}
	return s
}

func (c *converter) build(l line, words []word) *Stmt {
	s := c.newStmt()
	s.Pos = l.pos(int(words[0].off))
	s.Keyword = words[0].text
	s.Raw = rawAfter(l.sp.text, words[0])
	s.Args = c.newArgs(len(words) - 1)
	for i, w := range words[1:] {
		s.Args[i] = Arg{Pos: l.pos(int(w.off)), Text: w.text, Quoted: w.quoted}
	}
	return s
}

// fromTable reports whether a token comes from c.lines, whose line table
// then has its words (not so for the grammar driven through lexDef.Lex).
// Indexed tokens have no value; others must carry their line's text.
func (c *converter) fromTable(tok *lexer.Token) bool {
	i := tok.Pos.Offset
	return i >= 0 && i < len(c.lines) && i < len(c.table.end) && len(c.table.wordsOf(i)) > 0 &&
		(tok.Value == "" || tok.Value == c.lines[i].sp.text)
}

// line finds the logical line of a Line or Open token and its words. A
// token that does not come from c.lines is split again from its value,
// columns counted from the token.
func (c *converter) line(tok *lexer.Token) (line, []word) {
	if c.fromTable(tok) {
		return c.lines[tok.Pos.Offset], c.table.wordsOf(tok.Pos.Offset)
	}
	words, _ := tokenize(tok.Value)
	if len(words) == 0 {
		words = []word{{text: tok.Value}}
	}
	l := line{file: tok.Pos.Filename, no: tok.Pos.Line, sp: newSpan(tok.Value, tok.Pos.Column-int(words[0].off))}
	return l, words
}

// openPos is the position of the '{' folded into a Head token; without
// the line table (lexDef.Lex) it falls back to the statement's own.
func (c *converter) openPos(head *lexer.Token) Pos {
	if i := head.Pos.Offset; i >= 0 && i < len(c.table.open) {
		if j := int(c.table.open[i]); j > 0 && j < len(c.lines) {
			return c.lines[j].pos(0)
		}
	}
	return fromPosition(head.Pos)
}

func (c *converter) newStmt() *Stmt {
	if len(c.stmts) == 0 {
		return &Stmt{}
	}
	s := &c.stmts[0]
	c.stmts = c.stmts[1:]
	return s
}

// newPtrs returns a slice of n statements (nil for none, as before).
func (c *converter) newPtrs(n int) []*Stmt {
	switch {
	case n == 0:
		return nil
	case n > len(c.ptrs):
		return make([]*Stmt, n)
	}
	p := c.ptrs[:n:n]
	c.ptrs = c.ptrs[n:]
	return p
}

func (c *converter) newBlock() *Block {
	if len(c.blocks) == 0 {
		return &Block{}
	}
	b := &c.blocks[0]
	c.blocks = c.blocks[1:]
	return b
}

// newArgs returns n arguments; the slice's capacity is n so that a caller
// appending to Args cannot overwrite the next statement's.
func (c *converter) newArgs(n int) []Arg {
	if n > len(c.args) {
		return make([]Arg, n)
	}
	a := c.args[:n:n]
	c.args = c.args[n:]
	return a
}

// rawAfter is the logical line after the keyword token, blanks trimmed.
func rawAfter(text string, kw word) string {
	end := int(kw.off) + len(kw.text)
	if kw.quoted {
		end += 2
	}
	return strings.Trim(text[min(end, len(text)):], " \t")
}

// block converts a block node: its Tokens are the Open, the body, and
// the Close if there is one.
func (c *converter) block(g *gBlock, kw string, open Pos) *Block {
	stmts, closeTok := c.walk(g.Tokens[1:], g.Blocks)
	b := c.newBlock()
	b.Open, b.Stmts = open, stmts
	if closeTok != nil {
		b.Close = fromPosition(closeTok.Pos)
	} else {
		c.warn(len(c.lines), b.Open, Structural, kw, "missing '}': block opened here is not closed at end of file")
	}
	return b
}

// orphan handles a '{' that follows no statement: keepalived says
// "Unexpected '{' - ignoring" and reads what follows at the same level.
func (c *converter) orphan(g *gBlock) []*Stmt {
	open := g.Tokens[0]
	c.warn(open.Pos.Offset, fromPosition(open.Pos), Semantic, "{", "unexpected '{' - ignoring, expected a statement before it")
	b := c.block(g, "{", fromPosition(open.Pos))
	return b.Stmts
}

// extraClose is the warning for a '}' that closes no block.
const extraClose = "extra '}' found, no block is open"

// warn records a brace problem; ord is the index of its logical line.
func (c *converter) warn(ord int, pos Pos, class Class, kw, msg string) {
	c.diags.add(ord, Diagnostic{Pos: pos, Severity: Warning, Class: class, Keyword: kw, Msg: msg})
}
