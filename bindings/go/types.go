//go:build cgo

package paperspace

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"time"
)

// Region is a region's full name, as the API spells it.
type Region string

// The regions the API accepts.
const (
	RegionEastCoastNY2 Region = "East Coast (NY2)"
	RegionWestCoastCA1 Region = "West Coast (CA1)"
	RegionEuropeAMS1   Region = "Europe (AMS1)"
)

// MachineType is one of the 19 machine types machines create accepts.
type MachineType string

// The machine types. Air, Standard, Pro and Advanced are GRID (virtual GPU) types, which Ubuntu
// templates cannot create; Windows templates cannot create C1-C10. Availability answers only
// for GPU+, P4000, P5000, P6000 and V100.
const (
	MachineTypeAir      MachineType = "Air"
	MachineTypeStandard MachineType = "Standard"
	MachineTypePro      MachineType = "Pro"
	MachineTypeAdvanced MachineType = "Advanced"
	MachineTypeGPUPlus  MachineType = "GPU+"
	MachineTypeP4000    MachineType = "P4000"
	MachineTypeP5000    MachineType = "P5000"
	MachineTypeP6000    MachineType = "P6000"
	MachineTypeV100     MachineType = "V100"
	MachineTypeC1       MachineType = "C1"
	MachineTypeC2       MachineType = "C2"
	MachineTypeC3       MachineType = "C3"
	MachineTypeC4       MachineType = "C4"
	MachineTypeC5       MachineType = "C5"
	MachineTypeC6       MachineType = "C6"
	MachineTypeC7       MachineType = "C7"
	MachineTypeC8       MachineType = "C8"
	MachineTypeC9       MachineType = "C9"
	MachineTypeC10      MachineType = "C10"
)

// BillingType is how a machine is billed.
type BillingType string

// The billing types.
const (
	BillingMonthly BillingType = "monthly"
	BillingHourly  BillingType = "hourly"
)

// MachineState is a machine's state. A wait accepts StateOff, StateServiceReady and StateReady.
type MachineState string

// The machine states the API documents.
const (
	StateOff          MachineState = "off"
	StateStarting     MachineState = "starting"
	StateStopping     MachineState = "stopping"
	StateRestarting   MachineState = "restarting"
	StateServiceReady MachineState = "serviceready"
	StateReady        MachineState = "ready"
	StateUpgrading    MachineState = "upgrading"
	StateProvisioning MachineState = "provisioning"
)

// EventState is the state of a machine event.
type EventState string

// The event states.
const (
	EventNew        EventState = "new"
	EventInProgress EventState = "in progress"
	EventDone       EventState = "done"
	EventError      EventState = "error"
)

// Secret is a string that never shows its value: fmt (every verb), encoding/json and log/slog
// all render it as "<redacted>", so a parameter struct can be printed, logged or marshalled
// without the password in it. Read the value with string(s). The client sends parameters with
// the real value.
type Secret string

const redacted = "<redacted>"

// String hides the value.
func (Secret) String() string { return redacted }

// GoString hides the value.
func (Secret) GoString() string { return `"` + redacted + `"` }

// Format hides the value whatever the verb (%s, %v, %q, %x, ...).
func (Secret) Format(f fmt.State, verb rune) {
	if verb == 'q' || (verb == 'v' && f.Flag('#')) {
		io.WriteString(f, `"`+redacted+`"`)
		return
	}
	io.WriteString(f, redacted)
}

