//go:build cgo

package paperspace

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// BindingVersion is the version of this Go binding. NewClient refuses a C library whose major
// and minor version differ (possible only with the paperspace_shared build tag).
const BindingVersion = "0.1.0"

// Config configures a Client. Zero values mean the library's defaults.
type Config struct {
	// APIKey is sent as x-api-key; empty means the environment variable PAPERSPACE_API_KEY.
	APIKey string
	// BaseURL defaults to PAPERSPACE_API_HOST, else https://api.paperspace.io. Plain http://
	// is accepted only for loopback hosts.
	BaseURL string
	// Timeout bounds each call as a whole: attempts, backoff and Retry-After sleeps included
	// (default 30 s; a wait has its own WaitParams.Timeout). ConnectTimeout bounds connecting
	// (default 10 s). Both are rounded up to whole milliseconds; at most one hour. A context
	// deadline that comes sooner bounds the call instead.
	Timeout        time.Duration
	ConnectTimeout time.Duration
	// MaxRetries is how often safe calls (lists, show, availability, the polls of a wait) are
	// retried on connection failures, 429, 502, 503 and 504: nil means the default, 2;
	// Ptr(0) disables retries. At most 10. Create, start, stop, restart and destroy are never
	// sent twice.
	MaxRetries *int
	// UserAgent defaults to "paperspace/<version>".
	UserAgent string
	// MaxConcurrentCalls bounds the calls this client runs at once (default 64). Each running
	// call holds an OS thread while the library does its HTTP work; the calls beyond the bound
	// wait for a free slot without a thread of their own, and give up when their context ends.
	// While calls are quick (under a millisecond, as against a local server), at most
	// GOMAXPROCS of them run at once, which saves the runtime handing Ps between threads; a call
	// waits at most a millisecond for that.
	MaxConcurrentCalls int
	// Logger, when set, receives one Debug record per call: the operation, its status ("ok"
	// or the error's kind), the HTTP status of an API error, and the duration. Parameters,
	// results and the API key are never logged.
	Logger *slog.Logger
}

// defaultTimeout is the library's default timeoutMs (docs/ABI.md).
const defaultTimeout = 30 * time.Second

// DefaultMaxConcurrentCalls is the bound on a client's calls at once when
// Config.MaxConcurrentCalls is 0.
const DefaultMaxConcurrentCalls = 64

// configJSON is Config on the wire.
type configJSON struct {
	APIKey           string `json:"apiKey,omitempty"`
	BaseURL          string `json:"baseUrl,omitempty"`
	TimeoutMs        int64  `json:"timeoutMs,omitempty"`
	ConnectTimeoutMs int64  `json:"connectTimeoutMs,omitempty"`
	MaxRetries       *int   `json:"maxRetries,omitempty"`
	UserAgent        string `json:"userAgent,omitempty"`
}

// Client is a Paperspace Core API client. It is safe for concurrent use by many goroutines;
// calls run in parallel, at most Config.MaxConcurrentCalls at once.
//
// Call Close when done: the client holds C memory (a connection pool) that the garbage
// collector cannot see. A cleanup frees a forgotten client, but may never run.
type Client struct {
	ptr     *cClient // freed once by Close, after the last call in flight
	cleanup runtime.Cleanup
	logger  *slog.Logger
	slots   chan struct{} // one element per running call: the MaxConcurrentCalls bound
	gate    *gate         // the quick calls running at once (gate.go)
	timeout time.Duration // Config.Timeout, or the library's default

	// state is the number of calls in flight, plus closedBit once Close has started. A call
	// enters only while the bit is clear, so the count can only fall after Close.
	state    atomic.Int64
	closing  chan struct{} // closed when Close starts: wakes the calls waiting for a slot
	drained  chan struct{} // closed when Close has started and no call is in flight
	freeOnce sync.Once

	waitsMu sync.Mutex
	waits   map[*cCancel]struct{} // cancel flags of the waits in flight, triggered by Close
}

