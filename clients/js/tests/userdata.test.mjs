// Per-user data with real, syncing clients: account data, room tags, read receipts, the fully
// read marker and ignoring users.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { ClientEvent, RoomEvent } from "matrix-js-sdk";
import { clientFor, expectMatrixError, newUser, passwordLogin, stopClients } from "./helpers.mjs";

after(() => stopClients());

/**
 * Starts the client's sync loop and resolves once its first sync has been processed. The SDK reads
 * push rules before its first sync; while the server has none to serve (404), it gets an empty set.
 */
async function start(client) {
    const getPushRules = client.getPushRules.bind(client);
    client.getPushRules = async () => {
        try {
            return await getPushRules();
        } catch (e) {
            if (e.httpStatus === 404) return { global: { override: [], content: [], room: [], sender: [], underride: [] } };
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
    await client.startClient({ initialSyncLimit: 10 });
    await ready;
}

/** Polls until check() returns a truthy value (returned), failing after timeoutMs. */
async function until(check, what, timeoutMs = 15_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const v = await check();
        if (v) return v;
        if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 25));
    }
}

/** The live-timeline event with this ID in the client's copy of the room, once it has arrived. */
function eventIn(client, roomId, eventId) {
    return until(() => client.getRoom(roomId)?.findEventById(eventId), `event ${eventId} in ${client.getUserId()}'s sync`);
}

async function roomWithTwo() {
    const alice = await newUser();
    const bob = await newUser();
    const { room_id: roomId } = await alice.createRoom({ preset: "public_chat" });
    await bob.joinRoom(roomId);
    await start(alice);
    await start(bob);
    await until(() => alice.getRoom(roomId) && bob.getRoom(roomId), "the room in both syncs");
    return { alice, bob, roomId };
}

test("account data set on one device reaches the other device's sync", async () => {
    const first = await newUser();
    await start(first);
    const login = await passwordLogin(first.getUserId(), first.password);
    const second = clientFor(login);

    await second.setAccountData("org.myelin.test.settings", { theme: "dark", size: 3 });
    const seen = await until(() => first.getAccountData("org.myelin.test.settings"), "account data in the syncing client");
    assert.deepEqual(seen.getContent(), { theme: "dark", size: 3 });
    assert.deepEqual(await second.getAccountDataFromServer("org.myelin.test.settings"), { theme: "dark", size: 3 });

    // A change replaces the content everywhere.
    await second.setAccountData("org.myelin.test.settings", { theme: "light" });
    await until(() => first.getAccountData("org.myelin.test.settings")?.getContent().theme === "light", "the changed value");
    assert.deepEqual(first.getAccountData("org.myelin.test.settings").getContent(), { theme: "light" });

    // Other users can neither read nor write it.
    const other = await newUser();
    const path = `/user/${encodeURIComponent(first.getUserId())}/account_data/org.myelin.test.settings`;
    await expectMatrixError(other.http.authedRequest("GET", path), { status: 403, errcode: "M_FORBIDDEN" });
    await expectMatrixError(other.http.authedRequest("PUT", path, undefined, { theme: "evil" }), { status: 403 });
    assert.equal(await other.getAccountDataFromServer("org.myelin.test.unset"), null);
});

test("room tags are set, synced and removed", async () => {
    const alice = await newUser();
    const { room_id: roomId } = await alice.createRoom({});
    await start(alice);
    await until(() => alice.getRoom(roomId), "the room in the sync");

    await alice.setRoomTag(roomId, "u.work", { order: 0.5 });
    await alice.setRoomTag(roomId, "m.favourite", {});
    const tags = await until(() => {
        const t = alice.getRoom(roomId)?.tags;
        return t && t["u.work"] && t["m.favourite"] ? t : null;
    }, "both tags in the room");
    assert.equal(tags["u.work"].order, 0.5);
    assert.deepEqual(await alice.getRoomTags(roomId), { tags: { "u.work": { order: 0.5 }, "m.favourite": {} } });

    await alice.deleteRoomTag(roomId, "u.work");
    await until(() => !alice.getRoom(roomId).tags["u.work"], "the tag removed in the sync");
    assert.deepEqual(await alice.getRoomTags(roomId), { tags: { "m.favourite": {} } });
    await expectMatrixError(alice.setRoomTag(roomId, "u.bad", { order: 2 }), { status: 400 });
});

