'use strict';
// Runs every Core API call of the official Node client (paperspace-node 0.2.4, unchanged, from
// node_modules) against a running emulator and checks the values of each answer.
//
// It starts nothing: the caller gives the emulator's URL in PAPERSPACE_CONFIG_HOST (which the
// client reads when it is loaded) and the default scenario's keys in EMULATOR_ADMIN_KEY and
// EMULATOR_MEMBER_KEY. tests/emulator_node_client.rs runs it. Exit 0 when every check passed.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const host = process.env.PAPERSPACE_CONFIG_HOST;
const adminKey = process.env.EMULATOR_ADMIN_KEY;
const memberKey = process.env.EMULATOR_MEMBER_KEY;
if (!host || !adminKey || !memberKey) {
	console.error('set PAPERSPACE_CONFIG_HOST, EMULATOR_ADMIN_KEY and EMULATOR_MEMBER_KEY');
	process.exit(2);
}

const paperspace = require('paperspace-node');

const admin = paperspace({ apiKey: adminKey });
const member = paperspace({ apiKey: memberKey });

const TEAM = 'tekq7vm2d';
const ADMIN_ID = 'uq8w3kz5';
const MEMBER_ID = 'um7x2p4j';
const NY2 = 'East Coast (NY2)';
const NOT_FOUND = 'Not found. Please contact support@paperspace.com for help.';

// The client's calls that answered, by name (`machines.show`).
const called = new Set();

// One client call as a promise: the body on success; on an HTTP error, an Error carrying the
// status and the parsed error body (the client's callback gets both).
function call(client, name, params) {
	const [namespace, method] = name.split('.');
	return new Promise((resolve, reject) => {
		client[namespace][method](params, (err, body) => {
			called.add(name);
			if (err) {
				const e = new Error(`${name}: status ${err.status}: ${JSON.stringify(body)}`);
				e.status = err.status;
				e.body = body;
				reject(e);
			} else {
				resolve(body);
			}
		});
	});
}