const closedBit = 1 << 62

// NewClient creates a client. A bad configuration is an *Error matching ErrConfig (unusable
// values, a missing API key) or ErrInvalidArgument.
func NewClient(cfg Config) (*Client, error) {
	const op = "client_new"
	if err := checkVersion(); err != nil {
		return nil, err
	}
	for name, d := range map[string]time.Duration{"Timeout": cfg.Timeout, "ConnectTimeout": cfg.ConnectTimeout} {
		if d < 0 {
			return nil, newError(StatusConfig, op, fmt.Sprintf("%s must not be negative, got %s", name, d), nil)
		}
	}
	if cfg.MaxRetries != nil && *cfg.MaxRetries < 0 {
		return nil, newError(StatusConfig, op, fmt.Sprintf("MaxRetries must not be negative, got %d", *cfg.MaxRetries), nil)
	}
	if cfg.MaxConcurrentCalls < 0 {
		return nil, newError(StatusConfig, op, fmt.Sprintf("MaxConcurrentCalls must not be negative, got %d", cfg.MaxConcurrentCalls), nil)
	}
	slots := cfg.MaxConcurrentCalls
	if slots == 0 {
		slots = DefaultMaxConcurrentCalls
	}
	config, err := json.Marshal(configJSON{
		APIKey:           cfg.APIKey,
		BaseURL:          cfg.BaseURL,
		TimeoutMs:        millis(cfg.Timeout),
		ConnectTimeoutMs: millis(cfg.ConnectTimeout),
		MaxRetries:       cfg.MaxRetries,
		UserAgent:        cfg.UserAgent,
	})
	if err != nil {
		return nil, newError(StatusInvalidArgument, op, err.Error(), nil)
	}
	ptr, status, errJSON := newCClient(config)
	if status != StatusOK {
		return nil, parseError(status, op, errJSON)
	}
	c := &Client{
		ptr:     ptr,
		logger:  cfg.Logger,
		slots:   make(chan struct{}, slots),
		gate:    newGate(),
		timeout: cmp.Or(cfg.Timeout, defaultTimeout),
		closing: make(chan struct{}),
		drained: make(chan struct{}),
		waits:   make(map[*cCancel]struct{}),
	}
	// Safety net only: frees the C client if c becomes unreachable without Close. It holds the
	// C pointer, not c, so it does not keep c alive.
	c.cleanup = runtime.AddCleanup(c, freeCClient, ptr)
	return c, nil
}

// Close frees the client. Calls made after Close has started fail at once with an error
// matching ErrClosed (and nothing else); calls waiting for a slot (MaxConcurrentCalls) fail the
// same way; waits in flight are cancelled (their error matches ErrCancelled and ErrClosed).
// Close then waits for the calls in flight to return and frees the C client. It takes no lock
// that a new call would queue behind. Close is idempotent and safe to call concurrently; it
// always returns nil.
func (c *Client) Close() error {
	for {
		s := c.state.Load()
		if s&closedBit != 0 {
			break // closed already: wait for the same drain below
		}
		if c.state.CompareAndSwap(s, s|closedBit) {
			close(c.closing)
			c.waitsMu.Lock()
			for cancel := range c.waits {
				triggerCancel(cancel)
			}
			c.waitsMu.Unlock()
			if s == 0 {
				close(c.drained)
			}
			break
		}
	}
	<-c.drained
	c.freeOnce.Do(func() {
		c.cleanup.Stop()
		freeCClient(c.ptr)
	})
	return nil
}

// enter counts a call in flight; false once Close has started.
func (c *Client) enter() bool {
	for {
		s := c.state.Load()
		if s&closedBit != 0 {
			return false
		}
		if c.state.CompareAndSwap(s, s+1) {
			return true
		}
	}
}

// leave ends a call in flight; the last one after Close lets Close free the client.
func (c *Client) leave() {
	if c.state.Add(-1) == closedBit {
		close(c.drained)
	}
}

