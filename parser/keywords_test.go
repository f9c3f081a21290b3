package parser

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

const referencePath = "/work/shared/docs/keepalived-reference.md"

// referenceKeywords extracts the keywords listed in the first column of the
// tables of each "### 2.N" section of the keepalived reference.
func referenceKeywords(t *testing.T) map[string][]string {
	t.Helper()
	data, err := os.ReadFile(referencePath)
	if os.IsNotExist(err) {
		t.Skipf("reference %s not present", referencePath)
	}
	if err != nil {
		t.Fatal(err)
	}
	code := regexp.MustCompile("`([^`]+)`")
	word := regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	out := map[string][]string{}
	section := ""
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "### 2.") {
			section = strings.Fields(line)[1]
			continue
		}
		if strings.HasPrefix(line, "## ") && !strings.HasPrefix(line, "## 2.") {
			section = ""
		}
		if section == "" || !strings.HasPrefix(line, "| `") {
			continue
		}
		first := strings.Split(line, "|")[1]
		for _, m := range code.FindAllStringSubmatch(first, -1) {
			w := strings.Fields(m[1])[0]
			if word.MatchString(w) {
				out[section] = append(out[section], w)
			}
		}
	}
	return out
}

// TestKeywordTablesCoverReference checks that every keyword the reference
// lists for a block is known to that block's table: implemented or
// explicitly unsupported, never "unknown".
func TestKeywordTablesCoverReference(t *testing.T) {
	ref := referenceKeywords(t)
	known := map[string][]string{
		"2.1": topTable.known(),
		"2.2": globalTable.known(),
		"2.3": scriptTable.known(),
		"2.4": append(instanceTable.known(), authTable.known()...),
		"2.5": append(syncGroupTable.known(), "group"),
		"2.6": trackFileTable.known(),
		"2.7": trackProcessTable.known(),
	}
	for sec, kws := range known {
		if len(ref[sec]) == 0 {
			t.Errorf("section %s: no keywords found in the reference", sec)
		}
		set := map[string]bool{}
		for _, k := range kws {
			set[k] = true
		}
		for _, k := range ref[sec] {
			if !set[k] {
				t.Errorf("section %s: keyword %q of the reference is not in the table", sec, k)
			}
		}
	}
}

// TestKeywordTablesDisjoint: a keyword is either implemented or
// unsupported, and listed once.
func TestKeywordTablesDisjoint(t *testing.T) {
	check := func(name string, handlers []string, unsupported []string) {
		seen := map[string]bool{}
		for _, k := range append(handlers, unsupported...) {
			if seen[k] {
				t.Errorf("%s: %q listed twice", name, k)
			}
			seen[k] = true
		}
	}
	check("global_defs", keysOf(globalTable.handlers), globalTable.unsupported)
	check("vrrp_instance", keysOf(instanceTable.handlers), instanceTable.unsupported)
	check("vrrp_sync_group", keysOf(syncGroupTable.handlers), syncGroupTable.unsupported)
	check("top level", keysOf(topTable.handlers), topTable.unsupported)
}

func TestSuggest(t *testing.T) {
	known := []string{"state", "priority", "virtual_ipaddress", "virtual_router_id"}
	cases := map[string]string{
		"State":             "state",
		"priorty":           "priority",
		"virtual_ipadress":  "virtual_ipaddress",
		"virtual_router_ID": "virtual_router_id",
		"zzz":               "",
		"":                  "",
	}
	for in, want := range cases {
		if got := suggest(in, known); got != want {
			t.Errorf("suggest(%q) = %q, want %q", in, got, want)
		}
	}
}
