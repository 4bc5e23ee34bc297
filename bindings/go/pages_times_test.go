package paperspace_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	paperspace "github.com/paperspace-client/paperspace/bindings/go"
)

// AllMachines reads the pages of Limit machines in turn, stops after a short page, and reads no
// further page than the caller consumes.
func TestAllMachines(t *testing.T) {
	emu := needEmulator(t)
	c := emu.client(t, paperspace.Config{})
	ctx := context.Background()
	name := fmt.Sprintf("pager-%d", time.Now().UnixNano())
	var want []string
	for range 5 {
		m, err := c.CreateMachine(ctx, paperspace.CreateMachineParams{
			Region: paperspace.RegionEuropeAMS1, MachineType: paperspace.MachineTypeC4, Size: 50,
			BillingType: paperspace.BillingHourly, MachineName: name, TemplateID: ubuntu,
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.DestroyMachine(ctx, paperspace.DestroyMachineParams{MachineID: m.ID}) })
		want = append(want, m.ID)
	}
	const key = "GET /machines/getMachines"
	filter := paperspace.MachineFilter{Name: paperspace.Match(name), Limit: 2}

	before := emu.requests(t, key)
	var got []string
	for m, err := range c.AllMachines(ctx, filter) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, m.ID)
	}
	if !slices.Equal(got, want) {
		t.Errorf("AllMachines = %v, want %v", got, want)
	}
	if n := emu.requests(t, key) - before; n != 3 {
		t.Errorf("%d pages read for 5 machines by 2, want 3", n)
	}

	// Stopping after 3 machines reads 2 pages.
	before = emu.requests(t, key)
	got = got[:0]
	for m, err := range c.AllMachines(ctx, filter) {
		if err != nil {
			t.Fatal(err)
		}
		if got = append(got, m.ID); len(got) == 3 {
			break
		}
	}
	if n := emu.requests(t, key) - before; n != 2 || !slices.Equal(got, want[:3]) {
		t.Errorf("%d pages read for %v, want 2 for %v", n, got, want[:3])
	}

	// Skip is where the iteration starts; an exact multiple of the page size ends with an empty
	// page; the default page size takes all five at once.
	filter.Skip = 1
	got = got[:0]
	for m, err := range c.AllMachines(ctx, filter) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, m.ID)
	}
	if !slices.Equal(got, want[1:]) {
		t.Errorf("from Skip 1: %v, want %v", got, want[1:])
	}
	before = emu.requests(t, key)
	got = got[:0]
	for m, err := range c.AllMachines(ctx, paperspace.MachineFilter{Name: paperspace.Match(name)}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, m.ID)
	}
	if n := emu.requests(t, key) - before; n != 1 || !slices.Equal(got, want) {
		t.Errorf("default page size: %d pages, %v", n, got)
	}
}

// A failing page ends the iteration with one error.
func TestAllMachinesError(t *testing.T) {
	c, err := paperspace.NewClient(paperspace.Config{APIKey: "k", BaseURL: "http://127.0.0.1:1", MaxRetries: paperspace.Ptr(0)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var errs []error
	for m, err := range c.AllMachines(context.Background(), paperspace.MachineFilter{Limit: -1}) {
		if m.ID != "" {
			t.Errorf("a machine with the error: %+v", m)
		}
		errs = append(errs, err)
	}
	if len(errs) != 1 || !errors.Is(errs[0], paperspace.ErrValidation) {
		t.Errorf("AllMachines(Limit -1) gave %v", errs)
	}
	errs = errs[:0]
	for _, err := range c.AllMachines(context.Background(), paperspace.MachineFilter{}) {
		errs = append(errs, err)
	}
	if len(errs) != 1 || !errors.Is(errs[0], paperspace.ErrTransport) {
		t.Errorf("AllMachines without a server gave %v", errs)
	}
}

func TestTimes(t *testing.T) {
	text, err := os.ReadFile("../../tests/fixtures/GetMachinePublic.json")
	if err != nil {
		t.Skip("fixture not found:", err)
	}
	var m paperspace.Machine
	if err := json.Unmarshal(text, &m); err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	check := func(name string, got time.Time, err error, want time.Time) {
		t.Helper()
		if err != nil || !got.Equal(want) {
			t.Errorf("%s = %v, %v; want %v", name, got, err, want)
		}
	}
	created, err := m.Created()
	check("Machine.Created", created, err, at("2019-05-17T01:54:33.210Z"))
	lastRun, err := m.LastRun()
	check("Machine.LastRun (null)", lastRun, err, time.Time{})
	e := m.Events[0]
	modified, err := e.Modified()
	check("MachineEvent.Modified", modified, err, at("2019-05-17T01:54:37.099Z"))
	finished, err := e.Finished()
	check("MachineEvent.Finished (null)", finished, err, time.Time{})
	eventCreated, err := e.Created()
	check("MachineEvent.Created", eventCreated, err, at("2019-05-17T01:54:33.210Z"))
	if created.Location() != time.UTC || created.Nanosecond() != 210_000_000 {
		t.Errorf("Created = %v (%v), want UTC with milliseconds", created, created.Location())
	}
	if m.DtCreated != "2019-05-17T01:54:33.210Z" {
		t.Errorf("the raw text changed: %q", m.DtCreated)
	}

	user := paperspace.User{DtCreated: "2019-01-10T09:00:00.000Z"}
	userCreated, err := user.Created()
	check("User.Created", userCreated, err, at("2019-01-10T09:00:00Z"))
	template := paperspace.Template{DtCreated: "2019-03-19T21:02:52.000Z"}
	templateCreated, err := template.Created()
	check("Template.Created", templateCreated, err, at("2019-03-19T21:02:52Z"))

	bad := paperspace.Machine{DtCreated: "yesterday"}
	_, err = bad.Created()
	var perr *time.ParseError
	if !errors.As(err, &perr) || err.Error() != `paperspace: dtCreated "yesterday" is not an ISO-8601 time: `+perr.Error() {
		t.Errorf("Created of %q: %v", bad.DtCreated, err)
	}
}
