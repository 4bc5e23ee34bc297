// Package paperspacetest runs the Paperspace Core API emulator (paperspace-emulator, built from
// this repository) for tests, the way net/http/httptest runs an HTTP server:
//
//	func TestMyCode(t *testing.T) {
//		srv := paperspacetest.NewEmulator(t) // stopped by t.Cleanup
//		client, err := paperspace.NewClient(paperspace.Config{APIKey: srv.AdminKey, BaseURL: srv.URL})
//		...
//		srv.AddFaults(paperspacetest.Fault{Path: "/machines/getMachines", Status: 503})
//	}
//
// The emulator serves the API's paths, parameters, status codes and bodies from memory, moves
// machines through their states on short delays, and injects faults (status codes, delays,
// dropped connections, malformed bodies); docs/EMULATOR.md describes it. The binary is found
// through the environment variable PAPERSPACE_EMULATOR, else in the repository's build
// directories (target/emulator/release, target/release, target/debug), else on PATH.
//
// The package does not import the client: it only starts the process and talks to its control
// endpoints.
package paperspacetest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The API keys and ids of the default scenario (docs/EMULATOR.md).
const (
	// AdminKey is the key of Ada Admin (AdminUserID), the team's administrator and owner.
	AdminKey = "emulator-admin-key"
	// MemberKey is the key of Max Member (MemberUserID), a plain team member.
	MemberKey    = "emulator-member-key"
	AdminUserID  = "uq8w3kz5"
	MemberUserID = "um7x2p4j"
	TeamID       = "tekq7vm2d"
)

// Emulator is a running paperspace-emulator.
type Emulator struct {
	// URL is the emulator's base URL, "http://127.0.0.1:PORT" (no trailing slash): the
	// client's BaseURL.
	URL string
	// AdminKey and MemberKey are the default scenario's keys; with WithScenario they are still
	// set, and valid only if that scenario gives them to users.
	AdminKey, MemberKey string

	cmd      *exec.Cmd
	exited   chan struct{} // closed when the process has exited
	stderr   *tailBuffer
	scenario string // temporary scenario file to remove, if any
	stopOnce sync.Once
	http     *http.Client
}

// Option configures NewEmulator and Start.
type Option func(*options)

type options struct {
	binary       string
	scenario     string
	scenarioFile string
	faults       []Fault
}

// WithScenario runs the emulator with this scenario (a JSON text in the format of
// docs/EMULATOR.md) instead of the built-in one.
func WithScenario(scenarioJSON string) Option {
	return func(o *options) { o.scenario = scenarioJSON }
}

// WithScenarioFile runs the emulator with the scenario in this file.
func WithScenarioFile(path string) Option {
	return func(o *options) { o.scenarioFile = path }
}

// WithFaults queues faults as soon as the emulator listens (AddFaults).
func WithFaults(faults ...Fault) Option {
	return func(o *options) { o.faults = append(o.faults, faults...) }
}

// WithBinary runs this emulator binary instead of the one Binary finds.
func WithBinary(path string) Option {
	return func(o *options) { o.binary = path }
}

