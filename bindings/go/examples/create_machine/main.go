// Command create_machine lists the templates, picks Ubuntu 18.04 Server, creates a C4 machine,
// waits until it is ready, prints it and destroys it.
//
// The API key and host come from PAPERSPACE_API_KEY and PAPERSPACE_API_HOST (the emulator:
// PAPERSPACE_API_HOST=http://127.0.0.1:PORT PAPERSPACE_API_KEY=emulator-admin-key). Ctrl-C
// interrupts the wait.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"time"

	paperspace "github.com/paperspace-client/paperspace/bindings/go"
)

func main() {
	if err := run(); err != nil {
		report(err)
		os.Exit(1)
	}
}

func run() error {
	client, err := paperspace.NewClient(paperspace.Config{Timeout: 30 * time.Second})
	if err != nil {
		return err
	}
	defer client.Close()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	templates, err := client.ListTemplates(ctx, paperspace.TemplateFilter{})
	if err != nil {
		return err
	}
	var ubuntu *paperspace.Template
	for i, t := range templates {
		if t.OS == "Ubuntu 18.04 Server" {
			ubuntu = &templates[i]
			break
		}
	}
	if ubuntu == nil {
		return fmt.Errorf("no Ubuntu 18.04 Server template among %d templates", len(templates))
	}
	fmt.Printf("%d templates; using %s (%s)\n", len(templates), ubuntu.ID, ubuntu.OS)

	machine, err := client.CreateMachine(ctx, paperspace.CreateMachineParams{
		Region:      paperspace.RegionEastCoastNY2,
		MachineType: paperspace.MachineTypeC4,
		Size:        50,
		BillingType: paperspace.BillingHourly,
		MachineName: "go-demo",
		TemplateID:  ubuntu.ID,
	})
	if err != nil {
		return err
	}
	fmt.Printf("created %s (%s), state %s\n", machine.ID, machine.Name, machine.State)

	ready, err := client.WaitForMachine(ctx, paperspace.WaitParams{
		MachineID: machine.ID,
		State:     paperspace.StateReady,
		Interval:  100 * time.Millisecond,
		Timeout:   5 * time.Minute,
	})
	if err != nil {
		// Clean up even when the wait failed.
		client.DestroyMachine(context.Background(), paperspace.DestroyMachineParams{MachineID: machine.ID})
		return err
	}
	fmt.Printf("ready: %s %s, %d CPUs, %s bytes of RAM, %s bytes of storage, private IP %s, region %s\n",
		ready.ID, deref(ready.OS), ready.CPUs, deref(ready.RAM), deref(ready.StorageTotal),
		deref(ready.PrivateIPAddress), deref(ready.Region))

	if err := client.DestroyMachine(ctx, paperspace.DestroyMachineParams{MachineID: ready.ID}); err != nil {
		return err
	}
	fmt.Printf("destroyed %s\n", ready.ID)
	return nil
}

// report prints an error by kind.
func report(err error) {
	var perr *paperspace.Error
	if !errors.As(err, &perr) {
		fmt.Fprintln(os.Stderr, "error:", err)
		return
	}
	switch {
	case errors.Is(err, paperspace.ErrValidation):
		fmt.Fprintln(os.Stderr, "invalid parameters:")
		for field, problem := range perr.Fields() {
			fmt.Fprintf(os.Stderr, "  %s: %s\n", field, problem)
		}
	case errors.Is(err, paperspace.ErrConfig):
		fmt.Fprintln(os.Stderr, "configuration:", perr.Message, "(set PAPERSPACE_API_KEY and PAPERSPACE_API_HOST)")
	case errors.Is(err, paperspace.ErrUnauthorized):
		fmt.Fprintf(os.Stderr, "not allowed (HTTP %d): %s\n", perr.HTTPStatus, perr.Message)
	case errors.Is(err, paperspace.ErrNotFound):
		fmt.Fprintln(os.Stderr, "not found:", perr.Message)
	case errors.Is(err, paperspace.ErrAPI):
		fmt.Fprintf(os.Stderr, "the API answered HTTP %d: %s\n", perr.HTTPStatus, perr.Message)
	case errors.Is(err, paperspace.ErrTransport), errors.Is(err, paperspace.ErrTimeout):
		fmt.Fprintln(os.Stderr, "network:", perr.Message)
	case errors.Is(err, paperspace.ErrMachineError):
		fmt.Fprintln(os.Stderr, "the machine failed:", perr.Message)
	case errors.Is(err, paperspace.ErrCancelled):
		fmt.Fprintln(os.Stderr, "interrupted")
	default:
		fmt.Fprintf(os.Stderr, "%s error in %s: %s\n", perr.Kind, perr.Operation, perr.Message)
	}
}

func deref[T ~string](p *T) string {
	if p == nil {
		return "-"
	}
	return string(*p)
}
