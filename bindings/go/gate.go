//go:build cgo

package paperspace

import (
	"runtime"
	"sync/atomic"
	"time"
)

// A goroutine inside a cgo call keeps its P (the runtime's right to run Go code) for the whole
// call. When every P is inside a call, the goroutines that are ready to run wait until the
// runtime's monitor (sysmon) takes a P back, 20 to 40 us into a call, and hands it to another
// thread; the call that lost its P queues for one on return, and its thread goes to sleep.
// Against a fast server (loopback: tens of microseconds a call) that is several thread switches
// per call, and 8 goroutines sharing a client made barely more calls per second than one, at
// half as much CPU again per call. The gate lets at most GOMAXPROCS calls run at once while
// calls are quick: the others wait on a channel, holding no P, and take the next free place
// without a hand-off. It never holds up calls that are not quick: a call waits at most
// gateWait, and not at all once a call has taken that long (a remote API, a slow server), until
// a call is quick again. MaxConcurrentCalls bounds all calls, gated or not.

// gateWait is the longest a call waits for a place: much longer than a call to a fast server,
// much shorter than one to a remote API.
const gateWait = time.Millisecond

// gate bounds the quick calls running at once to GOMAXPROCS (when the client was created).
type gate struct {
	places chan struct{}
	slow   atomic.Bool // a call took gateWait or longer (holding a place, or waiting for one)
}

func newGate() *gate { return &gate{places: make(chan struct{}, runtime.GOMAXPROCS(0))} }

// enter takes a place, waiting for one at most gateWait, and only while calls are quick. false:
// no place (the call runs all the same and must not call leave).
func (g *gate) enter() bool {
	select {
	case g.places <- struct{}{}:
		return true
	default:
	}
	if g.slow.Load() {
		return false
	}
	timer := time.NewTimer(gateWait)
	defer timer.Stop()
	select {
	case g.places <- struct{}{}:
		return true
	case <-timer.C:
		g.slow.Store(true) // the places are held by calls that are not quick
		return false
	}
}

// leave gives the place back; held is how long the call held it.
func (g *gate) leave(held time.Duration) {
	g.slow.Store(held >= gateWait)
	<-g.places
}
