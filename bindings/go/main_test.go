package paperspace_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	paperspace "github.com/paperspace-client/paperspace/bindings/go"
)

const (
	adminKey  = "emulator-admin-key"
	memberKey = "emulator-member-key"
)

// emulator is a running paperspace-emulator.
type emulator struct {
	URL string
	cmd *exec.Cmd
}

// shared is the emulator most tests use, started by TestMain; nil when there is no binary.
var shared *emulator

// emulatorPath is $PAPERSPACE_EMULATOR, else the repository's build of it if present.
func emulatorPath() string {
	if path := os.Getenv("PAPERSPACE_EMULATOR"); path != "" {
		return path
	}
	path, _ := filepath.Abs("../../target/emulator/release/paperspace-emulator")
	if _, err := os.Stat(path); err == nil {
		return path
	}
	return ""
}

func TestMain(m *testing.M) {
	if path := emulatorPath(); path != "" {
		emu, err := startEmulator(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "starting the emulator:", err)
			os.Exit(1)
		}
		shared = emu
	} else {
		fmt.Fprintln(os.Stderr, "PAPERSPACE_EMULATOR is not set: the tests that need the emulator are skipped")
	}
	code := m.Run()
	if shared != nil {
		shared.stop()
	}
	os.Exit(code)
}

// startEmulator runs the emulator on a free loopback port and reads the URL it prints.
func startEmulator(path string, args ...string) (*emulator, error) {
	cmd := exec.Command(path, append([]string{"--listen", "127.0.0.1:0", "--quiet"}, args...)...)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	type ready struct {
		url string
		err error
	}
	lines := make(chan ready, 1)
	go func() {
		reader := bufio.NewReader(stdout)
		line, err := reader.ReadString('\n')
		if err != nil {
			lines <- ready{err: fmt.Errorf("reading the URL line %q: %w", line, err)}
			return
		}
		var msg struct {
			URL string `json:"url"`
		}
		if err := json.Unmarshal([]byte(line), &msg); err != nil || msg.URL == "" {
			lines <- ready{err: fmt.Errorf("unexpected first line %q", line)}
			return
		}
		lines <- ready{url: msg.URL}
		io.Copy(io.Discard, reader) // keep the pipe drained
	}()
	select {
	case r := <-lines:
		if r.err != nil {
			cmd.Process.Kill()
			cmd.Wait()
			return nil, r.err
		}
		return &emulator{URL: r.url, cmd: cmd}, nil
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		cmd.Wait()
		return nil, errors.New("no URL line within 10 s")
	}
}

// stop sends SIGTERM and kills the emulator if it has not exited within 5 s.
func (e *emulator) stop() {
	e.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { e.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		e.cmd.Process.Kill()
		<-done
	}
}

// needEmulator returns the shared emulator or skips the test.
func needEmulator(t testing.TB) *emulator {
	t.Helper()
	if shared == nil {
		t.Skip("no emulator (set PAPERSPACE_EMULATOR)")
	}
	return shared
}

// client returns a client of the emulator, closed when the test ends. The admin key is used
// unless cfg sets one.
func (e *emulator) client(t testing.TB, cfg paperspace.Config) *paperspace.Client {
	t.Helper()
	if cfg.APIKey == "" {
		cfg.APIKey = adminKey
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = e.URL
	}
	c, err := paperspace.NewClient(cfg)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// control sends a request to the emulator's control endpoints (/__emulator/...).
func (e *emulator) control(t testing.TB, method, path, body string) []byte {
	t.Helper()
	req, err := http.NewRequest(method, e.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("content-type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	text, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		t.Fatalf("%s %s: HTTP %d: %s", method, path, resp.StatusCode, text)
	}
	return text
}

// fault queues a fault (see docs/EMULATOR.md) and makes sure none is left when the test ends.
func (e *emulator) fault(t testing.TB, fault string) {
	t.Helper()
	e.control(t, "POST", "/__emulator/faults", fault)
	t.Cleanup(func() { e.control(t, "DELETE", "/__emulator/faults", "") })
}

// requests returns how many API requests the emulator has answered for path.
func (e *emulator) requests(t testing.TB, path string) int {
	t.Helper()
	var stats struct {
		Requests map[string]int `json:"requests"`
	}
	text := e.control(t, "GET", "/__emulator/stats", "")
	if err := json.Unmarshal(text, &stats); err != nil {
		t.Fatalf("stats %s: %v", text, err)
	}
	return stats.Requests[path]
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	text, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(bytes.TrimSpace(text))
}
