package paperspace_test

// Tests that need no server.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	paperspace "github.com/paperspace-client/paperspace/bindings/go"
)

func TestLibraryVersionMatchesBinding(t *testing.T) {
	if got := paperspace.LibraryVersion(); got != paperspace.BindingVersion {
		t.Fatalf("LibraryVersion() = %q, BindingVersion = %q", got, paperspace.BindingVersion)
	}
}

func TestStatusStrings(t *testing.T) {
	want := map[paperspace.Status]string{
		0: "ok", 1: "invalid_argument", 2: "validation", 3: "config", 4: "transport", 5: "timeout",
		6: "api", 7: "decode", 8: "cancelled", 9: "machine_error", 98: "internal", 99: "panic",
		-1: "closed", 42: "status(42)",
	}
	for code, name := range want {
		if got := code.String(); got != name {
			t.Errorf("Status(%d).String() = %q, want %q", code, got, name)
		}
	}
	if got := fmt.Sprint(paperspace.StatusMachineError); got != "machine_error" {
		t.Errorf("fmt.Sprint(StatusMachineError) = %q", got)
	}
}

// The Go names of the status codes must be the library's (ps_status_name).
func TestStatusNamesMatchLibrary(t *testing.T) {
	for code := paperspace.Status(0); code < 100; code++ {
		lib := paperspace.StatusNameFromLibrary(code)
		if lib == "unknown" {
			if s := code.String(); !strings.HasPrefix(s, "status(") {
				t.Errorf("Status(%d) = %q, the library does not know it", code, s)
			}
			continue
		}
		if s := code.String(); s != lib {
			t.Errorf("Status(%d) = %q, the library says %q", code, s, lib)
		}
	}
}

func TestErrorIsMatchesKindsAndHTTPStatuses(t *testing.T) {
	kinds := map[error]paperspace.Status{
		paperspace.ErrInvalidArgument: paperspace.StatusInvalidArgument,
		paperspace.ErrValidation:      paperspace.StatusValidation,
		paperspace.ErrConfig:          paperspace.StatusConfig,
		paperspace.ErrTransport:       paperspace.StatusTransport,
		paperspace.ErrTimeout:         paperspace.StatusTimeout,
		paperspace.ErrAPI:             paperspace.StatusAPI,
		paperspace.ErrDecode:          paperspace.StatusDecode,
		paperspace.ErrCancelled:       paperspace.StatusCancelled,
		paperspace.ErrMachineError:    paperspace.StatusMachineError,
		paperspace.ErrInternal:        paperspace.StatusInternal,
	}
	for sentinel, code := range kinds {
		err := error(&paperspace.Error{Code: code})
		for other, otherCode := range kinds {
			if got := errors.Is(err, other); got != (otherCode == code) {
				t.Errorf("errors.Is(Error{Code: %v}, %v) = %v", code, other, got)
			}
		}
		if errors.Is(err, paperspace.ErrNotFound) || errors.Is(err, paperspace.ErrClosed) {
			t.Errorf("Error{Code: %v} matches an HTTP sentinel or ErrClosed", code)
		}
		_ = sentinel
	}
	if !errors.Is(&paperspace.Error{Code: paperspace.StatusPanic}, paperspace.ErrInternal) {
		t.Error("a panic does not match ErrInternal")
	}

	byHTTP := []struct {
		status int
		want   error
	}{
		{401, paperspace.ErrUnauthorized}, {403, paperspace.ErrUnauthorized},
		{404, paperspace.ErrNotFound}, {429, paperspace.ErrRateLimited},
		{500, paperspace.ErrServer}, {503, paperspace.ErrServer}, {599, paperspace.ErrServer},
	}
	httpSentinels := []error{paperspace.ErrUnauthorized, paperspace.ErrNotFound, paperspace.ErrRateLimited, paperspace.ErrServer}
	for _, tc := range byHTTP {
		err := fmt.Errorf("wrapped: %w", &paperspace.Error{Code: paperspace.StatusAPI, HTTPStatus: tc.status})
		for _, s := range httpSentinels {
			if got := errors.Is(err, s); got != (s == tc.want) {
				t.Errorf("HTTP %d: errors.Is(err, %v) = %v", tc.status, s, got)
			}
		}
		if !errors.Is(err, paperspace.ErrAPI) {
			t.Errorf("HTTP %d does not match ErrAPI", tc.status)
		}
	}
	for _, status := range []int{400, 402, 409, 422} {
		err := &paperspace.Error{Code: paperspace.StatusAPI, HTTPStatus: status}
		for _, s := range httpSentinels {
			if errors.Is(err, s) {
				t.Errorf("HTTP %d matches %v", status, s)
			}
		}
	}
}

