package syntax

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The expected results below were checked against keepalived 2.2.7 -t
// (every line an unknown top-level keyword, so it prints what it read).
func TestDefinitions(t *testing.T) {
	runCases(t, []parseCase{
		{
			name:  "reference example: braces, bare name before '}' and empty value",
			src:   "$A=10\n$B=${A}.2\n$EMPTY=\nrouter_id r_${B}$EMPTY}\n",
			want:  []string{"4:1 router_id r_10.2$EMPTY"},
			diags: []string{"t.conf:4:23: warning: }: extra '}' found, no block is open"},
		},
		{
			name: "bare name before blank, comma, parenthesis and end of line",
			src:  "$A=x\nk $A $A,$A) $A\n",
			want: []string{"2:1 k x x,x) x"},
		},
		{
			name: "bare name before a quote is not replaced, braces are",
			src:  "$A=1\n$B=2\nlabel \"d0:$A\"\nscript \"/bin/echo ${B} $A\"\n",
			want: []string{`3:1 label "d0:$A"`, `4:1 script "/bin/echo 2 $A"`},
		},
		{
			name: "undefined names are left alone",
			src:  "k \"$UNDEF ${UNDEF2}\" $UNDEF3\n",
			want: []string{`1:1 k "$UNDEF ${UNDEF2}" $UNDEF3`},
		},
		{
			name: "late binding and redefinition",
			src:  "$A=1\n$B=${A}.2\nk $B\n$A=9\nk $B\n",
			want: []string{"3:1 k 1.2", "5:1 k 9.2"},
		},
		{
			name: "blank before '=' is not a definition",
			src:  "$SP = 5\n",
			want: []string{"1:1 $SP = 5"},
		},
		{
			name: "blanks after '=' are skipped, value keeps inner blanks",
			src:  "$V=   a  b\nk $V\n",
			want: []string{"2:1 k a b"},
		},
		{
			name: "definition as keyword and inside a keyword",
			src:  "$KW=priority\n$KW 100\npre${KW}post 1\n",
			want: []string{"2:1 priority 100", "3:1 preprioritypost 1"},
		},
		{
			name: "multi-line definition used alone, with a prefix and in braces",
			src:  "$M=a1 \\\n  a2 x \\\na3\npre $M\n$M\n${M}\n",
			want: []string{"4:1 pre a1", "4:5 a2 x", "4:5 a3", "5:1 a1", "5:1 a2 x", "5:1 a3", "6:1 a1", "6:1 a2 x", "6:1 a3"},
		},
		{
			name: "comment line inside a multi-line definition is skipped",
			src:  "$M=b1 \\\n# c\nb2\n$M\n",
			want: []string{"4:1 b1", "4:1 b2"},
		},
		{
			name: "empty line ends a multi-line definition",
			src:  "$M=\\\nc1 \\\n\nc2\n$M\n",
			want: []string{"4:1 c2", "5:1 c1"},
		},
		{
			name: "multi-line definition is only replaced at the end of a line",
			src:  "$M=a \\\nb\nk $M x\n",
			want: []string{"3:1 k $M x"},
		},
		{
			name: "nested multi-line definitions",
			src:  "$IN=i1 \\\ni2\n$OUT=o1 \\\n$IN\n$OUT\n",
			want: []string{"5:1 o1", "5:1 i1", "5:1 i2"},
		},
		{
			name: "multi-line definition holding a whole block",
			src: "$VIPS=virtual_ipaddress { \\\n  192.0.2.1/24 \\\n  192.0.2.2/24 \\\n}\n" +
				"vrrp_instance VI_1 {\n  $VIPS\n}\n",
			want: []string{"5:1 vrrp_instance VI_1 {", "  6:3 virtual_ipaddress {", "    6:3 192.0.2.1/24",
				"    6:3 192.0.2.2/24", "  }", "}"},
		},
		{
			name: "definition producing '~SEQ' is expanded",
			src:  "$T=~SEQ(Z,2) z_$Z\n$T\nafter\n",
			want: []string{"2:1 z_1", "2:1 z_2", "3:1 after"},
		},
		{
			name: "_HASH and _BANG outside quotes start a comment, inside quotes they are text",
			src:  "k h${_HASH}b${_BANG}\nk \"h${_HASH}b${_BANG}\"\n",
			want: []string{"1:1 k h", `2:1 k "h#b!"`},
		},
		{
			name: "_INSTANCE is the config-id",
			src:  "router_id i_${_INSTANCE}\n",
			want: []string{"1:1 router_id i_main"},
		},
		{
			name:  "self-reference does not hang",
			src:   "$A=$A\nk $A\n",
			want:  []string{"2:1 k $A"},
			diags: []string{"t.conf:2:3: warning: k: definition substitution does not terminate - stopping"},
		},
		{
			name: "growing self-reference stops at the line length limit",
			src:  "$A=xx$A\nk $A\n",
			want: []string{"2:1 k " + strings.Repeat("x", 1018) + "$A"},
			diags: []string{"t.conf:2:3: warning: k: parameter substitution on line 'k " + strings.Repeat("x", 1018) +
				"$A' would exceed maximum line length"},
		},
		{
			name: "redefining a predefined name replaces it",
			src:  "$_INSTANCE=x\nk ${_INSTANCE}\n",
			want: []string{"2:1 k x"},
		},
	}, testOpts)
}

