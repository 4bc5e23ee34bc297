package paperspacetest_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paperspace-client/paperspace/bindings/go/paperspacetest"
)

// needBinary skips the test when there is no emulator binary to run, unless PAPERSPACE_EMULATOR
// names one: then a wrong name fails.
func needBinary(t *testing.T) {
	t.Helper()
	if _, err := paperspacetest.Binary(); err != nil {
		if os.Getenv("PAPERSPACE_EMULATOR") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
}

// get sends an API request with a key and returns the status, the Retry-After header and the body.
func get(t *testing.T, url, key string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("x-api-key", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Retry-After"), string(body)
}

func TestNewEmulator(t *testing.T) {
	needBinary(t)
	srv := paperspacetest.NewEmulator(t)
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") || srv.AdminKey != "emulator-admin-key" || srv.MemberKey != "emulator-member-key" {
		t.Fatalf("emulator %+v", srv)
	}
	status, _, body := get(t, srv.URL+"/users/getUsers?id="+paperspacetest.AdminUserID, srv.MemberKey)
	var users []struct {
		ID     string `json:"id"`
		TeamID string `json:"teamId"`
	}
	if err := json.Unmarshal([]byte(body), &users); status != 200 || err != nil || len(users) != 1 ||
		users[0].ID != paperspacetest.AdminUserID || users[0].TeamID != paperspacetest.TeamID {
		t.Errorf("users: %d %s", status, body)
	}

	// A queued fault strikes once, with its headers; the stats count both requests.
	if err := srv.AddFaults(paperspacetest.Fault{Path: "/users/getUsers", Status: 503, Headers: map[string]string{"Retry-After": "1"}}); err != nil {
		t.Fatal(err)
	}
	if stats, err := srv.Stats(); err != nil || stats.FaultsPending != 1 {
		t.Errorf("stats with a fault queued: %+v, %v", stats, err)
	}
	status, retryAfter, body := get(t, srv.URL+"/users/getUsers", srv.AdminKey)
	if status != 503 || retryAfter != "1" || body != `{"error":{"name":"Error","status":503,"message":"Service Unavailable"}}` {
		t.Errorf("faulted request: %d %q %s", status, retryAfter, body)
	}
	if status, _, _ := get(t, srv.URL+"/users/getUsers", srv.AdminKey); status != 200 {
		t.Errorf("after the fault: %d", status)
	}
	stats, err := srv.Stats()
	if err != nil || stats.Requests["GET /users/getUsers"] != 3 || stats.FaultsPending != 0 || stats.Users != 2 || stats.Machines != 0 {
		t.Errorf("stats %+v, %v", stats, err)
	}

	// A delay, then ClearFaults.
	if err := srv.AddFaults(paperspacetest.Fault{Path: "/users/getUsers", Delay: 300 * time.Millisecond, Count: 5}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if status, _, _ := get(t, srv.URL+"/users/getUsers", srv.AdminKey); status != 200 || time.Since(start) < 300*time.Millisecond {
		t.Errorf("delayed request: %d after %v", status, time.Since(start))
	}
	if err := srv.ClearFaults(); err != nil {
		t.Fatal(err)
	}
	if stats, err := srv.Stats(); err != nil || stats.FaultsPending != 0 {
		t.Errorf("after ClearFaults: %+v, %v", stats, err)
	}

	// A bad fault is the emulator's 400, as an error.
	err = srv.AddFaults(paperspacetest.Fault{Status: 99})
	if err == nil || !strings.Contains(err.Error(), "HTTP 400") || !strings.Contains(err.Error(), "Invalid faults") {
		t.Errorf("AddFaults(status 99) = %v", err)
	}

	// Close stops the process: nothing listens afterwards.
	srv.Close()
	srv.Close()
	if _, err := http.Get(srv.URL + "/__emulator/stats"); err == nil {
		t.Error("the emulator still answers after Close")
	}
}

const oneUser = `{"users": [{"id": "u1234567", "email": "solo@example.com", "firstname": "Solo", "lastname": "User",
  "isAdmin": true, "isOwner": true, "dtCreated": "2020-01-01T00:00:00.000Z", "teamId": "te123456", "apiKey": "solo-key"}]}`

func TestScenarioAndFaultOptions(t *testing.T) {
	needBinary(t)
	srv := paperspacetest.NewEmulator(t, paperspacetest.WithScenario(oneUser),
		paperspacetest.WithFaults(paperspacetest.Fault{Method: "GET", Path: "/templates/getTemplates", Action: paperspacetest.ActionGarbage}))
	if status, _, body := get(t, srv.URL+"/users/getUsers", "solo-key"); status != 200 || !strings.Contains(body, `"email":"solo@example.com"`) {
		t.Errorf("scenario user: %d %s", status, body)
	}
	if status, _, _ := get(t, srv.URL+"/users/getUsers", srv.AdminKey); status != 401 {
		t.Errorf("the default admin key in another scenario: %d", status)
	}
	if status, _, body := get(t, srv.URL+"/templates/getTemplates", "solo-key"); status != 200 || strings.HasPrefix(body, "[") {
		t.Errorf("garbage fault: %d %s", status, body)
	}

	file := t.TempDir() + "/scenario.json"
	if err := os.WriteFile(file, []byte(oneUser), 0o644); err != nil {
		t.Fatal(err)
	}
	fromFile := paperspacetest.NewEmulator(t, paperspacetest.WithScenarioFile(file))
	if status, _, _ := get(t, fromFile.URL+"/users/getUsers", "solo-key"); status != 200 {
		t.Errorf("scenario file user: %d", status)
	}
}

func TestStartErrors(t *testing.T) {
	needBinary(t)
	_, err := paperspacetest.Start(paperspacetest.WithScenario(`{"users": [], "typo": 1}`))
	if err == nil || !strings.Contains(err.Error(), "exited without listening") || !strings.Contains(err.Error(), "typo") {
		t.Errorf("a bad scenario: %v", err)
	}
	_, err = paperspacetest.Start(paperspacetest.WithBinary("/nonexistent/paperspace-emulator"))
	if err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing binary: %v", err)
	}
	// In the repository, without PAPERSPACE_EMULATOR, the build of `make emulator` is found.
	if built, err := filepath.Abs("../../../target/emulator/release/paperspace-emulator"); err == nil {
		if _, err := os.Stat(built); err == nil {
			t.Setenv("PAPERSPACE_EMULATOR", "")
			if got, err := paperspacetest.Binary(); err != nil || filepath.Clean(got) != built {
				t.Errorf("Binary() = %q, %v; want %s", got, err, built)
			}
		}
	}
	t.Setenv("PAPERSPACE_EMULATOR", "/nonexistent/paperspace-emulator")
	if _, err := paperspacetest.Binary(); err == nil || !strings.HasPrefix(err.Error(), "paperspacetest: PAPERSPACE_EMULATOR: ") {
		t.Errorf("Binary with a wrong PAPERSPACE_EMULATOR: %v", err)
	}
}

func TestFaultJSON(t *testing.T) {
	text, err := json.Marshal(paperspacetest.Fault{Path: "/machines/*/start", Count: 2, Delay: 1500 * time.Millisecond, Stage: paperspacetest.StageAfterHandling})
	if want := `{"path":"/machines/*/start","count":2,"delayMs":1500,"stage":"afterHandling"}`; err != nil || string(text) != want {
		t.Errorf("got %s (%v), want %s", text, err, want)
	}
}
