package dump

import "io"

// WriteStats writes keepalived.stats (SIGUSR2) as keepalived 2.2.7 does:
// one block per instance, two-space section headers, four-space counters.
func WriteStats(w io.Writer, s *Snapshot) error {
	d := &dumpWriter{w: w}
	for _, in := range s.Instances {
		st := &in.Stats
		d.line("VRRP Instance: %s", in.Cfg.Name)
		d.line("  Advertisements:")
		d.line("    Received: %d", st.AdvertReceived)
		d.line("    Sent: %d", st.AdvertSent)
		d.line("  Became master: %d", st.BecameMaster)
		d.line("  Released master: %d", st.ReleasedMaster)
		d.line("  Packet Errors:")
		d.line("    Length: %d", st.PacketLenErr)
		d.line("    TTL: %d", st.TTLErr)
		d.line("    Invalid Type: %d", st.InvalidType)
		d.line("    Advertisement Interval: %d", st.AdvertIntervalErr)
		d.line("    Address List: %d", st.AddrListErr)
		d.line("  Authentication Errors:")
		d.line("    Invalid Type: %d", st.InvalidAuthType)
		d.line("    Type Mismatch: %d", st.AuthTypeMismatch)
		d.line("    Failure: %d", st.AuthFailure)
		d.line("  Priority Zero:")
		d.line("    Received: %d", st.PriZeroReceived)
		d.line("    Sent: %d", st.PriZeroSent)
	}
	return d.err
}