async function expectError(promise, status, message) {
	try {
		await promise;
	} catch (e) {
		assert.equal(e.status, status);
		assert.deepEqual(e.body, { error: { name: 'Error', status, message } });
		return;
	}
	assert.fail(`expected HTTP ${status}`);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Polls show (bounded) until the machine reads `state`; waitfor itself sleeps 5 s between
// polls, so it is called once the state is reached and must return at its first poll.
async function until(client, machineId, state) {
	for (let i = 0; i < 500; i += 1) {
		const m = await call(client, 'machines.show', { machineId });
		if (m.state === state) return m;
		await sleep(20);
	}
	assert.fail(`${machineId} never became ${state}`);
}

async function main() {
	// templates list
	const templates = await call(admin, 'templates.list', {});
	assert.equal(templates.length, 15);
	assert.deepEqual(await call(admin, 'templates.list', { label: 'Ubuntu 18.04 Server' }), [
		{
			id: 't04azgph',
			name: 'paperspace/t04azgph',
			label: 'Ubuntu 18.04 Server',
			os: 'Ubuntu 18.04 Server',
			dtCreated: '2018-06-15T06:00:34.531Z',
		},
	]);
	// null is sent as the text "null": the public templates have no teamId.
	assert.equal((await call(admin, 'templates.list', { teamId: null })).length, 14);

	// users list
	const adminUser = {
		id: ADMIN_ID,
		email: 'admin@example.com',
		firstname: 'Ada',
		lastname: 'Admin',
		isAdmin: true,
		isOwner: true,
		dtCreated: '2019-01-10T09:00:00.000Z',
		teamId: TEAM,
	};
	const memberUser = {
		id: MEMBER_ID,
		email: 'member@example.com',
		firstname: 'Max',
		lastname: 'Member',
		isAdmin: false,
		isOwner: false,
		dtCreated: '2019-01-11T09:30:00.000Z',
		teamId: TEAM,
	};
	assert.deepEqual(await call(admin, 'users.list', {}), [adminUser, memberUser]);
	assert.deepEqual(await call(member, 'users.list', { email: 'member@example.com' }), [memberUser]);

	// machines availability
	assert.deepEqual(
		await call(admin, 'machines.availability', { region: NY2, machineType: 'GPU+' }),
		{ available: true }
	);

	// networks list
	const networks = await call(admin, 'networks.list', {});
	assert.deepEqual(
		networks.map((n) => [n.name, n.region, n.network, n.netmask, n.teamId, n.dtCreated]),
		[
			['Default network NY2', NY2, '10.64.0.0', '255.255.255.0', TEAM, adminUser.dtCreated],
			['Default network CA1', 'West Coast (CA1)', '10.64.1.0', '255.255.255.0', TEAM, adminUser.dtCreated],
			['Default network AMS1', 'Europe (AMS1)', '10.64.2.0', '255.255.255.0', TEAM, adminUser.dtCreated],
		]
	);
	assert.deepEqual(await call(member, 'networks.list', { region: 'West Coast (CA1)' }), [networks[1]]);

	// scripts create with scriptText
	const boot = await call(admin, 'scripts.create', { scriptName: 'boot', scriptText: 'echo boot' });
	assert.match(boot.id, /^sc[a-z0-9]{6}$/);
	assert.deepEqual(boot, {
		id: boot.id,
		ownerType: 'team',
		ownerId: TEAM,
		name: 'boot',
		description: null,
		dtCreated: boot.dtCreated,
		isEnabled: true,
		runOnce: false,
	});

	// machines create
	const created = await call(admin, 'machines.create', {
		region: NY2,
		machineType: 'C2',
		size: 50,
		billingType: 'hourly',
		machineName: 'node-made',
		templateId: 't04azgph',
		assignPublicIp: true,
		scriptId: boot.id,
	});
	const machineId = created.id;
	assert.match(machineId, /^ps[a-z0-9]{7}$/);
	assert.equal(created.name, 'node-made');
	assert.equal(created.state, 'provisioning');
	assert.equal(created.userId, ADMIN_ID);
	assert.equal(created.teamId, TEAM);
	assert.equal(created.scriptId, boot.id);
	assert.equal(created.usageRate, 'C2 hourly');
	assert.equal(created.networkId, null);

	// machines show and waitfor
	await until(admin, machineId, 'ready');
	const ready = await call(admin, 'machines.waitfor', { machineId, state: 'ready' });
	assert.equal(ready.state, 'ready');
	assert.deepEqual(
		ready.events.map((e) => [e.name, e.state]),
		[['start', 'done'], ['create', 'done']]
	);
	assert.equal(ready.networkId, networks[0].id);
	assert.match(ready.privateIpAddress, /^10\.64\.0\.\d+$/);
	assert.match(ready.publicIpAddress, /^(203\.0\.113|198\.51\.100|192\.0\.2)\.\d+$/);
	assert.equal(ready.os, 'Ubuntu 18.04 Server');
	assert.equal(ready.dtLastRun, ready.events[0].dtFinished);

	// machines list
	const listed = await call(admin, 'machines.list', { machineId });
	assert.equal(listed.length, 1);
	assert.equal(listed[0].id, machineId);
	assert.equal(listed[0].events, undefined);
	assert.deepEqual(await call(admin, 'machines.list', { name: 'nobody' }), []);

	// machines update (204: the client gives {})
	assert.deepEqual(
		await call(admin, 'machines.update', {
			machineId,
			machineName: 'node-renamed',
			shutdownTimeoutInHours: 12,
			shutdownTimeoutForces: true,
			performAutoSnapshot: true,
			autoSnapshotFrequency: 'day',
			autoSnapshotSaveCount: 2,
		}),
		{}
	);
	const updated = await call(admin, 'machines.show', { machineId });
	assert.deepEqual(
		[
			updated.name,
			updated.shutdownTimeoutInHours,
			updated.shutdownTimeoutForces,
			updated.performAutoSnapshot,
			updated.autoSnapshotFrequency,
			updated.autoSnapshotSaveCount,
		],
		['node-renamed', 12, true, true, 'day', 2]
	);
	await expectError(
		call(admin, 'machines.update', { machineId, autoSnapshotFrequency: 'month' }),
		400,
		"autoSnapshotFrequency must be one of 'hour', 'day', or 'week', or null"
	);

	// machines setAccessForUser: the member sees, stops and starts the machine.
	assert.deepEqual(await call(member, 'machines.list', {}), []);
	const shared = await call(admin, 'machines.setAccessForUser', {
		machineId,
		userId: MEMBER_ID,
		enableAccess: true,
	});
	assert.equal(shared.id, machineId);
	assert.equal(shared.userId, ADMIN_ID);
	assert.deepEqual((await call(member, 'machines.list', {})).map((m) => m.id), [machineId]);

	// machines stop, start, restart
	assert.deepEqual(await call(member, 'machines.stop', { machineId }), {});
	await until(member, machineId, 'off');
	assert.equal((await call(member, 'machines.waitfor', { machineId, state: 'off' })).state, 'off');
	assert.deepEqual(await call(member, 'machines.start', { machineId }), {});
	await until(member, machineId, 'ready');
	assert.deepEqual(await call(admin, 'machines.restart', { machineId }), {});
	const restarting = await call(admin, 'machines.show', { machineId });
	assert.equal(restarting.state, 'restarting');
	assert.equal(restarting.events[0].name, 'restart');
	await until(admin, machineId, 'ready');

	// machines utilization
	const month = created.dtCreated.slice(0, 7);
	const use = await call(admin, 'machines.utilization', { machineId, billingMonth: month });
	assert.deepEqual(Object.keys(use), ['machineId', 'utilization', 'storageUtilization']);
	assert.equal(use.machineId, machineId);
	assert.deepEqual(
		[use.utilization.machineId, use.utilization.hourlyRate, use.utilization.billingMonth],
		[machineId, '0.02', month]
	);
	assert.ok(use.utilization.secondsUsed > 0, JSON.stringify(use));
	assert.deepEqual(
		[
			use.storageUtilization.machineId,
			use.storageUtilization.monthlyRate,
			use.storageUtilization.billingMonth,
		],
		[machineId, '5.00', month]
	);
	assert.ok(Number.isInteger(use.storageUtilization.secondsUsed));
	const past = await call(admin, 'machines.utilization', { machineId, billingMonth: '2017-08' });
	assert.equal(past.utilization.secondsUsed, 0);
	assert.equal(past.storageUtilization.secondsUsed, 0);

	// scripts create with scriptFile (multipart upload, parameters in the query string)
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-node-client-'));
	const file = path.join(dir, 'setup.sh');
	fs.writeFileSync(file, '#!/bin/bash\necho "from a file"\n');
	const uploaded = await call(admin, 'scripts.create', {
		scriptName: 'from-file',
		scriptFile: file,
		scriptDescription: 'uploaded',
		runOnce: true,
	});
	fs.rmSync(dir, { recursive: true });
	assert.deepEqual(
		[uploaded.name, uploaded.description, uploaded.isEnabled, uploaded.runOnce, uploaded.ownerType],
		['from-file', 'uploaded', true, true, 'team']
	);

	// scripts list, show, text
	assert.deepEqual(await call(admin, 'scripts.list', {}), [boot, uploaded]);
	assert.deepEqual(await call(member, 'scripts.list', { runOnce: true }), [uploaded]);
	const shown = await call(admin, 'scripts.show', { scriptId: boot.id });
	const afterRestart = await call(admin, 'machines.show', { machineId });
	assert.deepEqual(shown, {
		...boot,
		machines: [{ machineId, dtLastRun: afterRestart.dtLastRun }],
	});
	assert.equal(afterRestart.dtLastRun, afterRestart.events[0].dtFinished);
	assert.equal(
		await call(admin, 'scripts.text', { scriptId: uploaded.id }),
		'#!/bin/bash\necho "from a file"\n'
	);
	assert.equal(await call(admin, 'scripts.text', { scriptId: boot.id }), 'echo boot');

	// resourceDelegations create
	const delegations = await call(admin, 'resourceDelegations.create', { machine: { ids: [machineId] } });
	assert.equal(delegations.length, 1);
	const [delegation] = delegations;
	assert.deepEqual(Object.keys(delegation), ['delegation', 'isEnabled', 'accessTokenId', 'dtCreated', 'id']);
	assert.deepEqual(delegation.delegation, { machine: { ids: [machineId] } });
	assert.equal(delegation.isEnabled, true);
	assert.match(delegation.accessTokenId, /^[A-Za-z0-9]{64}$/);
	assert.equal(delegation.id, 1);

	// scripts destroy: the machine no longer has it.
	assert.deepEqual(await call(admin, 'scripts.destroy', { scriptId: boot.id }), {});
	assert.equal((await call(admin, 'machines.show', { machineId })).scriptId, null);
	await expectError(call(admin, 'scripts.show', { scriptId: boot.id }), 404, NOT_FOUND);

	// machines destroy: show answers 404 once it is gone.
	assert.deepEqual(await call(admin, 'machines.destroy', { machineId, releasePublicIp: true }), {});
	for (let i = 0; ; i += 1) {
		try {
			await call(admin, 'machines.show', { machineId });
		} catch (e) {
			assert.equal(e.status, 404);
			assert.deepEqual(e.body, { error: { name: 'Error', status: 404, message: NOT_FOUND } });
			break;
		}
		assert.ok(i < 500, 'the destroyed machine never went away');
		await sleep(20);
	}
	await expectError(call(member, 'machines.show', { machineId: 'psnothere' }), 404, NOT_FOUND);

	// Every Core call the client has was made: all of its namespaces but Gradient's jobs and
	// the (retired) login, logout and project helpers.
	const core = [];
	paperspace.eachEndpoint((namespace, name) => {
		if (!['jobs', 'login', 'logout', 'project'].includes(namespace)) core.push(`${namespace}.${name}`);
	});
	assert.deepEqual([...called].sort(), core.sort());
}

main().then(
	() => {
		console.log(`node client checked: ${[...called].sort().join(' ')}`);
	},
	(e) => {
		console.error(e && e.stack ? e.stack : e);
		process.exit(1);
	}
);
