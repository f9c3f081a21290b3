package parser

import (
	"reflect"
	"strings"

	"github.com/goalived/goalived/config"
)

// detach makes the model own its strings. The builder takes them from
// the syntax tree, whose strings are slices of the configuration's text,
// and one of them kept in the model keeps the whole text alive for as
// long as the daemon holds the model. Every string is copied into a few
// shared blocks, the repeated ones (interface, script and user names,
// passwords) once where they recur close together, and slices are cut to
// their length. The walk goes by reflection, so that a field added to
// the model later is covered too (TestLoadKeepsNoText checks the sample
// configurations). A slice of the model must not share its array with
// values before its start, which the walk cannot see; and the model is a
// tree: a pointer back up would make the walk loop.
func detach(cfg *config.Config) {
	var d detacher
	d.value(reflect.ValueOf(cfg).Elem())
}

// detacher copies strings into blocks of chunkSize bytes (longer ones get
// a block of their own). A block is a strings.Builder grown once: writes
// within its capacity never move the bytes, so the strings cut from it
// stay valid. Repeated strings are found through a small table indexed by
// hash that remembers the last copy in each slot: a collision only costs
// an extra copy, and the table never grows.
type detacher struct {
	block  strings.Builder
	copies [256]string
}

const chunkSize = 4096

var configPkg = reflect.TypeFor[config.Config]().PkgPath()

func (d *detacher) str(s string) string {
	slot := &d.copies[strHash(s)%uint32(len(d.copies))]
	if *slot == s {
		return *slot
	}
	if len(s) > chunkSize/4 {
		*slot = strings.Clone(s)
		return *slot
	}
	if d.block.Cap()-d.block.Len() < len(s) {
		d.block = strings.Builder{}
		d.block.Grow(chunkSize)
	}
	start := d.block.Len()
	d.block.WriteString(s)
	*slot = d.block.String()[start:]
	return *slot
}

// strHash is FNV-1a: cheap on the short strings a model holds, and the
// same on every run, so that loads allocate the same.
func strHash(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return h
}

func (d *detacher) value(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		if v.Len() > 0 {
			v.SetString(d.str(v.String()))
		}
	case reflect.Pointer:
		if !v.IsNil() {
			d.value(v.Elem())
		}
	case reflect.Struct:
		for _, i := range fieldPlans[v.Type()] {
			d.value(v.Field(i))
		}
	case reflect.Slice:
		if v.IsNil() {
			return
		}
		if v.Cap() > v.Len() {
			c := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
			reflect.Copy(c, v)
			v.Set(c)
		}
		if holdsText(v.Type().Elem()) {
			for i := range v.Len() {
				d.value(v.Index(i))
			}
		}
	}
}

// fieldPlans lists, for each struct type of the model, the fields that
// can hold a string: the walk skips numbers, flags, durations and
// addresses (netip's and time's values hold no text). The model has no
// maps or interfaces.
var fieldPlans = func() map[reflect.Type][]int {
	plans := map[reflect.Type][]int{}
	var add func(t reflect.Type)
	add = func(t reflect.Type) {
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice:
			add(t.Elem())
			return
		case reflect.Struct:
		default:
			return
		}
		if _, done := plans[t]; done || t.PkgPath() != configPkg {
			return
		}
		plans[t] = nil
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() && holdsText(f.Type) {
				plans[t] = append(plans[t], i)
				add(f.Type)
			}
		}
	}
	add(reflect.TypeFor[config.Config]())
	return plans
}()

// holdsText reports whether a value of type t may hold a string of the
// model, or a slice to cut.
func holdsText(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.String, reflect.Slice:
		return true
	case reflect.Pointer:
		return holdsText(t.Elem())
	case reflect.Struct:
		if t.PkgPath() != configPkg {
			return false
		}
		for i := range t.NumField() {
			if holdsText(t.Field(i).Type) {
				return true
			}
		}
	}
	return false
}
