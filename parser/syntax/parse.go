package syntax

import (
	"fmt"
	"runtime"
	"sync/atomic"

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

// chunkTokens is how many tokens participle parses at a time, at most
// (unless one top-level item is longer). Its memory use grows faster than
// the stream: it copies the tokens into a slice grown by appending (about
// five times their size for a long stream), and keeps every top-level
// capture pending until the end. Top-level items do not depend on one
// another, so the stream is parsed in pieces that end between them, and
// the pieces in parallel (a compiled participle parser may be used
// concurrently). 255 tokens and the EOF fill participle's copy exactly. A
// variable so that tests can cut after every item.
var chunkTokens = 255

func (p *preprocessor) finish() (*File, []Diagnostic) {
	toks, table, diags, cut := tokenStream(p.out, true, p.lim.Words)
	p.diags.merge(diags)
	if cut >= 0 {
		l := p.out[cut]
		p.stop(l.pos(0), firstWord(l.sp.text), "configuration has more than %d words (the limit)", p.lim.Words)
	}
	toks = p.dropStrayCloses(toks)
	f := &File{}
	chunks := topLevelChunks(toks, chunkTokens)
	parsed := parseChunks(chunks)
	c := newConverter(p.out, table)
	for i := range chunks {
		g, err := parsed.get(i)
		if err != nil {
			// The grammar accepts every token sequence; reaching here
			// is a bug, reported rather than panicking.
			p.diag(Pos{}, Fatal, "", "internal parser error: %v", err)
			return f, p.diags.sorted()
		}
		c.top(g)
	}
	f.Stmts = c.topStmts()
	p.diags.merge(c.diags)
	return f, p.diags.sorted()
}

// dropStrayCloses removes the '}' tokens that close no block, reporting
// each as keepalived does ("extra '}'"): participle would spend more than
// a kilobyte on each, and a file of them is cheap to write.
func (p *preprocessor) dropStrayCloses(toks []lexer.Token) []lexer.Token {
	var strays diagList
	out, depth := toks[:0], 0
	for _, t := range toks {
		switch {
		case t.Type == tokOpen:
			depth++
		case t.Type == tokClose && depth == 0:
			strays.add(t.Pos.Offset, Diagnostic{Pos: fromPosition(t.Pos), Severity: Warning, Class: Structural, Keyword: "}", Msg: extraClose})
			continue
		case t.Type == tokClose:
			depth--
		}
		out = append(out, t)
	}
	p.diags.merge(strays)
	return out
}

// parsedChunks are the grammar's results for the pieces of a stream, as
// the workers of parseChunks produce them.
type parsedChunks struct {
	files []*gFile
	errs  []error
	done  []chan struct{} // closed when the piece is parsed
}

// parseChunks parses the pieces of the stream on up to GOMAXPROCS
// goroutines, so that the caller can convert the first pieces while the
// others are parsed. Every piece is parsed whatever the caller does.
func parseChunks(chunks [][]lexer.Token) *parsedChunks {
	r := &parsedChunks{files: make([]*gFile, len(chunks)), errs: make([]error, len(chunks)), done: make([]chan struct{}, len(chunks))}
	for i := range r.done {
		r.done[i] = make(chan struct{})
	}
	var next atomic.Int64
	for range min(runtime.GOMAXPROCS(0), len(chunks)) {
		go func() {
			for i := int(next.Add(1)) - 1; i < len(chunks); i = int(next.Add(1)) - 1 {
				r.files[i], r.errs[i] = grammar.ParseFromLexer(peeking(chunks[i]))
				close(r.done[i])
			}
		}()
	}
	return r
}

// get waits for piece i.
func (r *parsedChunks) get(i int) (*gFile, error) {
	<-r.done[i]
	return r.files[i], r.errs[i]
}

// topLevelChunks cuts toks between top-level items into pieces of at most
// n tokens; an item longer than n is a piece of its own. The brace depth
// it follows is the grammar's: every Open starts a block or leaf, a Close
// ends the innermost one, and a Close at top level is stray. The grammar
// parses the concatenation of the pieces as it parses the whole, since a
// piece ends at top level.
func topLevelChunks(toks []lexer.Token, n int) [][]lexer.Token {
	out := make([][]lexer.Token, 0, 2*len(toks)/max(n, 1)+1)
	depth, start, item := 0, 0, 0 // item: where the current item starts
	for i := range toks {
		switch toks[i].Type {
		case tokOpen:
			depth++
		case tokClose:
			depth = max(depth-1, 0)
		}
		if depth != 0 {
			continue
		}
		if i+1-start > n && item > start {
			out = append(out, toks[start:item])
			start = item
		}
		item = i + 1
	}
	if start < len(toks) {
		out = append(out, toks[start:])
	}
	return out
}

// peeking hands a token slice to participle; tokenLexer ends it with EOF.
func peeking(toks []lexer.Token) *lexer.PeekingLexer {
	pl, err := lexer.Upgrade(&tokenLexer{toks: toks})
	if err != nil {
		panic(fmt.Sprintf("syntax: upgrading a slice lexer cannot fail: %v", err))
	}
	return pl
}
