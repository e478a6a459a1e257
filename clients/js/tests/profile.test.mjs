// Profiles with a real client: display names and avatar URLs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { anonClient, expectMatrixError, newUser, userIdOf, uniqueName } from "./helpers.mjs";

test("set a display name and read it back", async () => {
    const client = await newUser();
    const me = client.getUserId();
    await client.setDisplayName("Ada Lovelace ✨");
    assert.deepEqual(await client.getProfileInfo(me, "displayname"), { displayname: "Ada Lovelace ✨" });
    const profile = await client.getProfileInfo(me);
    assert.equal(profile.displayname, "Ada Lovelace ✨");

    // Another user sees it too.
    const other = await newUser();
    assert.equal((await other.getProfileInfo(me)).displayname, "Ada Lovelace ✨");
});

test("set an avatar URL and read it back", async () => {
    const client = await newUser();
    await client.setAvatarUrl("mxc://test.myelin/abcdef");
    const profile = await client.getProfileInfo(client.getUserId());
    assert.equal(profile.avatar_url, "mxc://test.myelin/abcdef");
});

test("a new user's display name defaults to the localpart", async () => {
    const client = await newUser();
    const localpart = client.getUserId().slice(1).split(":")[0];
    assert.equal((await client.getProfileInfo(client.getUserId())).displayname, localpart);
});

test("profile of an unknown user is 404 M_NOT_FOUND", async () => {
    const client = await newUser();
    await expectMatrixError(client.getProfileInfo(userIdOf(uniqueName("nobody"))), {
        status: 404,
        errcode: "M_NOT_FOUND",
    });
});

test("setting someone else's display name is 403", async () => {
    const a = await newUser();
    const b = await newUser();
    const path = `/profile/${encodeURIComponent(b.getUserId())}/displayname`;
    await expectMatrixError(a.http.authedRequest("PUT", path, undefined, { displayname: "hijacked" }), {
        status: 403,
    });
    assert.notEqual((await anonClient().getProfileInfo(b.getUserId())).displayname, "hijacked");
});
