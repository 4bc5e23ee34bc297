package paperspace_test

// Every operation against the emulator.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	paperspace "github.com/paperspace-client/paperspace/bindings/go"
)

const (
	adminID = "uq8w3kz5"
	teamID  = "tekq7vm2d"
	// ubuntu is the public template "Ubuntu 18.04 Server".
	ubuntu = "t04azgph"
)

var machineSeq atomic.Int64

// createMachine creates a C4 Ubuntu machine in Europe and destroys it when the test ends.
func createMachine(t testing.TB, c *paperspace.Client) *paperspace.Machine {
	t.Helper()
	name := fmt.Sprintf("go-%s-%d", t.Name(), machineSeq.Add(1))
	m, err := c.CreateMachine(context.Background(), paperspace.CreateMachineParams{
		Region: paperspace.RegionEuropeAMS1, MachineType: paperspace.MachineTypeC4, Size: 50,
		BillingType: paperspace.BillingHourly, MachineName: name, TemplateID: ubuntu,
	})
	if err != nil {
		t.Fatalf("CreateMachine: %v", err)
	}
	t.Cleanup(func() { c.DestroyMachine(context.Background(), paperspace.DestroyMachineParams{MachineID: m.ID}) })
	return m
}

func waitFor(t testing.TB, c *paperspace.Client, id string, state paperspace.MachineState) *paperspace.Machine {
	t.Helper()
	m, err := c.WaitForMachine(context.Background(), paperspace.WaitParams{
		MachineID: id, State: state, Interval: 20 * time.Millisecond, Timeout: 5 * time.Second,
	})
	if err != nil {
		t.Fatalf("WaitForMachine(%s, %s): %v", id, state, err)
	}
	if m.ID != id || m.State != state {
		t.Fatalf("WaitForMachine(%s, %s) returned %s in state %s", id, state, m.ID, m.State)
	}
	return m
}

func templateIDs(ts []paperspace.Template) []string {
	ids := make([]string, len(ts))
	for i, t := range ts {
		ids[i] = t.ID
	}
	return ids
}

