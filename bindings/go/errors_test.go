package paperspace_test

// Every error kind the server side can cause, against the emulator.

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	paperspace "github.com/paperspace-client/paperspace/bindings/go"
	"github.com/paperspace-client/paperspace/bindings/go/paperspacetest"
)

const notFound = "Not found. Please contact support@paperspace.com for help."

// asError requires err to be an *Error matching want and returns it.
func asError(t testing.TB, err error, want error) *paperspace.Error {
	t.Helper()
	var perr *paperspace.Error
	if !errors.As(err, &perr) {
		t.Fatalf("got %v (%T), want an *Error matching %v", err, err, want)
	}
	if !errors.Is(err, want) {
		t.Fatalf("got %v, want an error matching %v", err, want)
	}
	return perr
}

// jsonEqual compares JSON texts by value.
func jsonEqual(t testing.TB, got json.RawMessage, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("details %s: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	if mustJSON(t, g) != mustJSON(t, w) {
		t.Errorf("details\n got %s\nwant %s", got, want)
	}
}

func TestNotFound(t *testing.T) {
	c := needEmulator(t).client(t, paperspace.Config{})
	_, err := c.GetMachine(context.Background(), "psnothere")
	perr := asError(t, err, paperspace.ErrNotFound)
	if perr.Code != paperspace.StatusAPI || perr.Kind != "api" || perr.HTTPStatus != 404 || perr.Message != notFound ||
		perr.Operation != "machines_show" || !errors.Is(err, paperspace.ErrAPI) || errors.Is(err, paperspace.ErrServer) {
		t.Errorf("%#v", perr)
	}
	jsonEqual(t, perr.Details, `{"error": {"name": "Error", "status": 404, "message": "`+notFound+`"}}`)
	if got, want := err.Error(), "paperspace: machines_show: api (HTTP 404): "+notFound; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	for name, call := range map[string]func() error{
		"StartMachine": func() error { return c.StartMachine(context.Background(), "psnothere") },
		"DestroyMachine": func() error {
			return c.DestroyMachine(context.Background(), paperspace.DestroyMachineParams{MachineID: "psnothere"})
		},
	} {
		if err := call(); !errors.Is(err, paperspace.ErrNotFound) {
			t.Errorf("%s(psnothere) = %v", name, err)
		}
	}
}

func TestUnauthorized(t *testing.T) {
	emu := needEmulator(t)
	bad := emu.client(t, paperspace.Config{APIKey: "not-a-key"})
	_, err := bad.ListTemplates(context.Background(), paperspace.TemplateFilter{})
	perr := asError(t, err, paperspace.ErrUnauthorized)
	if perr.HTTPStatus != 401 || perr.Message != "Invalid API token" || perr.Code != paperspace.StatusAPI {
		t.Errorf("%#v", perr)
	}

	member := emu.client(t, paperspace.Config{APIKey: memberKey})
	_, err = member.CreateMachine(context.Background(), paperspace.CreateMachineParams{
		Region: paperspace.RegionEuropeAMS1, MachineType: paperspace.MachineTypeC4, Size: 50,
		BillingType: paperspace.BillingHourly, MachineName: "member", TemplateID: ubuntu,
	})
	perr = asError(t, err, paperspace.ErrUnauthorized)
	if perr.HTTPStatus != 403 || perr.Operation != "machines_create" ||
		perr.Message != "Only the team administrator can create machines; team members cannot create machines themselves" {
		t.Errorf("%#v", perr)
	}
}

// The server enforces the template-OS rule, which the client cannot know (the OS is the
// template's): a 400.
func TestServerSideRule(t *testing.T) {
	c := needEmulator(t).client(t, paperspace.Config{})
	_, err := c.CreateMachine(context.Background(), paperspace.CreateMachineParams{
		Region: paperspace.RegionEuropeAMS1, MachineType: paperspace.MachineTypeC4, Size: 50,
		BillingType: paperspace.BillingHourly, MachineName: "windows-cpu", TemplateID: "tk9izniv",
	})
	perr := asError(t, err, paperspace.ErrAPI)
	if perr.HTTPStatus != 400 || perr.Message != "Windows os templates cannot be used to create CPU-only machine types 'C1' - 'C10'" {
		t.Errorf("%#v", perr)
	}
}

