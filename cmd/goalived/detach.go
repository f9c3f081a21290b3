package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// childEnv marks the detached daemon process.
const childEnv = "GOALIVED_DETACHED"

// readyWait bounds how long the parent waits for the daemon to be running.
const readyWait = 15 * time.Second

// detach starts this program again as a daemon, as keepalived forks: a new
// session, standard streams on /dev/null, the same arguments. A Go process
// cannot fork safely, so it re-executes itself. The parent returns once
// the daemon has written its pid file (so init scripts that read it find
// it) or has exited.
func detach(stderr io.Writer) int {
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintf(stderr, "detach: %v\n", err)
		return exitFatal
	}
	null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		fmt.Fprintf(stderr, "detach: %v\n", err)
		return exitFatal
	}
	defer null.Close()
	readR, readW, err := os.Pipe()
	if err != nil {
		fmt.Fprintf(stderr, "detach: %v\n", err)
		return exitFatal
	}
	cmd := exec.Command(self, os.Args[1:]...)
	env := os.Environ()
	if small, ok := smallStackEnv(env); ok {
		env = small
	}
	cmd.Env = append(env, childEnv+"=1", readyFDEnv+"=3")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = null, null, null
	cmd.ExtraFiles = []*os.File{readW}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(stderr, "detach: %v\n", err)
		return exitFatal
	}
	readW.Close()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	ready := make(chan bool, 1)
	go func() {
		b := make([]byte, 1)
		n, _ := readR.Read(b)
		ready <- n == 1
	}()
	select {
	case ok := <-ready:
		if ok {
			return exitOK
		}
		err := <-exited
		return exitStatus(err)
	case err := <-exited:
		return exitStatus(err)
	case <-time.After(readyWait):
		fmt.Fprintf(stderr, "detach: daemon (pid %d) not ready after %v\n", cmd.Process.Pid, readyWait)
		return exitFatal
	}
}

func exitStatus(err error) int {
	if err == nil {
		return exitOK
	}
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() > 0 {
		return ee.ExitCode()
	}
	return exitFatal
}