func TestListTemplates(t *testing.T) {
	c := needEmulator(t).client(t, paperspace.Config{})
	ctx := context.Background()

	all, err := c.ListTemplates(ctx, paperspace.TemplateFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 15 {
		t.Errorf("%d templates: %v", len(all), templateIDs(all))
	}
	i := slices.IndexFunc(all, func(t paperspace.Template) bool { return t.ID == ubuntu })
	if i < 0 {
		t.Fatalf("no %s in %v", ubuntu, templateIDs(all))
	}
	if got := all[i]; got.Name != "paperspace/t04azgph" || got.Label == nil || *got.Label != "Ubuntu 18.04 Server" ||
		got.OS != "Ubuntu 18.04 Server" || got.DtCreated == "" || got.TeamID != nil || got.Region != nil {
		t.Errorf("template %+v", got)
	}

	one, err := c.ListTemplates(ctx, paperspace.TemplateFilter{ID: paperspace.Match(ubuntu)})
	if err != nil || len(one) != 1 || one[0].ID != ubuntu {
		t.Errorf("filter id: %v, %v", templateIDs(one), err)
	}
	windows, err := c.ListTemplates(ctx, paperspace.TemplateFilter{Label: paperspace.Match("Windows 10"), OS: paperspace.Match("Windows 10 (Server 2016) - Licensed")})
	if err != nil || !slices.Equal(templateIDs(windows), []string{"tk9izniv"}) {
		t.Errorf("filter label+os: %v, %v", templateIDs(windows), err)
	}
	null, err := c.ListTemplates(ctx, paperspace.TemplateFilter{Label: paperspace.MatchNull[string]()})
	if err != nil || !slices.Equal(templateIDs(null), []string{"tibsmjg"}) {
		t.Errorf("filter label null: %v, %v", templateIDs(null), err)
	}
	team, err := c.ListTemplates(ctx, paperspace.TemplateFilter{TeamID: paperspace.Match(teamID)})
	if err != nil || len(team) != 1 || team[0].ID != "t456def" || *team[0].TeamID != teamID ||
		*team[0].Region != paperspace.RegionEastCoastNY2 {
		t.Errorf("filter team: %+v, %v", team, err)
	}
	none, err := c.ListTemplates(ctx, paperspace.TemplateFilter{Region: paperspace.Match(paperspace.RegionWestCoastCA1)})
	if err != nil || none == nil || len(none) != 0 {
		t.Errorf("filter region CA1: %v, %v", none, err)
	}
}

func TestMachineLifecycle(t *testing.T) {
	c := needEmulator(t).client(t, paperspace.Config{})
	ctx := context.Background()

	created := createMachine(t, c)
	if created.State != paperspace.StateProvisioning || created.UsageRate != "C4 hourly" || created.CPUs != 1 ||
		created.RAM != nil || created.Region != nil || created.UserID != adminID || created.TeamID != teamID ||
		created.AgentType != "LinuxHeadless" || len(created.ID) < 3 || created.ID[:2] != "ps" {
		t.Errorf("created %+v", created)
	}

	shown, err := c.GetMachine(ctx, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if shown.ID != created.ID || shown.Name != created.Name || len(shown.Events) == 0 {
		t.Errorf("shown %+v", shown)
	}
	if e := shown.Events[len(shown.Events)-1]; e.Name != "create" || e.Handle == "" || e.DtCreated == "" {
		t.Errorf("oldest event %+v", e)
	}

	ready := waitFor(t, c, created.ID, paperspace.StateReady)
	if *ready.RAM != "4294967296" || *ready.StorageTotal != "53687091200" || *ready.StorageUsed != "0" ||
		*ready.OS != "Ubuntu 18.04 Server" || *ready.Region != paperspace.RegionEuropeAMS1 || ready.CPUs != 2 ||
		*ready.GPU != "None" || ready.PublicIPAddress != nil || ready.PrivateIPAddress == nil || ready.NetworkID == nil {
		t.Errorf("ready %+v", ready)
	}

	listed, err := c.ListMachines(ctx, paperspace.MachineFilter{MachineID: paperspace.Match(created.ID)})
	if err != nil || len(listed) != 1 || listed[0].ID != created.ID || listed[0].State != paperspace.StateReady || listed[0].Events != nil {
		t.Errorf("list by id: %+v, %v", listed, err)
	}
	listed, err = c.ListMachines(ctx, paperspace.MachineFilter{
		MachineID: paperspace.Match(created.ID), PublicIPAddress: paperspace.MatchNull[string](),
		CPUs: paperspace.Match(2), RAM: paperspace.Match("4294967296"), Region: paperspace.Match(paperspace.RegionEuropeAMS1),
	})
	if err != nil || len(listed) != 1 {
		t.Errorf("list by id, null public IP, cpus, ram, region: %d machines, %v", len(listed), err)
	}
	listed, err = c.ListMachines(ctx, paperspace.MachineFilter{MachineID: paperspace.Match(created.ID), State: paperspace.Match(paperspace.StateOff)})
	if err != nil || listed == nil || len(listed) != 0 {
		t.Errorf("list by id and state off: %+v, %v", listed, err)
	}

	if err := c.StopMachine(ctx, created.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, c, created.ID, paperspace.StateOff)
	if err := c.StartMachine(ctx, created.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, c, created.ID, paperspace.StateReady)
	if err := c.RestartMachine(ctx, created.ID); err != nil {
		t.Fatal(err)
	}
	restarting, err := c.GetMachine(ctx, created.ID)
	if err != nil || restarting.Events[0].Name != "restart" {
		t.Fatalf("after restart: %+v, %v", restarting, err)
	}
	waitFor(t, c, created.ID, paperspace.StateReady)

	if err := c.DestroyMachine(ctx, paperspace.DestroyMachineParams{MachineID: created.ID, ReleasePublicIP: true}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err := c.GetMachine(ctx, created.ID)
		if errors.Is(err, paperspace.ErrNotFound) {
			break
		}
		if err != nil || time.Now().After(deadline) {
			t.Fatalf("GetMachine after destroy: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	listed, err = c.ListMachines(ctx, paperspace.MachineFilter{MachineID: paperspace.Match(created.ID)})
	if err != nil || len(listed) != 0 {
		t.Errorf("list after destroy: %+v, %v", listed, err)
	}
}

func TestListMachinesPaging(t *testing.T) {
	c := needEmulator(t).client(t, paperspace.Config{})
	ctx := context.Background()
	a, b := createMachine(t, c), createMachine(t, c)
	all, err := c.ListMachines(ctx, paperspace.MachineFilter{})
	if err != nil {
		t.Fatal(err)
	}
	page, err := c.ListMachines(ctx, paperspace.MachineFilter{Limit: 1, Skip: len(all) - 1})
	if err != nil || len(page) != 1 || page[0].ID != all[len(all)-1].ID {
		t.Errorf("last page: %+v, %v", page, err)
	}
	var ids []string
	for _, m := range all {
		ids = append(ids, m.ID)
	}
	if !slices.Contains(ids, a.ID) || !slices.Contains(ids, b.ID) {
		t.Errorf("%v lacks %s or %s", ids, a.ID, b.ID)
	}
}

func TestMachineAvailability(t *testing.T) {
	c := needEmulator(t).client(t, paperspace.Config{})
	got, err := c.MachineAvailability(context.Background(), paperspace.AvailabilityParams{
		Region: paperspace.RegionEastCoastNY2, MachineType: paperspace.MachineTypeGPUPlus,
	})
	if err != nil || got != (paperspace.Availability{Available: true}) {
		t.Errorf("availability = %+v, %v", got, err)
	}
}

func TestListUsers(t *testing.T) {
	c := needEmulator(t).client(t, paperspace.Config{})
	ctx := context.Background()
	users, err := c.ListUsers(ctx, paperspace.UserFilter{})
	if err != nil {
		t.Fatal(err)
	}
	want := []paperspace.User{
		{ID: adminID, Email: "admin@example.com", Firstname: "Ada", Lastname: "Admin", DtCreated: "2019-01-10T09:00:00.000Z", TeamID: teamID, IsAdmin: true, IsOwner: true},
		{ID: "um7x2p4j", Email: "member@example.com", Firstname: "Max", Lastname: "Member", DtCreated: "2019-01-11T09:30:00.000Z", TeamID: teamID},
	}
	if !slices.Equal(users, want) {
		t.Errorf("users\n got %+v\nwant %+v", users, want)
	}
	max, err := c.ListUsers(ctx, paperspace.UserFilter{Firstname: paperspace.Match("Max")})
	if err != nil || !slices.Equal(max, want[1:]) {
		t.Errorf("filter firstname: %+v, %v", max, err)
	}
	ada, err := c.ListUsers(ctx, paperspace.UserFilter{Email: paperspace.Match("admin@example.com"), TeamID: paperspace.Match(teamID)})
	if err != nil || !slices.Equal(ada, want[:1]) {
		t.Errorf("filter email: %+v, %v", ada, err)
	}
}
