//go:build cgo

package paperspace

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// DelegationParams are the parameters of CreateResourceDelegation: the resources delegated.
type DelegationParams struct {
	// MachineIDs are the machines the delegation gives access to (at least one).
	MachineIDs []string
}

// delegationJSON is DelegationParams as sent: {"machine": {"ids": [...]}}.
type delegationJSON struct {
	Machine *delegatedIDs `json:"machine,omitempty"`
}

type delegatedIDs struct {
	IDs []string `json:"ids"`
}

// ResourceDelegation is a created delegation. AccessTokenID is the token that gives its holder
// limited access to the delegated resources (for example streaming the machines) without the
// API key: a Secret, printed and marshalled as "<redacted>"; string(d.AccessTokenID) is the
// token.
type ResourceDelegation struct {
	ID int64 `json:"id"`
	// Delegation is the delegation as it was sent, e.g. {"machine": {"ids": ["ps123abc"]}}.
	Delegation    json.RawMessage `json:"delegation"`
	IsEnabled     bool            `json:"isEnabled"`
	AccessTokenID Secret          `json:"accessTokenId"`
	DtCreated     string          `json:"dtCreated"`
}

// Created is when the delegation was created (DtCreated).
func (d ResourceDelegation) Created() (time.Time, error) {
	return parseTime("dtCreated", d.DtCreated)
}

// CreateResourceDelegation creates a delegation of the machines in params (POST
// /resourceDelegations/create). The API answers a list of one delegation; anything else is an
// error matching ErrDecode. The request is never sent twice.
func (c *Client) CreateResourceDelegation(ctx context.Context, params DelegationParams) (*ResourceDelegation, error) {
	const op = "resource_delegations_create"
	var wire delegationJSON
	if params.MachineIDs != nil {
		wire.Machine = &delegatedIDs{IDs: params.MachineIDs}
	}
	var created []ResourceDelegation
	if err := c.call(ctx, op, &wire, &created); err != nil {
		return nil, err
	}
	if len(created) != 1 {
		return nil, newError(StatusDecode, op, fmt.Sprintf("the answer lists %d delegations, want 1", len(created)), nil)
	}
	return &created[0], nil
}
