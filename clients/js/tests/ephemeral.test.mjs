// Typing, presence, send-to-device and device management with real, syncing clients.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { ClientEvent, RoomMemberEvent, UserEvent } from "matrix-js-sdk";
import { clientFor, expectMatrixError, newUser, passwordLogin, stopClients } from "./helpers.mjs";

after(() => stopClients());

// matrix-js-sdk arms a timer for each request's local timeout (80-110 s for /sync) and never
// clears it, even after stopClient(); those timers would keep this test process alive long after
// its tests finished. They only abort requests, so they need not hold the process open.
const sdkSetTimeout = globalThis.setTimeout;
globalThis.setTimeout = function (fn, ms, ...args) {
    const t = sdkSetTimeout(fn, ms, ...args);
    if (ms >= 60_000) t.unref?.();
    return t;
};

/**
 * Starts the client's sync loop and resolves once the first sync has been processed. The SDK
 * fetches push rules before its first sync; until the server serves them (the push module), an
 * absent rule set (404) is read as an empty one so that the sync loop can start.
 */
async function start(client) {
    const getPushRules = client.getPushRules.bind(client);
    client.getPushRules = async () => {
        try {
            return await getPushRules();
        } catch (e) {
            if (e.httpStatus === 404) return { global: {} };
            throw e;
        }
    };
    const ready = new Promise((resolve, reject) => {
        const onSync = (state, _prev, data) => {
            if (state === "PREPARED" || state === "SYNCING") {
                client.off(ClientEvent.Sync, onSync);
                resolve();
            } else if (state === "ERROR") {
                client.off(ClientEvent.Sync, onSync);
                reject(data?.error ?? new Error("sync failed"));
            }
        };
        client.on(ClientEvent.Sync, onSync);
    });
    await client.startClient({ initialSyncLimit: 1 });
    await ready;
}

/** Resolves with the arguments of the first `event` for which `predicate` is true. */
function waitFor(emitter, event, predicate, what, timeoutMs = 15_000) {
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
            emitter.off(event, handler);
            reject(new Error(`timed out waiting for ${what}`));
        }, timeoutMs);
        function handler(...args) {
            if (!predicate(...args)) return;
            clearTimeout(timer);
            emitter.off(event, handler);
            resolve(args);
        }
        emitter.on(event, handler);
    });
}

/** Two users sharing a public room, both clients syncing. */
async function roomWithTwo() {
    const alice = await newUser();
    const bob = await newUser();
    const { room_id: roomId } = await alice.createRoom({ preset: "public_chat" });
    await bob.joinRoom(roomId);
    await start(alice);
    await start(bob);
    return { alice, bob, roomId };
}

test("typing: the other member sees it start and stop", async () => {
    const { alice, bob, roomId } = await roomWithTwo();
    const aliceId = alice.getUserId();
    const started = waitFor(bob, RoomMemberEvent.Typing,
        (_e, member) => member.roomId === roomId && member.userId === aliceId && member.typing, "typing on");
    await alice.sendTyping(roomId, true, 30_000);
    await started;
    assert.equal(bob.getRoom(roomId).getMember(aliceId).typing, true);

    const stopped = waitFor(bob, RoomMemberEvent.Typing,
        (_e, member) => member.roomId === roomId && member.userId === aliceId && !member.typing, "typing off");
    await alice.sendTyping(roomId, false, 0);
    await stopped;
    assert.equal(bob.getRoom(roomId).getMember(aliceId).typing, false);
});

test("typing: it ends by itself when the timeout runs out", async () => {
    const { alice, bob, roomId } = await roomWithTwo();
    const aliceId = alice.getUserId();
    const started = waitFor(bob, RoomMemberEvent.Typing, (_e, m) => m.userId === aliceId && m.typing, "typing on");
    const stopped = waitFor(bob, RoomMemberEvent.Typing, (_e, m) => m.userId === aliceId && !m.typing, "typing expiry");
    await alice.sendTyping(roomId, true, 500);
    await started;
    await stopped;
});

test("typing: only for yourself (403)", async () => {
    const { alice, bob, roomId } = await roomWithTwo();
    const path = `/rooms/${encodeURIComponent(roomId)}/typing/${encodeURIComponent(bob.getUserId())}`;
    await expectMatrixError(alice.http.authedRequest("PUT", path, undefined, { typing: true, timeout: 1000 }), {
        status: 403,
        errcode: "M_FORBIDDEN",
    });
});

