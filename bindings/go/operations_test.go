package paperspace_test

// The binding against the library's table of operations (ps_operations), and the requests and
// results of the operations the emulator does not serve, against a recording test server.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	paperspace "github.com/paperspace-client/paperspace/bindings/go"
)

// Every operation the library describes is run by some method of Client, and no method runs an
// operation the library does not know. Each method is called through reflection with zero
// arguments (they fail validation or find no server, but name their operation first).
func TestEveryOperationHasAMethod(t *testing.T) {
	var ops []struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal([]byte(paperspace.LibraryOperations()), &ops); err != nil {
		t.Fatal(err)
	}
	if len(ops) == 0 {
		t.Fatal("ps_operations() lists no operation")
	}
	c, err := paperspace.NewClient(paperspace.Config{APIKey: "k", BaseURL: "http://127.0.0.1:1", MaxRetries: paperspace.Ptr(0)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	var mu sync.Mutex
	byOperation := map[string][]string{}
	var method string
	restore := paperspace.ObserveCalls(func(op string) {
		mu.Lock()
		defer mu.Unlock()
		if !slices.Contains(byOperation[op], method) {
			byOperation[op] = append(byOperation[op], method)
		}
	})
	defer restore()

	ctxType := reflect.TypeFor[context.Context]()
	v := reflect.ValueOf(c)
	for i := range v.NumMethod() {
		m := v.Type().Method(i)
		ft := m.Type // the receiver is argument 0
		if ft.NumIn() < 2 || ft.In(1) != ctxType {
			continue // Close
		}
		args := []reflect.Value{reflect.ValueOf(context.Background())}
		for j := 2; j < ft.NumIn(); j++ {
			args = append(args, reflect.Zero(ft.In(j)))
		}
		mu.Lock()
		method = m.Name
		mu.Unlock()
		out := v.Method(i).Call(args)
		// AllMachines returns an iterator: run it to its first (failing) page.
		if seq, ok := out[0].Interface().(iter.Seq2[paperspace.Machine, error]); ok {
			for range seq {
				break
			}
		}
	}

	for _, op := range ops {
		if len(byOperation[op.Name]) == 0 {
			t.Errorf("operation %s has no method", op.Name)
		}
	}
	for op, methods := range byOperation {
		if !slices.ContainsFunc(ops, func(o struct {
			Name string `json:"name"`
		}) bool {
			return o.Name == op
		}) {
			t.Errorf("%v run %q, which ps_operations() does not list", methods, op)
		}
	}
	t.Logf("%d operations: %v", len(byOperation), byOperation)
}

// request is what the recording server received.
type request struct {
	Method, Path string
	Query        url.Values
	Body         map[string]any
}

// answer is what it sends back for one "METHOD path".
type answer struct {
	status int
	body   string
}

// recorder is a test server that answers by "METHOD path" and hands each request over on a
// channel (the race detector cannot see the order the socket gives).
func recorder(t *testing.T, answers map[string]answer) (*paperspace.Client, <-chan request) {
	t.Helper()
	requests := make(chan request, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		text, _ := io.ReadAll(r.Body)
		req := request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query()}
		if len(text) > 0 {
			if err := json.Unmarshal(text, &req.Body); err != nil {
				req.Body = map[string]any{"<not JSON>": string(text)}
			}
		}
		requests <- req
		a, ok := answers[r.Method+" "+r.URL.Path]
		if !ok {
			http.Error(w, `{"error": {"name": "Error", "status": 404, "message": "Not found"}}`, http.StatusNotFound)
			return
		}
		if a.status == http.StatusNoContent {
			w.WriteHeader(a.status)
			return
		}
		w.Header().Set("content-type", "application/json")
		w.WriteHeader(a.status)
		io.WriteString(w, a.body)
	}))
	t.Cleanup(srv.Close)
	c, err := paperspace.NewClient(paperspace.Config{APIKey: "test-key", BaseURL: srv.URL, MaxRetries: paperspace.Ptr(0)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, requests
}

// expect takes the next request and compares it with want (query and body as values).
func expect(t *testing.T, requests <-chan request, want request) {
	t.Helper()
	var got request
	select {
	case got = <-requests:
	default:
		t.Fatalf("no request; want %s %s", want.Method, want.Path)
	}
	if want.Query == nil {
		want.Query = url.Values{}
	}
	if got.Method != want.Method || got.Path != want.Path || !reflect.DeepEqual(got.Query, want.Query) ||
		!reflect.DeepEqual(got.Body, want.Body) {
		t.Errorf("request\n got %s %s ?%v %v\nwant %s %s ?%v %v", got.Method, got.Path, got.Query, got.Body,
			want.Method, want.Path, want.Query, want.Body)
	}
}

func TestUpdateMachine(t *testing.T) {
	c, requests := recorder(t, map[string]answer{"POST /machines/ps123abc/updateMachinePublic": {204, ""}})
	err := c.UpdateMachine(context.Background(), paperspace.UpdateMachineParams{
		MachineID: "ps123abc", MachineName: "renamed", ShutdownTimeoutInHours: paperspace.SetNull[int](),
		AutoSnapshotFrequency: paperspace.Set(paperspace.SnapshotDaily), AutoSnapshotSaveCount: 3,
		DynamicPublicIP: paperspace.Ptr(false),
	})
	if err != nil {
		t.Fatal(err)
	}
	expect(t, requests, request{Method: "POST", Path: "/machines/ps123abc/updateMachinePublic", Body: map[string]any{
		"machineId": "ps123abc", "machineName": "renamed", "shutdownTimeoutInHours": nil,
		"autoSnapshotFrequency": "day", "autoSnapshotSaveCount": float64(3), "dynamicPublicIp": false,
	}})

	err = c.UpdateMachine(context.Background(), paperspace.UpdateMachineParams{MachineID: "ps123abc", ShutdownTimeoutInHours: paperspace.Set(0)})
	var perr *paperspace.Error
	if !errors.As(err, &perr) || !errors.Is(err, paperspace.ErrValidation) || perr.Fields()["shutdownTimeoutInHours"] != "must be at least 1 (null: never)" {
		t.Errorf("shutdown after 0 hours: %v", err)
	}
	if len(requests) != 0 {
		t.Error("an invalid update was sent")
	}
}

func TestMachineUtilization(t *testing.T) {
	fixture, err := os.ReadFile("../../tests/fixtures/Machines_Utilization.json")
	if err != nil {
		fixture = []byte(`{"machineId": "ps123abc", "utilization": {"machineId": "ps123abc", "secondsUsed": 37351.08562622, "hourlyRate": "0.40", "billingMonth": "2017-08"}, "storageUtilization": {"machineId": "ps123abc", "secondsUsed": 678400, "monthlyRate": "7.00", "billingMonth": "2017-08"}}`)
	}
	c, requests := recorder(t, map[string]answer{"GET /machines/getUtilization": {200, string(fixture)}})
	got, err := c.MachineUtilization(context.Background(), paperspace.UtilizationParams{MachineID: "ps123abc", BillingMonth: "2017-08"})
	if err != nil {
		t.Fatal(err)
	}
	expect(t, requests, request{Method: "GET", Path: "/machines/getUtilization", Query: url.Values{"machineId": {"ps123abc"}, "billingMonth": {"2017-08"}}})
	want := paperspace.Utilization{
		MachineID:          "ps123abc",
		Utilization:        paperspace.MachineUsage{MachineID: "ps123abc", SecondsUsed: 37351.08562622, HourlyRate: "0.40", BillingMonth: "2017-08"},
		StorageUtilization: paperspace.StorageUsage{MachineID: "ps123abc", SecondsUsed: 678400, MonthlyRate: "7.00", BillingMonth: "2017-08"},
	}
	if *got != want {
		t.Errorf("got  %+v\nwant %+v", *got, want)
	}
	if d := got.Utilization.Used(); d != 37351085626220*time.Nanosecond {
		t.Errorf("Used() = %v", d)
	}
	if d := got.StorageUtilization.Used(); d != 678400*time.Second {
		t.Errorf("storage Used() = %v", d)
	}
	_, err = c.MachineUtilization(context.Background(), paperspace.UtilizationParams{MachineID: "ps123abc", BillingMonth: "August"})
	var perr *paperspace.Error
	if !errors.As(err, &perr) || perr.Fields()["billingMonth"] != "must be a month as YYYY-MM, e.g. 2019-04" {
		t.Errorf("billing month August: %v", err)
	}
}

func TestSetMachineAccess(t *testing.T) {
	c, requests := recorder(t, map[string]answer{"POST /machines/ps123abc/setMachineAccess": {200, `{"id": "ps123abc", "name": "shared", "state": "ready"}`}})
	m, err := c.SetMachineAccess(context.Background(), paperspace.SetAccessParams{MachineID: "ps123abc", UserID: "um7x2p4j", EnableAccess: false})
	if err != nil || m.ID != "ps123abc" || m.Name != "shared" || m.State != paperspace.StateReady {
		t.Fatalf("SetMachineAccess = %+v, %v", m, err)
	}
	expect(t, requests, request{Method: "POST", Path: "/machines/ps123abc/setMachineAccess", Body: map[string]any{
		"machineId": "ps123abc", "userId": "um7x2p4j", "enableAccess": false,
	}})
}

func TestListNetworks(t *testing.T) {
	const networks = `[{"id": "n123abc", "name": "AMS1 network", "region": "Europe (AMS1)", "dtCreated": "2019-02-01T10:00:00.000Z",
		"network": "10.64.21.0", "netmask": "255.255.255.0", "teamId": "tekq7vm2d"}]`
	c, requests := recorder(t, map[string]answer{"GET /networks/getNetworks": {200, networks}})
	got, err := c.ListNetworks(context.Background(), paperspace.NetworkFilter{Region: paperspace.Match(paperspace.RegionEuropeAMS1), TeamID: paperspace.MatchNull[string]()})
	if err != nil {
		t.Fatal(err)
	}
	expect(t, requests, request{Method: "GET", Path: "/networks/getNetworks", Query: url.Values{"region": {"Europe (AMS1)"}, "teamId": {"null"}}})
	want := []paperspace.Network{{ID: "n123abc", Name: "AMS1 network", Region: paperspace.RegionEuropeAMS1, DtCreated: "2019-02-01T10:00:00.000Z",
		Network: "10.64.21.0", Netmask: "255.255.255.0", TeamID: "tekq7vm2d"}}
	if !slices.Equal(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if created, err := got[0].Created(); err != nil || !created.Equal(time.Date(2019, 2, 1, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("Created = %v, %v", created, err)
	}
}

const script = `{"id": "sc123abc", "ownerType": "user", "ownerId": "uq8w3kz5", "name": "boot", "description": null,
	"dtCreated": "2019-05-01T12:00:00.000Z", "isEnabled": true, "runOnce": true}`

func TestScripts(t *testing.T) {
	c, requests := recorder(t, map[string]answer{
		"POST /scripts/createScript":     {200, script},
		"GET /scripts/getScripts":        {200, "[" + script + "]"},
		"GET /scripts/getScript":         {200, strings.TrimSuffix(script, "}") + `, "machines": [{"machineId": "ps123abc", "dtLastRun": null}]}`},
		"GET /scripts/getScriptText":     {200, `"services start nginx"`},
		"POST /scripts/sc123abc/destroy": {204, ""},
	})
	ctx := context.Background()
	wantScript := paperspace.Script{ID: "sc123abc", OwnerType: "user", OwnerID: "uq8w3kz5", Name: "boot",
		DtCreated: "2019-05-01T12:00:00.000Z", IsEnabled: true, RunOnce: true}

	created, err := c.CreateScript(ctx, paperspace.CreateScriptParams{ScriptName: "boot", ScriptText: "services start nginx",
		RunOnce: paperspace.Ptr(true), MachineID: "ps123abc"})
	if err != nil || *created != wantScript {
		t.Errorf("CreateScript = %+v, %v", created, err)
	}
	expect(t, requests, request{Method: "POST", Path: "/scripts/createScript", Body: map[string]any{
		"scriptName": "boot", "scriptText": "services start nginx", "runOnce": true, "machineId": "ps123abc"}})

	// A script file is read by the library and sent as the text.
	file := filepath.Join(t.TempDir(), "boot.sh")
	if err := os.WriteFile(file, []byte("#!/bin/sh\necho hi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateScript(ctx, paperspace.CreateScriptParams{ScriptName: "boot", ScriptFile: file}); err != nil {
		t.Fatal(err)
	}
	expect(t, requests, request{Method: "POST", Path: "/scripts/createScript", Body: map[string]any{
		"scriptName": "boot", "scriptText": "#!/bin/sh\necho hi\n"}})
	_, err = c.CreateScript(ctx, paperspace.CreateScriptParams{ScriptName: "boot"})
	var perr *paperspace.Error
	if !errors.As(err, &perr) || perr.Fields()["scriptText"] != "is required (or scriptFile)" {
		t.Errorf("a script without text: %v", err)
	}

	listed, err := c.ListScripts(ctx, paperspace.ScriptFilter{IsEnabled: paperspace.Match(true), OwnerType: paperspace.Match("user")})
	if err != nil || !slices.Equal(listed, []paperspace.Script{wantScript}) {
		t.Errorf("ListScripts = %+v, %v", listed, err)
	}
	expect(t, requests, request{Method: "GET", Path: "/scripts/getScripts", Query: url.Values{"isEnabled": {"true"}, "ownerType": {"user"}}})

	shown, err := c.GetScript(ctx, "sc123abc")
	if err != nil || shown.Script != wantScript || len(shown.Machines) != 1 || shown.Machines[0].MachineID != "ps123abc" || shown.Machines[0].DtLastRun != nil {
		t.Errorf("GetScript = %+v, %v", shown, err)
	} else if lastRun, err := shown.Machines[0].LastRun(); err != nil || !lastRun.IsZero() {
		t.Errorf("LastRun of a script that never ran = %v, %v", lastRun, err)
	}
	expect(t, requests, request{Method: "GET", Path: "/scripts/getScript", Query: url.Values{"scriptId": {"sc123abc"}}})

	text, err := c.ScriptText(ctx, "sc123abc")
	if err != nil || text != "services start nginx" {
		t.Errorf("ScriptText = %q, %v", text, err)
	}
	expect(t, requests, request{Method: "GET", Path: "/scripts/getScriptText", Query: url.Values{"scriptId": {"sc123abc"}}})

	if err := c.DestroyScript(ctx, "sc123abc"); err != nil {
		t.Error(err)
	}
	expect(t, requests, request{Method: "POST", Path: "/scripts/sc123abc/destroy", Body: map[string]any{"scriptId": "sc123abc"}})

	if err := c.DestroyScript(ctx, ".."); !errors.Is(err, paperspace.ErrValidation) {
		t.Errorf(`DestroyScript("..") = %v`, err)
	}
}

func TestCreateResourceDelegation(t *testing.T) {
	const token = "tok-3f9a8c7e2b1d"
	one := fmt.Sprintf(`[{"delegation": {"machine": {"ids": ["ps123abc", "ps456def"]}}, "isEnabled": true,
		"accessTokenId": %q, "dtCreated": "2020-03-01T08:00:00.000Z", "id": 42}]`, token)
	c, requests := recorder(t, map[string]answer{"POST /resourceDelegations/create": {200, one}})
	d, err := c.CreateResourceDelegation(context.Background(), paperspace.DelegationParams{MachineIDs: []string{"ps123abc", "ps456def"}})
	if err != nil {
		t.Fatal(err)
	}
	expect(t, requests, request{Method: "POST", Path: "/resourceDelegations/create", Body: map[string]any{
		"machine": map[string]any{"ids": []any{"ps123abc", "ps456def"}}}})
	if d.ID != 42 || !d.IsEnabled || string(d.AccessTokenID) != token || d.DtCreated != "2020-03-01T08:00:00.000Z" {
		t.Errorf("delegation %+v", d)
	}
	var sent map[string]any
	if err := json.Unmarshal(d.Delegation, &sent); err != nil || !reflect.DeepEqual(sent, map[string]any{"machine": map[string]any{"ids": []any{"ps123abc", "ps456def"}}}) {
		t.Errorf("Delegation %s", d.Delegation)
	}
	text, _ := json.Marshal(d)
	for _, shown := range []string{fmt.Sprintf("%v", d), fmt.Sprintf("%+v", *d), fmt.Sprintf("%#v", *d), string(text)} {
		if strings.Contains(shown, token) {
			t.Errorf("the token shows: %s", shown)
		}
	}

	_, err = c.CreateResourceDelegation(context.Background(), paperspace.DelegationParams{})
	var perr *paperspace.Error
	if !errors.As(err, &perr) || perr.Fields()["machine"] != "is required" {
		t.Errorf("a delegation of nothing: %v", err)
	}
}

// An answer that is not one delegation is a decode error.
func TestCreateResourceDelegationNotOne(t *testing.T) {
	c, _ := recorder(t, map[string]answer{"POST /resourceDelegations/create": {200, `[]`}})
	_, err := c.CreateResourceDelegation(context.Background(), paperspace.DelegationParams{MachineIDs: []string{"ps123abc"}})
	var perr *paperspace.Error
	if !errors.As(err, &perr) || !errors.Is(err, paperspace.ErrDecode) || perr.Message != "the answer lists 0 delegations, want 1" ||
		perr.Operation != "resource_delegations_create" {
		t.Errorf("an empty answer: %v", err)
	}
}