func TestErrorMessage(t *testing.T) {
	err := &paperspace.Error{Code: paperspace.StatusAPI, Kind: "api", Message: "Not found.", HTTPStatus: 404, Operation: "machines_show"}
	if got, want := err.Error(), "paperspace: machines_show: api (HTTP 404): Not found."; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	err = &paperspace.Error{Code: paperspace.StatusTimeout, Kind: "timeout", Message: "too slow", Operation: "templates_list"}
	if got, want := err.Error(), "paperspace: templates_list: timeout: too slow"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestFilterJSON(t *testing.T) {
	filter := paperspace.MachineFilter{
		State:           paperspace.Match(paperspace.StateReady),
		PublicIPAddress: paperspace.MatchNull[string](),
		CPUs:            paperspace.Match(2),
		UpdatesPending:  paperspace.Match(false),
		Region:          paperspace.Match(paperspace.RegionEastCoastNY2),
		Limit:           5,
	}
	want := `{"cpus":2,"state":"ready","updatesPending":false,"publicIpAddress":null,"region":"East Coast (NY2)","limit":5}`
	if got := mustJSON(t, filter); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := mustJSON(t, paperspace.TemplateFilter{}); got != "{}" {
		t.Errorf("empty filter = %s", got)
	}
	if got := mustJSON(t, paperspace.UserFilter{Firstname: paperspace.Match("Ada")}); got != `{"firstname":"Ada"}` {
		t.Errorf("user filter = %s", got)
	}
	f := paperspace.Match("x")
	if v, ok := f.Value(); v != "x" || !ok || f.IsNull() || f.IsZero() {
		t.Errorf("Match: %q %v %v %v", v, ok, f.IsNull(), f.IsZero())
	}
	n := paperspace.MatchNull[int]()
	if _, ok := n.Value(); ok || !n.IsNull() || n.IsZero() {
		t.Error("MatchNull")
	}
	var zero paperspace.Filter[bool]
	if !zero.IsZero() || zero.IsNull() {
		t.Error("zero Filter")
	}
}

func TestCreateParamsJSONAndSecret(t *testing.T) {
	params := paperspace.CreateMachineParams{
		Region: paperspace.RegionEuropeAMS1, MachineType: paperspace.MachineTypeGPUPlus, Size: 50,
		BillingType: paperspace.BillingHourly, MachineName: "m", TemplateID: "t04azgph",
		DynamicPublicIP: paperspace.Ptr(true), Email: "a@b.co", Password: "hunter22",
	}
	want := `{"region":"Europe (AMS1)","machineType":"GPU+","size":50,"billingType":"hourly","machineName":"m","templateId":"t04azgph","dynamicPublicIp":true,"email":"a@b.co","password":"\u003credacted\u003e"}` // json.Marshal escapes < and >
	if got := mustJSON(t, params); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	for _, format := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%10s", "%d"} {
		for _, v := range []any{params, params.Password, &params} {
			if text := fmt.Sprintf(format, v); strings.Contains(text, "hunter22") ||
				strings.Contains(text, fmt.Sprintf("%x", "hunter22")) || strings.Contains(text, fmt.Sprintf("%X", "hunter22")) {
				t.Errorf("%s of %T shows the password: %s", format, v, text)
			}
		}
	}
	if got := fmt.Sprintf("%s %q %#v", params.Password, params.Password, params.Password); got != `<redacted> "<redacted>" "<redacted>"` {
		t.Errorf("Secret prints as %s", got)
	}
	if string(params.Password) != "hunter22" {
		t.Error("string(Secret) is not the value")
	}
}

