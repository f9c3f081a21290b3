// Package track turns what keepalived 2.2.7 tracks into each VRRP
// instance's effective priority and fault, and couples the members of
// vrrp_sync_groups.
//
// A Tracker runs one configuration: the vrrp_script checks (rise/fall
// in package script), track_interface and the instances' own interfaces,
// track_src_ip, track_file, vrrp_track_process and the interfaces of
// track_group static items. On every change it recomputes the instance's
// priority with script.Evaluate (keepalived's weights: a positive weight
// adds while up, a negative one subtracts while down, weight 0 is FAULT
// while down; a file adds value*weight) and hands the effective priority
// and the fault to the instance. A sync group's members share one fault.
// A reload replaces the Tracker; Carry keeps the conditions of scripts
// whose command did not change, as keepalived keeps them.
//
// Groups are the sync groups: the Gate that lets a member become MASTER
// (vrrp.SyncGroup), the follower of the members' transitions and the
// source of the group notifies.
//
// The package reaches the host only through the interfaces it declares:
// Host for the engine (script resolution, notifies, sockets), OS for the
// system (links and addresses, files, processes, checks). System is the
// real OS side (package netif); package tracktest has in-memory fakes.
package track
