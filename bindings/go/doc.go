// Package paperspace is a client for the Paperspace Core API, over the C ABI of the Rust library
// libpaperspace (cgo).
//
// The package needs cgo. By default it links the static library that `make lib` installs in the
// module, so a program is one self-contained binary; the build tag paperspace_static makes the
// program fully static, and paperspace_shared links an installed libpaperspace.so through
// pkg-config instead. See README.md for how to build and link.
//
// # Usage
//
//	client, err := paperspace.NewClient(paperspace.Config{APIKey: key})
//	if err != nil { ... }
//	defer client.Close()
//	machine, err := client.CreateMachine(ctx, paperspace.CreateMachineParams{
//		Region: paperspace.RegionEuropeAMS1, MachineType: paperspace.MachineTypeC4, Size: 50,
//		BillingType: paperspace.BillingHourly, MachineName: "build-1", TemplateID: "t04azgph",
//	})
//	machine, err = client.WaitForMachine(ctx, paperspace.WaitParams{
//		MachineID: machine.ID, State: paperspace.StateReady, Interval: time.Second})
//
// # Errors
//
// Every error is an *Error (errors.As) with the library's status Code, Kind, Message,
// HTTPStatus, Details and Operation. errors.Is matches its kind (ErrValidation, ErrTimeout,
// ErrAPI, ...) and, for API errors, its HTTP status (ErrNotFound, ErrUnauthorized,
// ErrRateLimited, ErrServer). A cancelled wait also matches the context's error, and a call after
// Close matches ErrClosed.
//
// # Concurrency
//
// A Client may be shared by any number of goroutines; calls run in parallel, at most
// Config.MaxConcurrentCalls (default 64) at once, each on an OS thread while the library performs
// the HTTP request; the others wait for a slot without a thread, honouring their context. While
// calls are quick (under a millisecond), at most GOMAXPROCS run at once. Calls made after Close
// has started fail at once (ErrClosed); Close cancels the waits in flight and waits for the calls
// in flight, so it never frees the client under a call.
//
// # Contexts
//
// Every method takes a context, and the context bounds the whole call in the library: its
// deadline (when sooner than Config.Timeout) and its cancellation end the call, between
// attempts, during retry sleeps and while a request waits for the server. Such an error
// matches ErrCancelled and ctx.Err(). Config.Timeout, and a wait's own Timeout, give ErrTimeout.
//
// # Operations
//
// Each method runs one operation of the library by name (ps_call); the library's table of
// operations (ps_operations) and the methods are checked against each other by a test.
package paperspace
