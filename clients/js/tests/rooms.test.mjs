// Rooms with a real client: create, invite and join, messages both ways, a redaction, and a room
// upgrade whose tombstone the other member follows to the replacement room.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Direction, EventType, MsgType } from "matrix-js-sdk";
import { newUser } from "./helpers.mjs";

const text = (body) => ({ msgtype: MsgType.Text, body });

/** The room's events, oldest first, read back with /messages. */
async function history(client, roomId) {
    const events = [];
    let from = null;
    for (let page = 0; page < 50; page++) {
        const res = await client.createMessagesRequest(roomId, from, 100, Direction.Backward);
        events.unshift(...res.chunk.slice().reverse());
        if (!res.end) return events;
        from = res.end;
    }
    assert.fail("pagination did not end");
}

test("create, invite, join, talk, redact, upgrade and follow the tombstone", async () => {
    const alice = await newUser();
    const bob = await newUser();

    const { room_id: roomId } = await alice.createRoom({ preset: "public_chat", name: "Before upgrade", room_version: "10" });
    await alice.invite(roomId, bob.getUserId());
    const joined = await bob.joinRoom(roomId);
    assert.equal(joined.roomId, roomId);
    assert.deepEqual((await bob.getJoinedRooms()).joined_rooms, [roomId]);
    const members = await alice.getJoinedRoomMembers(roomId);
    assert.deepEqual(Object.keys(members.joined).sort(), [alice.getUserId(), bob.getUserId()].sort());

    const { event_id: fromAlice } = await alice.sendMessage(roomId, text("hi bob"));
    const { event_id: fromBob } = await bob.sendMessage(roomId, text("hi alice"));
    const { event_id: oops } = await bob.sendMessage(roomId, text("oops, wrong room"));
    const { event_id: redaction } = await bob.redactEvent(roomId, oops, undefined, { reason: "typo" });

    const events = await history(alice, roomId);
    const ids = events.map((e) => e.event_id);
    assert.ok(ids.indexOf(fromAlice) < ids.indexOf(fromBob) && ids.indexOf(fromBob) < ids.indexOf(oops));
    const redacted = events.find((e) => e.event_id === oops);
    assert.deepEqual(redacted.content, {}, "the redacted message has no content");
    assert.equal(redacted.unsigned.redacted_because.event_id, redaction);
    const red = events.find((e) => e.event_id === redaction);
    assert.equal(red.type, EventType.RoomRedaction);
    assert.equal(red.redacts ?? red.content.redacts, oops);
    assert.equal(red.content.reason, "typo");
    const bobsView = await bob.fetchRoomEvent(roomId, oops);
    assert.deepEqual(bobsView.content, {});

    // Upgrade: the old room gets a tombstone naming the new one, whose create event names the old.
    const { replacement_room: newRoomId } = await alice.upgradeRoom(roomId, "12");
    assert.ok(newRoomId.startsWith("!") && newRoomId !== roomId);
    const tombstone = await bob.getStateEvent(roomId, EventType.RoomTombstone, "");
    assert.equal(tombstone.replacement_room, newRoomId);
    // Bob follows it: the join rules were carried over, so he can join the public replacement.
    await bob.joinRoom(newRoomId);
    assert.equal((await bob.getStateEvent(newRoomId, EventType.RoomJoinRules, "")).join_rule, "public");
    const create = await bob.getStateEvent(newRoomId, EventType.RoomCreate, "");
    assert.equal(create.room_version, "12");
    assert.equal(create.predecessor.room_id, roomId);
    assert.equal((await bob.getStateEvent(newRoomId, EventType.RoomName, "")).name, "Before upgrade");
    assert.ok((await bob.getJoinedRooms()).joined_rooms.includes(newRoomId));

    // Talk continues in the new room; the old room no longer lets bob speak.
    const { event_id: inNew } = await bob.sendMessage(newRoomId, text("hello from the new room"));
    const newHistory = await history(alice, newRoomId);
    assert.ok(newHistory.some((e) => e.event_id === inNew));
    await assert.rejects(bob.sendMessage(roomId, text("still here?")), (e) => e.httpStatus === 403);
});
