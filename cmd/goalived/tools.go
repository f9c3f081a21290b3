//go:build tools

package main

import (
	_ "github.com/alecthomas/participle/v2"
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/mdlayher/arp"
	_ "github.com/mdlayher/ndp"
	_ "github.com/spf13/pflag"
	_ "github.com/vishvananda/netlink"
	_ "golang.org/x/sys/unix"
)
