package syntax

import (
	"io/fs"
	"os"
)

// Temporary: first commit handles comments, quotes, braces and blocks
// only; includes, definitions and ~SEQ/~LST follow.

type IncludeClass uint8

type definition struct{}
type randSource struct{}
type source struct{ fsys fs.FS }

func newSource(f fs.FS) source                                      { return source{f} }
func newRandSource(uint64) randSource                               { return randSource{} }
func (p *preprocessor) standardDefinitions() map[string]*definition { return nil }
func (p *preprocessor) definition(span) bool                        { return false }
func (p *preprocessor) repeat(sp span, depth int)                   { p.split(sp, depth) }
func (p *preprocessor) substitute(sp span) (span, []span, bool)     { return sp, nil, false }
func (p *preprocessor) include(span) bool                           { return false }
func (p *preprocessor) noteIncludeCheck(span)                       {}
func (p *preprocessor) endMulti()                                   {}
func (p *preprocessor) continueMulti(span)                          {}
func (s source) readFile(name string) ([]byte, error) {
	if s.fsys != nil {
		return fs.ReadFile(s.fsys, name)
	}
	return os.ReadFile(name)
}

func (s source) rooted(name string) string { return rooted(name) }
func (p *preprocessor) mainFile(name string) {
	data, err := p.src.readFile(name)
	if err != nil {
		p.diag(Pos{File: name}, Fatal, "", "config files missing '%s': %v", name, err)
		return
	}
	p.file(name, p.src.rooted(name), data)
}