// NewEmulator starts an emulator for the test and stops it when the test and its subtests end
// (t.Cleanup). It ends the test with t.Fatal when the emulator cannot start (no binary, a bad
// scenario, a bad fault).
func NewEmulator(t testing.TB, opts ...Option) *Emulator {
	t.Helper()
	e, err := Start(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// Start starts an emulator that the caller stops with Close (for TestMain, or outside tests).
func Start(opts ...Option) (*Emulator, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	binary := o.binary
	if binary == "" {
		var err error
		if binary, err = Binary(); err != nil {
			return nil, err
		}
	}
	e := &Emulator{
		AdminKey:  AdminKey,
		MemberKey: MemberKey,
		exited:    make(chan struct{}),
		stderr:    &tailBuffer{max: 16 << 10},
		http:      &http.Client{Timeout: 10 * time.Second},
	}
	args := []string{"--listen", "127.0.0.1:0", "--quiet"}
	switch {
	case o.scenario != "":
		f, err := os.CreateTemp("", "paperspace-scenario-*.json")
		if err != nil {
			return nil, err
		}
		e.scenario = f.Name()
		_, err = f.WriteString(o.scenario)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(e.scenario)
			return nil, err
		}
		args = append(args, "--scenario", e.scenario)
	case o.scenarioFile != "":
		args = append(args, "--scenario", o.scenarioFile)
	}
	if err := e.start(binary, args); err != nil {
		if e.scenario != "" {
			os.Remove(e.scenario)
		}
		return nil, err
	}
	if len(o.faults) > 0 {
		if err := e.AddFaults(o.faults...); err != nil {
			e.Close()
			return nil, err
		}
	}
	return e, nil
}

// start runs the binary and reads the URL line it prints first (within 10 s).
func (e *Emulator) start(binary string, args []string) error {
	cmd := exec.Command(binary, args...)
	cmd.Stderr = e.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("paperspacetest: starting %s: %w", binary, err)
	}
	e.cmd = cmd
	urls := make(chan string, 1)
	go func() {
		reader := bufio.NewReader(stdout)
		line, _ := reader.ReadString('\n')
		var msg struct {
			URL string `json:"url"`
		}
		if json.Unmarshal([]byte(line), &msg) == nil {
			urls <- msg.URL
		} else {
			urls <- ""
		}
		io.Copy(io.Discard, reader) // stdout holds nothing else; keep the pipe drained
		cmd.Wait()
		close(e.exited)
	}()
	select {
	case url := <-urls:
		if url != "" {
			e.URL = url
			return nil
		}
		<-e.exited
		return fmt.Errorf("paperspacetest: %s exited without listening (%s): %s", binary, cmd.ProcessState, e.stderr.String())
	case <-time.After(10 * time.Second):
		e.kill()
		return fmt.Errorf("paperspacetest: %s printed no URL within 10 s: %s", binary, e.stderr.String())
	}
}

// Close stops the emulator (SIGTERM; SIGKILL if it has not exited after 5 s) and waits for it.
// It is idempotent.
func (e *Emulator) Close() error {
	e.stopOnce.Do(func() {
		e.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-e.exited:
		case <-time.After(5 * time.Second):
			e.kill()
		}
		if e.scenario != "" {
			os.Remove(e.scenario)
		}
	})
	return nil
}

func (e *Emulator) kill() {
	e.cmd.Process.Kill()
	<-e.exited
}

// Binary finds the emulator: $PAPERSPACE_EMULATOR, else the repository's builds of it (found
// from this package's source directory, so only in a checkout), else paperspace-emulator on PATH.
func Binary() (string, error) {
	if path := os.Getenv("PAPERSPACE_EMULATOR"); path != "" {
		if _, err := os.Stat(path); err != nil {
			return "", fmt.Errorf("paperspacetest: PAPERSPACE_EMULATOR: %w", err)
		}
		return path, nil
	}
	var tried []string
	if _, file, _, ok := runtime.Caller(0); ok {
		root := filepath.Join(filepath.Dir(file), "..", "..", "..")
		for _, dir := range []string{"target/emulator/release", "target/release", "target/debug"} {
			path := filepath.Join(root, filepath.FromSlash(dir), "paperspace-emulator")
			if _, err := os.Stat(path); err == nil {
				return path, nil
			}
			tried = append(tried, path)
		}
	}
	if path, err := exec.LookPath("paperspace-emulator"); err == nil {
		return path, nil
	}
	tried = append(tried, "paperspace-emulator on PATH")
	return "", fmt.Errorf("paperspacetest: no emulator binary: set PAPERSPACE_EMULATOR or run `make emulator` "+
		"in the repository (tried %s)", strings.Join(tried, ", "))
}

