//go:build cgo

package paperspace

import (
	"context"
	"time"
)

// CreateScriptParams are the parameters of CreateScript: ScriptName and exactly one of
// ScriptText and ScriptFile.
type CreateScriptParams struct {
	// ScriptName is unique among the owner's scripts.
	ScriptName string `json:"scriptName,omitempty"`
	// ScriptText is at most 16 KB: bash on Linux machines, PowerShell on Windows ones.
	ScriptText string `json:"scriptText,omitempty"`
	// ScriptFile is a local file (at most 16 KB of UTF-8) that the library reads and sends as
	// the text.
	ScriptFile        string `json:"scriptFile,omitempty"`
	ScriptDescription string `json:"scriptDescription,omitempty"`
	// IsEnabled defaults to true on the server.
	IsEnabled *bool `json:"isEnabled,omitempty"`
	// RunOnce defaults to false: the script runs at every boot.
	RunOnce *bool `json:"runOnce,omitempty"`
	// MachineID attaches the script to this machine.
	MachineID string `json:"machineId,omitempty"`
}

// ScriptFilter filters ListScripts (exact matches, combined with AND).
type ScriptFilter struct {
	ID Filter[string] `json:"id,omitzero"`
	// OwnerType is "user" or "team".
	OwnerType   Filter[string] `json:"ownerType,omitzero"`
	OwnerID     Filter[string] `json:"ownerId,omitzero"`
	Name        Filter[string] `json:"name,omitzero"`
	Description Filter[string] `json:"description,omitzero"`
	DtCreated   Filter[string] `json:"dtCreated,omitzero"`
	IsEnabled   Filter[bool]   `json:"isEnabled,omitzero"`
	RunOnce     Filter[bool]   `json:"runOnce,omitzero"`
}

// Script is a startup script, without its text (ScriptText reads it).
type Script struct {
	ID string `json:"id"`
	// OwnerType is "user" or "team".
	OwnerType   string  `json:"ownerType"`
	OwnerID     string  `json:"ownerId"`
	Name        string  `json:"name"`
	Description *string `json:"description"`
	DtCreated   string  `json:"dtCreated"`
	IsEnabled   bool    `json:"isEnabled"`
	RunOnce     bool    `json:"runOnce"`
}

// Created is when the script was created (DtCreated).
func (s Script) Created() (time.Time, error) { return parseTime("dtCreated", s.DtCreated) }

// ScriptDetails is a script and the machines that use it (GetScript).
type ScriptDetails struct {
	Script
	Machines []ScriptMachine `json:"machines"`
}

// ScriptMachine is a machine that uses a script.
type ScriptMachine struct {
	MachineID string  `json:"machineId"`
	DtLastRun *string `json:"dtLastRun"`
}

// LastRun is when the script last ran on the machine; the zero time if it has not.
func (m ScriptMachine) LastRun() (time.Time, error) { return parseNullTime("dtLastRun", m.DtLastRun) }

// scriptRef is the parameters of show, text and destroy.
type scriptRef struct {
	ScriptID string `json:"scriptId,omitempty"`
}

// CreateScript creates a startup script (POST /scripts/createScript). The request is never sent
// twice.
func (c *Client) CreateScript(ctx context.Context, params CreateScriptParams) (*Script, error) {
	var s Script
	if err := c.call(ctx, "scripts_create", &params, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// ListScripts lists the caller's scripts that match filter (GET /scripts/getScripts).
func (c *Client) ListScripts(ctx context.Context, filter ScriptFilter) ([]Script, error) {
	var scripts []Script
	if err := c.call(ctx, "scripts_list", &filter, &scripts); err != nil {
		return nil, err
	}
	return scripts, nil
}

// GetScript returns a script (without its text) and the machines that use it (GET
// /scripts/getScript).
func (c *Client) GetScript(ctx context.Context, scriptID string) (*ScriptDetails, error) {
	var s ScriptDetails
	if err := c.call(ctx, "scripts_show", &scriptRef{ScriptID: scriptID}, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// ScriptText returns a script's text (GET /scripts/getScriptText).
func (c *Client) ScriptText(ctx context.Context, scriptID string) (string, error) {
	var text string
	if err := c.call(ctx, "scripts_text", &scriptRef{ScriptID: scriptID}, &text); err != nil {
		return "", err
	}
	return text, nil
}

// DestroyScript destroys a script and detaches it from its machines (POST
// /scripts/:id/destroy). The request is never sent twice.
func (c *Client) DestroyScript(ctx context.Context, scriptID string) error {
	return c.call(ctx, "scripts_destroy", &scriptRef{ScriptID: scriptID}, nil)
}
