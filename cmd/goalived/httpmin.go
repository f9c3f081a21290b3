package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"
)

// minimalHTTP answers GET (and HEAD) of one path with one generated body,
// closing each connection after one response. It is all a Prometheus
// scraper needs; net/http would link TLS, HTTP/2 and x509 into the daemon
// and add megabytes to its resident size for an optional endpoint.
type minimalHTTP struct {
	path, contentType string
	body              func(io.Writer) error
	log               *slog.Logger
}

const (
	// httpHeadTimeout is how long after accept the request line and
	// headers may take: a scraper sends them at once, and a client that
	// connects and says nothing holds a connection no longer than this.
	httpHeadTimeout = 2 * time.Second
	// httpTimeout bounds the whole exchange, from accept.
	httpTimeout = 10 * time.Second
	httpMaxHead = 8 << 10 // request line and headers
	// httpMaxConns is how many connections are served at once. Connections
	// beyond it are closed at once rather than left waiting (in the
	// kernel's queue, where no deadline of ours runs) behind slow ones.
	httpMaxConns = 64
)

// serve accepts until ctx ends, then closes ln and the connections in
// progress and waits for their goroutines. It accepts at all times: a
// connection is served at once on its own goroutine, or closed at once
// when httpMaxConns are being served.
func (h *minimalHTTP) serve(ctx context.Context, ln net.Listener) {
	var wg sync.WaitGroup
	defer wg.Wait()
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	slots := make(chan struct{}, httpMaxConns)
	for {
		c, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return
			}
			h.log.Error(fmt.Sprintf("metrics endpoint: accept: %v", err), "err", err)
			time.Sleep(100 * time.Millisecond) // e.g. out of file descriptors
			continue
		}
		select {
		case slots <- struct{}{}:
		default:
			c.Close()
			continue
		}
		accepted := time.Now()
		wg.Go(func() {
			defer func() { <-slots }()
			defer c.Close()
			unblock := context.AfterFunc(ctx, func() { c.Close() })
			defer unblock()
			c.SetDeadline(accepted.Add(httpTimeout))
			c.SetReadDeadline(accepted.Add(httpHeadTimeout))
			h.answer(c)
		})
	}
}

// answer reads one request from c and writes the response.
func (h *minimalHTTP) answer(c io.ReadWriter) {
	method, path, err := readRequestHead(bufio.NewReader(io.LimitReader(c, httpMaxHead)))
	if err != nil {
		writeResponse(c, "400 Bad Request", "text/plain", []byte(err.Error()+"\n"), false)
		return
	}
	if p, _, _ := strings.Cut(path, "?"); p != h.path {
		writeResponse(c, "404 Not Found", "text/plain", []byte("404 page not found\n"), method == "HEAD")
		return
	}
	if method != "GET" && method != "HEAD" {
		writeResponse(c, "405 Method Not Allowed", "text/plain", []byte("method not allowed\n"), false)
		return
	}
	var body bytes.Buffer
	if err := h.body(&body); err != nil {
		h.log.Error(fmt.Sprintf("metrics endpoint: render: %v", err), "err", err)
		writeResponse(c, "500 Internal Server Error", "text/plain", []byte("error\n"), false)
		return
	}
	writeResponse(c, "200 OK", h.contentType, body.Bytes(), method == "HEAD")
}

// readRequestHead parses "METHOD PATH HTTP/1.x" and skips the headers.
func readRequestHead(r *bufio.Reader) (method, path string, err error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return "", "", fmt.Errorf("incomplete request line")
	}
	f := strings.Fields(line)
	if len(f) != 3 || !strings.HasPrefix(f[2], "HTTP/1.") {
		return "", "", fmt.Errorf("malformed request line")
	}
	for {
		h, err := r.ReadString('\n')
		if err != nil {
			return "", "", fmt.Errorf("incomplete request header")
		}
		if strings.TrimRight(h, "\r\n") == "" {
			return f[0], f[1], nil
		}
	}
}

func writeResponse(w io.Writer, status, contentType string, body []byte, headOnly bool) {
	fmt.Fprintf(w, "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n",
		status, contentType, len(body))
	if !headOnly {
		w.Write(body)
	}
}
