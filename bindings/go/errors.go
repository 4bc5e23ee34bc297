//go:build cgo

package paperspace

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// Status is the library's stable status code (ps_status). Codes are append-only: a number never
// changes meaning.
type Status int32

// The status codes of docs/ABI.md.
const (
	StatusOK              Status = 0
	StatusInvalidArgument Status = 1  // malformed parameters: a wrong JSON type, an unknown key, ...
	StatusValidation      Status = 2  // a documented API rule is broken; found before any request
	StatusConfig          Status = 3  // unusable configuration
	StatusTransport       Status = 4  // DNS, connect, TLS or I/O failure, a dropped connection
	StatusTimeout         Status = 5  // Config.Timeout of a call, or a wait's own Timeout
	StatusAPI             Status = 6  // the server answered non-2xx
	StatusDecode          Status = 7  // a 2xx answer that is not the JSON the operation returns
	StatusCancelled       Status = 8  // the call was cancelled (its context ended)
	StatusMachineError    Status = 9  // a waited-for machine's newest event is in state "error"
	StatusInternal        Status = 98 // a bug in the library
	StatusPanic           Status = 99 // a panic was caught at the library's boundary
)

// StatusClosed is this binding's own code for a call made after Client.Close (kind "closed");
// the library never returns it.
const StatusClosed Status = -1

var statusNames = map[Status]string{
	StatusOK:              "ok",
	StatusInvalidArgument: "invalid_argument",
	StatusValidation:      "validation",
	StatusConfig:          "config",
	StatusTransport:       "transport",
	StatusTimeout:         "timeout",
	StatusAPI:             "api",
	StatusDecode:          "decode",
	StatusCancelled:       "cancelled",
	StatusMachineError:    "machine_error",
	StatusInternal:        "internal",
	StatusPanic:           "panic",
	StatusClosed:          "closed",
}

// String returns the snake_case name of the code ("validation", "machine_error", ...), the
// same as the error JSON's "kind"; codes this binding does not know read "status(N)".
func (s Status) String() string {
	if name, ok := statusNames[s]; ok {
		return name
	}
	return "status(" + strconv.Itoa(int(s)) + ")"
}

// Error is every error this package returns. Match it with errors.As, or match its kind with
// errors.Is and the sentinel errors below:
//
//	var perr *paperspace.Error
//	if errors.As(err, &perr) && errors.Is(err, paperspace.ErrValidation) {
//		fmt.Println(perr.Fields())
//	}
type Error struct {
	// Code is the library's status code; Kind is its name.
	Code Status
	Kind string
	// Message is human-readable; for API errors it is the server's message.
	Message string
	// HTTPStatus is the server's status for API errors, 0 when the server did not answer.
	HTTPStatus int
	// Details is structured JSON, nil when there is none: {field: problem} for validation
	// errors, the server's error body for API errors, {"machineId", "state", "target", ...}
	// for a wait's timeout and machine errors (see docs/ABI.md).
	Details json.RawMessage
	// Operation is the operation that failed, e.g. "machines_create".
	Operation string

	cause error // ctx.Err() for a cancelled call, ErrClosed after Close
}

// Error renders "paperspace: <operation>: <kind>[ (HTTP n)]: <message>[: <context error>]".
func (e *Error) Error() string {
	op := e.Operation
	if op == "" {
		op = "call"
	}
	text := fmt.Sprintf("paperspace: %s: %s: %s", op, e.Kind, e.Message)
	if e.HTTPStatus != 0 {
		text = fmt.Sprintf("paperspace: %s: %s (HTTP %d): %s", op, e.Kind, e.HTTPStatus, e.Message)
	}
	if e.cause != nil && e.cause != ErrClosed {
		text += ": " + e.cause.Error()
	}
	return text
}

// Unwrap returns the cause of a cancelled call (the context's error) or ErrClosed; nil otherwise.
func (e *Error) Unwrap() error { return e.cause }

// Is reports whether the error belongs to a sentinel's class: the kind sentinels (ErrValidation,
// ErrTimeout, ...) match on Code, the HTTP ones (ErrNotFound, ...) on HTTPStatus.
func (e *Error) Is(target error) bool {
	match, ok := matchers[target]
	return ok && match(e)
}

// Fields decodes the per-field problems of a validation error ({"size": "must be between 50
// and 2000 GB", ...}); nil for other errors.
func (e *Error) Fields() map[string]string {
	if e.Code != StatusValidation {
		return nil
	}
	var fields map[string]string
	if json.Unmarshal(e.Details, &fields) != nil {
		return nil
	}
	return fields
}

