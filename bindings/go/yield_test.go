//go:build cgo

package paperspace

import (
	"testing"
	"time"
)

// yieldSometimes yields (and records it) once yieldPeriod has passed since the last yield, and
// not again within the period.
func TestYieldSometimesOncePerPeriod(t *testing.T) {
	now := int64(time.Since(clockStart))
	lastYield.Store(now - 2*int64(yieldPeriod))
	yieldSometimes()
	first := lastYield.Load()
	if first < now {
		t.Fatalf("no yield after 2 periods: last yield %d, before the call %d", first, now)
	}
	yieldSometimes()
	if got := lastYield.Load(); got != first && got-first < int64(yieldPeriod) {
		t.Fatalf("yielded again %d ns after the last yield (period %d)", got-first, yieldPeriod)
	}
}
