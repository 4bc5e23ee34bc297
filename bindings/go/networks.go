//go:build cgo

package paperspace

import (
	"context"
	"time"
)

// NetworkFilter filters ListNetworks (exact matches, combined with AND).
type NetworkFilter struct {
	ID        Filter[string] `json:"id,omitzero"`
	Name      Filter[string] `json:"name,omitzero"`
	Region    Filter[Region] `json:"region,omitzero"`
	DtCreated Filter[string] `json:"dtCreated,omitzero"`
	// Network is the network address, e.g. "10.64.21.0".
	Network Filter[string] `json:"network,omitzero"`
	Netmask Filter[string] `json:"netmask,omitzero"`
	TeamID  Filter[string] `json:"teamId,omitzero"`
}

// Network is a private network of the team in one region.
type Network struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Region    Region `json:"region"`
	DtCreated string `json:"dtCreated"`
	// Network is the network address, e.g. "10.64.21.0"; Netmask e.g. "255.255.255.0".
	Network string `json:"network"`
	Netmask string `json:"netmask"`
	TeamID  string `json:"teamId"`
}

// Created is when the network was created (DtCreated).
func (n Network) Created() (time.Time, error) { return parseTime("dtCreated", n.DtCreated) }

// ListNetworks lists the team's networks that match filter (GET /networks/getNetworks).
func (c *Client) ListNetworks(ctx context.Context, filter NetworkFilter) ([]Network, error) {
	var networks []Network
	if err := c.call(ctx, "networks_list", &filter, &networks); err != nil {
		return nil, err
	}
	return networks, nil
}