// MarshalJSON hides the value: json.Marshal of a struct holding a Secret gives "<redacted>".
func (Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// LogValue hides the value from log/slog.
func (Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// Ptr returns a pointer to v, for the optional (pointer) fields of the parameter structs:
// paperspace.Ptr(true), Config{MaxRetries: paperspace.Ptr(0)}.
func Ptr[T any](v T) *T { return &v }

// Filter is an optional exact-match filter of a list call. The zero value does not filter;
// Match(v) keeps the objects whose field equals v; MatchNull keeps those whose field is JSON
// null (the API matches the literal null).
//
//	paperspace.MachineFilter{State: paperspace.Match(paperspace.StateReady),
//		PublicIPAddress: paperspace.MatchNull[string]()}
type Filter[T any] struct {
	value T
	mode  uint8 // 0 absent, 1 value, 2 null
}

// Match filters on value.
func Match[T any](value T) Filter[T] { return Filter[T]{value: value, mode: 1} }

// MatchNull filters on JSON null.
func MatchNull[T any]() Filter[T] { return Filter[T]{mode: 2} }

// IsZero reports an absent filter (used by the omitzero JSON option).
func (f Filter[T]) IsZero() bool { return f.mode == 0 }

// Value returns the filter's value and whether it filters on a value (false for absent and null).
func (f Filter[T]) Value() (T, bool) { return f.value, f.mode == 1 }

// IsNull reports a MatchNull filter.
func (f Filter[T]) IsNull() bool { return f.mode == 2 }

// MarshalJSON writes the value, or null for MatchNull (and for an absent filter, which the
// parameter structs omit).
func (f Filter[T]) MarshalJSON() ([]byte, error) {
	if f.mode != 1 {
		return []byte("null"), nil
	}
	return json.Marshal(f.value)
}

// TemplateFilter filters ListTemplates; every field is an exact match, combined with AND.
type TemplateFilter struct {
	ID        Filter[string] `json:"id,omitzero"`
	Name      Filter[string] `json:"name,omitzero"`
	Label     Filter[string] `json:"label,omitzero"`
	OS        Filter[string] `json:"os,omitzero"`
	DtCreated Filter[string] `json:"dtCreated,omitzero"`
	TeamID    Filter[string] `json:"teamId,omitzero"`
	UserID    Filter[string] `json:"userId,omitzero"`
	Region    Filter[Region] `json:"region,omitzero"`
}

// Template is a machine template. Public templates carry only ID, Name, Label, OS and
// DtCreated; team templates add TeamID, UserID and Region.
type Template struct {
	ID        string  `json:"id"`
	Name      string  `json:"name"`
	Label     *string `json:"label"`
	OS        string  `json:"os"`
	DtCreated string  `json:"dtCreated"`
	TeamID    *string `json:"teamId,omitempty"`
	UserID    *string `json:"userId,omitempty"`
	Region    *Region `json:"region,omitempty"`
}

// CreateMachineParams are the parameters of CreateMachine. Region, MachineType, Size,
// BillingType, MachineName and TemplateID are required; a zero value is reported as missing.
// The library checks every documented rule before sending and reports every failing field.
type CreateMachineParams struct {
	Region      Region      `json:"region,omitempty"`
	MachineType MachineType `json:"machineType,omitempty"`
	// Size is the storage in GB, 50 to 2000.
	Size        int         `json:"size,omitempty"`
	BillingType BillingType `json:"billingType,omitempty"`
	MachineName string      `json:"machineName,omitempty"`
	TemplateID  string      `json:"templateId,omitempty"`

	// AssignPublicIP asks for a static public IP; exclusive with DynamicPublicIP.
	AssignPublicIP *bool `json:"assignPublicIp,omitempty"`
	// DynamicPublicIP attaches an IP on start and releases it on stop.
	DynamicPublicIP *bool `json:"dynamicPublicIp,omitempty"`
	// StartOnCreate defaults to true on the server.
	StartOnCreate *bool  `json:"startOnCreate,omitempty"`
	NetworkID     string `json:"networkId,omitempty"`
	TeamID        string `json:"teamId,omitempty"`
	// UserID assigns the machine to an existing team user; exclusive with the new-user fields.
	UserID string `json:"userId,omitempty"`
	// Email, Password, FirstName and LastName create a new team user (all four or none). If
	// the create then fails, the error's Details say whether the user was created.
	Email               string `json:"email,omitempty"`
	Password            Secret `json:"password,omitempty"`
	FirstName           string `json:"firstName,omitempty"`
	LastName            string `json:"lastName,omitempty"`
	NotificationEmail   string `json:"notificationEmail,omitempty"`
	ScriptID            string `json:"scriptId,omitempty"`
	TakeInitialSnapshot *bool  `json:"takeInitialSnapshot,omitempty"`
	// MarkSnapshotAsRestorePoint needs TakeInitialSnapshot and RestorePointFrequency.
	MarkSnapshotAsRestorePoint *bool `json:"markSnapshotAsRestorePoint,omitempty"`
	// RestorePointFrequency: only "shutdown" is documented.
	RestorePointFrequency string `json:"restorePointFrequency,omitempty"`
	EnableNvlink          *bool  `json:"enableNvlink,omitempty"`
}

// createWire is CreateMachineParams as sent: the same fields, with the password's real value.
// Its Password field is shallower than the embedded one, so encoding/json uses it instead.
type createWire struct {
	*CreateMachineParams
	Password string `json:"password,omitempty"`
}

// AvailabilityParams are the parameters of MachineAvailability.
type AvailabilityParams struct {
	Region Region `json:"region,omitempty"`
	// MachineType is one of GPU+, P4000, P5000, P6000 and V100.
	MachineType MachineType `json:"machineType,omitempty"`
}

// Availability says whether a machine type can currently be requested in a region (a
// point-in-time hint).
type Availability struct {
	Available bool `json:"available"`
}

// MachineFilter filters ListMachines (exact matches, combined with AND) and pages it.
type MachineFilter struct {
	MachineID              Filter[string]       `json:"machineId,omitzero"`
	Name                   Filter[string]       `json:"name,omitzero"`
	OS                     Filter[string]       `json:"os,omitzero"`
	RAM                    Filter[string]       `json:"ram,omitzero"`
	CPUs                   Filter[int]          `json:"cpus,omitzero"`
	GPU                    Filter[string]       `json:"gpu,omitzero"`
	StorageTotal           Filter[string]       `json:"storageTotal,omitzero"`
	StorageUsed            Filter[string]       `json:"storageUsed,omitzero"`
	UsageRate              Filter[string]       `json:"usageRate,omitzero"`
	ShutdownTimeoutInHours Filter[int]          `json:"shutdownTimeoutInHours,omitzero"`
	PerformAutoSnapshot    Filter[bool]         `json:"performAutoSnapshot,omitzero"`
	AutoSnapshotFrequency  Filter[string]       `json:"autoSnapshotFrequency,omitzero"`
	AutoSnapshotSaveCount  Filter[int]          `json:"autoSnapshotSaveCount,omitzero"`
	AgentType              Filter[string]       `json:"agentType,omitzero"`
	DtCreated              Filter[string]       `json:"dtCreated,omitzero"`
	State                  Filter[MachineState] `json:"state,omitzero"`
	UpdatesPending         Filter[bool]         `json:"updatesPending,omitzero"`
	NetworkID              Filter[string]       `json:"networkId,omitzero"`
	PrivateIPAddress       Filter[string]       `json:"privateIpAddress,omitzero"`
	PublicIPAddress        Filter[string]       `json:"publicIpAddress,omitzero"`
	Region                 Filter[Region]       `json:"region,omitzero"`
	UserID                 Filter[string]       `json:"userId,omitzero"`
	TeamID                 Filter[string]       `json:"teamId,omitzero"`
	ScriptID               Filter[string]       `json:"scriptId,omitzero"`
	DtLastRun              Filter[string]       `json:"dtLastRun,omitzero"`
	// Limit is the page size (0: the server's default, 1000); a short page means the end.
	Limit int `json:"limit,omitempty"`
	// Skip is how many machines to skip: page 3 of 1000 is Limit 1000, Skip 2000.
	Skip int `json:"skip,omitempty"`
}

// Machine is a machine as create, show, list and wait return it. Nullable fields are pointers.
// RAM, StorageTotal and StorageUsed are decimal byte counts sent as strings, as the API does.
type Machine struct {
	ID                     string       `json:"id"`
	Name                   string       `json:"name"`
	OS                     *string      `json:"os"`
	RAM                    *string      `json:"ram"`
	CPUs                   int          `json:"cpus"`
	GPU                    *string      `json:"gpu"`
	StorageTotal           *string      `json:"storageTotal"`
	StorageUsed            *string      `json:"storageUsed"`
	MachineType            MachineType  `json:"machineType,omitempty"`
	UsageRate              string       `json:"usageRate"`
	ShutdownTimeoutInHours *int         `json:"shutdownTimeoutInHours"`
	ShutdownTimeoutForces  bool         `json:"shutdownTimeoutForces"`
	PerformAutoSnapshot    bool         `json:"performAutoSnapshot"`
	AutoSnapshotFrequency  *string      `json:"autoSnapshotFrequency"`
	AutoSnapshotSaveCount  *int         `json:"autoSnapshotSaveCount"`
	DynamicPublicIP        *bool        `json:"dynamicPublicIp"`
	AgentType              string       `json:"agentType"`
	DtCreated              string       `json:"dtCreated"`
	State                  MachineState `json:"state"`
	UpdatesPending         bool         `json:"updatesPending"`
	NetworkID              *string      `json:"networkId"`
	PrivateIPAddress       *string      `json:"privateIpAddress"`
	PublicIPAddress        *string      `json:"publicIpAddress"`
	Region                 *Region      `json:"region"`
	UserID                 string       `json:"userId"`
	TeamID                 string       `json:"teamId"`
	ScriptID               *string      `json:"scriptId"`
	DtLastRun              *string      `json:"dtLastRun"`
	RestorePointSnapshotID *string      `json:"restorePointSnapshotId,omitempty"`
	RestorePointFrequency  *string      `json:"restorePointFrequency,omitempty"`
	// Events are the last 10 events, newest first (GetMachine and WaitForMachine only).
	Events []MachineEvent `json:"events,omitempty"`
}

// MachineEvent is one machine event (create, start, stop, restart, deactivate, ...).
type MachineEvent struct {
	Name       string     `json:"name"`
	State      EventState `json:"state"`
	ErrorMsg   string     `json:"errorMsg"`
	Handle     string     `json:"handle"`
	DtModified string     `json:"dtModified"`
	DtFinished *string    `json:"dtFinished"`
	DtCreated  string     `json:"dtCreated"`
}

// WaitParams are the parameters of WaitForMachine.
type WaitParams struct {
	MachineID string
	// State is the target: StateOff, StateServiceReady or StateReady.
	State MachineState
	// Interval between polls; 0 means the library's default, 5 s. Rounded up to a millisecond.
	Interval time.Duration
	// Timeout bounds the whole wait (ErrTimeout); 0 means the library's default, 10 min.
	// The context can end the wait earlier (ErrCancelled).
	Timeout time.Duration
}

// waitJSON is WaitParams on the wire.
type waitJSON struct {
	MachineID  string       `json:"machineId,omitempty"`
	State      MachineState `json:"state,omitempty"`
	IntervalMs int64        `json:"intervalMs,omitempty"`
	TimeoutMs  int64        `json:"timeoutMs,omitempty"`
}

// WaitManyParams are the parameters of WaitForMachines.
type WaitManyParams struct {
	// MachineIDs: 1 to 10,000 machines, no repeats.
	MachineIDs []string
	// State is the target: StateOff, StateServiceReady or StateReady.
	State MachineState
	// Interval between polls (one list request each); 0 means the library's default, 5 s.
	Interval time.Duration
	// Timeout bounds the whole wait (ErrTimeout); 0 means the library's default, 10 min.
	Timeout time.Duration
}

// waitManyJSON is WaitManyParams on the wire.
type waitManyJSON struct {
	MachineIDs []string     `json:"machineIds"`
	State      MachineState `json:"state,omitempty"`
	IntervalMs int64        `json:"intervalMs,omitempty"`
	TimeoutMs  int64        `json:"timeoutMs,omitempty"`
}

// DestroyMachineParams are the parameters of DestroyMachine.
type DestroyMachineParams struct {
	MachineID string `json:"machineId,omitempty"`
	// ReleasePublicIP also releases the machine's static public IP.
	ReleasePublicIP bool `json:"releasePublicIp,omitempty"`
}

// machineRef is the parameters of show, start, stop and restart.
type machineRef struct {
	MachineID string `json:"machineId,omitempty"`
}

// UserFilter filters ListUsers (exact matches). Firstname and Lastname are lower case in the
// API's filters, unlike CreateMachineParams' FirstName and LastName.
type UserFilter struct {
	ID        Filter[string] `json:"id,omitzero"`
	Email     Filter[string] `json:"email,omitzero"`
	Firstname Filter[string] `json:"firstname,omitzero"`
	Lastname  Filter[string] `json:"lastname,omitzero"`
	DtCreated Filter[string] `json:"dtCreated,omitzero"`
	TeamID    Filter[string] `json:"teamId,omitzero"`
}

// User is a user of the caller's team.
type User struct {
	ID        string `json:"id"`
	Email     string `json:"email"`
	Firstname string `json:"firstname"`
	Lastname  string `json:"lastname"`
	DtCreated string `json:"dtCreated"`
	TeamID    string `json:"teamId"`
	IsAdmin   bool   `json:"isAdmin,omitempty"`
	IsOwner   bool   `json:"isOwner,omitempty"`
}

// millis converts a duration to whole milliseconds, rounding a positive remainder up so that a
// small positive duration never becomes 0 ("default"). Negative durations stay negative, which
// the library refuses.
func millis(d time.Duration) int64 {
	ms := int64(d / time.Millisecond)
	if d%time.Millisecond > 0 {
		ms++
	}
	return ms
}
