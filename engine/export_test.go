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
	p := planReload(old, next, func(name string) (int, bool) { v, ok := tables[name]; return v, ok })
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
	for _, a := range st.Add.Addrs {
		out = append(out, "static + "+a.String())
	}
	for _, r := range st.Add.Routes {
		out = append(out, "static + route "+r.String())
	}
	for _, r := range st.Add.Rules {
		out = append(out, "static + rule "+r.String())
	}
	for _, a := range st.Remove.Addrs {
		out = append(out, "static - "+a.String())
	}
	for _, r := range st.Remove.Routes {
		out = append(out, "static - route "+r.String())
	}
	for _, r := range st.Remove.Rules {
		out = append(out, "static - rule "+r.String())
	}
	return out
}