// Fault is one injected fault (docs/EMULATOR.md, "Fault injection"). Zero fields take the
// emulator's defaults: any method and path, one strike, status 500 (200 for ActionGarbage), the
// standard body for the status, no delay, ActionRespond, StageBeforeHandling. A fault with
// only Delay (and Headers) delays the real answer.
type Fault struct {
	Method  string            // "GET" or "POST"
	Path    string            // exact API path; "*" matches one segment: "/machines/*/start"
	Count   int               // how many matching requests it strikes
	Status  int               // the answer's status, 200-599
	Body    string            // the answer's body
	Headers map[string]string // extra answer headers, e.g. {"Retry-After": "1"}
	Delay   time.Duration     // wait before answering (whole milliseconds)
	Action  string            // ActionRespond, ActionClose, ActionTruncate or ActionGarbage
	Stage   string            // StageBeforeHandling, StageAfterHandling or StageAfterUserCreated
}

// Fault actions.
const (
	ActionRespond  = "respond"  // answer Status and Body
	ActionClose    = "close"    // close the connection without a byte
	ActionTruncate = "truncate" // send the head and half the body, then close
	ActionGarbage  = "garbage"  // answer a non-JSON (HTML) body
)

// Fault stages.
const (
	StageBeforeHandling   = "beforeHandling"   // the fault answers instead of the request
	StageAfterHandling    = "afterHandling"    // the request is handled, then the fault answers
	StageAfterUserCreated = "afterUserCreated" // a create stores its new user, then the fault answers
)

// MarshalJSON writes the emulator's fault object.
func (f Fault) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Method  string            `json:"method,omitempty"`
		Path    string            `json:"path,omitempty"`
		Count   int               `json:"count,omitempty"`
		Status  int               `json:"status,omitempty"`
		Body    string            `json:"body,omitempty"`
		Headers map[string]string `json:"headers,omitempty"`
		DelayMs int64             `json:"delayMs,omitempty"`
		Action  string            `json:"action,omitempty"`
		Stage   string            `json:"stage,omitempty"`
	}{f.Method, f.Path, f.Count, f.Status, f.Body, f.Headers, f.Delay.Milliseconds(), f.Action, f.Stage})
}

// AddFaults queues faults; each request takes one strike of the oldest fault matching it.
func (e *Emulator) AddFaults(faults ...Fault) error {
	body, err := json.Marshal(faults)
	if err != nil {
		return err
	}
	_, err = e.control(http.MethodPost, "/__emulator/faults", body)
	return err
}

// ClearFaults drops every queued fault.
func (e *Emulator) ClearFaults() error {
	_, err := e.control(http.MethodDelete, "/__emulator/faults", nil)
	return err
}

// Stats are the emulator's counters (GET /__emulator/stats).
type Stats struct {
	// Requests counts the API requests answered by "METHOD path" (without the query), e.g.
	// "GET /machines/getMachines"; faulted requests count too.
	Requests        map[string]int `json:"requests"`
	Machines        int            `json:"machines"`        // live machines
	MachinesCreated int            `json:"machinesCreated"` // machines ever created
	Users           int            `json:"users"`
	Events          int            `json:"events"`        // events visible now on live machines
	FaultsPending   int            `json:"faultsPending"` // strikes left in the fault queue
}

// Stats reads the emulator's counters.
func (e *Emulator) Stats() (Stats, error) {
	var stats Stats
	text, err := e.control(http.MethodGet, "/__emulator/stats", nil)
	if err != nil {
		return stats, err
	}
	if err := json.Unmarshal(text, &stats); err != nil {
		return stats, fmt.Errorf("paperspacetest: stats %q: %w", text, err)
	}
	return stats, nil
}

// control calls one of the emulator's control endpoints.
func (e *Emulator) control(method, path string, body []byte) ([]byte, error) {
	req, err := http.NewRequest(method, e.URL+path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("content-type", "application/json")
	resp, err := e.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("paperspacetest: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	text, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("paperspacetest: %s %s: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("paperspacetest: %s %s: HTTP %d: %s", method, path, resp.StatusCode, text)
	}
	return text, nil
}

// tailBuffer keeps the last max bytes written to it (the emulator's stderr, for error messages).
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
	max int
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if over := len(b.buf) - b.max; over > 0 {
		b.buf = append(b.buf[:0], b.buf[over:]...)
	}
	return len(p), nil
}

func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.TrimSpace(string(b.buf))
}