func TestMachineDecodesTheAPIShape(t *testing.T) {
	text, err := os.ReadFile("../../tests/fixtures/GetMachinePublic.json")
	if err != nil {
		t.Skip("fixture not found:", err)
	}
	var m paperspace.Machine
	if err := json.Unmarshal(text, &m); err != nil {
		t.Fatal(err)
	}
	if m.ID != "pslwpsvsx" || *m.RAM != "4294967296" || *m.StorageTotal != "53687091200" || m.CPUs != 2 ||
		m.State != paperspace.StateProvisioning || m.PublicIPAddress != nil || *m.Region != paperspace.RegionEastCoastNY2 ||
		*m.ShutdownTimeoutInHours != 168 || m.AutoSnapshotFrequency != nil || len(m.Events) != 1 ||
		m.Events[0].State != paperspace.EventInProgress || m.Events[0].DtFinished != nil {
		t.Errorf("decoded %+v", m)
	}
}

func TestConfigErrors(t *testing.T) {
	cases := []struct {
		cfg  paperspace.Config
		want error
		msg  string
	}{
		{paperspace.Config{APIKey: "k", BaseURL: "http://example.com"}, paperspace.ErrConfig, `baseUrl uses plain http to the non-loopback host example.com; use https`},
		{paperspace.Config{APIKey: "k", BaseURL: "http://127.0.0.1:1", Timeout: -time.Second}, paperspace.ErrConfig, "Timeout must not be negative, got -1s"},
		{paperspace.Config{APIKey: "k", BaseURL: "http://127.0.0.1:1", MaxRetries: paperspace.Ptr(-1)}, paperspace.ErrConfig, "MaxRetries must not be negative, got -1"},
		{paperspace.Config{APIKey: "k", BaseURL: "http://127.0.0.1:1", MaxRetries: paperspace.Ptr(11)}, paperspace.ErrConfig, "maxRetries must be between 0 and 10"},
		{paperspace.Config{APIKey: "k", BaseURL: "http://127.0.0.1:1", MaxConcurrentCalls: -1}, paperspace.ErrConfig, "MaxConcurrentCalls must not be negative, got -1"},
		{paperspace.Config{APIKey: "k", BaseURL: "http://127.0.0.1:1", Timeout: 2 * time.Hour}, paperspace.ErrConfig, "timeoutMs must be between 1 and 3600000"},
		{paperspace.Config{APIKey: "bad\nkey", BaseURL: "http://127.0.0.1:1"}, paperspace.ErrConfig, "apiKey must not contain control characters"},
	}
	for i, tc := range cases {
		c, err := paperspace.NewClient(tc.cfg)
		if c != nil || !errors.Is(err, tc.want) {
			t.Errorf("case %d: NewClient = %v, %v; want %v", i, c, err, tc.want)
			continue
		}
		var perr *paperspace.Error
		if !errors.As(err, &perr) || perr.Operation != "client_new" || perr.Kind != "config" || perr.Code != paperspace.StatusConfig {
			t.Errorf("case %d: %#v", i, perr)
		}
		if perr.Message != tc.msg {
			t.Errorf("case %d: message %q, want %q", i, perr.Message, tc.msg)
		}
		if strings.Contains(err.Error(), "bad\nkey") {
			t.Errorf("case %d: the error shows the API key: %v", i, err)
		}
	}
}

func TestMissingAPIKey(t *testing.T) {
	t.Setenv("PAPERSPACE_API_KEY", "")
	os.Unsetenv("PAPERSPACE_API_KEY")
	_, err := paperspace.NewClient(paperspace.Config{BaseURL: "http://127.0.0.1:1"})
	var perr *paperspace.Error
	if !errors.As(err, &perr) || perr.Code != paperspace.StatusConfig ||
		perr.Message != "no API key: set apiKey in the config or the PAPERSPACE_API_KEY environment variable" {
		t.Fatalf("NewClient without a key = %v", err)
	}
}