// acquire takes one of the MaxConcurrentCalls slots, giving up when ctx ends or Close starts.
func (c *Client) acquire(ctx context.Context, op string) error {
	select {
	case c.slots <- struct{}{}:
		return nil
	default:
	}
	select {
	case c.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return newError(StatusCancelled, op, "the context ended while the call waited for a free slot (MaxConcurrentCalls)", ctx.Err())
	case <-c.closing:
		return closedError(op)
	}
}

func closedError(op string) *Error {
	return newError(StatusClosed, op, "the client is closed", ErrClosed)
}

// call runs one operation and logs it (Config.Logger).
func (c *Client) call(ctx context.Context, op string, params, out any) error {
	if observe := observeCall.Load(); observe != nil {
		(*observe)(op)
	}
	if c.logger == nil || !c.logger.Enabled(ctx, slog.LevelDebug) {
		return c.run(ctx, op, params, out)
	}
	start := time.Now()
	err := c.run(ctx, op, params, out)
	attrs := []slog.Attr{slog.String("operation", op), slog.String("status", "ok")}
	var perr *Error
	if errors.As(err, &perr) {
		attrs[1] = slog.String("status", perr.Kind)
		if perr.HTTPStatus != 0 {
			attrs = append(attrs, slog.Int("httpStatus", perr.HTTPStatus))
		}
	}
	attrs = append(attrs, slog.Duration("duration", time.Since(start)))
	c.logger.LogAttrs(ctx, slog.LevelDebug, "paperspace call", attrs...)
	return err
}

// The waits are the operations run() treats apart: a wait's own timeout bounds it, and Close
// cancels it.
const (
	opMachinesWait     = "machines_wait"
	opMachinesWaitMany = "machines_wait_many"
)

// observeCall, when set (by the tests), sees the operation of every call.
var observeCall atomic.Pointer[func(op string)]

// run runs one operation by name through ps_call: one json.Marshal of params (encodeParams:
// cached for zero values), the C call, one decode of the result into out (decodeResult: what
// json.Unmarshal would give; skipped when out is nil).
//
// ctx reaches the library through a ps_cancel token: its deadline becomes the token's (for an
// operation only when it comes before Config.Timeout, since a token's deadline replaces it), and
// a goroutine triggers the token when ctx is done. Either way the error matches ErrCancelled and
// ctx.Err(). A context that can never end costs no token; a wait always has one, for Close.
func (c *Client) run(ctx context.Context, op string, params, out any) error {
	if err := ctx.Err(); err != nil {
		return newError(StatusCancelled, op, "the context ended before the call", err)
	}
	if !c.enter() {
		return closedError(op)
	}
	defer c.leave() // also keeps c, and so the C client, alive until the call is over
	wait := op == opMachinesWait || op == opMachinesWaitMany
	// The whole call, not only its C part, holds a place in the gate: a goroutine that decodes
	// needs a P as much as one in C. The waits poll for minutes: they never take a place.
	if !wait && c.gate.enter() {
		start := time.Now()
		defer func() { c.gate.leave(time.Since(start)) }()
	}
	body, err := encodeParams(params)
	if err != nil {
		return newError(StatusInvalidArgument, op, "params: "+err.Error(), nil)
	}
	if err := c.acquire(ctx, op); err != nil {
		return err
	}
	defer func() { <-c.slots }()

	deadline, hasDeadline := ctx.Deadline()
	// ctxBound: the context's deadline comes before the call's own limit, so a timeout of the
	// call is the context's (the library may give up a little early, when no attempt fits).
	ctxBound := false
	var cancel *cCancel
	var release func() error
	if wait || ctx.Done() != nil {
		if cancel, release = c.watch(ctx, wait); cancel == nil {
			return closedError(op)
		}
		if hasDeadline {
			left := time.Until(deadline)
			if wait {
				// A wait ends at the sooner of its own timeout and the token's deadline.
				ctxBound = left < waitTimeout(params)
				setCancelTimeout(cancel, max(millis(left), 0))
			} else if left < c.timeout {
				// An operation's token deadline replaces Config.Timeout: set only when sooner.
				ctxBound = true
				setCancelTimeout(cancel, max(millis(left), 0))
			}
		}
	}

	status, text := invoke(op, c.ptr, cancel, body)
	var perr *Error
	switch {
	case status != StatusOK:
		perr = parseError(status, op, text)
	case out != nil:
		if err := decodeResult(text, out); err != nil {
			perr = newError(StatusDecode, op, "the result does not fit the Go type: "+err.Error(), nil)
		}
	}
	if release != nil {
		cause := release()
		switch {
		case perr == nil:
		case perr.Code == StatusCancelled:
			perr.cause = cause // matches ctx.Err() (or ErrClosed) as well as ErrCancelled
		case perr.Code == StatusTimeout && ctxBound:
			// The context's deadline, not Config.Timeout nor a wait's own timeout, ran out.
			perr.Code, perr.Kind, perr.cause = StatusCancelled, StatusCancelled.String(), context.DeadlineExceeded
			perr.Message = "the call did not finish before the context's deadline"
		}
	}
	if perr != nil {
		return perr
	}
	return nil
}

