// What a client asks before anyone logs in: /versions, /login flows, /capabilities.
import { test } from "node:test";
import assert from "node:assert/strict";
import { anonClient, newUser } from "./helpers.mjs";

test("getVersions lists spec versions the SDK accepts", async () => {
    const client = anonClient();
    const res = await client.getVersions();
    assert.ok(Array.isArray(res.versions) && res.versions.length > 0, JSON.stringify(res));
    assert.ok(res.versions.every((v) => /^(r0\.\d+\.\d+|v1\.\d+)$/.test(v)), JSON.stringify(res.versions));
    // matrix-js-sdk refuses servers without v1.1 or later (isVersionSupported is what Element calls).
    assert.equal(await client.isVersionSupported("v1.1"), true);
});

test("loginFlows offers m.login.password", async () => {
    const { flows } = await anonClient().loginFlows();
    assert.ok(flows.some((f) => f.type === "m.login.password"), JSON.stringify(flows));
});

test("getCapabilities answers for a logged-in user", async () => {
    const client = await newUser();
    const caps = await client.getCapabilities();
    assert.equal(typeof caps, "object");
    assert.equal(caps["m.change_password"]?.enabled, true, JSON.stringify(caps));
    assert.equal(typeof caps["m.room_versions"]?.default, "string", JSON.stringify(caps));
});
