//go:build race

package parser

// raceSlowdown scales the time bounds of the hostile loads: the race
// detector makes the loader several times slower.
const raceSlowdown = 5
