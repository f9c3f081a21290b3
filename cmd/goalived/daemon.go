package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/engine"
	"github.com/goalived/goalived/engine/kalog"
	"github.com/goalived/goalived/netif/host"
	"github.com/goalived/goalived/parser"
	"github.com/goalived/goalived/parser/syntax"
	"github.com/goalived/goalived/script"
	"github.com/goalived/goalived/vrrp"
)

// Run-time exit statuses (reference 4.1).
const exitConfig = 2

// runDaemon runs the configured VRRP instances until TERM or INT. Without
// -n it first detaches (see detach).
func runDaemon(o *options, stderr io.Writer) int {
	if !o.dontFork && os.Getenv(childEnv) == "" {
		return detach(stderr)
	}
	ensureSmallStacks()
	log, closeLog, err := newLogger(o, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "%v\n", err)
		return exitFatal
	}
	defer closeLog()
	warnUnsupportedOptions(o, log)
	if err := setUmask(o.umask); err != nil {
		log.Error(fmt.Sprintf("cannot start: %v", err), "err", err)
		return exitFatal
	}
	tuneGC()
	d := &daemon{o: o, log: log, mem: newMemRelease()}
	defer d.mem.stop()
	return d.run()
}

// tuneGC makes the collector keep the heap within a quarter of the live
// data (GOGC=25) unless GOGC is set. The daemon's live heap is small (about
// 1.5 MiB for 250 instances) and the default's 4 MiB minimum goal would
// more than double it; the allocation rate is low enough that the extra
// collections cost no measurable CPU (0.2 s per 20 s either way with 250
// instances at advert_int 1).
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(25)
	}
}

type daemon struct {
	o   *options
	log *slog.Logger
	// parent logs the lines of keepalived's parent process (kalog.Parent).
	parent *slog.Logger
	eng    *engine.Engine
	status *statusWriter
	upg    *upgrader
	mem    *memRelease
	// handover and from are a hot upgrade's conversation and the old
	// process's state message, in the new process until it runs.
	handover *handoverConn
	from     handoverMsg
	// since is when this process first wrote its pid files (-v says it).
	since time.Time
	// tuner is set once the instances run (keepalived also sets its
	// priorities at the end of its start-up); reports may come before.
	tuner atomic.Pointer[procTuner]
	// alerts e-mails state changes; nil without smtp_alert.
	alerts atomic.Pointer[alerter]
	// running is the configuration the engine runs (set at start and by
	// reloads, on the main goroutine): a reload's alerts need the
	// instances it removes.
	running *config.Config
}

// load reads the configuration, logging what keepalived's parent logs as
// it opens the file, then what its VRRP child logs: "Reloading" at a
// reload, and each diagnostic as it is found. The load's limits
// (parser/syntax.Limits) bound its time and memory: a reload runs it
// inside the running daemon.
func (d *daemon) load(reload bool) (*config.Config, parser.Diagnostics) {
	d.parent.Log(context.Background(), kalog.LevelDetail, fmt.Sprintf("Opening file '%s'.", d.o.useFile))
	if reload {
		d.log.Info("Reloading")
	}
	opts := loadOptions(d.o)
	// Diagnostics are logged as they are found, not after the whole load.
	// The SECURITY VIOLATION is the engine's to write, where keepalived
	// writes it.
	opts.Report = func(diag syntax.Diagnostic) {
		if diag.Severity != syntax.Security {
			d.log.Warn("config: " + diag.String())
		}
	}
	cfg, diags := parser.Load(d.o.useFile, opts)
	if cfg != nil {
		d.parent.Info("Configuration file " + d.o.useFile)
	}
	return cfg, diags
}

