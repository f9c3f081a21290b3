//go:build !race

package parser

const raceSlowdown = 1