func TestRateLimited(t *testing.T) {
	emu := needEmulator(t)
	c := emu.client(t, paperspace.Config{MaxRetries: paperspace.Ptr(0)})
	emu.fault(t, `{"path": "/templates/getTemplates", "status": 429}`)
	before := emu.requests(t, "GET /templates/getTemplates")
	_, err := c.ListTemplates(context.Background(), paperspace.TemplateFilter{})
	perr := asError(t, err, paperspace.ErrRateLimited)
	if perr.HTTPStatus != 429 || perr.Code != paperspace.StatusAPI || perr.Message != "Too Many Requests" {
		t.Errorf("%#v", perr)
	}
	if n := emu.requests(t, "GET /templates/getTemplates") - before; n != 1 {
		t.Errorf("%d requests with MaxRetries 0", n)
	}
}

func TestServerError(t *testing.T) {
	emu := needEmulator(t)
	c := emu.client(t, paperspace.Config{MaxRetries: paperspace.Ptr(0)})
	emu.fault(t, `{"path": "/users/getUsers", "status": 503}`)
	_, err := c.ListUsers(context.Background(), paperspace.UserFilter{})
	perr := asError(t, err, paperspace.ErrServer)
	if perr.HTTPStatus != 503 || perr.Message != "Service Unavailable" || perr.Operation != "users_list" {
		t.Errorf("%#v", perr)
	}
	jsonEqual(t, perr.Details, `{"error": {"name": "Error", "status": 503, "message": "Service Unavailable"}}`)
}

// Safe calls are retried on 503 up to MaxRetries (default 2).
func TestRetries(t *testing.T) {
	emu := needEmulator(t)
	c := emu.client(t, paperspace.Config{})
	emu.fault(t, `{"path": "/templates/getTemplates", "status": 503, "count": 2}`)
	before := emu.requests(t, "GET /templates/getTemplates")
	templates, err := c.ListTemplates(context.Background(), paperspace.TemplateFilter{ID: paperspace.Match(ubuntu)})
	if err != nil || len(templates) != 1 {
		t.Fatalf("ListTemplates after two 503s = %v, %v", templates, err)
	}
	if n := emu.requests(t, "GET /templates/getTemplates") - before; n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}

func TestTimeout(t *testing.T) {
	emu := needEmulator(t)
	c := emu.client(t, paperspace.Config{Timeout: 100 * time.Millisecond, MaxRetries: paperspace.Ptr(0)})
	emu.fault(t, `{"path": "/templates/getTemplates", "delayMs": 1000}`)
	start := time.Now()
	_, err := c.ListTemplates(context.Background(), paperspace.TemplateFilter{})
	elapsed := time.Since(start)
	perr := asError(t, err, paperspace.ErrTimeout)
	if perr.Code != paperspace.StatusTimeout || perr.HTTPStatus != 0 || perr.Operation != "templates_list" || perr.Details != nil ||
		perr.Message != "no complete answer in time (timeoutMs)" {
		t.Errorf("%#v", perr)
	}
	if elapsed > 800*time.Millisecond {
		t.Errorf("the call took %v with a 100 ms timeout", elapsed)
	}
}

func TestDecodeError(t *testing.T) {
	emu := needEmulator(t)
	c := emu.client(t, paperspace.Config{MaxRetries: paperspace.Ptr(0)})
	emu.fault(t, `{"path": "/machines/getAvailability", "action": "garbage"}`)
	_, err := c.MachineAvailability(context.Background(), paperspace.AvailabilityParams{
		Region: paperspace.RegionEuropeAMS1, MachineType: paperspace.MachineTypeV100,
	})
	perr := asError(t, err, paperspace.ErrDecode)
	if perr.Code != paperspace.StatusDecode || perr.Kind != "decode" || perr.Operation != "machines_availability" ||
		perr.Message != "unexpected response at $ (line 1, column 1): expected value" || errors.Is(err, paperspace.ErrAPI) {
		t.Errorf("%#v", perr)
	}
}