test("a read receipt moves the other user's view, and the reader's counts are clear", async () => {
    const { alice, bob, roomId } = await roomWithTwo();
    const { event_id: first } = await alice.sendTextMessage(roomId, "first");
    const { event_id: second } = await alice.sendTextMessage(roomId, "second");
    const event = await eventIn(bob, roomId, second);
    await eventIn(alice, roomId, second);

    const receiptSeen = new Promise((resolve) => {
        alice.on(RoomEvent.Receipt, function onReceipt(_ev, room) {
            if (room.roomId === roomId && room.getEventReadUpTo(bob.getUserId()) === second) {
                alice.off(RoomEvent.Receipt, onReceipt);
                resolve();
            }
        });
    });
    await bob.sendReadReceipt(event);
    await receiptSeen;
    const aliceRoom = alice.getRoom(roomId);
    assert.equal(aliceRoom.getEventReadUpTo(bob.getUserId()), second);
    assert.ok(aliceRoom.getUsersReadUpTo(aliceRoom.findEventById(second)).includes(bob.getUserId()));

    // A receipt for an older event does not move it back.
    await bob.sendReceipt(await eventIn(bob, roomId, first), "m.read", {}, true);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(alice.getRoom(roomId).getEventReadUpTo(bob.getUserId()), second);
    assert.equal(bob.getRoom(roomId).getUnreadNotificationCount(), 0);
});

test("the fully read marker and a private receipt", async () => {
    const { alice, bob, roomId } = await roomWithTwo();
    const { event_id: eventId } = await alice.sendTextMessage(roomId, "mark me");
    const event = await eventIn(bob, roomId, eventId);

    await bob.setRoomReadMarkers(roomId, eventId, undefined, event);
    const marker = await until(() => bob.getRoom(roomId).getAccountData("m.fully_read"), "m.fully_read in bob's sync");
    assert.equal(marker.getContent().event_id, eventId);
    // Clients may not set the marker as account data.
    await expectMatrixError(bob.setRoomAccountData(roomId, "m.fully_read", { event_id: eventId }), { status: 405 });

    // The private receipt never reaches alice; a public one sent afterwards does.
    const { event_id: later } = await alice.sendTextMessage(roomId, "later");
    await bob.sendReadReceipt(await eventIn(bob, roomId, later));
    await until(() => alice.getRoom(roomId).getEventReadUpTo(bob.getUserId()) === later, "bob's public receipt at alice");
    const privateSeen = alice.getRoom(roomId).getReadReceiptForUserId(bob.getUserId(), true, "m.read.private");
    assert.equal(privateSeen, null);
});

test("ignoring a user hides their messages from the syncing client", async () => {
    const { alice, bob, roomId } = await roomWithTwo();
    const carol = await newUser();
    await carol.joinRoom(roomId);
    await alice.setIgnoredUsers([carol.getUserId()]);
    await until(() => alice.getIgnoredUsers().includes(carol.getUserId()), "the ignore list in alice's sync");

    await carol.sendTextMessage(roomId, "from the ignored user");
    const { event_id: visible } = await bob.sendTextMessage(roomId, "from bob");
    await eventIn(alice, roomId, visible);
    const bodies = alice.getRoom(roomId).getLiveTimeline().getEvents()
        .filter((e) => e.getType() === "m.room.message").map((e) => e.getContent().body);
    assert.ok(bodies.includes("from bob"), JSON.stringify(bodies));
    assert.ok(!bodies.includes("from the ignored user"), JSON.stringify(bodies));
    await expectMatrixError(alice.setIgnoredUsers([alice.getUserId()]), { status: 400 });
});
