package config

import (
	"testing"
	"unsafe"
)

// TestSizes: every instance keeps its model, addresses included, for
// the daemon's life; a field added to these types should go to their
// groups of rarely written options unless most configurations set it.
func TestSizes(t *testing.T) {
	for _, tc := range []struct {
		name      string
		got, most uintptr
	}{
		{"VIP", unsafe.Sizeof(VIP{}), 64},
		{"Instance", unsafe.Sizeof(Instance{}), 288},
	} {
		if tc.got > tc.most {
			t.Errorf("%s is %d bytes, more than %d", tc.name, tc.got, tc.most)
		}
	}
}