func TestDefinitionPositions(t *testing.T) {
	f, _ := ParseBytes("t.conf", []byte("$ADDR=192.0.2.1\n\tunicast_peer ${ADDR} x\n"), testOpts)
	want := []Arg{
		{Pos: Pos{File: "t.conf", Line: 2, Col: 15}, Text: "192.0.2.1"},
		{Pos: Pos{File: "t.conf", Line: 2, Col: 23}, Text: "x"},
	}
	if diff := cmp.Diff(want, f.Stmts[0].Args); diff != "" {
		t.Errorf("args (-want +got):\n%s", diff)
	}
}

func TestPWD(t *testing.T) {
	fsys := memFS(map[string]string{
		"/etc/keepalived/keepalived.conf": "k ${_PWD}\ninclude conf.d/a.conf\n",
		"/etc/keepalived/conf.d/a.conf":   "k ${_PWD}\n",
	})
	f, ds := Parse("/etc/keepalived/keepalived.conf", Options{ConfigID: "main", FS: fsys})
	want := []string{"1:1 k /etc/keepalived", "1:1 k /etc/keepalived/conf.d"}
	if diff := cmp.Diff(want, render(f)); diff != "" || len(ds) != 0 {
		t.Errorf("statements (-want +got):\n%s\ndiagnostics: %v", diff, ds)
	}
}

func TestRandom(t *testing.T) {
	src := strings.Repeat("k ${_RANDOM} ${_RANDOM 5} ${_RANDOM 3 4}\n", 50)
	f, ds := ParseBytes("t.conf", []byte(src), Options{ConfigID: "x", RandomSeed: 7})
	if len(ds) != 0 {
		t.Fatalf("diagnostics: %v", ds)
	}
	seen := map[string]bool{}
	for _, s := range f.Stmts {
		for i, bounds := range [][2]int{{0, 32767}, {5, 32767}, {3, 4}} {
			n, err := strconv.Atoi(s.Args[i].Text)
			if err != nil || n < bounds[0] || n > bounds[1] {
				t.Errorf("arg %d = %q, want a number in %v", i, s.Args[i].Text, bounds)
			}
		}
		seen[s.Args[2].Text] = true
	}
	if !seen["3"] || !seen["4"] {
		t.Errorf("${_RANDOM 3 4} over 50 lines gave only %v", seen)
	}
	again, _ := ParseBytes("t.conf", []byte(src), Options{ConfigID: "x", RandomSeed: 7})
	if diff := cmp.Diff(render(f), render(again)); diff != "" {
		t.Errorf("same RandomSeed, different output:\n%s", diff)
	}
}

func TestConditionals(t *testing.T) {
	src := "@main router_id m\n@^main router_id notm\n@vm router_id vm\n@^vm router_id notvm\n" +
		"@main\n@main $PRIO=200\npriority $PRIO\n$ID=main\n@main\t  tabbed x\n@mainx y\n"
	runCases(t, []parseCase{{
		name: "config-id main",
		src:  src,
		want: []string{"1:7 router_id m", "4:6 router_id notvm", "7:1 priority 200", "9:9 tabbed x"},
	}}, Options{ConfigID: "main"})
	runCases(t, []parseCase{{
		name: "config-id vm",
		src:  src,
		want: []string{"2:8 router_id notm", "3:5 router_id vm", "7:1 priority $PRIO"},
	}}, Options{ConfigID: "vm"})
}

