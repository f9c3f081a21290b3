package syntax

import (
	"strings"
	"testing"
)

// testOpts fixes the config-id so conditionals do not depend on the host.
var testOpts = Options{ConfigID: "main", RandomSeed: 1}

func TestLexical(t *testing.T) {
	runCases(t, []parseCase{
		{
			name: "hash and bang comments, full line and trailing",
			src:  "# top\n! bang\nrouter_id a # trailing\nsmtp_server b ! trailing\n",
			want: []string{"3:1 router_id a", "4:1 smtp_server b"},
		},
		{
			name: "comment characters inside double quotes are kept",
			src:  "notification_email_from \"a#b!c@example.com\" # real comment\n",
			want: []string{`1:1 notification_email_from "a#b!c@example.com"`},
		},
		{
			name: "escaped hash and bang outside quotes",
			src:  `smtp_helo_name x\#y\!z` + "\n",
			want: []string{"1:1 smtp_helo_name x#y!z"},
		},
		{
			name: "escapes inside quotes are left alone",
			src:  `script "a\#b"` + "\n",
			want: []string{`1:1 script "a\\#b"`},
		},
		{
			name: "CRLF, tabs, leading and trailing blanks, blank lines",
			src:  "\r\n\t  global_defs \t{\r\n\r\n\t\trouter_id\tr1 \t\r\n}\r\n",
			want: []string{"2:4 global_defs {", "  4:3 router_id r1", "}"},
		},
		{
			name: "UTF-8 comments after values",
			src:  "global_defs {\n   router_id keep_kinit  # 路由器标识\n}\n",
			want: []string{"1:1 global_defs {", "  2:4 router_id keep_kinit", "}"},
		},
		{
			name: "brace on the next line",
			src:  "global_defs\n{\nrouter_id x\n}\n",
			want: []string{"1:1 global_defs {", "  3:1 router_id x", "}"},
		},
		{
			name: "block on one line",
			src:  "global_defs{router_id x}\n",
			want: []string{"1:1 global_defs {", "  1:13 router_id x", "}"},
		},
		{
			name: "list block on one line is one item line",
			src:  "virtual_ipaddress { 192.0.2.1/24 192.0.2.2/24 }\n",
			want: []string{"1:1 virtual_ipaddress {", "  1:21 192.0.2.1/24 192.0.2.2/24", "}"},
		},
		{
			name: "closing brace after last item",
			src:  "track_interface {\n  d0\n  d1 }\n",
			want: []string{"1:1 track_interface {", "  2:3 d0", "  3:3 d1", "}"},
		},
		{
			name: "braces inside quotes do not split",
			src:  "script \"/bin/echo {x}\"\n",
			want: []string{`1:1 script "/bin/echo {x}"`},
		},
		{
			name: "nested blocks",
			src:  "a {\n b {\n  c 1\n }\n d\n}\n",
			want: []string{"1:1 a {", "  2:2 b {", "    3:3 c 1", "  }", "  5:2 d", "}"},
		},
		{
			name: "quoted token keeps blanks, quote inside token ends it",
			src:  "notification_email_from \"abc\"def\nx \"a b\" c\"d e\"\n",
			want: []string{`1:1 notification_email_from "abc" def`, `2:1 x "a b" c "d e"`},
		},
		{
			name: "single quotes are ordinary",
			src:  "smtp_helo_name 'my helo'\n",
			want: []string{"1:1 smtp_helo_name 'my helo'"},
		},
		{
			name: "unmatched quote drops the token",
			src:  "router_id \"abc\n",
			want: []string{"1:1 router_id"},
			diags: []string{
				`t.conf:1:11: warning: router_id: unterminated quote, expected a closing '"'`,
				`t.conf:1:11: warning: router_id: unmatched quote, expected a closing '"' - token dropped: 'router_id "abc'`,
			},
		},
		{
			name: "no continuation for ordinary lines",
			src:  "virtual_router_id \\\n51\n",
			want: []string{`1:1 virtual_router_id\`, "2:1 51"},
		},
		{
			name: "no statement separator",
			src:  "virtual_router_id 51 priority 200\n",
			want: []string{"1:1 virtual_router_id 51 priority 200"},
		},
		{
			name:  "extra closing brace at top level",
			src:   "a {\n}\n}\nb\n",
			want:  []string{"1:1 a {", "}", "4:1 b"},
			diags: []string{"t.conf:3:1: warning: }: extra '}' found, no block is open"},
		},
		{
			name:  "missing closing brace at end of file",
			src:   "vrrp_instance VI_1 {\n  state MASTER\n",
			want:  []string{"1:1 vrrp_instance VI_1 {", "  2:3 state MASTER", "}"},
			diags: []string{"t.conf:1:20: warning: vrrp_instance: missing '}': block opened here is not closed at end of file"},
		},
		{
			name:  "outer block open at end of file, inner one closed",
			src:   "a {\n b {\n  c\n }\n",
			want:  []string{"1:1 a {", "  2:2 b {", "    3:3 c", "  }", "}"},
			diags: []string{"t.conf:1:3: warning: a: missing '}': block opened here is not closed at end of file"},
		},
		{
			name:  "both blocks open at end of file",
			src:   "a {\n b {\n  c\n",
			want:  []string{"1:1 a {", "  2:2 b {", "    3:3 c", "  }", "}"},
			diags: []string{"t.conf:2:4: warning: b: missing '}': block opened here is not closed at end of file", "t.conf:1:3: warning: a: missing '}': block opened here is not closed at end of file"},
		},
		{
			name:  "a second '{' after a block is an orphan",
			src:   "a {\n}\n{\nx\n}\ny {\n}\n",
			want:  []string{"1:1 a {", "}", "4:1 x", "6:1 y {", "}"},
			diags: []string{"t.conf:3:1: warning: {: unexpected '{' - ignoring, expected a statement before it"},
		},
		{
			name: "brace on the next line after an unmatched-quote line",
			src:  "a\n\"x\n{\nb\n}\n",
			want: []string{"1:1 a {", "  4:1 b", "}"},
			diags: []string{"t.conf:2:1: warning: \"x: unterminated quote, expected a closing '\"'",
				"t.conf:2:1: warning: \"x: unmatched quote, expected a closing '\"' - token dropped: '\"x'"},
		},
		{
			name: "the last of consecutive statements owns the block",
			src:  "a 1\nb 2\n\"q\nc {\n d\n}\ne\n",
			want: []string{"1:1 a 1", "2:1 b 2", "4:1 c {", "  5:2 d", "}", "7:1 e"},
			diags: []string{"t.conf:3:1: warning: \"q: unterminated quote, expected a closing '\"'",
				"t.conf:3:1: warning: \"q: unmatched quote, expected a closing '\"' - token dropped: '\"q'"},
		},
		{
			name:  "brace with no statement before it",
			src:   "{\nx 1\n}\n",
			want:  []string{"2:1 x 1"},
			diags: []string{"t.conf:1:1: warning: {: unexpected '{' - ignoring, expected a statement before it"},
		},
		{
			name:  "NUL byte ends the line",
			src:   "a x\x00b\nc\n",
			want:  []string{"1:1 a x", "2:1 c"},
			diags: []string{"t.conf:1:4: warning: a: NUL byte in line - rest of line ignored"},
		},
		{
			name: "line longer than MAXBUF is read in pieces of 1023 bytes",
			src:  "k " + strings.Repeat("v", 1021) + "tail\nnext\n",
			want: []string{"1:1 k " + strings.Repeat("v", 1021), "1:1024 tail", "2:1 next"},
			diags: []string{"t.conf:1:1024: warning: k: line too long (1027 bytes): " +
				"split into pieces of 1023 bytes as keepalived does"},
		},
		{
			name: "comment-only and blank-only lines",
			src:  "   \n\t# x\n  ! y\na\n",
			want: []string{"4:1 a"},
		},
		{
			name: "empty file",
			src:  "",
		},
	}, testOpts)
}