// ErrTransport: nothing listens on 127.0.0.1:1.
func TestTransportError(t *testing.T) {
	c, err := paperspace.NewClient(paperspace.Config{APIKey: "k", BaseURL: "http://127.0.0.1:1", MaxRetries: paperspace.Ptr(0)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = c.ListTemplates(context.Background(), paperspace.TemplateFilter{})
	var perr *paperspace.Error
	if !errors.As(err, &perr) || !errors.Is(err, paperspace.ErrTransport) {
		t.Fatalf("ListTemplates = %v", err)
	}
	if perr.Code != paperspace.StatusTransport || perr.Kind != "transport" || perr.HTTPStatus != 0 || perr.Message != "connection refused" ||
		perr.Operation != "templates_list" || perr.Details != nil || errors.Is(err, paperspace.ErrAPI) {
		t.Errorf("%#v", perr)
	}
}

// Validation happens before any request, so it needs no server.
func TestValidationReportsEveryField(t *testing.T) {
	c, err := paperspace.NewClient(paperspace.Config{APIKey: "k", BaseURL: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = c.CreateMachine(context.Background(), paperspace.CreateMachineParams{
		Region: "Mars", Size: 10, BillingType: "weekly", MachineName: "m",
		AssignPublicIP: paperspace.Ptr(true), DynamicPublicIP: paperspace.Ptr(true),
	})
	var perr *paperspace.Error
	if !errors.As(err, &perr) || !errors.Is(err, paperspace.ErrValidation) {
		t.Fatalf("CreateMachine = %v", err)
	}
	want := map[string]string{
		"region":          "must be one of 'East Coast (NY2)', 'West Coast (CA1)', or 'Europe (AMS1)'",
		"machineType":     "is required",
		"size":            "must be between 50 and 2000 GB",
		"billingType":     "must be one of 'monthly', or 'hourly'",
		"templateId":      "is required",
		"dynamicPublicIp": "cannot be used with assignPublicIp",
	}
	got := perr.Fields()
	if len(got) != len(want) {
		t.Errorf("Fields() = %v", got)
	}
	for field, problem := range want {
		if got[field] != problem {
			t.Errorf("Fields()[%q] = %q, want %q", field, got[field], problem)
		}
	}
	if perr.Code != paperspace.StatusValidation || perr.Kind != "validation" || perr.Operation != "machines_create" ||
		perr.HTTPStatus != 0 || !strings.HasPrefix(perr.Message, "invalid parameters: ") {
		t.Errorf("%#v", perr)
	}

	_, err = c.MachineAvailability(context.Background(), paperspace.AvailabilityParams{Region: paperspace.RegionEuropeAMS1, MachineType: paperspace.MachineTypeC4})
	if !errors.As(err, &perr) || perr.Fields()["machineType"] != "must be one of 'GPU+', 'P4000', 'P5000', 'P6000', or 'V100'" {
		t.Errorf("availability of C4: %v", err)
	}
	_, err = c.WaitForMachine(context.Background(), paperspace.WaitParams{MachineID: "ps1", State: paperspace.StateStarting})
	if !errors.As(err, &perr) || perr.Fields()["state"] != "must be one of 'off', 'serviceready', or 'ready'" || perr.Operation != "machines_wait" {
		t.Errorf("wait for starting: %v", err)
	}
	for name, call := range map[string]func() error{
		"GetMachine":     func() error { _, err := c.GetMachine(context.Background(), ""); return err },
		"StartMachine":   func() error { return c.StartMachine(context.Background(), "") },
		"StopMachine":    func() error { return c.StopMachine(context.Background(), "") },
		"RestartMachine": func() error { return c.RestartMachine(context.Background(), "") },
		"DestroyMachine": func() error { return c.DestroyMachine(context.Background(), paperspace.DestroyMachineParams{}) },
	} {
		err := call()
		if !errors.As(err, &perr) || perr.Fields()["machineId"] != "is required" {
			t.Errorf("%s(\"\") = %v", name, err)
		}
	}
	_, err = c.ListMachines(context.Background(), paperspace.MachineFilter{Limit: -1, Skip: -1})
	if !errors.As(err, &perr) || perr.Fields()["limit"] != "must be at least 1" || perr.Fields()["skip"] != "must not be negative" {
		t.Errorf("ListMachines(-1, -1) = %v", err)
	}
	if f := (&paperspace.Error{Code: paperspace.StatusAPI}).Fields(); f != nil {
		t.Errorf("Fields of an API error = %v", f)
	}
}

// A negative duration breaks the wait's documented range: a per-field validation error.
func TestNegativeWaitDuration(t *testing.T) {
	c, err := paperspace.NewClient(paperspace.Config{APIKey: "k", BaseURL: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = c.WaitForMachine(context.Background(), paperspace.WaitParams{MachineID: "ps1", State: paperspace.StateReady, Interval: -time.Second})
	var perr *paperspace.Error
	if !errors.As(err, &perr) || !errors.Is(err, paperspace.ErrValidation) || perr.Kind != "validation" ||
		perr.Message != "invalid parameters: intervalMs must be between 1 and 86400000 (24 hours)" || perr.Operation != "machines_wait" {
		t.Fatalf("WaitForMachine(Interval: -1s) = %v", err)
	}
}

func TestClosedClient(t *testing.T) {
	c, err := paperspace.NewClient(paperspace.Config{APIKey: "k", BaseURL: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatalf("second Close = %v", err)
	}
	ctx := context.Background()
	calls := map[string]func() error{
		"ListTemplates": func() error { _, err := c.ListTemplates(ctx, paperspace.TemplateFilter{}); return err },
		"GetMachine":    func() error { _, err := c.GetMachine(ctx, "ps1"); return err },
		"WaitForMachine": func() error {
			_, err := c.WaitForMachine(ctx, paperspace.WaitParams{MachineID: "ps1", State: paperspace.StateReady})
			return err
		},
		"StopMachine": func() error { return c.StopMachine(ctx, "ps1") },
		"ListUsers":   func() error { _, err := c.ListUsers(ctx, paperspace.UserFilter{}); return err },
	}
	for name, call := range calls {
		err := call()
		var perr *paperspace.Error
		if !errors.Is(err, paperspace.ErrClosed) || !errors.As(err, &perr) || perr.Message != "the client is closed" ||
			perr.Code != paperspace.StatusClosed || perr.Kind != "closed" || perr.HTTPStatus != 0 ||
			err.Error() != "paperspace: "+perr.Operation+": closed: the client is closed" {
			t.Errorf("%s after Close = %#v", name, err)
		}
		for _, other := range allSentinels {
			if errors.Is(err, other) {
				t.Errorf("%s after Close matches %v", name, other)
			}
		}
	}
}

// allSentinels are the sentinel errors other than ErrClosed.
var allSentinels = []error{
	paperspace.ErrInvalidArgument, paperspace.ErrValidation, paperspace.ErrConfig, paperspace.ErrTransport,
	paperspace.ErrTimeout, paperspace.ErrAPI, paperspace.ErrDecode, paperspace.ErrCancelled,
	paperspace.ErrMachineError, paperspace.ErrInternal, paperspace.ErrUnauthorized, paperspace.ErrNotFound,
	paperspace.ErrRateLimited, paperspace.ErrServer,
}

func TestCancelledContextBeforeTheCall(t *testing.T) {
	c, err := paperspace.NewClient(paperspace.Config{APIKey: "k", BaseURL: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = c.ListTemplates(ctx, paperspace.TemplateFilter{})
	if !errors.Is(err, paperspace.ErrCancelled) || !errors.Is(err, context.Canceled) ||
		err.Error() != "paperspace: templates_list: cancelled: the context ended before the call: context canceled" {
		t.Fatalf("ListTemplates(cancelled ctx) = %v", err)
	}
}

// The system libraries of the default link line (cgo.go) are the ones paperspace.pc lists for
// static linking, and the fully static line (build tag paperspace_static) differs only in -static
// and libgcc's static unwinder.
func TestLinkLineMatchesPkgConfig(t *testing.T) {
	pc, err := os.ReadFile("../../paperspace.pc.in")
	if err != nil {
		t.Skip("paperspace.pc.in not found:", err)
	}
	src, err := os.ReadFile("cgo.go")
	if err != nil {
		t.Fatal(err)
	}
	private := regexp.MustCompile(`(?m)^Libs\.private:\s*(.*)$`).FindSubmatch(pc)
	ldflags := regexp.MustCompile(`(?m)^#cgo !paperspace_shared,!paperspace_static LDFLAGS: -lpaperspace (.*)$`).FindSubmatch(src)
	static := regexp.MustCompile(`(?m)^#cgo paperspace_static,!paperspace_shared LDFLAGS: -static -lpaperspace (.*)$`).FindSubmatch(src)
	if private == nil || ldflags == nil || static == nil {
		t.Fatalf("link lines not found (pc: %v, cgo.go: %v, %v)", private != nil, ldflags != nil, static != nil)
	}
	want := strings.TrimSpace(string(private[1]))
	if got := strings.TrimSpace(string(ldflags[1])); got != want {
		t.Errorf("cgo.go links %q, paperspace.pc.in says %q", got, want)
	}
	if got, want := strings.TrimSpace(string(static[1])), strings.Replace(want, "-lgcc_s", "-lgcc_eh", 1); got != want {
		t.Errorf("cgo.go links %q statically, want %q", got, want)
	}
}
