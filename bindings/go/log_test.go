package paperspace_test

// Config.Logger, and that neither the log nor a logged parameter struct shows a secret.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	paperspace "github.com/paperspace-client/paperspace/bindings/go"
)

// The client sends the password's real value, although the struct marshals it as "<redacted>".
func TestCreateSendsThePassword(t *testing.T) {
	// The handler hands the body over on a channel: the race detector cannot see the order that
	// the socket (read by the C library) gives.
	bodies := make(chan []byte, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/machines/createSingleMachinePublic" {
			http.Error(w, "unexpected request", http.StatusNotFound)
			return
		}
		body, _ := io.ReadAll(r.Body)
		bodies <- body
		w.Header().Set("content-type", "application/json")
		io.WriteString(w, `{"id": "psabcdefg", "name": "m", "state": "provisioning"}`)
	}))
	defer srv.Close()
	c, err := paperspace.NewClient(paperspace.Config{APIKey: "k", BaseURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	m, err := c.CreateMachine(context.Background(), paperspace.CreateMachineParams{
		Region: paperspace.RegionEuropeAMS1, MachineType: paperspace.MachineTypeC4, Size: 50,
		BillingType: paperspace.BillingHourly, MachineName: "m", TemplateID: "t04azgph",
		Email: "new@example.com", Password: "hunter22", FirstName: "New", LastName: "User",
	})
	if err != nil || m.ID != "psabcdefg" {
		t.Fatalf("CreateMachine = %+v, %v", m, err)
	}
	body := <-bodies
	var got map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("body %s: %v", body, err)
	}
	want := map[string]any{
		"region": "Europe (AMS1)", "machineType": "C4", "size": float64(50), "billingType": "hourly",
		"machineName": "m", "templateId": "t04azgph", "email": "new@example.com", "password": "hunter22",
		"firstName": "New", "lastName": "User",
	}
	if len(got) != len(want) {
		t.Errorf("body %s", body)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("body[%q] = %v, want %v (body %s)", k, got[k], v, body)
		}
	}
}

// A parameter struct logged with slog's JSON and text handlers shows no password.
func TestSlogHidesTheSecret(t *testing.T) {
	params := paperspace.CreateMachineParams{
		Region: paperspace.RegionEuropeAMS1, MachineType: paperspace.MachineTypeC4, Size: 50,
		BillingType: paperspace.BillingHourly, MachineName: "m", TemplateID: "t04azgph",
		Email: "new@example.com", Password: "hunter22", FirstName: "New", LastName: "User",
	}
	var out bytes.Buffer
	slog.New(slog.NewJSONHandler(&out, nil)).Info("create", "params", params, "password", params.Password)
	var record struct {
		Params   map[string]any `json:"params"`
		Password string         `json:"password"`
	}
	if err := json.Unmarshal(out.Bytes(), &record); err != nil {
		t.Fatalf("%s: %v", out.Bytes(), err)
	}
	if record.Params["password"] != "<redacted>" || record.Password != "<redacted>" || record.Params["email"] != "new@example.com" {
		t.Errorf("JSON record %s", out.Bytes())
	}
	out.Reset()
	slog.New(slog.NewTextHandler(&out, nil)).Info("create", "params", params, "password", params.Password)
	if text := out.String(); strings.Contains(text, "hunter22") || !strings.Contains(text, "password=<redacted>") {
		t.Errorf("text record %s", text)
	}
}

// Each call logs one Debug record with its operation, status and duration; nothing secret.
func TestLogger(t *testing.T) {
	emu := needEmulator(t)
	var out bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := emu.client(t, paperspace.Config{Logger: logger})
	ctx := context.Background()

	if _, err := c.ListUsers(ctx, paperspace.UserFilter{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetMachine(ctx, "psnothere"); err == nil {
		t.Fatal("GetMachine(psnothere) succeeded")
	}
	if _, err := c.CreateMachine(ctx, paperspace.CreateMachineParams{Size: 10, Password: "hunter22"}); err == nil {
		t.Fatal("CreateMachine with a bad size succeeded")
	}

	if text := out.String(); strings.Contains(text, "hunter22") || strings.Contains(text, adminKey) {
		t.Errorf("the log shows a secret:\n%s", text)
	}
	want := []struct {
		operation, status string
		httpStatus        float64
	}{{"users_list", "ok", 0}, {"machines_show", "api", 404}, {"machines_create", "validation", 0}}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != len(want) {
		t.Fatalf("%d records, want %d:\n%s", len(lines), len(want), out.String())
	}
	for i, line := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("record %s: %v", line, err)
		}
		keys := []string{"duration", "level", "msg", "operation", "status", "time"}
		if want[i].httpStatus != 0 {
			keys = append(keys, "httpStatus")
		}
		got := make([]string, 0, len(rec))
		for k := range rec {
			got = append(got, k)
		}
		slices.Sort(got)
		slices.Sort(keys)
		if !slices.Equal(got, keys) || rec["level"] != "DEBUG" || rec["msg"] != "paperspace call" ||
			rec["operation"] != want[i].operation || rec["status"] != want[i].status {
			t.Errorf("record %d: %s", i, line)
		}
		if want[i].httpStatus != 0 && rec["httpStatus"] != want[i].httpStatus {
			t.Errorf("record %d: %s", i, line)
		}
		if d, ok := rec["duration"].(float64); !ok || d <= 0 {
			t.Errorf("record %d: duration %v", i, rec["duration"])
		}
	}

	// Above Debug, nothing is logged.
	out.Reset()
	quiet := emu.client(t, paperspace.Config{Logger: slog.New(slog.NewJSONHandler(&out, &slog.HandlerOptions{Level: slog.LevelInfo}))})
	if _, err := quiet.ListUsers(ctx, paperspace.UserFilter{}); err != nil || out.Len() != 0 {
		t.Errorf("an Info logger got %q (%v)", out.String(), err)
	}
}
