// Sync with a real client: matrix-js-sdk sync loops (startClient) see each other's messages, room
// name changes, invites and leaves; scrollback pages through a long history.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { ClientEvent, Direction, EventType, MsgType } from "matrix-js-sdk";
import { baseUrl, newUser, stopClients } from "./helpers.mjs";

after(() => stopClients());

/** Polls until check() returns a truthy value (returned), failing after timeoutMs with the message. */
async function until(check, message, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const v = await check();
        if (v) return v;
        if (Date.now() > deadline) assert.fail(`timed out waiting for ${message}`);
        await new Promise((r) => setTimeout(r, 25));
    }
}

let pushRulesServed;
/** Whether the server has the push rules API yet (startClient needs GET /pushrules/ before its first sync). */
async function serverHasPushRules(client) {
    if (pushRulesServed === undefined) {
        const res = await fetch(new URL("/_matrix/client/v3/pushrules/", baseUrl), {
            headers: { Authorization: `Bearer ${client.getAccessToken()}` },
        });
        pushRulesServed = res.status !== 404;
    }
    return pushRulesServed;
}

/** Starts the client's sync loop and waits for its first sync to be processed. */
async function startSyncing(client, opts = {}) {
    if (!(await serverHasPushRules(client))) {
        // Until push rules land, give the SDK an empty rule set instead of letting it retry forever.
        client.getPushRules = async () => ({ global: { override: [], content: [], room: [], sender: [], underride: [] } });
    }
    const ready = new Promise((resolve, reject) => {
        const onSync = (state, _prev, data) => {
            if (state === "PREPARED" || state === "SYNCING") {
                client.off(ClientEvent.Sync, onSync);
                resolve();
            } else if (state === "ERROR") {
                client.off(ClientEvent.Sync, onSync);
                reject(new Error(`sync failed: ${data?.error?.message ?? data?.error}`));
            }
        };
        client.on(ClientEvent.Sync, onSync);
    });
    await client.startClient({ initialSyncLimit: 10, ...opts });
    await Promise.race([
        ready,
        new Promise((_, reject) => setTimeout(() => reject(new Error("first sync did not complete in 15 s")), 15_000)),
    ]);
}

const text = (body) => ({ msgtype: MsgType.Text, body });

/** Bodies of the m.room.message events in a room's live timeline, oldest first. */
function liveBodies(client, roomId) {
    const room = client.getRoom(roomId);
    if (!room) return [];
    return room
        .getLiveTimeline()
        .getEvents()
        .filter((e) => e.getType() === EventType.RoomMessage)
        .map((e) => e.getContent().body);
}

test("two syncing clients see each other's messages, name changes, invites and leaves", async () => {
    const alice = await newUser();
    const bob = await newUser();
    await startSyncing(alice);
    await startSyncing(bob);

    // An invite arrives in bob's sync; bob joins from it.
    const { room_id: roomId } = await alice.createRoom({ preset: "private_chat", name: "Sync test" });
    await alice.invite(roomId, bob.getUserId());
    const invited = await until(() => {
        const r = bob.getRoom(roomId);
        return r?.getMyMembership() === "invite" && r;
    }, "bob's invite");
    assert.equal(invited.name, "Sync test", "the room name comes from the invite's stripped state");
    await bob.joinRoom(roomId);
    await until(() => bob.getRoom(roomId)?.getMyMembership() === "join", "bob joined in his sync");
    await until(
        () => alice.getRoom(roomId)?.getMember(bob.getUserId())?.membership === "join",
        "alice seeing bob's join",
    );

    // Messages both ways.
    await alice.sendMessage(roomId, text("hello bob"));
    await until(() => liveBodies(bob, roomId).includes("hello bob"), "bob receiving alice's message");
    await bob.sendMessage(roomId, text("hello alice"));
    await until(() => liveBodies(alice, roomId).includes("hello alice"), "alice receiving bob's message");
    assert.deepEqual(liveBodies(bob, roomId).slice(-2), ["hello bob", "hello alice"]);
    const fromBob = bob
        .getRoom(roomId)
        .getLiveTimeline()
        .getEvents()
        .find((e) => e.getContent().body === "hello alice");
    assert.ok(fromBob.getId().startsWith("$"), "bob's own message has its server event ID");
    assert.equal(fromBob.getSender(), bob.getUserId());

    // A room name change.
    await alice.setRoomName(roomId, "Renamed");
    await until(() => bob.getRoom(roomId).name === "Renamed", "bob seeing the new room name");

    // Bob leaves: alice sees it, bob's room is marked as left.
    await bob.leave(roomId);
    await until(
        () => alice.getRoom(roomId).getMember(bob.getUserId())?.membership === "leave",
        "alice seeing bob leave",
    );
    await until(() => bob.getRoom(roomId)?.getMyMembership() === "leave", "bob's room marked as left");
    // Later messages do not reach bob.
    await alice.sendMessage(roomId, text("after bob left"));
    await until(() => liveBodies(alice, roomId).includes("after bob left"), "alice's own echo");
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(!liveBodies(bob, roomId).includes("after bob left"), "bob does not get messages after leaving");
});

