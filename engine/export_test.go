package engine

import (
	"fmt"

	"github.com/goalived/goalived/config"
)

// PlanReload is planReload for the external tests, as lines: one per
// step ("updated VI_1 (protocol)"), then one per static item added or
// removed ("static + 192.0.2.200/32 dev eth0"), or the static items'
// error.
func PlanReload(old, next *config.Config, tables map[string]int) []string {
	tf := func(name string) (int, bool) { v, ok := tables[name]; return v, ok }
	static, _ := staticSet(old, tf)
	p := planReload(old, next, static, tf)
	var out []string
	for _, s := range p.Steps {
		line := fmt.Sprintf("%v %s", s.Change, s.Name)
		if s.Why != "" {
			line += " (" + s.Why + ")"
		}
		out = append(out, line)
	}
	st := p.Static
	if st.Err != nil {
		return append(out, "static: "+st.Err.Error())
	}
	out = lines(out, "static + ", st.Add.Addrs)
	out = lines(out, "static + route ", st.Add.Routes)
	out = lines(out, "static + rule ", st.Add.Rules)
	out = lines(out, "static - ", st.Remove.Addrs)
	out = lines(out, "static - route ", st.Remove.Routes)
	return lines(out, "static - rule ", st.Remove.Rules)
}

// lines appends each of xs to out after prefix.
func lines[T fmt.Stringer](out []string, prefix string, xs []T) []string {
	for _, x := range xs {
		out = append(out, prefix+x.String())
	}
	return out
}
