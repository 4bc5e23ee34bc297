//go:build cgo

package paperspace

import (
	"fmt"
	"time"
)

// The API sends times as ISO-8601 text in UTC with milliseconds ("2019-07-04T19:21:50.506Z").
// The result types keep that text as it came (DtCreated, ...); these methods parse it. A null
// time (a running event's DtFinished, a machine's DtLastRun before its first run) is the zero
// time.Time and no error.

// parseTime parses the API's time text; field names the field in the error.
func parseTime(field, text string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, text)
	if err != nil {
		return time.Time{}, fmt.Errorf("paperspace: %s %q is not an ISO-8601 time: %w", field, text, err)
	}
	return t, nil
}

// parseNullTime is parseTime for a nullable field: nil is the zero time.
func parseNullTime(field string, text *string) (time.Time, error) {
	if text == nil {
		return time.Time{}, nil
	}
	return parseTime(field, *text)
}

// Created is when the template was created (DtCreated).
func (t Template) Created() (time.Time, error) { return parseTime("dtCreated", t.DtCreated) }

// Created is when the machine was created (DtCreated).
func (m Machine) Created() (time.Time, error) { return parseTime("dtCreated", m.DtCreated) }

// LastRun is DtLastRun; the zero time when the API sent null.
func (m Machine) LastRun() (time.Time, error) { return parseNullTime("dtLastRun", m.DtLastRun) }

// Created is when the event was created (DtCreated).
func (e MachineEvent) Created() (time.Time, error) { return parseTime("dtCreated", e.DtCreated) }

// Modified is when the event last changed (DtModified).
func (e MachineEvent) Modified() (time.Time, error) { return parseTime("dtModified", e.DtModified) }

// Finished is when the event finished (DtFinished); the zero time while it has not.
func (e MachineEvent) Finished() (time.Time, error) {
	return parseNullTime("dtFinished", e.DtFinished)
}

// Created is when the user was created (DtCreated).
func (u User) Created() (time.Time, error) { return parseTime("dtCreated", u.DtCreated) }