// defaultWaitTimeout is the library's default timeoutMs of a wait (docs/ABI.md).
const defaultWaitTimeout = 10 * time.Minute

// waitTimeout is the time limit of a wait with these parameters.
func waitTimeout(params any) time.Duration {
	if w, ok := params.(*waitJSON); ok && w.TimeoutMs > 0 {
		return time.Duration(w.TimeoutMs) * time.Millisecond
	}
	if w, ok := params.(*waitManyJSON); ok && w.TimeoutMs > 0 {
		return time.Duration(w.TimeoutMs) * time.Millisecond
	}
	return defaultWaitTimeout
}

// watch makes the cancel token of a call and triggers it when ctx ends, and also when Close
// starts if closable (the waits, which can run for minutes; other calls are bounded by
// Config.Timeout and Close lets them finish). release must be called once the call returned:
// it frees the token and says why it was triggered (ctx.Err(), ErrClosed, or nil). A nil token
// means the client is closing.
func (c *Client) watch(ctx context.Context, closable bool) (*cCancel, func() error) {
	cancel := newCancel()
	if closable {
		c.waitsMu.Lock()
		if c.isClosing() {
			c.waitsMu.Unlock()
			freeCancel(cancel)
			return nil, nil
		}
		c.waits[cancel] = struct{}{}
		c.waitsMu.Unlock()
	}

	triggered := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		triggerCancel(cancel)
		close(triggered)
	})
	return cancel, func() error {
		if !stop() {
			<-triggered // the trigger ran or is running: let it finish before the free
		}
		if closable {
			c.waitsMu.Lock()
			delete(c.waits, cancel)
			c.waitsMu.Unlock()
		}
		freeCancel(cancel)
		if err := ctx.Err(); err != nil {
			return err
		}
		if closable && c.isClosing() {
			return ErrClosed
		}
		return nil
	}
}

// isClosing reports whether Close has started.
func (c *Client) isClosing() bool { return c.state.Load()&closedBit != 0 }

var versionCheck = sync.OnceValue(func() error {
	lib := LibraryVersion()
	if majorMinor(lib) != majorMinor(BindingVersion) {
		return newError(StatusConfig, "client_new", fmt.Sprintf(
			"the C library is version %s but this Go binding is %s", lib, BindingVersion), nil)
	}
	return nil
})

func checkVersion() error { return versionCheck() }

// majorMinor is "0.1" of "0.1.0".
func majorMinor(version string) string {
	parts := strings.SplitN(version, ".", 3)
	if len(parts) < 2 {
		return version
	}
	return parts[0] + "." + parts[1]
}