test("presence: a room mate sees the status message; strangers may not ask", async () => {
    const { alice, bob } = await roomWithTwo();
    const aliceId = alice.getUserId();
    const isAlice = (ev, check) => ev.getType() === "m.presence" && ev.getSender() === aliceId && check(ev.getContent());
    const seen = waitFor(bob, ClientEvent.Event, (ev) => isAlice(ev, (c) => c.status_msg === "In a meeting"), "presence of alice");
    await alice.setPresence({ presence: "online", status_msg: "In a meeting" });
    await seen;
    const user = bob.getUser(aliceId);
    assert.equal(user.presence, "online");
    assert.equal(user.presenceStatusMsg, "In a meeting");

    const status = await bob.getPresence(aliceId);
    assert.equal(status.presence, "online");
    assert.equal(status.status_msg, "In a meeting");

    // A change of state fires the User.presence event.
    const away = waitFor(bob, UserEvent.Presence, (_e, u) => u?.userId === aliceId && u.presence === "unavailable", "unavailable");
    await alice.setPresence({ presence: "unavailable", status_msg: "Lunch" });
    await away;
    assert.equal(bob.getUser(aliceId).presenceStatusMsg, "Lunch");

    const stranger = await newUser();
    await expectMatrixError(stranger.getPresence(aliceId), { status: 403, errcode: "M_FORBIDDEN" });
});

test("to-device: a message between two logged-in devices, and queued to another user", async () => {
    const alice = await newUser();
    const aliceId = alice.getUserId();
    const second = clientFor(await passwordLogin(aliceId, alice.password, { device_id: "SECONDDEV" }));
    await start(alice);
    await start(second);

    const received = waitFor(second, ClientEvent.ToDeviceEvent,
        (ev) => ev.getType() === "org.myelin.test.ping", "to-device ping");
    await alice.sendToDevice("org.myelin.test.ping", new Map([[aliceId, new Map([["SECONDDEV", { hello: "second" }]])]]));
    const [ev] = await received;
    assert.equal(ev.getSender(), aliceId);
    assert.deepEqual(ev.getContent(), { hello: "second" });

    const bob = await newUser();
    await start(bob);
    const queued = waitFor(bob, ClientEvent.ToDeviceEvent, (e) => e.getType() === "org.myelin.test.queued", "queued to-device");
    await alice.queueToDevice({
        eventType: "org.myelin.test.queued",
        batch: [{ userId: bob.getUserId(), deviceId: bob.getDeviceId(), payload: { n: 1 } }],
    });
    const [q] = await queued;
    assert.equal(q.getSender(), aliceId);
    assert.equal(q.getContent().n, 1);
});

test("devices: list, rename, and delete with the password", async () => {
    const alice = await newUser();
    const aliceId = alice.getUserId();
    const login = await passwordLogin(aliceId, alice.password, { initial_device_display_name: "Phone" });
    const phone = clientFor(login);

    const { devices } = await alice.getDevices();
    const ids = devices.map((d) => d.device_id);
    assert.ok(ids.includes(alice.getDeviceId()) && ids.includes(login.device_id), JSON.stringify(devices));
    assert.equal(devices.find((d) => d.device_id === login.device_id).display_name, "Phone");

    await phone.whoami(); // a request from the phone: last seen now
    await alice.setDeviceDetails(login.device_id, { display_name: "Old phone" });
    const one = await alice.getDevice(login.device_id);
    assert.equal(one.display_name, "Old phone");
    assert.equal(typeof one.last_seen_ts, "number");

    const challenge = await expectMatrixError(alice.deleteDevice(login.device_id), { status: 401 });
    assert.ok(challenge.data.flows.some((f) => f.stages.includes("m.login.password")));
    await alice.deleteDevice(login.device_id, {
        type: "m.login.password",
        identifier: { type: "m.id.user", user: aliceId },
        password: alice.password,
        session: challenge.data.session,
    });
    const after = (await alice.getDevices()).devices.map((d) => d.device_id);
    assert.ok(!after.includes(login.device_id));
    await expectMatrixError(phone.whoami(), { status: 401, errcode: "M_UNKNOWN_TOKEN" });
});