// The sentinel errors, for errors.Is. Every error of this package is an *Error; the sentinels
// name its class, so that a caller can decide what to do without reading its fields.
var (
	// ErrInvalidArgument: the parameters are malformed (a value of the wrong type, a
	// negative duration); nothing was sent. A bug in the calling code.
	ErrInvalidArgument = errors.New("paperspace: invalid argument")
	// ErrValidation: the parameters break a documented rule of the API (a size out of range,
	// a missing required field, two options that exclude each other); nothing was sent.
	// Error.Fields names every failing field and its problem.
	ErrValidation = errors.New("paperspace: validation")
	// ErrConfig: the Config cannot be used (no API key, plain http to a remote host, a value
	// out of range). Returned by NewClient.
	ErrConfig = errors.New("paperspace: config")
	// ErrTransport: the server could not be reached, or the connection broke (DNS, connect,
	// TLS, a dropped or truncated answer). Safe calls were already retried
	// (Config.MaxRetries); a create, start, stop, restart or destroy may or may not have
	// reached the server.
	ErrTransport = errors.New("paperspace: transport")
	// ErrTimeout: the call took longer than Config.Timeout, or a wait longer than its own
	// Timeout (Error.Details then holds the machine's last seen state).
	ErrTimeout = errors.New("paperspace: timeout")
	// ErrAPI: the server answered with an error status: Error.HTTPStatus, and the server's
	// message in Error.Message and its body in Error.Details. ErrUnauthorized, ErrNotFound,
	// ErrRateLimited and ErrServer narrow it down.
	ErrAPI = errors.New("paperspace: api")
	// ErrDecode: the server answered success with a body that is not what the operation
	// returns.
	ErrDecode = errors.New("paperspace: decode")
	// ErrCancelled: the call's context ended before the call could finish (the error also
	// matches ctx.Err(): context.Canceled or context.DeadlineExceeded), or Close interrupted a
	// wait (the error also matches ErrClosed).
	ErrCancelled = errors.New("paperspace: cancelled")
	// ErrMachineError: the machine a wait watched failed: its newest event ended in error
	// (for instance no capacity for its type in its region). Error.Message says which event
	// failed and why; Error.Details holds the event.
	ErrMachineError = errors.New("paperspace: machine error")
	// ErrInternal: a bug in the client library. Please report it with the error's text.
	ErrInternal = errors.New("paperspace: internal")

	// ErrUnauthorized: the server refused the API key (HTTP 401), or the key's user may not
	// do this (HTTP 403; e.g. only team administrators create machines).
	ErrUnauthorized = errors.New("paperspace: unauthorized")
	// ErrNotFound: no such object, or not visible to the key's user (HTTP 404).
	ErrNotFound = errors.New("paperspace: not found")
	// ErrRateLimited: too many requests (HTTP 429), still so after the retries.
	ErrRateLimited = errors.New("paperspace: rate limited")
	// ErrServer: the server failed (HTTP 5xx), still so after the retries of a safe call.
	ErrServer = errors.New("paperspace: server error")

	// ErrClosed: the call was made after Client.Close (the error's kind is "closed" and it
	// matches nothing else), or Close interrupted the wait (with ErrCancelled).
	ErrClosed = errors.New("paperspace: client is closed")
)

// matchers says which errors each sentinel matches (ErrClosed is matched through Unwrap).
var matchers = map[error]func(*Error) bool{
	ErrInvalidArgument: code(StatusInvalidArgument),
	ErrValidation:      code(StatusValidation),
	ErrConfig:          code(StatusConfig),
	ErrTransport:       code(StatusTransport),
	ErrTimeout:         code(StatusTimeout),
	ErrAPI:             code(StatusAPI),
	ErrDecode:          code(StatusDecode),
	ErrCancelled:       code(StatusCancelled),
	ErrMachineError:    code(StatusMachineError),
	ErrInternal:        code(StatusInternal, StatusPanic), // a caught panic is a bug too
	ErrUnauthorized:    httpStatus(401, 403),
	ErrNotFound:        httpStatus(404),
	ErrRateLimited:     httpStatus(429),
	ErrServer:          func(e *Error) bool { return e.HTTPStatus >= 500 && e.HTTPStatus <= 599 },
}

func code(c ...Status) func(*Error) bool {
	return func(e *Error) bool {
		for _, want := range c {
			if e.Code == want {
				return true
			}
		}
		return false
	}
}

func httpStatus(statuses ...int) func(*Error) bool {
	return func(e *Error) bool {
		for _, s := range statuses {
			if e.HTTPStatus == s {
				return true
			}
		}
		return false
	}
}

// errorJSON is the library's error object.
type errorJSON struct {
	Code       Status          `json:"code"`
	Kind       string          `json:"kind"`
	Message    string          `json:"message"`
	Operation  string          `json:"operation"`
	HTTPStatus *int            `json:"httpStatus"`
	Details    json.RawMessage `json:"details"`
}

// parseError turns the library's error JSON into an *Error. status is the call's return value;
// it wins should the JSON be unreadable (which would be a library bug).
func parseError(status Status, op string, text string) *Error {
	var w errorJSON
	if err := json.Unmarshal([]byte(text), &w); err != nil || w.Code != status {
		kind := statusName(status)
		return &Error{Code: status, Kind: kind, Operation: op,
			Message: fmt.Sprintf("unreadable error JSON for status %d: %q", int32(status), text)}
	}
	e := &Error{Code: w.Code, Kind: w.Kind, Message: w.Message, Operation: w.Operation}
	if e.Operation == "" {
		e.Operation = op
	}
	if w.HTTPStatus != nil {
		e.HTTPStatus = *w.HTTPStatus
	}
	if len(w.Details) > 0 && string(w.Details) != "null" {
		e.Details = w.Details
	}
	return e
}

// newError makes an error this binding found itself.
func newError(code Status, op, message string, cause error) *Error {
	return &Error{Code: code, Kind: code.String(), Message: message, Operation: op, cause: cause}
}
