package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func startMinimalHTTP(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skipf("no loopback listener: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := &minimalHTTP{path: "/metrics", contentType: "text/plain; version=0.0.4; charset=utf-8",
		body: func(w io.Writer) error { _, err := io.WriteString(w, "a_up 1\n"); return err }, log: slog.New(slog.DiscardHandler)}
	done := make(chan struct{})
	go func() { h.serve(ctx, ln); close(done) }()
	t.Cleanup(func() {
		cancel()
		<-done // serve returns once the listener is closed and answers are done
	})
	return ln.Addr().String()
}

// TestMinimalHTTPClient: Go's own client (HTTP/1.1, keep-alive) reads the
// endpoint like a Prometheus scraper does.
func TestMinimalHTTPClient(t *testing.T) {
	addr := startMinimalHTTP(t)
	c := &http.Client{Timeout: 5 * time.Second}
	for range 3 { // the connection is closed after each answer: the client redials
		resp, err := c.Get("http://" + addr + "/metrics?x=1")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(b) != "a_up 1\n" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain; version=0.0.4") {
			t.Fatalf("GET /metrics: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), b)
		}
	}
}

// TestMinimalHTTPRequests: raw requests, including broken ones.
func TestMinimalHTTPRequests(t *testing.T) {
	addr := startMinimalHTTP(t)
	for _, tc := range []struct{ req, want string }{
		{"GET /metrics HTTP/1.0\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: 7\r\nConnection: close\r\n\r\na_up 1\n"},
		{"HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: 7\r\nConnection: close\r\n\r\n"},
		{"GET / HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 404 Not Found\r\n"},
		{"POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n", "HTTP/1.1 405 Method Not Allowed\r\n"},
		{"hello\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n"},
		{"GET /metrics HTTP/1.1\r\nHost: x\r\n", "HTTP/1.1 400 Bad Request\r\n"}, // client gave up mid-header
		{"GET /metrics HTTP/1.1\r\nX: " + strings.Repeat("a", 9000) + "\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n"},
	} {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(c, tc.req)
		c.(*net.TCPConn).CloseWrite()
		got, _ := io.ReadAll(c)
		c.Close()
		if !strings.HasPrefix(string(got), tc.want) {
			t.Errorf("%.40q: got %q, want prefix %q", tc.req, got, tc.want)
		}
	}
}

// TestMinimalHTTPSlowClients: 50 clients that connect and send nothing do
// not stop a scrape, which is answered at once; the server closes them
// when their time for the request head is up.
func TestMinimalHTTPSlowClients(t *testing.T) {
	addr := startMinimalHTTP(t)
	var held []net.Conn
	for range 50 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		held = append(held, c)
	}
	start := time.Now()
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatalf("scrape beside 50 silent connections: %v", err)
	}
	resp.Body.Close()
	t.Logf("scrape answered in %v", time.Since(start))
	for _, c := range held {
		c.SetReadDeadline(time.Now().Add(httpHeadTimeout + 5*time.Second))
		if _, err := io.ReadAll(c); err != nil {
			t.Fatalf("silent connection: %v, want closed by the server", err)
		}
	}
	if held := time.Since(start); held > httpHeadTimeout+5*time.Second {
		t.Errorf("silent connections held %v", held)
	}
}

// TestMinimalHTTPSurplusClosed: beyond httpMaxConns connections, the
// surplus is closed at once instead of waiting behind the others.
func TestMinimalHTTPSurplusClosed(t *testing.T) {
	addr := startMinimalHTTP(t)
	const extra = 10
	var conns []net.Conn
	for range httpMaxConns + extra {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns = append(conns, c)
	}
	// The surplus reads EOF long before the head time is up, the others
	// only when it is.
	closed := 0
	for _, c := range conns {
		c.SetReadDeadline(time.Now().Add(httpHeadTimeout / 4))
		if _, err := c.Read(make([]byte, 1)); err == io.EOF {
			closed++
		}
	}
	if closed < extra {
		t.Errorf("%d connections closed at once, want at least the %d beyond the limit", closed, extra)
	}
}
