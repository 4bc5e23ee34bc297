//go:build cgo

package paperspace

import (
	"context"
	"iter"
)

// DefaultPageSize is the page size of AllMachines when the filter's Limit is 0 (the server's own
// default for a list).
const DefaultPageSize = 1000

// AllMachines iterates over the machines that match filter, fetching them a page at a time
// (ListMachines with filter.Limit machines, DefaultPageSize when 0) from filter.Skip on, until a
// page comes back short. A failing page ends the iteration with one (Machine{}, err) pair.
// Pages are read as the iteration goes: machines created or destroyed meanwhile can shift the
// pages, so a machine may be seen twice or not at all.
//
//	for m, err := range client.AllMachines(ctx, paperspace.MachineFilter{State: paperspace.Match(paperspace.StateReady)}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(m.ID)
//	}
func (c *Client) AllMachines(ctx context.Context, filter MachineFilter) iter.Seq2[Machine, error] {
	return func(yield func(Machine, error) bool) {
		page := filter
		if page.Limit == 0 {
			page.Limit = DefaultPageSize
		}
		for {
			machines, err := c.ListMachines(ctx, page)
			if err != nil {
				yield(Machine{}, err)
				return
			}
			for _, m := range machines {
				if !yield(m, nil) {
					return
				}
			}
			if len(machines) < page.Limit {
				return
			}
			page.Skip += len(machines)
		}
	}
}
