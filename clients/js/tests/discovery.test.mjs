// What a client asks before anyone logs in: /versions, /login flows, /capabilities.
import { test } from "node:test";
import assert from "node:assert/strict";
import { AutoDiscovery, AutoDiscoveryAction } from "matrix-js-sdk";
import { anonClient, baseUrl, expectMatrixError, newUser } from "./helpers.mjs";

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

test("the server's .well-known passes the SDK's AutoDiscovery validation", async () => {
    const res = await fetch(new URL("/.well-known/matrix/client", baseUrl));
    assert.equal(res.status, 200);
    const wellKnown = await res.json();
    // fromDiscoveryConfig checks the base_url by calling its /versions, as a client does at login.
    const result = await AutoDiscovery.fromDiscoveryConfig(wellKnown);
    assert.equal(result["m.homeserver"].state, AutoDiscoveryAction.SUCCESS, JSON.stringify(result));
    assert.equal(new URL(result["m.homeserver"].base_url).host, new URL(baseUrl).host);
});

test("no OAuth: getAuthMetadata is 404 M_UNRECOGNIZED, so clients fall back to /login", async () => {
    await expectMatrixError(anonClient().getAuthMetadata(), { status: 404, errcode: "M_UNRECOGNIZED" });
});
