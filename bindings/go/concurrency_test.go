package paperspace_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	paperspace "github.com/paperspace-client/paperspace/bindings/go"
)

// 32 goroutines share one client; every answer must be the right one.
func TestSharedClient(t *testing.T) {
	emu := needEmulator(t)
	c := emu.client(t, paperspace.Config{})
	ctx := context.Background()
	m := createMachine(t, c)

	const goroutines, rounds = 32, 10
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*rounds)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				switch (g + r) % 4 {
				case 0:
					ts, err := c.ListTemplates(ctx, paperspace.TemplateFilter{ID: paperspace.Match(ubuntu)})
					if err != nil || len(ts) != 1 || ts[0].ID != ubuntu {
						errs <- errors.Join(errors.New("ListTemplates"), err)
					}
				case 1:
					got, err := c.GetMachine(ctx, m.ID)
					if err != nil || got.ID != m.ID || got.Name != m.Name {
						errs <- errors.Join(errors.New("GetMachine"), err)
					}
				case 2:
					us, err := c.ListUsers(ctx, paperspace.UserFilter{ID: paperspace.Match(adminID)})
					if err != nil || len(us) != 1 || us[0].ID != adminID {
						errs <- errors.Join(errors.New("ListUsers"), err)
					}
				case 3:
					_, err := c.GetMachine(ctx, "psnothere")
					if !errors.Is(err, paperspace.ErrNotFound) {
						errs <- errors.Join(errors.New("GetMachine(psnothere)"), err)
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// Close races with calls in flight: no crash, and each call either succeeds or returns an
// error matching ErrClosed.
func TestCloseRacingCalls(t *testing.T) {
	emu := needEmulator(t)
	for round := range 5 {
		c, err := paperspace.NewClient(paperspace.Config{APIKey: adminKey, BaseURL: emu.URL})
		if err != nil {
			t.Fatal(err)
		}
		var ok, closed atomic.Int64
		var wg sync.WaitGroup
		start := make(chan struct{})
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				for {
					_, err := c.ListTemplates(context.Background(), paperspace.TemplateFilter{ID: paperspace.Match(ubuntu)})
					switch {
					case err == nil:
						ok.Add(1)
					case errors.Is(err, paperspace.ErrClosed):
						closed.Add(1)
						return
					default:
						t.Errorf("round %d: %v", round, err)
						return
					}
				}
			}()
		}
		close(start)
		time.Sleep(time.Duration(5+5*round) * time.Millisecond)
		var cw sync.WaitGroup
		for range 3 { // concurrent Closes are fine too
			cw.Add(1)
			go func() { defer cw.Done(); c.Close() }()
		}
		cw.Wait()
		wg.Wait()
		if closed.Load() != 16 {
			t.Errorf("round %d: %d goroutines saw ErrClosed", round, closed.Load())
		}
		t.Logf("round %d: %d calls succeeded before Close", round, ok.Load())
	}
}

// A client that is never closed is freed by its cleanup once unreachable (no crash, no call in
// flight can be affected since an in-flight call keeps the client reachable).
func TestForgottenClientIsCollected(t *testing.T) {
	emu := needEmulator(t)
	for range 20 {
		c, err := paperspace.NewClient(paperspace.Config{APIKey: adminKey, BaseURL: emu.URL})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.ListUsers(context.Background(), paperspace.UserFilter{}); err != nil {
			t.Fatal(err)
		}
	}
	runtime.GC()
	runtime.GC()
}

// Close waits for the calls in flight, but a call made meanwhile fails at once with ErrClosed:
// it never queues behind Close.
func TestCallsDuringCloseFailAtOnce(t *testing.T) {
	emu := needEmulator(t)
	c, err := paperspace.NewClient(paperspace.Config{APIKey: adminKey, BaseURL: emu.URL})
	if err != nil {
		t.Fatal(err)
	}
	emu.fault(t, `{"path": "/machines/getMachines", "delayMs": 1000}`)
	before := emu.requests(t, "GET /machines/getMachines")
	slowStart := time.Now()
	slow := make(chan error, 1)
	go func() {
		_, err := c.ListMachines(context.Background(), paperspace.MachineFilter{})
		slow <- err
	}()
	waitForRequests(t, emu, "GET /machines/getMachines", before+1)

	closed := make(chan time.Time, 1)
	go func() { c.Close(); closed <- time.Now() }()
	time.Sleep(50 * time.Millisecond) // Close is now waiting for the slow call

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = c.ListUsers(ctx, paperspace.UserFilter{})
	if elapsed := time.Since(start); elapsed > 100*time.Millisecond {
		t.Errorf("a call during Close took %v", elapsed)
	}
	perr := asError(t, err, paperspace.ErrClosed)
	if perr.Code != paperspace.StatusClosed || errors.Is(err, paperspace.ErrCancelled) || errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a call during Close: %#v", perr)
	}
	if err := <-slow; err != nil {
		t.Errorf("the call in flight during Close: %v", err)
	}
	if took := (<-closed).Sub(slowStart); took < 900*time.Millisecond {
		t.Errorf("Close returned %v after the slow call (1 s) started", took)
	}
}