func TestSeqLst(t *testing.T) {
	runCases(t, []parseCase{
		{
			name: "reference example ~SEQ",
			src:  "~SEQ(N, 1, 2, 5) 10.${N}.0.0/16 via 192.0.2.1\n",
			want: []string{"1:18 10.1.0.0/16 via 192.0.2.1", "1:18 10.3.0.0/16 via 192.0.2.1", "1:18 10.5.0.0/16 via 192.0.2.1"},
		},
		{
			name: "reference example ~LST with two variables",
			src:  "~LST({A,B}, {7,1},{8,2}) 10.${A}.${B}.0/24 dev d0\n",
			want: []string{"1:26 10.7.1.0/24 dev d0", "1:26 10.8.2.0/24 dev d0"},
		},
		{
			name: "~LST with one variable, blanks around values",
			src:  "~LST(V, a, b ,c ) v_$V\n",
			want: []string{"1:19 v_a", "1:19 v_b", "1:19 v_c"},
		},
		{
			name: "~LST missing values are empty",
			src:  "~LST({A,B}, {1}, 2) x_${A}_${B}_\n",
			want: []string{"1:21 x_1__", "1:21 x_2__"},
		},
		{
			name: "~SEQ defaults: (end), negative end, (start, end) downwards",
			src:  "~SEQ(I,3) a$I\n~SEQ(J,-2) b$J\n~SEQ(K,3,1) c$K\n",
			want: []string{"1:11 a1", "1:11 a2", "1:11 a3", "2:12 b-1", "2:12 b-2", "3:13 c3", "3:13 c2", "3:13 c1"},
		},
		{
			name: "~SEQx in hex with C prefixes",
			src:  "~SEQx(H, 0x9, 0xb) h$H\n",
			want: []string{"1:20 h9", "1:20 ha", "1:20 hb"},
		},
		{
			name: "nested prefixes, outermost first",
			src:  "~SEQ(I,2) ~SEQ(J,3,4) n_${I}_$J\n",
			want: []string{"1:23 n_1_3", "1:23 n_1_4", "1:23 n_2_3", "1:23 n_2_4"},
		},
		{
			name: "definitions in ~SEQ numbers are substituted",
			src:  "$MAX=3\n~SEQ(I, 2, $MAX) s$I\n",
			want: []string{"2:18 s2", "2:18 s3"},
		},
		{
			name: "the variable stays defined afterwards",
			src:  "~SEQ(I,2) x\nlast $I\n",
			want: []string{"1:11 x", "1:11 x", "2:1 last 2"},
		},
		{
			name: "braces in the repeated text",
			src:  "~SEQ(I,2) b$I { c }\n",
			want: []string{"1:11 b1 {", "  1:17 c", "}", "1:11 b2 {", "  1:17 c", "}"},
		},
		{
			name:  "invalid ~SEQ step",
			src:   "~SEQ(I, 1, -1, 5) x\nnext\n",
			want:  []string{"2:1 next"},
			diags: []string{"t.conf:1:1: warning: ~SEQ: invalid ~SEQ specification '~SEQ(I, 1, -1, 5) x': invalid ~SEQ values"},
		},
		{
			name:  "~SEQx of negative numbers",
			src:   "~SEQx(I, -1) x\n",
			diags: []string{"t.conf:1:1: warning: ~SEQ: invalid ~SEQ specification '~SEQx(I, -1) x': ~SEQx is only valid for positive numbers"},
		},
		{
			name:  "~LST value with a blank is invalid",
			src:   "~LST(V, \"a b\", c) x\n",
			diags: []string{`t.conf:1:1: warning: ~LST: invalid ~LST specification '~LST(V, "a b", c) x': expected ',' or ')' after a value`},
		},
		{
			name:  "~LST with too many values",
			src:   "~LST({A}, {1,2}) x\n",
			diags: []string{"t.conf:1:1: warning: ~LST: invalid ~LST specification '~LST({A}, {1,2}) x': too many values"},
		},
		{
			name:  "unterminated ~SEQ",
			src:   "~SEQ(I, 3 x\n",
			diags: []string{"t.conf:1:1: warning: ~SEQ: invalid ~SEQ specification '~SEQ(I, 3 x': missing ')'"},
		},
		{
			name: "other lines starting with '~' are not substituted",
			src:  "$A=1\n~x $A\n",
			want: []string{"2:1 ~x $A"},
		},
	}, testOpts)
}

func TestSeqBudget(t *testing.T) {
	opts := testOpts
	opts.Limits.Lines = 1000
	f, ds := ParseBytes("t.conf", []byte("~SEQ(I, 1, 1000000000) x$I\n"), opts)
	if len(f.Stmts) != opts.Limits.Lines {
		t.Errorf("got %d statements, want the budget of %d", len(f.Stmts), opts.Limits.Lines)
	}
	if len(ds) != 1 || !strings.Contains(ds[0].Msg, "expands to more than") {
		t.Errorf("diagnostics: %v", ds)
	}
}

func TestSubstitutionWorkLimit(t *testing.T) {
	defer func(n int) { substWork = n }(substWork)
	substWork = 1 << 20
	f, ds := ParseBytes("t.conf", []byte("$A=$A\n~SEQ(I,100000) k $A\nnever\n"), testOpts)
	last := ds[len(ds)-1]
	if !strings.Contains(last.Msg, "exceeds 1048576 bytes of work") {
		t.Fatalf("last diagnostic %v, want the work limit", last)
	}
	if n := len(f.Stmts); n == 0 || n > 100 || f.Stmts[n-1].Keyword != "k" {
		t.Errorf("got %d statements; want a few 'k' before the limit and nothing after", n)
	}
}

func TestRecursiveMultiLineDefinition(t *testing.T) {
	f, ds := ParseBytes("t.conf", []byte("$M=a \\\n$M\n$M\nafter\n"), testOpts)
	if n := len(f.Stmts); n < 2 || f.Stmts[n-1].Keyword != "after" {
		t.Errorf("got %d statements, want the expansion cut and 'after' kept", n)
	}
	if len(ds) != 1 || !strings.Contains(ds[0].Msg, "nested too deeply") {
		t.Errorf("diagnostics: %v", msgs(ds))
	}
}
