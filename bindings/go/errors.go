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
	StatusTimeout         Status = 5  // Config.Timeout of an HTTP call, or a wait's own Timeout
	StatusAPI             Status = 6  // the server answered non-2xx
	StatusDecode          Status = 7  // a 2xx answer that is not the JSON the operation returns
	StatusCancelled       Status = 8  // a wait was cancelled (its context ended)
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
	s, ok := target.(*sentinel)
	return ok && s.match(e)
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

type sentinel struct {
	msg   string
	match func(*Error) bool
}

func (s *sentinel) Error() string { return s.msg }

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

func httpServerError(e *Error) bool { return e.HTTPStatus >= 500 && e.HTTPStatus <= 599 }

// Sentinel errors by kind (Error.Code), for errors.Is.
var (
	ErrInvalidArgument error = &sentinel{"paperspace: invalid argument", code(StatusInvalidArgument)}
	ErrValidation      error = &sentinel{"paperspace: validation", code(StatusValidation)}
	ErrConfig          error = &sentinel{"paperspace: config", code(StatusConfig)}
	ErrTransport       error = &sentinel{"paperspace: transport", code(StatusTransport)}
	ErrTimeout         error = &sentinel{"paperspace: timeout", code(StatusTimeout)}
	ErrAPI             error = &sentinel{"paperspace: api", code(StatusAPI)}
	ErrDecode          error = &sentinel{"paperspace: decode", code(StatusDecode)}
	ErrCancelled       error = &sentinel{"paperspace: cancelled", code(StatusCancelled)}
	ErrMachineError    error = &sentinel{"paperspace: machine error", code(StatusMachineError)}
	// ErrInternal matches library bugs, including a caught panic (StatusPanic).
	ErrInternal error = &sentinel{"paperspace: internal", code(StatusInternal, StatusPanic)}
)

// Sentinel errors by the server's HTTP status (Error.HTTPStatus), for errors.Is: ErrUnauthorized
// is 401 or 403, ErrNotFound 404, ErrRateLimited 429, ErrServer 500-599.
var (
	ErrUnauthorized error = &sentinel{"paperspace: unauthorized", httpStatus(401, 403)}
	ErrNotFound     error = &sentinel{"paperspace: not found", httpStatus(404)}
	ErrRateLimited  error = &sentinel{"paperspace: rate limited", httpStatus(429)}
	ErrServer       error = &sentinel{"paperspace: server error", httpServerError}
)

// ErrClosed is matched (through Unwrap) by the error of a call made after Client.Close, and by a
// wait that Close interrupted.
var ErrClosed = errors.New("paperspace: client is closed")

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
func parseError(status Status, op string, text []byte) *Error {
	var w errorJSON
	if err := json.Unmarshal(text, &w); err != nil || w.Code != status {
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
