package paperspace_test

import (
	"context"
	"errors"
	"runtime"
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
