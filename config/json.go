package config

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// MarshalJSON encodes the model as encoding/json would, except that
// time.Duration values are strings ("1.5s") so that dumps are readable.
// Field names come from the json tags; omitempty and omitzero are honoured.
// Maps are not used by the model and go through encoding/json unchanged.
func (c *Config) MarshalJSON() ([]byte, error) {
	type plain Config // no methods: avoids recursion
	var buf bytes.Buffer
	if err := encodeValue(&buf, reflect.ValueOf((*plain)(c))); err != nil {
		return nil, fmt.Errorf("marshal config: %w", err)
	}
	return buf.Bytes(), nil
}

var (
	durationType      = reflect.TypeFor[time.Duration]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	jsonViewerType    = reflect.TypeFor[jsonViewer]()
)

// jsonViewer is a model type kept compact in memory (rarely set fields
// behind a pointer) that encodes as the flat struct jsonView returns, so
// that the dump's keys and their order do not depend on the layout.
type jsonViewer interface{ jsonView() any }

func encodeValue(buf *bytes.Buffer, v reflect.Value) error {
	if v.Type() == durationType {
		return encodeJSON(buf, time.Duration(v.Int()).String())
	}
	if v.Type().Implements(textMarshalerType) && v.Kind() != reflect.Pointer {
		return encodeJSON(buf, v.Interface())
	}
	if v.Type().Implements(jsonViewerType) && v.Kind() != reflect.Pointer {
		return encodeValue(buf, reflect.ValueOf(v.Interface().(jsonViewer).jsonView()))
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			buf.WriteString("null")
			return nil
		}
		return encodeValue(buf, v.Elem())
	case reflect.Struct:
		return encodeStruct(buf, v)
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			buf.WriteString("null")
			return nil
		}
		buf.WriteByte('[')
		for i := range v.Len() {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := encodeValue(buf, v.Index(i)); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
		return nil
	}
	return encodeJSON(buf, v.Interface())
}

func encodeJSON(buf *bytes.Buffer, x any) error {
	b, err := json.Marshal(x)
	if err != nil {
		return err
	}
	buf.Write(b)
	return nil
}

func encodeStruct(buf *bytes.Buffer, v reflect.Value) error {
	t := v.Type()
	buf.WriteByte('{')
	first := true
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fv := v.Field(i)
		if omit(fv, opts) {
			continue
		}
		if !first {
			buf.WriteByte(',')
		}
		first = false
		if err := encodeJSON(buf, name); err != nil {
			return err
		}
		buf.WriteByte(':')
		if err := encodeValue(buf, fv); err != nil {
			return fmt.Errorf("field %s: %w", f.Name, err)
		}
	}
	buf.WriteByte('}')
	return nil
}

// omit applies the omitempty / omitzero options of a json tag.
func omit(v reflect.Value, opts string) bool {
	for _, o := range strings.Split(opts, ",") {
		switch o {
		case "omitzero":
			if z, ok := v.Interface().(interface{ IsZero() bool }); ok {
				if z.IsZero() {
					return true
				}
			} else if v.IsZero() {
				return true
			}
		case "omitempty":
			switch v.Kind() {
			case reflect.Slice, reflect.Map, reflect.String, reflect.Array:
				if v.Len() == 0 {
					return true
				}
			case reflect.Pointer, reflect.Interface:
				if v.IsNil() {
					return true
				}
			case reflect.Bool:
				if !v.Bool() {
					return true
				}
			case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
				reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
				if v.IsZero() {
					return true
				}
			}
		}
	}
	return false
}
