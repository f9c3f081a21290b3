package dump

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzJSONString: whatever a command line or name holds, keepalived.json
// stays valid JSON that decodes back to the same text, and "/" is always
// written as keepalived's "\/".
func FuzzJSONString(f *testing.F) {
	for _, s := range []string{"", "/etc/keepalived/notify.sh", `a"b\c`, "tab\there", "\x00\x1f\x7f", "é/ü"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		enc := jsonString(s)
		var back string
		if err := json.Unmarshal([]byte(enc), &back); err != nil {
			t.Fatalf("jsonString(%q) = %s: not JSON: %v", s, enc, err)
		}
		if utf8.ValidString(s) && back != s {
			t.Fatalf("jsonString(%q) decodes to %q", s, back)
		}
		if strings.Count(enc, `\/`) != strings.Count(s, "/") {
			t.Fatalf("jsonString(%q) = %s: every / must be \\/", s, enc)
		}
	})
}
