package engine

import (
	"testing"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/vrrp"
)

func TestNotifyState(t *testing.T) {
	tests := []struct {
		name          string
		from, to      vrrp.State
		deleted       bool
		notifyDeleted bool
		want          string
		wantOK        bool
	}{
		{"transition", vrrp.StateBackup, vrrp.StateMaster, false, false, "MASTER", true},
		{"daemon stop", vrrp.StateMaster, vrrp.StateStopped, false, false, "STOP", true},
		{"removed master", vrrp.StateMaster, vrrp.StateStopped, true, false, "FAULT", true},
		{"removed backup", vrrp.StateBackup, vrrp.StateStopped, true, false, "FAULT", true},
		{"removed in fault", vrrp.StateFault, vrrp.StateStopped, true, false, "", false},
		{"removed, notify_deleted", vrrp.StateMaster, vrrp.StateStopped, true, true, "DELETED", true},
		{"removed in fault, notify_deleted", vrrp.StateFault, vrrp.StateStopped, true, true, "DELETED", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := &instance{}
			in.pcfg.Store(&config.Instance{Name: "VI_1", Notifies: &config.Notifies{Deleted: tc.notifyDeleted}})
			in.deleted.Store(tc.deleted)
			got, ok := notifyState(vrrp.Report{Kind: vrrp.ReportTransition, From: tc.from, To: tc.to}, in)
			if ok != tc.wantOK || (ok && got != tc.want) {
				t.Errorf("notifyState(%v -> %v, deleted %v, notify_deleted %v) = %q, %v; want %q, %v",
					tc.from, tc.to, tc.deleted, tc.notifyDeleted, got, ok, tc.want, tc.wantOK)
			}
		})
	}
}