// waitForRequests waits (at most 5 s) until the emulator has answered or is answering n
// requests to "METHOD path".
func waitForRequests(t testing.TB, emu *emulator, key string, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for emu.requests(t, key) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d requests to %s after 5 s, want %d", emu.requests(t, key), key, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Calls beyond MaxConcurrentCalls wait for a slot, and give up when their context ends or the
// client closes; no request is sent for them meanwhile.
func TestMaxConcurrentCalls(t *testing.T) {
	emu := needEmulator(t)
	c, err := paperspace.NewClient(paperspace.Config{APIKey: adminKey, BaseURL: emu.URL, MaxConcurrentCalls: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	const key = "GET /machines/getMachines"
	before := emu.requests(t, key)
	emu.fault(t, `{"path": "/machines/getMachines", "delayMs": 600, "count": 2}`)
	slow := make(chan error, 2)
	for range 2 {
		go func() {
			_, err := c.ListMachines(context.Background(), paperspace.MachineFilter{})
			slow <- err
		}()
	}
	waitForRequests(t, emu, key, before+2)

	start := time.Now() // before the context, whose deadline counts from its creation
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = c.ListMachines(ctx, paperspace.MachineFilter{})
	elapsed := time.Since(start)
	perr := asError(t, err, paperspace.ErrCancelled)
	if !errors.Is(err, context.DeadlineExceeded) || perr.Operation != "machines_list" ||
		perr.Message != "the context ended while the call waited for a free slot (MaxConcurrentCalls)" {
		t.Errorf("the third call: %v", err)
	}
	if elapsed < 100*time.Millisecond || elapsed > 250*time.Millisecond {
		t.Errorf("the third call returned after %v, its deadline was 100 ms", elapsed)
	}
	if got := emu.requests(t, key); got != before+2 {
		t.Errorf("%d requests while both slots were taken, want %d", got-before, 2)
	}

	// Without a deadline the call waits for a slot, then runs.
	if _, err := c.ListMachines(context.Background(), paperspace.MachineFilter{}); err != nil {
		t.Errorf("a call that waited for a slot: %v", err)
	}
	if since := time.Since(start); since < 550*time.Millisecond {
		t.Errorf("a call ran %v after the slow ones started (they take 600 ms)", since)
	}
	for range 2 {
		if err := <-slow; err != nil {
			t.Errorf("a slow call: %v", err)
		}
	}
}

// A call waiting for a slot when Close starts fails with ErrClosed.
func TestCloseEndsCallsWaitingForASlot(t *testing.T) {
	emu := needEmulator(t)
	c, err := paperspace.NewClient(paperspace.Config{APIKey: adminKey, BaseURL: emu.URL, MaxConcurrentCalls: 1})
	if err != nil {
		t.Fatal(err)
	}
	before := emu.requests(t, "GET /machines/getMachines")
	emu.fault(t, `{"path": "/machines/getMachines", "delayMs": 500}`)
	slow := make(chan error, 1)
	go func() {
		_, err := c.ListMachines(context.Background(), paperspace.MachineFilter{})
		slow <- err
	}()
	waitForRequests(t, emu, "GET /machines/getMachines", before+1)
	waiting := make(chan error, 1)
	go func() {
		_, err := c.ListUsers(context.Background(), paperspace.UserFilter{})
		waiting <- err
	}()
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	go c.Close()
	select {
	case err := <-waiting:
		if perr := asError(t, err, paperspace.ErrClosed); perr.Code != paperspace.StatusClosed {
			t.Errorf("the waiting call: %#v", perr)
		}
		if elapsed := time.Since(start); elapsed > 100*time.Millisecond {
			t.Errorf("the waiting call ended %v after Close started", elapsed)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the call waiting for a slot did not end when Close started")
	}
	if err := <-slow; err != nil {
		t.Errorf("the call in flight: %v", err)
	}
}

// 10,000 goroutines share a client under a limit of 200 OS threads (the runtime aborts the
// process beyond it): the calls beyond MaxConcurrentCalls wait without a thread of their own.
func TestTenThousandGoroutinesFewThreads(t *testing.T) {
	emu := needEmulator(t)
	c := emu.client(t, paperspace.Config{})
	const goroutines = 10_000
	// Each answer takes 30 ms: without the bound, the calls would pile up in C, a thread each,
	// past the limit (the runtime then aborts with "thread exhaustion").
	emu.fault(t, fmt.Sprintf(`{"path": "/machines/getAvailability", "delayMs": 30, "count": %d}`, goroutines))
	defer debug.SetMaxThreads(debug.SetMaxThreads(200))

	params := paperspace.AvailabilityParams{Region: paperspace.RegionEuropeAMS1, MachineType: paperspace.MachineTypeV100}
	var failed atomic.Int64
	var first atomic.Pointer[error]
	var wg sync.WaitGroup
	start := time.Now()
	for range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := c.MachineAvailability(context.Background(), params)
			if err != nil || !got.Available {
				failed.Add(1)
				first.CompareAndSwap(nil, &err)
			}
		}()
	}
	wg.Wait()
	if n := failed.Load(); n != 0 {
		t.Errorf("%d of %d calls failed, the first with %v", n, goroutines, *first.Load())
	}
	t.Logf("%d calls in %v", goroutines, time.Since(start))
}
