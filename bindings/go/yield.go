//go:build cgo

package paperspace

import (
	"runtime"
	"sync/atomic"
	"time"
)

// A goroutine that makes call after call never passes through the scheduler: a cgo call is not
// a scheduling point. After 10 ms on one scheduling tick the runtime's monitor thread (sysmon)
// preempts it, which for a goroutine inside a cgo call means taking its P away: the P is handed
// off (waking a thread to look for work), and sysmon then wakes every 20 us for a millisecond,
// taking the P from every call that lasts longer. With GOMAXPROCS=1 (one CPU, or a process
// pinned to one) there is no idle P to make sysmon hold back, so this repeats for every call.
// Each hand-off and each wake-up is a thread switch on the CPUs the program shares with its
// HTTP server: measured on a 2-CPU machine, one call of templates list then costs about twice
// the CPU of the same loop run inside C. Passing through the scheduler once a millisecond
// (runtime.Gosched, well under a microsecond) keeps sysmon asleep, and the calls at the cost of
// the C loop (docs/PERFORMANCE.md).

// yieldPeriod is how often a call lets the scheduler run: well under sysmon's 10 ms.
const yieldPeriod = time.Millisecond

var (
	clockStart = time.Now()
	lastYield  atomic.Int64 // when a call last yielded, in nanoseconds since clockStart
)

// yieldSometimes calls runtime.Gosched when no call of this process has for yieldPeriod.
func yieldSometimes() {
	now := int64(time.Since(clockStart))
	last := lastYield.Load()
	if now-last >= int64(yieldPeriod) && lastYield.CompareAndSwap(last, now) {
		runtime.Gosched()
	}
}
