package parser

import (
	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/parser/syntax"
)

type topHandler = handler[*builder]

// topTable is the keyword table of the top level (reference 2.1).
var topTable = &table[*builder]{
	block: "top level",
	handlers: map[string]topHandler{
		"global_defs":        (*builder).buildGlobalStmt,
		"vrrp_script":        (*builder).buildScriptStmt,
		"vrrp_instance":      (*builder).buildInstanceStmt,
		"vrrp_sync_group":    (*builder).buildSyncGroupStmt,
		"vrrp_track_process": (*builder).buildTrackProcessStmt,
		"track_file":         (*builder).buildTrackFileStmt,
		"vrrp_track_file":    (*builder).buildTrackFileStmt,
		"static_ipaddress":   fixed(0, (*builder).buildStaticAddressesStmt),
		"static_routes":      fixed(0, (*builder).buildStaticRoutesStmt),
		"static_rules":       fixed(0, (*builder).buildStaticRulesStmt),
		"track_group":        (*builder).buildTrackGroupStmt,
		// Include directives are expanded by parser/syntax; should one reach
		// the builder it has nothing left to do.
		"include": nop, "includer": nop, "includem": nop, "includew": nop, "includeb": nop, "includea": nop,
	},
	unsupported: []string{
		"garp_group", "linkbeat_interfaces", "interface_up_down_delays", "bfd_instance",
		"virtual_server_group", "virtual_server", "SSL",
		"net_namespace", "net_namespace_ipvs", "namespace_with_ipsets", "use_pid_dir", "instance",
		"child_wait_time", "linkbeat_use_polling",
	},
}

func nop(*builder, *syntax.Stmt, *builder) {}

// The method adapters let the top-level table hold builder methods.
func (b *builder) buildGlobalStmt(s *syntax.Stmt, _ *builder)       { b.buildGlobal(s) }
func (b *builder) buildScriptStmt(s *syntax.Stmt, _ *builder)       { b.buildScript(s) }
func (b *builder) buildInstanceStmt(s *syntax.Stmt, _ *builder)     { b.buildInstance(s) }
func (b *builder) buildSyncGroupStmt(s *syntax.Stmt, _ *builder)    { b.buildSyncGroup(s) }
func (b *builder) buildTrackProcessStmt(s *syntax.Stmt, _ *builder) { b.buildTrackProcess(s) }
func (b *builder) buildTrackFileStmt(s *syntax.Stmt, _ *builder)    { b.buildTrackFile(s) }
func (b *builder) buildStaticAddressesStmt(s *syntax.Stmt, _ *builder) {
	b.buildStaticAddresses(s)
}
func (b *builder) buildStaticRoutesStmt(s *syntax.Stmt, _ *builder) { b.buildStaticRoutes(s) }
func (b *builder) buildStaticRulesStmt(s *syntax.Stmt, _ *builder)  { b.buildStaticRules(s) }
func (b *builder) buildTrackGroupStmt(s *syntax.Stmt, _ *builder)   { b.buildTrackGroup(s) }

// Build turns a syntax tree into the typed model. The model is returned
// even when diagnostics say it cannot run, so that -t can show everything.
func Build(f *syntax.File, opts Options) (*config.Config, Diagnostics) {
	return build(f, opts, opts.Limits.WithDefaults().Diagnostics)
}

// build is Build keeping at most room diagnostics.
func build(f *syntax.File, opts Options, room int) (*config.Config, Diagnostics) {
	opts.fill()
	b := &builder{
		opts:       opts,
		keep:       syntax.Collector{Max: room, Report: opts.Report},
		cfg:        &config.Config{Global: defaultGlobal(opts.Hostname)},
		scripts:    map[string]*config.VRRPScript{},
		instances:  map[string]*config.Instance{},
		trackFiles: map[string]*config.TrackFile{},
		trackProcs: map[string]*config.TrackProcess{},
		groups:     map[string]*config.SyncGroup{},
		globalSet:  map[string]bool{},
	}
	if f != nil {
		// global_defs first: keepalived reads it in every process before
		// the blocks that use its values, and the values apply file-wide.
		for _, s := range f.Stmts {
			if s.Keyword == "global_defs" {
				b.buildGlobal(s)
			}
		}
		var rest []*syntax.Stmt
		for _, s := range f.Stmts {
			if s.Keyword != "global_defs" {
				rest = append(rest, s)
			}
		}
		dispatch(b, topTable, rest, b)
	}
	b.finish()
	detach(b.cfg)
	return b.cfg, append(b.diags, b.keep.Summaries()...)
}
