package paperspace_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
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
	machine, err = client.WaitForMachine(ctx, paperspace.WaitParams{
		MachineID: machine.ID, State: paperspace.StateReady, Interval: time.Second,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(machine.ID, machine.State, *machine.PrivateIPAddress)
	if err := client.DestroyMachine(ctx, paperspace.DestroyMachineParams{MachineID: machine.ID}); err != nil {
		log.Fatal(err)
	}
}

// Validation errors are found before any request and name every failing field.
func Example_validation() {
	client, err := paperspace.NewClient(paperspace.Config{APIKey: "key", BaseURL: "http://127.0.0.1:1"})
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

	machine, err := client.WaitForMachine(ctx, paperspace.WaitParams{MachineID: "psxs9sp8u", State: paperspace.StateReady})
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
		fmt.Println("ready:", machine.ID)
	}
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

// ListMachines pages with Limit and Skip; a short page is the last one.
func ExampleClient_ListMachines() {
	client, err := paperspace.NewClient(paperspace.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	const page = 100
	for skip := 0; ; skip += page {
		machines, err := client.ListMachines(context.Background(), paperspace.MachineFilter{
			Region: paperspace.Match(paperspace.RegionEastCoastNY2), Limit: page, Skip: skip,
		})
		if err != nil {
			log.Fatal(err)
		}
		for _, m := range machines {
			fmt.Println(m.ID, m.Name, m.State)
		}
		if len(machines) < page {
			break
		}
	}
}