func (d *daemon) run() int {
	d.parent = d.log.With(kalog.Parent)
	d.upg = newUpgrader(d.log)
	defer d.upg.stop()
	child := d.upg.child()
	if !child {
		// The new process of a hot upgrade is no new start.
		logStarting(d.log, os.Args)
	}
	cfg, diags := d.load(false)
	if diags.HasFatal() || cfg == nil {
		d.log.Error(fmt.Sprintf("configuration file %s cannot be used - exiting", d.o.useFile), "file", d.o.useFile)
		if child {
			d.refuse(fmt.Errorf("the configuration %s cannot be used", d.o.useFile))
		}
		return exitNoConfig
	}
	if blockers := reloadBlockers(diags); child && len(blockers) > 0 {
		// A hot upgrade applies the file as a reload would, and a reload
		// refuses a file with these errors: the old process carries on.
		d.log.Error(fmt.Sprintf("hot upgrade refused: %s has %d errors", d.o.useFile, len(blockers)), "file", d.o.useFile, "errors", len(blockers))
		d.refuse(fmt.Errorf("the configuration %s has %d errors (%s)", d.o.useFile, len(blockers), blockers[0].String()))
		return exitNoConfig
	}
	applyConfigUmask(cfg, d.o.umask, d.log)
	// Signals are caught before the pid files name this process: whoever
	// reads a pid file may signal at once, and an uncaught USR1 is lost
	// (HUP would even end the process).
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, append([]os.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP}, dumpSignals...)...)
	defer signal.Stop(sigs)
	if !child {
		if !d.writePidFiles(0) {
			return exitFatal
		}
	}
	defer d.removePidFiles()

	d.status = newStatusWriter(d.o.statusFile, d.log)
	defer d.status.close()
	h, closeHost, err := host.Open()
	if err != nil {
		d.log.Error(fmt.Sprintf("cannot start the vrrp instances: %v", err), "err", err)
		if child {
			d.refuse(err)
		}
		return exitFatal
	}
	defer closeHost() // after the engine's Close (d.stop)
	if !child {
		logProcessNotice(d.parent, cfg.Global.Process)
		// goalived is one process; the pid is its own.
		d.parent.Info(fmt.Sprintf("Starting VRRP child process, pid=%d", os.Getpid()))
	}
	if child {
		if err := d.takeOver(cfg, h); err != nil {
			d.log.Error(fmt.Sprintf("cannot take over: %v", err), "err", err)
			return exitFatal
		}
		if !d.writePidFiles(os.Getppid()) {
			_ = d.eng.Abandon()
			d.refuse(errors.New("cannot write the pid files"))
			return exitFatal
		}
	} else if err := d.start(cfg, h); err != nil {
		d.log.Error(fmt.Sprintf("cannot start the vrrp instances: %v", err), "err", err)
		return exitConfig
	}
	d.mem.kick()
	if d.o.metricsAddr != "" {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		if err := serveMetrics(ctx, d.upg.listen, d.o.metricsAddr, newMetricsCollector(d.eng.Metrics, d.eng.AnnounceStats), d.log); err != nil {
			d.log.Error(fmt.Sprintf("metrics endpoint %s not started: %v", d.o.metricsAddr, err), "address", d.o.metricsAddr, "err", err)
		}
	}
	if child {
		sdNotify(fmt.Sprintf("MAINPID=%d", os.Getpid()))
		notifyReady()
		d.tookOver()
		defer d.settleAfterParent()()
	} else {
		d.parent.Info("Startup complete", "pid", os.Getpid(), "config", d.o.useFile, "instances", len(cfg.Instances),
			"version", goalivedVersion)
		notifyReady()
	}
	d.upg.ready()
	return d.loop(sigs)
}

// loop handles signals until the daemon stops or hands over. The
// signals that came during a hot upgrade that failed are handled after
// it, in order.
func (d *daemon) loop(sigs <-chan os.Signal) int {
	var pending []os.Signal
	for {
		var sig os.Signal
		if len(pending) > 0 {
			sig, pending = pending[0], pending[1:]
		} else if sig = <-sigs; sig == nil {
			return exitOK
		}
		if d.handleDumpSignal(sig) {
			continue
		}
		switch sig {
		case syscall.SIGHUP:
			up := d.hotUpgrade(sigs)
			if up.gone {
				return exitOK
			}
			if !up.handled {
				d.reload()
			}
			pending = append(pending, up.pending...)
		default:
			d.parent.Info("Stopping", "signal", sig.String())
			d.stop()
			logStopped(d.log, d.o.logDetail > 0)
			return exitOK
		}
	}
}

// writePidFiles writes both pid files; over is a process allowed to own
// them now (the old process of a hot upgrade).
func (d *daemon) writePidFiles(over int) bool {
	for _, p := range []string{d.o.pidFile, d.o.vrrpPidFile} {
		if err := writePidFileOver(p, over); err != nil {
			if errors.Is(err, errRunning) {
				d.parent.Info("daemon is already running", "err", err) // keepalived's words
			}
			d.log.Error(fmt.Sprintf("cannot start: %v", err), "err", err)
			return false
		}
	}
	d.writeVersion()
	return true
}

