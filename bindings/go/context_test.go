package paperspace_test

// A context bounds every call: its deadline and its cancellation reach the library (ps_cancel),
// also while a request waits for the server.

import (
	"context"
	"errors"
	"testing"
	"time"

	paperspace "github.com/paperspace-client/paperspace/bindings/go"
)

// checkCancelled requires err to match ErrCancelled and cause (a context error), and no other
// kind.
func checkCancelled(t *testing.T, name string, err error, cause error) {
	t.Helper()
	perr := asError(t, err, paperspace.ErrCancelled)
	if !errors.Is(err, cause) || perr.Code != paperspace.StatusCancelled || perr.Kind != "cancelled" ||
		errors.Is(err, paperspace.ErrTimeout) || errors.Is(err, paperspace.ErrClosed) {
		t.Errorf("%s: %#v (%v)", name, perr, err)
	}
}

// A 200 ms deadline ends a call whose answer takes 2 s within 300 ms: a list (retried GET), a
// POST, and a wait.
func TestContextDeadlineBoundsEveryCall(t *testing.T) {
	emu := needEmulator(t)
	c := emu.client(t, paperspace.Config{})
	m := createMachine(t, c)
	waitFor(t, c, m.ID, paperspace.StateReady)

	calls := []struct {
		name, fault string
		call        func(ctx context.Context) error
	}{
		{"ListUsers", `{"path": "/users/getUsers", "delayMs": 2000}`, func(ctx context.Context) error {
			_, err := c.ListUsers(ctx, paperspace.UserFilter{})
			return err
		}},
		{"StopMachine", `{"path": "/machines/*/stop", "delayMs": 2000}`, func(ctx context.Context) error {
			return c.StopMachine(ctx, m.ID)
		}},
		{"WaitForMachine", `{"path": "/machines/getMachinePublic", "delayMs": 2000}`, func(ctx context.Context) error {
			_, err := c.WaitForMachine(ctx, paperspace.WaitParams{MachineID: m.ID, State: paperspace.StateOff, Interval: 10 * time.Millisecond})
			return err
		}},
	}
	for _, tc := range calls {
		emu.fault(t, tc.fault)
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		start := time.Now()
		err := tc.call(ctx)
		elapsed := time.Since(start)
		cancel()
		checkCancelled(t, tc.name, err, context.DeadlineExceeded)
		if elapsed < 190*time.Millisecond || elapsed > 300*time.Millisecond {
			t.Errorf("%s returned after %v with a 200 ms deadline", tc.name, elapsed)
		}
		if err := emu.ClearFaults(); err != nil {
			t.Fatal(err)
		}
	}
}

// A 503 with Retry-After: 20 is not waited for past a 200 ms deadline: the call returns the
// server's answer at once (without a deadline it would sleep 20 s and try again).
func TestContextDeadlineAndRetryAfter(t *testing.T) {
	emu := needEmulator(t)
	c := emu.client(t, paperspace.Config{})
	const key = "GET /users/getUsers"
	before := emu.requests(t, key)
	emu.fault(t, `{"path": "/users/getUsers", "status": 503, "headers": {"Retry-After": "20"}, "count": 5}`)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.ListUsers(ctx, paperspace.UserFilter{})
	if elapsed := time.Since(start); elapsed > 300*time.Millisecond {
		t.Errorf("ListUsers returned after %v with a 200 ms deadline", elapsed)
	}
	perr := asError(t, err, paperspace.ErrServer)
	if perr.HTTPStatus != 503 || perr.Code != paperspace.StatusAPI {
		t.Errorf("%#v", perr)
	}
	if n := emu.requests(t, key) - before; n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

// Cancelling the context ends a call in flight at once, with an error matching context.Canceled.
func TestContextCancelEndsACallInFlight(t *testing.T) {
	emu := needEmulator(t)
	c := emu.client(t, paperspace.Config{})
	emu.fault(t, `{"path": "/templates/getTemplates", "delayMs": 2000}`)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.ListTemplates(ctx, paperspace.TemplateFilter{})
	elapsed := time.Since(start)
	checkCancelled(t, "ListTemplates", err, context.Canceled)
	if elapsed < 100*time.Millisecond || elapsed > 200*time.Millisecond {
		t.Errorf("ListTemplates returned after %v, cancelled at 100 ms", elapsed)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a cancelled call matches DeadlineExceeded: %v", err)
	}
}

// Config.Timeout still bounds a call whose context allows more, and its error is a timeout, not
// a cancellation.
func TestConfigTimeoutUnderALaterDeadline(t *testing.T) {
	emu := needEmulator(t)
	c := emu.client(t, paperspace.Config{Timeout: 300 * time.Millisecond, MaxRetries: paperspace.Ptr(0)})
	emu.fault(t, `{"path": "/users/getUsers", "delayMs": 2000}`)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	_, err := c.ListUsers(ctx, paperspace.UserFilter{})
	elapsed := time.Since(start)
	perr := asError(t, err, paperspace.ErrTimeout)
	if errors.Is(err, paperspace.ErrCancelled) || errors.Is(err, context.DeadlineExceeded) || perr.Code != paperspace.StatusTimeout {
		t.Errorf("%#v", perr)
	}
	if elapsed < 300*time.Millisecond || elapsed > 500*time.Millisecond {
		t.Errorf("ListUsers returned after %v with Timeout 300 ms", elapsed)
	}
}
