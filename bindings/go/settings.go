//go:build cgo

package paperspace

import (
	"context"
	"encoding/json"
	"time"
)

// Nullable is a setting of UpdateMachineParams that can also be cleared: the zero value leaves
// the setting as it is, Set(v) sets it to v, SetNull clears it (JSON null).
type Nullable[T any] struct {
	value T
	mode  uint8 // 0 absent, 1 value, 2 null
}

// Set sets a Nullable setting to value.
func Set[T any](value T) Nullable[T] { return Nullable[T]{value: value, mode: 1} }

// SetNull clears a Nullable setting.
func SetNull[T any]() Nullable[T] { return Nullable[T]{mode: 2} }

// IsZero reports a setting left as it is (used by the omitzero JSON option).
func (n Nullable[T]) IsZero() bool { return n.mode == 0 }

// Value returns the value and whether the setting sets one (false when absent or null).
func (n Nullable[T]) Value() (T, bool) { return n.value, n.mode == 1 }

// IsNull reports a SetNull setting.
func (n Nullable[T]) IsNull() bool { return n.mode == 2 }

// MarshalJSON writes the value, or null.
func (n Nullable[T]) MarshalJSON() ([]byte, error) {
	if n.mode != 1 {
		return []byte("null"), nil
	}
	return json.Marshal(n.value)
}

// SnapshotFrequency is how often a machine is snapshotted automatically.
type SnapshotFrequency string

// The snapshot frequencies.
const (
	SnapshotHourly SnapshotFrequency = "hour"
	SnapshotDaily  SnapshotFrequency = "day"
	SnapshotWeekly SnapshotFrequency = "week"
)

// UpdateMachineParams are the parameters of UpdateMachine: MachineID and the settings to change;
// zero fields are left as they are.
type UpdateMachineParams struct {
	MachineID string `json:"machineId,omitempty"`
	// MachineName is the machine's new name.
	MachineName string `json:"machineName,omitempty"`
	// ShutdownTimeoutInHours shuts the machine down after so many whole hours (at least 1);
	// SetNull means never.
	ShutdownTimeoutInHours Nullable[int] `json:"shutdownTimeoutInHours,omitzero"`
	ShutdownTimeoutForces  *bool         `json:"shutdownTimeoutForces,omitempty"`
	PerformAutoSnapshot    *bool         `json:"performAutoSnapshot,omitempty"`
	// AutoSnapshotFrequency: SetNull clears it.
	AutoSnapshotFrequency Nullable[SnapshotFrequency] `json:"autoSnapshotFrequency,omitzero"`
	// AutoSnapshotSaveCount is how many automatic snapshots to keep (at least 1).
	AutoSnapshotSaveCount int   `json:"autoSnapshotSaveCount,omitempty"`
	DynamicPublicIP       *bool `json:"dynamicPublicIp,omitempty"`
	// AssignPublicIP gives the machine a static public IP.
	AssignPublicIP *bool `json:"assignPublicIp,omitempty"`
}

// UpdateMachine changes a machine's name, shutdown, snapshot and public IP settings (POST
// /machines/:id/updateMachinePublic). The request is never sent twice.
func (c *Client) UpdateMachine(ctx context.Context, params UpdateMachineParams) error {
	return c.call(ctx, "machines_update", &params, nil)
}

// UtilizationParams are the parameters of MachineUtilization.
type UtilizationParams struct {
	MachineID string `json:"machineId,omitempty"`
	// BillingMonth is "YYYY-MM", e.g. "2019-04".
	BillingMonth string `json:"billingMonth,omitempty"`
}

// Utilization is a machine's usage and storage in a billing month.
type Utilization struct {
	MachineID          string       `json:"machineId"`
	Utilization        MachineUsage `json:"utilization"`
	StorageUtilization StorageUsage `json:"storageUtilization"`
}

// MachineUsage is the machine's running time in the month.
type MachineUsage struct {
	MachineID   string  `json:"machineId"`
	SecondsUsed float64 `json:"secondsUsed"`
	// HourlyRate is a decimal string, as the API sends it, e.g. "0.40".
	HourlyRate   string `json:"hourlyRate"`
	BillingMonth string `json:"billingMonth"`
}

// Used is SecondsUsed as a duration.
func (u MachineUsage) Used() time.Duration { return seconds(u.SecondsUsed) }

// StorageUsage is the machine's storage in the month.
type StorageUsage struct {
	MachineID   string  `json:"machineId"`
	SecondsUsed float64 `json:"secondsUsed"`
	// MonthlyRate is a decimal string, as the API sends it, e.g. "7.00".
	MonthlyRate  string `json:"monthlyRate"`
	BillingMonth string `json:"billingMonth"`
}

// Used is SecondsUsed as a duration.
func (u StorageUsage) Used() time.Duration { return seconds(u.SecondsUsed) }

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// MachineUtilization returns a machine's usage and storage in a billing month (GET
// /machines/getUtilization).
func (c *Client) MachineUtilization(ctx context.Context, params UtilizationParams) (*Utilization, error) {
	var u Utilization
	if err := c.call(ctx, "machines_utilization", &params, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// SetAccessParams are the parameters of SetMachineAccess.
type SetAccessParams struct {
	MachineID string `json:"machineId,omitempty"`
	// UserID is a user of the caller's team.
	UserID string `json:"userId,omitempty"`
	// EnableAccess true gives the user access to the machine, false takes it away.
	EnableAccess bool `json:"enableAccess"`
}

// SetMachineAccess gives a team user access to a machine, or takes it away (POST
// /machines/:id/setMachineAccess), and returns the machine. The request is never sent twice.
func (c *Client) SetMachineAccess(ctx context.Context, params SetAccessParams) (*Machine, error) {
	var m Machine
	if err := c.call(ctx, "machines_set_access", &params, &m); err != nil {
		return nil, err
	}
	return &m, nil
}
