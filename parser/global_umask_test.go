package parser

import (
	"testing"

	"github.com/goalived/goalived/config"
)

// TestGlobalUmask: keepalived 2.2.7's umask_handler syntax; -1 means the
// keyword left no mask (not written, or the line was invalid).
func TestGlobalUmask(t *testing.T) {
	umask := func(c *config.Config) any {
		if c.Global.Umask == nil {
			return -1
		}
		return int(*c.Global.Umask)
	}
	cases := []kwCase{
		{name: "octal", src: globalConf("umask 0027"), get: umask, want: 0o027},
		{name: "decimal", src: globalConf("umask 18"), get: umask, want: 0o022},
		{name: "hex", src: globalConf("umask 0x1ff"), get: umask, want: 0o777},
		{name: "zero", src: globalConf("umask 0"), get: umask, want: 0},
		{name: "bits", src: globalConf("umask IWGRP|IWOTH"), get: umask, want: 0o022},
		{name: "bits across words", src: globalConf("umask IRWXU IWGRP | IWOTH"), get: umask, want: -1,
			diags: []string{"warning: umask: Unknown umask bit IRWXU"}},
		{name: "bits spaced", src: globalConf("umask IWGRP | IWOTH |IXOTH"), get: umask, want: 0o023},
		{name: "all bits", src: globalConf("umask IRUSR|IWUSR|IXUSR|IRGRP|IWGRP|IXGRP|IROTH|IWOTH|IXOTH"), get: umask, want: 0o777},
		{name: "last line wins", src: globalConf("umask 0022\numask 0077"), get: umask, want: 0o077},
		{name: "invalid line keeps the previous", src: globalConf("umask 0022\numask 0800"), get: umask, want: 0o022,
			diags: []string{"warning: umask: invalid umask value 0800"}},
		{name: "above 0777", src: globalConf("umask 01000"), get: umask, want: -1,
			diags: []string{"warning: umask: invalid umask value 01000"}},
		{name: "hex without digits", src: globalConf("umask 0x"), get: umask, want: -1,
			diags: []string{"warning: umask: invalid umask value 0x"}},
		{name: "number with extra word", src: globalConf("umask 0022 0077"), get: umask, want: -1,
			diags: []string{"warning: umask: Extra parameter(s) to umask option"}},
		{name: "missing or", src: globalConf("umask IWGRPIWOTH"), get: umask, want: -1,
			diags: []string{"warning: umask: Invalid umask syntax IWGRPIWOTH"}},
		{name: "trailing or", src: globalConf("umask IWGRP|"), get: umask, want: -1,
			diags: []string{"warning: umask: umask missing bit value"}},
		{name: "unknown bit", src: globalConf("umask IWGRP|WOTH"), get: umask, want: -1,
			diags: []string{"warning: umask: Unknown umask bit WOTH"}},
		{name: "missing value", src: globalConf("umask"), get: umask, want: -1,
			diags: []string{"warning: umask: Missing parameter(s) to umask option"}},
	}
	runCases(t, cases)
}
