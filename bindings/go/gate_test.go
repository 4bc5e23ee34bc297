//go:build cgo

package paperspace

import (
	"testing"
	"time"
)

// The gate waits for a place while calls are quick, and stops waiting once they are not.
func TestGate(t *testing.T) {
	g := &gate{places: make(chan struct{}, 1)}
	if !g.enter() {
		t.Fatal("no place in an empty gate")
	}

	// Full, calls quick: a call waits gateWait for the place, then goes in without one, and
	// calls are no longer quick.
	start := time.Now()
	if g.enter() {
		t.Fatal("a place in a full gate")
	}
	if waited := time.Since(start); waited < gateWait {
		t.Fatalf("waited %v, want at least %v", waited, gateWait)
	}
	if !g.slow.Load() {
		t.Fatal("calls still quick after a wait that timed out")
	}
	// Full, calls slow: no wait, no place.
	if g.enter() {
		t.Fatal("a place in a full gate")
	}

	// A quick call leaving makes calls quick again, and its place is free.
	g.leave(10 * time.Microsecond)
	if g.slow.Load() {
		t.Fatal("calls still slow after a quick one")
	}
	if !g.enter() {
		t.Fatal("no place after a leave")
	}

	// A call that held its place for gateWait or longer makes calls slow.
	g.leave(5 * time.Millisecond)
	if !g.slow.Load() {
		t.Fatal("a call that held its place for 5 ms left calls quick")
	}
	if !g.enter() {
		t.Fatal("no place in an empty gate")
	}
}