test("a syncing client sees a message sent by another client within a second", async () => {
    const alice = await newUser();
    const bob = await newUser();
    const { room_id: roomId } = await alice.createRoom({ preset: "public_chat" });
    await bob.joinRoom(roomId);
    await startSyncing(bob);
    await until(() => bob.getRoom(roomId)?.getMyMembership() === "join", "bob's room in his first sync");
    const sentAt = Date.now();
    await alice.sendMessage(roomId, text("ping"));
    await until(() => liveBodies(bob, roomId).includes("ping"), "bob receiving the ping", 5_000);
    const ms = Date.now() - sentAt;
    assert.ok(ms < 1_000, `delivered after ${ms} ms`);
});

test("scrollback pages through a long history in order", async () => {
    const alice = await newUser();
    const { room_id: roomId } = await alice.createRoom({ preset: "private_chat" });
    const N = 75;
    for (let i = 0; i < N; i++) await alice.sendMessage(roomId, text(`message ${i}`));

    await startSyncing(alice, { initialSyncLimit: 5 });
    const room = await until(() => alice.getRoom(roomId), "the room in the first sync");
    assert.equal(liveBodies(alice, roomId).length, 5);
    for (let i = 0; i < 100; i++) {
        const first = room.getLiveTimeline().getEvents()[0];
        if (first?.getType() === EventType.RoomCreate) break;
        await alice.scrollback(room, 20);
    }
    const events = room.getLiveTimeline().getEvents();
    assert.equal(events[0].getType(), EventType.RoomCreate, "scrollback reached the start of the room");
    assert.deepEqual(
        liveBodies(alice, roomId),
        Array.from({ length: N }, (_, i) => `message ${i}`),
        "every message once, in order",
    );
    const ids = events.map((e) => e.getId());
    assert.equal(new Set(ids).size, ids.length, "no event twice");
    // Nothing more to fetch: the SDK saw /messages without `end`.
    assert.equal(room.getLiveTimeline().getPaginationToken(Direction.Backward), null);
});

test("createMessagesRequest continues from a sync's prev_batch without gap or overlap", async () => {
    const alice = await newUser();
    const { room_id: roomId } = await alice.createRoom({ preset: "private_chat" });
    const N = 40;
    for (let i = 0; i < N; i++) await alice.sendMessage(roomId, text(`m${i}`));
    const filter = JSON.stringify({ room: { timeline: { limit: 7 } } });
    const sync = await alice.http.authedRequest("GET", "/sync", { filter });
    const timeline = sync.rooms.join[roomId].timeline;
    assert.equal(timeline.limited, true);
    const bodies = timeline.events.filter((e) => e.type === EventType.RoomMessage).map((e) => e.content.body);
    let from = timeline.prev_batch;
    for (let page = 0; page < 50 && from; page++) {
        const res = await alice.createMessagesRequest(roomId, from, 9, Direction.Backward);
        for (const e of res.chunk) if (e.type === EventType.RoomMessage) bodies.unshift(e.content.body);
        from = res.end;
    }
    assert.equal(from, undefined, "the last page has no end");
    assert.deepEqual(bodies, Array.from({ length: N }, (_, i) => `m${i}`));
});
