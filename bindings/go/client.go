//go:build cgo

package paperspace

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"sync"
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
	// Timeout bounds each HTTP call (default 30 s); ConnectTimeout bounds connecting (default
	// 10 s). Both are rounded up to whole milliseconds; at most one hour.
	Timeout        time.Duration
	ConnectTimeout time.Duration
	// MaxRetries is how often safe calls (lists, show, availability, the polls of a wait) are
	// retried on connection failures, 429, 502, 503 and 504: nil means the default, 2;
	// Ptr(0) disables retries. At most 10. Create, start, stop, restart and destroy are never
	// sent twice.
	MaxRetries *int
	// UserAgent defaults to "paperspace/<version>".
	UserAgent string
}

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
// calls run in parallel. Each call blocks one OS thread while the library does the HTTP work.
//
// Call Close when done: the client holds C memory (a connection pool) that the garbage
// collector cannot see. A cleanup frees a forgotten client, but may never run.
type Client struct {
	mu      sync.RWMutex // calls hold it for reading, Close for writing
	ptr     *cClient     // nil once closed
	cleanup runtime.Cleanup

	waitsMu sync.Mutex
	waits   map[*cCancel]struct{} // cancel flags of the waits in flight, triggered by Close
	closing bool                  // Close has started; guarded by waitsMu
}

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
	c := &Client{ptr: ptr, waits: make(map[*cCancel]struct{})}
	// Safety net only: frees the C client if c becomes unreachable without Close. It holds the
	// C pointer, not c, so it does not keep c alive.
	c.cleanup = runtime.AddCleanup(c, freeCClient, ptr)
	return c, nil
}

// Close frees the client. It waits for the calls in flight to return, cancelling the waits in
// flight first (they return an error matching ErrCancelled and ErrClosed). Close is
// idempotent; calls after Close return an error matching ErrClosed. It always returns nil.
func (c *Client) Close() error {
	c.waitsMu.Lock()
	c.closing = true
	for cancel := range c.waits {
		triggerCancel(cancel)
	}
	c.waitsMu.Unlock()

	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ptr == nil {
		return nil
	}
	c.cleanup.Stop()
	freeCClient(c.ptr)
	c.ptr = nil
	return nil
}

// call runs one operation: one json.Marshal of params, the C call, one decode of the result into
// out (decodeResult: what json.Unmarshal would give; skipped when out is nil).
func (c *Client) call(ctx context.Context, op operation, params, out any) error {
	if err := ctx.Err(); err != nil {
		return newError(StatusCancelled, op.String(), "the context ended before the call", err)
	}
	body, err := json.Marshal(params)
	if err != nil {
		return newError(StatusInvalidArgument, op.String(), "params: "+err.Error(), nil)
	}

	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.ptr == nil {
		return newError(StatusInvalidArgument, op.String(), "the client is closed", ErrClosed)
	}

	var cancel *cCancel
	var release func() error
	if op == opMachinesWait {
		if cancel, release = c.watch(ctx); cancel == nil {
			return newError(StatusCancelled, op.String(), "the client is closing", ErrClosed)
		}
	}

	var perr *Error
	invoke(op, c.ptr, cancel, body, func(status Status, text []byte) {
		if status != StatusOK {
			perr = parseError(status, op.String(), text)
			return
		}
		if out != nil {
			// decodeResult copies what it keeps, so nothing refers to the C string after this.
			if err := decodeResult(text, out); err != nil {
				perr = newError(StatusDecode, op.String(), "the result does not fit the Go type: "+err.Error(), nil)
			}
		}
	})
	if release != nil {
		if cause := release(); perr != nil && perr.Code == StatusCancelled {
			perr.cause = cause // matches ctx.Err() (or ErrClosed) as well as ErrCancelled
		}
	}
	runtime.KeepAlive(c)
	if perr != nil {
		return perr
	}
	return nil
}

// watch makes the cancel flag of a wait and triggers it when ctx ends or Close starts. release
// must be called once the wait returned: it frees the flag and says why it was triggered
// (ctx.Err(), ErrClosed, or nil). A nil flag means the client is closing.
func (c *Client) watch(ctx context.Context) (*cCancel, func() error) {
	cancel := newCancel()
	c.waitsMu.Lock()
	if c.closing {
		c.waitsMu.Unlock()
		freeCancel(cancel)
		return nil, nil
	}
	c.waits[cancel] = struct{}{}
	c.waitsMu.Unlock()

	triggered := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		triggerCancel(cancel)
		close(triggered)
	})
	return cancel, func() error {
		if !stop() {
			<-triggered // the trigger ran or is running: let it finish before the free
		}
		c.waitsMu.Lock()
		delete(c.waits, cancel)
		closing := c.closing
		c.waitsMu.Unlock()
		freeCancel(cancel)
		if err := ctx.Err(); err != nil {
			return err
		}
		if closing {
			return ErrClosed
		}
		return nil
	}
}

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
