// Package vrrptest holds test doubles for package vrrp: a fake clock with
// Advance, and an in-memory L2 segment on which several vrrp.Instances
// exchange adverts with configurable loss, delay and partitions, driven by
// a seeded random source so that runs are reproducible.
package vrrptest
