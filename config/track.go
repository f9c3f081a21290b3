package config

import (
	"time"
)

// VRRPScript is one vrrp_script block with defaults applied.
type VRRPScript struct {
	Name   string   `json:"name"`
	Script *Command `json:"script"`
	// Interval is the start period; Timeout is resolved (unset = Interval).
	Interval time.Duration `json:"interval"`
	Timeout  time.Duration `json:"timeout"`
	// TimeoutWritten is set when the block has a timeout line: keepalived
	// 2.2.7 keeps an unset timeout as 0 (its dump shows "Timeout = 0
	// sec") and runs the script with the interval as its timeout.
	TimeoutWritten bool `json:"-"`
	// Weight is used even when outside -253..253 (a warning was given).
	Weight   int  `json:"weight"`
	Reverse  bool `json:"reverse,omitempty"`
	Rise     int  `json:"rise"`
	Fall     int  `json:"fall"`
	InitFail bool `json:"init_fail,omitempty"`
	// Used is set when some track_script refers to the script.
	Used bool `json:"-"`
}

// SyncGroup is one vrrp_sync_group.
type SyncGroup struct {
	Name                  string   `json:"name"`
	Members               []string `json:"group"`
	TrackInterfaces       []Track  `json:"track_interface,omitempty"`
	TrackScripts          []Track  `json:"track_script,omitempty"`
	TrackFiles            []Track  `json:"track_file,omitempty"`
	TrackProcesses        []Track  `json:"track_process,omitempty"`
	Notify                Notifies `json:"notify"`
	NotifyPriorityChanges bool     `json:"notify_priority_changes,omitempty"`
	// NotifyPriorityChangesWritten is set when the group has a
	// notify_priority_changes line: its members without one take the
	// group's value, and keepalived 2.2.7's dump shows it.
	NotifyPriorityChangesWritten bool `json:"-"`
	// TrackingWeight keeps weighted trackers on members
	// (sync_group_tracking_weight or global_tracking).
	TrackingWeight bool `json:"sync_group_tracking_weight,omitempty"`
	// SMTPAlert is the resolved smtp_alert: e-mail the group's state
	// changes.
	SMTPAlert bool `json:"smtp_alert,omitempty"`
}

// TrackFile is one track_file / vrrp_track_file block.
type TrackFile struct {
	Name    string `json:"name"`
	File    string `json:"file"`
	Weight  int    `json:"weight"`
	Reverse bool   `json:"reverse,omitempty"`
	// InitFile is set by init_file: create the file with InitValue.
	InitFile      bool `json:"init_file,omitempty"`
	InitValue     int  `json:"init_value,omitempty"`
	InitOverwrite bool `json:"init_overwrite,omitempty"`
}

// TrackProcess is one vrrp_track_process block.
type TrackProcess struct {
	Name    string   `json:"name"`
	Process string   `json:"process"`
	Params  []string `json:"params,omitempty"`
	// ParamMatch is "exact", "initial" or "partial" when params are given.
	ParamMatch     string        `json:"param_match,omitempty"`
	Weight         int           `json:"weight"`
	Reverse        bool          `json:"reverse,omitempty"`
	Quorum         int           `json:"quorum"`
	QuorumMax      int           `json:"quorum_max"` // -1 = unlimited
	ForkDelay      time.Duration `json:"fork_delay"`
	TerminateDelay time.Duration `json:"terminate_delay"`
	FullCommand    bool          `json:"full_command,omitempty"`
}
