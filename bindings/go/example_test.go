package paperspace_test

// The examples run against the emulator that TestMain starts: PAPERSPACE_API_HOST and
// PAPERSPACE_API_KEY point at it, and an empty Config takes them from the environment.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"os"
	"os/signal"
	"time"

	paperspace "github.com/paperspace-client/paperspace/bindings/go"
)

// Create a machine, wait until it is ready, then destroy it. The API key and host come from
// PAPERSPACE_API_KEY and PAPERSPACE_API_HOST when Config leaves them empty.
func Example() {
	client, err := paperspace.NewClient(paperspace.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	ctx := context.Background()

	machine, err := client.CreateMachine(ctx, paperspace.CreateMachineParams{
		Region:      paperspace.RegionEuropeAMS1,
		MachineType: paperspace.MachineTypeC4,
		Size:        50,
		BillingType: paperspace.BillingHourly,
		MachineName: "build-1",
		TemplateID:  "t04azgph", // Ubuntu 18.04 Server
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(machine.Name, machine.State)
	machine, err = client.WaitForMachine(ctx, paperspace.WaitParams{
		MachineID: machine.ID, State: paperspace.StateReady, Interval: 100 * time.Millisecond,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(machine.Name, machine.State, *machine.RAM, *machine.StorageTotal)
	if err := client.DestroyMachine(ctx, paperspace.DestroyMachineParams{MachineID: machine.ID}); err != nil {
		log.Fatal(err)
	}
	// Output:
	// build-1 provisioning
	// build-1 ready 4294967296 53687091200
}

// Validation errors are found before any request and name every failing field.
func Example_validation() {
	client, err := paperspace.NewClient(paperspace.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	_, err = client.CreateMachine(context.Background(), paperspace.CreateMachineParams{
		Region: paperspace.RegionEuropeAMS1, MachineType: paperspace.MachineTypeC4, Size: 10,
		BillingType: "weekly", MachineName: "m", TemplateID: "t04azgph",
	})
	var perr *paperspace.Error
	if errors.As(err, &perr) && errors.Is(err, paperspace.ErrValidation) {
		fmt.Println(perr.Code, perr.Operation)
		fmt.Println("size:", perr.Fields()["size"])
		fmt.Println("billingType:", perr.Fields()["billingType"])
	}
	// Output:
	// validation machines_create
	// size: must be between 50 and 2000 GB
	// billingType: must be one of 'monthly', or 'hourly'
}

// Errors match their kind and, for API errors, their HTTP status.
func Example_errors() {
	client, err := paperspace.NewClient(paperspace.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	_, err = client.GetMachine(context.Background(), "psnothere")
	var perr *paperspace.Error
	switch {
	case errors.Is(err, paperspace.ErrNotFound):
		fmt.Println("no such machine:", err)
	case errors.Is(err, paperspace.ErrUnauthorized):
		fmt.Println("check the API key")
	case errors.Is(err, paperspace.ErrTransport), errors.Is(err, paperspace.ErrTimeout):
		fmt.Println("network trouble, try again later:", err)
	case errors.As(err, &perr):
		fmt.Printf("%s error (HTTP %d): %s, details %s\n", perr.Kind, perr.HTTPStatus, perr.Message, perr.Details)
	}
	// Output:
	// no such machine: paperspace: machines_show: api (HTTP 404): Not found. Please contact support@paperspace.com for help.
}

// A wait ends when its context does: here on Ctrl-C or after five minutes.
func ExampleClient_WaitForMachine() {
	client, err := paperspace.NewClient(paperspace.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()

	created, err := client.CreateMachine(ctx, paperspace.CreateMachineParams{
		Region: paperspace.RegionEastCoastNY2, MachineType: paperspace.MachineTypeC2, Size: 50,
		BillingType: paperspace.BillingMonthly, MachineName: "wait-example", TemplateID: "t04azgph",
	})
	if err != nil {
		log.Fatal(err)
	}
	defer client.DestroyMachine(context.Background(), paperspace.DestroyMachineParams{MachineID: created.ID})

	machine, err := client.WaitForMachine(ctx, paperspace.WaitParams{MachineID: created.ID, State: paperspace.StateReady, Interval: 100 * time.Millisecond})
	switch {
	case errors.Is(err, context.Canceled):
		fmt.Println("interrupted")
	case errors.Is(err, context.DeadlineExceeded):
		fmt.Println("not ready after five minutes")
	case errors.Is(err, paperspace.ErrMachineError):
		var perr *paperspace.Error
		errors.As(err, &perr)
		fmt.Println("the machine failed:", perr.Message)
	case err != nil:
		log.Fatal(err)
	default:
		fmt.Println("ready:", machine.Name, *machine.Region)
	}
	// Output: ready: wait-example East Coast (NY2)
}

// Filters match exactly; MatchNull matches JSON null.
func ExampleMatchNull() {
	filter := paperspace.MachineFilter{
		State:           paperspace.Match(paperspace.StateReady),
		PublicIPAddress: paperspace.MatchNull[string](),
	}
	text, _ := json.Marshal(filter)
	fmt.Println(string(text))
	// Output: {"state":"ready","publicIpAddress":null}
}

// AllMachines reads the machines a page at a time (here 2 per page) as the loop consumes them.
func ExampleClient_AllMachines() {
	client, err := paperspace.NewClient(paperspace.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	ctx := context.Background()
	for _, name := range []string{"worker-a", "worker-b", "worker-c"} {
		m, err := client.CreateMachine(ctx, paperspace.CreateMachineParams{
			Region: paperspace.RegionWestCoastCA1, MachineType: paperspace.MachineTypeC3, Size: 50,
			BillingType: paperspace.BillingHourly, MachineName: name, TemplateID: "t04azgph",
		})
		if err != nil {
			log.Fatal(err)
		}
		defer client.DestroyMachine(ctx, paperspace.DestroyMachineParams{MachineID: m.ID})
	}

	filter := paperspace.MachineFilter{UsageRate: paperspace.Match("C3 hourly"), Limit: 2}
	for m, err := range client.AllMachines(ctx, filter) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(m.Name, m.UsageRate)
	}
	// Output:
	// worker-a C3 hourly
	// worker-b C3 hourly
	// worker-c C3 hourly
}

// With a Debug logger, every call leaves one record: operation, status, duration (dropped here
// with the time, which change from run to run).
func ExampleConfig_logger() {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey || a.Key == "duration" {
				return slog.Attr{}
			}
			return a
		},
	}))
	client, err := paperspace.NewClient(paperspace.Config{Logger: logger})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	client.ListUsers(context.Background(), paperspace.UserFilter{})
	client.GetMachine(context.Background(), "psnothere")
	// Output:
	// {"level":"DEBUG","msg":"paperspace call","operation":"users_list","status":"ok"}
	// {"level":"DEBUG","msg":"paperspace call","operation":"machines_show","status":"api","httpStatus":404}
}

// A Secret prints, marshals and logs as <redacted>; the client sends the real value.
func ExampleSecret() {
	params := paperspace.CreateMachineParams{MachineName: "m", Email: "new@example.com", Password: "hunter22"}
	fmt.Println(params.Password)
	fmt.Printf("%+v\n", params.Password)
	text, _ := json.Marshal(params.Password)
	fmt.Println(string(text))
	fmt.Println(len(string(params.Password)))
	// Output:
	// <redacted>
	// <redacted>
	// "\u003credacted\u003e"
	// 8
}

// The time fields keep the API's text; the methods parse it.
func ExampleMachine_Created() {
	var m paperspace.Machine
	json.Unmarshal([]byte(`{"id": "psxs9sp8u", "dtCreated": "2019-07-04T19:21:50.506Z", "dtLastRun": null}`), &m)
	created, err := m.Created()
	if err != nil {
		log.Fatal(err)
	}
	lastRun, _ := m.LastRun()
	fmt.Println(m.DtCreated)
	fmt.Println(created.Format(time.DateTime), created.Location())
	fmt.Println(lastRun.IsZero())
	// Output:
	// 2019-07-04T19:21:50.506Z
	// 2019-07-04 19:21:50 UTC
	// true
}