// writeVersion records this process's version beside the pid file (-v
// reads it).
func (d *daemon) writeVersion() {
	if d.since.IsZero() {
		d.since = time.Now()
	}
	rec := runningRecord{PID: os.Getpid(), Version: goalivedVersion, Since: d.since}
	if d.from.PID != 0 {
		rec.From = &upgradedFrom{Version: d.from.Version, PID: d.from.PID}
	}
	if err := writeVersionFile(d.o.pidFile, rec); err != nil {
		d.log.Warn(fmt.Sprintf("version file not written: %v", err), "err", err)
	}
}

// removePidFiles removes the pid files that still name this process (a
// hot upgrade's new process has renamed its own over them).
func (d *daemon) removePidFiles() {
	removeVersionFile(d.o.pidFile)
	for _, p := range []string{d.o.pidFile, d.o.vrrpPidFile} {
		removePidFile(p)
	}
}

func (d *daemon) newEngine(cfg *config.Config, h engine.Host) *engine.Engine {
	d.running = cfg
	d.alerts.Store(newAlerter(cfg, nil, d.log))
	e := engine.New(cfg, h, engine.Options{
		Logger:         d.log,
		KeepVIPsOnStop: d.o.dontReleaseVRRP,
		FastPreempt:    d.o.fastPreempt,
		OnChange:       d.status.kick,
		OnNotify:       func(t script.Transition) { d.alerts.Load().notified(t) },
		Realtime:       func() (int, uint64) { return d.tuner.Load().Realtime() },
		OnReport: func(r vrrp.Report) {
			switch r.Kind {
			case vrrp.ReportTransition:
				d.status.kick()
				d.mem.kick()
			case vrrp.ReportTimerLate:
				if t := d.tuner.Load(); t != nil {
					t.TimerLate(r.Late)
				}
			}
		},
	})
	d.status.source = e.Statuses
	return e
}

func (d *daemon) start(cfg *config.Config, h engine.Host) error {
	d.eng = d.newEngine(cfg, h)
	if err := d.eng.Start(); err != nil {
		return err
	}
	d.tuner.Store(startProcTuner(cfg.Global.Process, linuxProc{}, d.log))
	d.status.kick()
	return nil
}

// reload re-reads the configuration; on any error the running
// configuration stays and the error is logged (reference 3.15, issue 5).
func (d *daemon) reload() {
	sdNotify("RELOADING=1")
	defer sdNotify("READY=1")
	defer loadGC()()
	began := time.Now()
	d.parent.Info("Reloading ...")
	// The reload runs under the normal policy (see procTuner.Relax).
	t := d.tuner.Load()
	t.Relax()
	var proc *config.Process
	defer func() { t.Reconfigure(proc) }()
	cfg, diags := d.load(true)
	if blockers := reloadBlockers(diags); len(blockers) > 0 || cfg == nil {
		d.log.Error(fmt.Sprintf("reload refused: %s has %d errors - the running configuration stays", d.o.useFile, len(blockers)),
			"file", d.o.useFile, "errors", len(blockers))
		return
	}
	applyConfigUmask(cfg, d.o.umask, d.log)
	proc = &cfg.Global.Process
	d.alerts.Swap(newAlerter(cfg, d.running, d.log)).close(d.log)
	d.running = cfg
	res, err := d.eng.Reload(cfg)
	if err != nil {
		d.log.Error(fmt.Sprintf("reload: %v", err), "err", err)
	}
	d.parent.Info("Reload complete", "took", time.Since(began).Round(time.Microsecond), "kept", res.Kept, "updated", res.Updated, "restarted", res.Restarted,
		"added", res.Added, "removed", res.Removed)
	d.status.kick()
	d.mem.kick()
}

func (d *daemon) stop() {
	sdNotify("STOPPING=1")
	if err := d.eng.Close(); err != nil && !errors.Is(err, os.ErrClosed) {
		d.log.Warn(fmt.Sprintf("stop: %v", err), "err", err)
	}
	if t := d.tuner.Load(); t != nil {
		t.Close()
	}
	d.alerts.Load().close(d.log)
	d.status.kick()
}

// warnUnsupportedOptions says once what the options of keepalived's other
// subsystems do not do here.
func warnUnsupportedOptions(o *options, log *slog.Logger) {
	fs := newFlagSet(&options{}, io.Discard)
	for _, u := range inertOptions {
		if u.set != nil && u.set(o) {
			log.Warn("option not supported: " + optionNames(fs.Lookup(u.flag)) + ": " + u.why)
		}
	}
}