func TestDroppedConnection(t *testing.T) {
	emu := needEmulator(t)
	c := emu.client(t, paperspace.Config{MaxRetries: paperspace.Ptr(0)})
	emu.fault(t, `{"path": "/users/getUsers", "action": "close"}`)
	_, err := c.ListUsers(context.Background(), paperspace.UserFilter{})
	if perr := asError(t, err, paperspace.ErrTransport); perr.HTTPStatus != 0 || perr.Message != "I/O error: Peer disconnected" {
		t.Errorf("%#v", perr)
	}
}

// A create with new-user fields that fails after the user was stored: the error's details say
// the user exists (the library looks it up by email).
func TestCreateWithNewUserReportsTheUser(t *testing.T) {
	emu := needEmulator(t)
	c := emu.client(t, paperspace.Config{})
	emu.fault(t, `{"path": "/machines/createSingleMachinePublic", "stage": "afterUserCreated", "status": 500}`)
	_, err := c.CreateMachine(context.Background(), paperspace.CreateMachineParams{
		Region: paperspace.RegionEuropeAMS1, MachineType: paperspace.MachineTypeC4, Size: 50,
		BillingType: paperspace.BillingHourly, MachineName: "with-user", TemplateID: ubuntu,
		Email: "grace@example.com", Password: "s3cret-pass", FirstName: "Grace", LastName: "Hopper",
	})
	perr := asError(t, err, paperspace.ErrServer)
	var details struct {
		UserCreated *bool `json:"userCreated"`
		User        *paperspace.User
	}
	if err := json.Unmarshal(perr.Details, &details); err != nil {
		t.Fatalf("details %s: %v", perr.Details, err)
	}
	if details.UserCreated == nil || !*details.UserCreated || details.User == nil || details.User.Email != "grace@example.com" ||
		details.User.Firstname != "Grace" {
		t.Errorf("details %s", perr.Details)
	}
	users, err := c.ListUsers(context.Background(), paperspace.UserFilter{Email: paperspace.Match("grace@example.com")})
	if err != nil || len(users) != 1 {
		t.Errorf("the new user: %+v, %v", users, err)
	}
}

func TestWaitTimeout(t *testing.T) {
	c := needEmulator(t).client(t, paperspace.Config{})
	m := createMachine(t, c)
	waitFor(t, c, m.ID, paperspace.StateReady)
	_, err := c.WaitForMachine(context.Background(), paperspace.WaitParams{
		MachineID: m.ID, State: paperspace.StateOff, Interval: 20 * time.Millisecond, Timeout: 150 * time.Millisecond,
	})
	perr := asError(t, err, paperspace.ErrTimeout)
	jsonEqual(t, perr.Details, `{"machineId": "`+m.ID+`", "state": "ready", "target": "off"}`)
	if want := "machine " + m.ID + " did not reach state 'off' within 150 ms (last state: 'ready')"; perr.Message != want {
		t.Errorf("message %q, want %q", perr.Message, want)
	}
	if errors.Is(err, paperspace.ErrCancelled) || errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a wait's own timeout matches a cancellation: %v", err)
	}
}

func TestWaitCancelledByContext(t *testing.T) {
	c := needEmulator(t).client(t, paperspace.Config{})
	m := createMachine(t, c)
	waitFor(t, c, m.ID, paperspace.StateReady)

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.WaitForMachine(ctx, paperspace.WaitParams{MachineID: m.ID, State: paperspace.StateOff, Interval: time.Second, Timeout: time.Minute})
	elapsed := time.Since(start)
	perr := asError(t, err, paperspace.ErrCancelled)
	if !errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, paperspace.ErrClosed) {
		t.Errorf("cancelled wait: %v", err)
	}
	if perr.Code != paperspace.StatusCancelled || perr.Kind != "cancelled" || perr.Operation != "machines_wait" ||
		perr.Message != "the call was cancelled" || err.Error() != "paperspace: machines_wait: cancelled: the call was cancelled: context canceled" {
		t.Errorf("%#v", perr)
	}
	if elapsed < 100*time.Millisecond || elapsed > 600*time.Millisecond {
		t.Errorf("the wait returned after %v, cancelled at 100 ms", elapsed)
	}

	ctx, cancel = context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = c.WaitForMachine(ctx, paperspace.WaitParams{MachineID: m.ID, State: paperspace.StateOff, Interval: 20 * time.Millisecond})
	if !errors.Is(err, paperspace.ErrCancelled) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("wait past the context's deadline: %v", err)
	}

	// A context that ends after the wait succeeded changes nothing.
	ctx, cancel = context.WithCancel(context.Background())
	got, err := c.WaitForMachine(ctx, paperspace.WaitParams{MachineID: m.ID, State: paperspace.StateReady})
	cancel()
	if err != nil || got.State != paperspace.StateReady {
		t.Errorf("wait for the current state: %v", err)
	}
}

