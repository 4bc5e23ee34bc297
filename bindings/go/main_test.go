package paperspace_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	paperspace "github.com/paperspace-client/paperspace/bindings/go"
	"github.com/paperspace-client/paperspace/bindings/go/paperspacetest"
)

const (
	adminKey  = paperspacetest.AdminKey
	memberKey = paperspacetest.MemberKey
)

// emulator is a running paperspace-emulator (package paperspacetest) with the helpers these
// tests use.
type emulator struct{ *paperspacetest.Emulator }

// shared is the emulator most tests use, started by TestMain; nil when there is no binary.
var shared *emulator

// TestMain starts the shared emulator and points PAPERSPACE_API_HOST and PAPERSPACE_API_KEY at
// it, so that the examples, which configure nothing, run against it. Without an emulator
// binary, the tests that need one are skipped, and so are the examples; a PAPERSPACE_EMULATOR
// that names no file is an error.
func TestMain(m *testing.M) {
	if _, err := paperspacetest.Binary(); err != nil {
		if os.Getenv("PAPERSPACE_EMULATOR") != "" {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Fprintln(os.Stderr, err, "- the tests that need the emulator, and the examples, are skipped")
		flag.Parse()
		if flag.Lookup("test.skip").Value.String() == "" {
			flag.Set("test.skip", "^Example")
		}
		os.Exit(m.Run())
	}
	srv, err := paperspacetest.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting the emulator:", err)
		os.Exit(1)
	}
	shared = &emulator{srv}
	os.Setenv("PAPERSPACE_API_HOST", srv.URL)
	os.Setenv("PAPERSPACE_API_KEY", srv.AdminKey)
	code := m.Run()
	srv.Close()
	os.Exit(code)
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

// fault queues a fault given as the emulator's JSON (docs/EMULATOR.md) and makes sure none is
// left when the test ends.
func (e *emulator) fault(t testing.TB, fault string) {
	t.Helper()
	resp, err := http.Post(e.URL+"/__emulator/faults", "application/json", strings.NewReader(fault))
	if err != nil {
		t.Fatal(err)
	}
	text, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("queueing fault %s: HTTP %d: %s", fault, resp.StatusCode, text)
	}
	t.Cleanup(func() {
		if err := e.ClearFaults(); err != nil {
			t.Error(err)
		}
	})
}

// requests returns how many API requests the emulator has answered for "METHOD path".
func (e *emulator) requests(t testing.TB, key string) int {
	t.Helper()
	stats, err := e.Stats()
	if err != nil {
		t.Fatal(err)
	}
	return stats.Requests[key]
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	text, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(bytes.TrimSpace(text))
}
