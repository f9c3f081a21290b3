// Command goalived is a drop-in replacement for keepalived's VRRP side.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
