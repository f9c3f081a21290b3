package kalog_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/goalived/goalived/engine/kalog"
)

// untimed prints console lines without keepalived's timestamp, so that
// the example's output does not depend on the clock.
type untimed struct{}

func (untimed) Write(p []byte) (int, error) {
	_, line, _ := strings.Cut(string(p), ": ")
	fmt.Fprint(os.Stdout, line)
	return len(p), nil
}

// The daemon logs keepalived's line as the message and the facts as
// attributes; the keepalived format writes the message alone, -D adds
// the LevelDetail lines, and the parent's lines carry kalog.Parent.
func Example() {
	log := slog.New(kalog.NewHandler(kalog.Options{
		Format:  kalog.Keepalived,
		Level:   kalog.DetailLevel(1), // -D
		Console: untimed{},
	}))
	parent := log.With(kalog.Parent)
	parent.Info("Starting Keepalived v2.2.7 (goalived 0.1.0)")
	vi := log.With("instance", "VI_1")
	vi.Log(context.Background(), kalog.LevelDetail, "(VI_1) Receive advertisement timeout")
	vi.Info("(VI_1) Entering MASTER STATE", "from", "BACKUP", "reason", "master down timer", "priority", 100)
	parent.Info("Stopping", "signal", "terminated")
	// Output:
	// Starting Keepalived v2.2.7 (goalived 0.1.0)
	// (VI_1) Receive advertisement timeout
	// (VI_1) Entering MASTER STATE
	// Stopping
}
