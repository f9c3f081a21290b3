package syntax

import "strings"

// lst parses "~LST(var, v1, v2, ...) text" and
// "~LST({a,b}, {1,2}, {3,4}) text" as add_lst does: names and values end
// at a blank, ',', '}' or ')'; a value set with fewer values than names
// leaves the rest empty, one with more is an error. Values are not
// substituted here; they are when the line is used.
func lst(s string) (vars []string, values [][]string, rest int, err string) {
	i := skipBlanks(s, 4)
	if i >= len(s) || s[i] != '(' {
		return nil, nil, 0, "missing '('"
	}
	i = skipBlanks(s, i+1)
	vars, i, err = lstGroup(s, i, " \t,}", -1)
	if err != "" {
		return nil, nil, 0, err
	}
	if i >= len(s) || s[i] != ',' {
		return nil, nil, 0, "expected ',' after the variable names"
	}
	i = skipBlanks(s, i+1)
	for {
		var set []string
		set, i, err = lstGroup(s, i, " \t,})", len(vars))
		if err != "" {
			return nil, nil, 0, err
		}
		for len(set) < len(vars) {
			set = append(set, "")
		}
		values = append(values, set)
		if i < len(s) && s[i] == ')' {
			return vars, values, i + 1, ""
		}
		if i >= len(s) || s[i] != ',' {
			return nil, nil, 0, "expected ',' or ')' after a value"
		}
		i = skipBlanks(s, i+1)
	}
}

// lstGroup reads one name/value or a "{x, y}" group starting at s[i]. max
// (when >= 0) is the most values a group may hold. It returns the index
// of the ',' or ')' that follows, blanks skipped.
func lstGroup(s string, i int, stop string, max int) ([]string, int, string) {
	braced := i < len(s) && s[i] == '{'
	if braced {
		i = skipBlanks(s, i+1)
	}
	var out []string
	for {
		j := i
		for j < len(s) && strings.IndexByte(stop, s[j]) < 0 {
			j++
		}
		out = append(out, s[i:j])
		i = skipBlanks(s, j)
		if braced && i < len(s) && s[i] == '}' {
			return out, skipBlanks(s, i+1), ""
		}
		if !braced {
			return out, i, ""
		}
		if i >= len(s) || s[i] != ',' {
			return nil, 0, "expected ',' or '}' in '{...}'"
		}
		i = skipBlanks(s, i+1)
		if max >= 0 && len(out) >= max {
			return nil, 0, "too many values"
		}
	}
}