func TestCloseInterruptsWait(t *testing.T) {
	emu := needEmulator(t)
	c, err := paperspace.NewClient(paperspace.Config{APIKey: adminKey, BaseURL: emu.URL})
	if err != nil {
		t.Fatal(err)
	}
	m := createMachine(t, emu.client(t, paperspace.Config{}))
	done := make(chan error, 1)
	go func() {
		_, err := c.WaitForMachine(context.Background(), paperspace.WaitParams{MachineID: m.ID, State: paperspace.StateOff, Interval: 20 * time.Millisecond})
		done <- err
	}()
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	c.Close()
	if elapsed := time.Since(start); elapsed > 500*time.Millisecond {
		t.Errorf("Close took %v with a wait in flight", elapsed)
	}
	err = <-done
	if !errors.Is(err, paperspace.ErrCancelled) || !errors.Is(err, paperspace.ErrClosed) {
		t.Errorf("the interrupted wait returned %v", err)
	}
}

// A scenario where C4 has no capacity in Europe: the machine's automatic start fails.
const capacityScenario = `{
  "delays": {"provisionMs": 60, "startMs": 60, "stopMs": 60, "restartMs": 60, "destroyMs": 60},
  "users": [{"id": "uq8w3kz5", "email": "admin@example.com", "firstname": "Ada", "lastname": "Admin",
             "isAdmin": true, "isOwner": true, "dtCreated": "2019-01-10T09:00:00.000Z",
             "teamId": "tekq7vm2d", "apiKey": "emulator-admin-key"}],
  "templates": [{"id": "t04azgph", "name": "paperspace/t04azgph", "label": "Ubuntu 18.04 Server",
                 "os": "Ubuntu 18.04 Server", "dtCreated": "2019-03-19T21:02:52.000Z"}],
  "availability": [{"region": "Europe (AMS1)", "machineType": "C4", "available": false},
                   {"region": "Europe (AMS1)", "machineType": "V100", "available": false}]
}`

func TestMachineError(t *testing.T) {
	needEmulator(t)
	emu := &emulator{paperspacetest.NewEmulator(t, paperspacetest.WithScenario(capacityScenario))}
	c := emu.client(t, paperspace.Config{})
	ctx := context.Background()

	v100, err := c.MachineAvailability(ctx, paperspace.AvailabilityParams{Region: paperspace.RegionEuropeAMS1, MachineType: paperspace.MachineTypeV100})
	if err != nil || v100.Available {
		t.Errorf("V100 in Europe: %+v, %v", v100, err)
	}
	m := createMachine(t, c)
	_, err = c.WaitForMachine(ctx, paperspace.WaitParams{MachineID: m.ID, State: paperspace.StateReady, Interval: 20 * time.Millisecond, Timeout: 5 * time.Second})
	perr := asError(t, err, paperspace.ErrMachineError)
	const capacity = "This machine type can't start due to insufficient capacity. Please try again later."
	var details struct {
		MachineID string                  `json:"machineId"`
		Target    paperspace.MachineState `json:"target"`
		Event     paperspace.MachineEvent `json:"event"`
	}
	if err := json.Unmarshal(perr.Details, &details); err != nil {
		t.Fatal(err)
	}
	if details.MachineID != m.ID || details.Target != paperspace.StateReady || details.Event.Name != "start" ||
		details.Event.State != paperspace.EventError || details.Event.ErrorMsg != capacity {
		t.Errorf("details %s", perr.Details)
	}
	if perr.Code != paperspace.StatusMachineError || perr.Kind != "machine_error" || perr.HTTPStatus != 0 {
		t.Errorf("%#v", perr)
	}
}
