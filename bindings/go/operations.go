//go:build cgo

package paperspace

import "context"

// Every method runs one operation of the library by its name (ps_call), the name that
// ps_operations() lists; TestEveryOperationHasAMethod checks that each has a method. ctx
// bounds every call: its deadline and its cancellation end the call (an error matching
// ErrCancelled and ctx.Err()), as does Config.Timeout (ErrTimeout).

// ListTemplates lists the templates that match filter (GET /templates/getTemplates).
func (c *Client) ListTemplates(ctx context.Context, filter TemplateFilter) ([]Template, error) {
	var templates []Template
	if err := c.call(ctx, "templates_list", &filter, &templates); err != nil {
		return nil, err
	}
	return templates, nil
}

// CreateMachine creates a machine (POST /machines/createSingleMachinePublic) and returns it,
// typically in state "provisioning": WaitForMachine waits until it is ready. Invalid parameters
// give ErrValidation, with every failing field in Error.Fields, before any request. The request
// is never sent twice.
func (c *Client) CreateMachine(ctx context.Context, params CreateMachineParams) (*Machine, error) {
	var machine Machine
	wire := createWire{CreateMachineParams: &params, Password: string(params.Password)}
	if err := c.call(ctx, "machines_create", &wire, &machine); err != nil {
		return nil, err
	}
	return &machine, nil
}

// MachineAvailability says whether a dedicated-GPU machine type can currently be requested in a
// region (GET /machines/getAvailability).
func (c *Client) MachineAvailability(ctx context.Context, params AvailabilityParams) (Availability, error) {
	var availability Availability
	err := c.call(ctx, "machines_availability", &params, &availability)
	return availability, err
}

// GetMachine returns one machine with its last 10 events (GET /machines/getMachinePublic). An
// unknown id gives an error matching ErrNotFound.
func (c *Client) GetMachine(ctx context.Context, machineID string) (*Machine, error) {
	var machine Machine
	if err := c.call(ctx, "machines_show", &machineRef{MachineID: machineID}, &machine); err != nil {
		return nil, err
	}
	return &machine, nil
}

// ListMachines lists the machines that match filter (GET /machines/getMachines).
func (c *Client) ListMachines(ctx context.Context, filter MachineFilter) ([]Machine, error) {
	var machines []Machine
	if err := c.call(ctx, "machines_list", &filter, &machines); err != nil {
		return nil, err
	}
	return machines, nil
}

// WaitForMachine polls GetMachine until the machine reaches params.State and returns it as the
// last poll saw it. It fails with ErrMachineError as soon as the machine's newest event is in
// state "error", with ErrTimeout after params.Timeout, and with an error matching both
// ErrCancelled and ctx.Err() when ctx ends (within about 20 ms, also during a poll). Close
// cancels it too (ErrCancelled and ErrClosed).
func (c *Client) WaitForMachine(ctx context.Context, params WaitParams) (*Machine, error) {
	wire := waitJSON{
		MachineID:  params.MachineID,
		State:      params.State,
		IntervalMs: millis(params.Interval),
		TimeoutMs:  millis(params.Timeout),
	}
	var machine Machine
	if err := c.call(ctx, opMachinesWait, &wire, &machine); err != nil {
		return nil, err
	}
	return &machine, nil
}

// WaitForMachines waits until every machine of params reaches params.State, polling the list
// endpoint once per interval however many machines there are, and returns them in the order
// asked. A machine back in "off" while the target is another state is shown once to read its
// newest event: ErrMachineError when it failed. Bounds and cancellation as WaitForMachine.
func (c *Client) WaitForMachines(ctx context.Context, params WaitManyParams) ([]Machine, error) {
	wire := waitManyJSON{
		MachineIDs: params.MachineIDs,
		State:      params.State,
		IntervalMs: millis(params.Interval),
		TimeoutMs:  millis(params.Timeout),
	}
	var machines []Machine
	if err := c.call(ctx, opMachinesWaitMany, &wire, &machines); err != nil {
		return nil, err
	}
	return machines, nil
}

// StartMachine starts a machine (POST /machines/:id/start).
func (c *Client) StartMachine(ctx context.Context, machineID string) error {
	return c.call(ctx, "machines_start", &machineRef{MachineID: machineID}, nil)
}

// StopMachine stops a machine (POST /machines/:id/stop).
func (c *Client) StopMachine(ctx context.Context, machineID string) error {
	return c.call(ctx, "machines_stop", &machineRef{MachineID: machineID}, nil)
}

// RestartMachine restarts a machine (POST /machines/:id/restart).
func (c *Client) RestartMachine(ctx context.Context, machineID string) error {
	return c.call(ctx, "machines_restart", &machineRef{MachineID: machineID}, nil)
}

// DestroyMachine destroys a machine (POST /machines/:id/destroyMachine). Irreversible.
func (c *Client) DestroyMachine(ctx context.Context, params DestroyMachineParams) error {
	return c.call(ctx, "machines_destroy", &params, nil)
}

// ListUsers lists the users of the caller's team that match filter (GET /users/getUsers).
func (c *Client) ListUsers(ctx context.Context, filter UserFilter) ([]User, error) {
	var users []User
	if err := c.call(ctx, "users_list", &filter, &users); err != nil {
		return nil, err
	}
	return users, nil
}
