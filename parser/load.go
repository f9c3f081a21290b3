package parser

import (
	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/parser/syntax"
)

// Load reads the configuration at path (with its includes) and builds the
// model. The model is nil only when nothing could be read.
func Load(path string, opts Options) (*config.Config, Diagnostics) {
	opts.fill()
	f, sdiags := syntax.Parse(path, opts.syntaxOptions())
	return finishLoad(f, sdiags, opts)
}

// LoadBytes is Load for a configuration held in memory; name is used in
// positions and to resolve relative includes.
func LoadBytes(name string, src []byte, opts Options) (*config.Config, Diagnostics) {
	opts.fill()
	f, sdiags := syntax.ParseBytes(name, src, opts.syntaxOptions())
	return finishLoad(f, sdiags, opts)
}

func finishLoad(f *syntax.File, sdiags []syntax.Diagnostic, opts Options) (*config.Config, Diagnostics) {
	cfg, bdiags := build(f, opts, opts.Limits.WithDefaults().Diagnostics-len(sdiags))
	diags := make(Diagnostics, 0, len(sdiags)+len(bdiags))
	diags = append(diags, sdiags...)
	diags = append(diags, bdiags...)
	return cfg, diags
}

func (o *Options) syntaxOptions() syntax.Options {
	so := syntax.Options{ConfigID: o.ConfigID, FS: o.FS, RandomSeed: o.RandomSeed, Limits: o.Limits, Report: o.Report}
	if o.AllConfig {
		so.IncludeCheck = syntax.IncludeAll
	}
	return so
}
