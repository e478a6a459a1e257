// Accounts with a real client: registration (UIA), login, whoami, logout, guests, refresh tokens,
// password change and deactivation.
import { test } from "node:test";
import assert from "node:assert/strict";
import { InteractiveAuth } from "matrix-js-sdk";
import {
    adminRegister,
    anonClient,
    clientFor,
    expectMatrixError,
    newUser,
    passwordLogin,
    randomPassword,
    registerUser,
    serverName,
    uniqueName,
    userIdOf,
} from "./helpers.mjs";

test("register through user-interactive auth (401 with a session, then m.login.dummy)", async () => {
    const username = uniqueName("reg");
    const anon = anonClient();
    assert.equal(await anon.isUsernameAvailable(username), true);

    const res = await registerUser({ username, initial_device_display_name: "node test" });
    assert.equal(res.user_id, userIdOf(username));
    assert.equal(typeof res.access_token, "string");
    assert.equal(typeof res.device_id, "string");

    assert.equal(await anon.isUsernameAvailable(username), false);
    // A taken name is refused before any UIA stage (as Synapse does).
    await expectMatrixError(anon.registerRequest({ username, password: "x" }), { status: 400, errcode: "M_USER_IN_USE" });
});

test("register with the SDK's InteractiveAuth driver, as Element does", async () => {
    const username = uniqueName("ia");
    const password = randomPassword();
    const anon = anonClient();
    const stages = [];
    const ia = new InteractiveAuth({
        matrixClient: anon,
        doRequest: (auth) => anon.registerRequest({ username, password, auth: auth ?? undefined }),
        stateUpdated: (stage) => stages.push(stage),
        requestEmailToken: () => Promise.reject(new Error("no email stage expected")),
        supportedStages: ["m.login.dummy"],
    });
    const res = await ia.attemptAuth();
    assert.equal(res.user_id, userIdOf(username));
    // m.login.dummy is completed by the SDK itself; no stage needed the user.
    assert.deepEqual(stages, []);
    const who = await clientFor(res).whoami();
    assert.equal(who.user_id, res.user_id);
});

test("login with password (m.id.user identifier), then whoami", async () => {
    const { username, password, user_id } = await registerUser();
    const res = await passwordLogin(username, password, { initial_device_display_name: "second device" });
    assert.equal(res.user_id, user_id);
    assert.equal(typeof res.access_token, "string");
    assert.equal(typeof res.device_id, "string");

    const who = await clientFor(res).whoami();
    assert.equal(who.user_id, user_id);
    assert.equal(who.device_id, res.device_id);
    assert.notEqual(who.is_guest, true);

    // A full user ID works as the identifier too.
    const again = await passwordLogin(user_id, password);
    assert.equal(again.user_id, user_id);
    assert.notEqual(again.device_id, res.device_id);
});

test("legacy loginWithPassword (top-level user field) updates the client's credentials", async () => {
    const { username, password, user_id } = await registerUser();
    const client = anonClient();
    const res = await client.loginWithPassword(username, password);
    assert.equal(res.user_id, user_id);
    assert.equal(client.getAccessToken(), res.access_token);
    assert.equal((await client.whoami()).user_id, user_id);
});

test("login with a wrong password is 403 M_FORBIDDEN", async () => {
    const { username } = await registerUser();
    await expectMatrixError(passwordLogin(username, "not the password"), { status: 403, errcode: "M_FORBIDDEN" });
});

test("logout revokes the access token", async () => {
    const client = await newUser();
    const token = client.getAccessToken();
    assert.deepEqual(await client.logout(), {});
    await expectMatrixError(client.whoami(), { status: 401, errcode: "M_UNKNOWN_TOKEN" });
    const fresh = clientFor({ user_id: client.getUserId(), access_token: token });
    await expectMatrixError(fresh.whoami(), { status: 401, errcode: "M_UNKNOWN_TOKEN" });
});

test("logout/all revokes every device's token", async () => {
    const { username, password } = await registerUser();
    const a = clientFor(await passwordLogin(username, password));
    const b = clientFor(await passwordLogin(username, password));
    // matrix-js-sdk has no wrapper for /logout/all; use its authenticated request API.
    assert.deepEqual(await a.http.authedRequest("POST", "/logout/all"), {});
    await expectMatrixError(a.whoami(), { status: 401, errcode: "M_UNKNOWN_TOKEN" });
    await expectMatrixError(b.whoami(), { status: 401, errcode: "M_UNKNOWN_TOKEN" });
});

test("guest registration; whoami says is_guest", async () => {
    const res = await anonClient().registerGuest();
    assert.match(res.user_id, new RegExp(`^@[^:]+:${serverName.replace(/\./g, "\\.")}$`));
    const guest = clientFor(res);
    guest.setGuest(true);
    assert.equal(guest.isGuest(), true);
    const who = await guest.whoami();
    assert.equal(who.user_id, res.user_id);
    assert.equal(who.is_guest, true);
});

test("login with refresh_token: true, then client.refreshToken()", async () => {
    const { username, password, user_id } = await registerUser();
    const login = await passwordLogin(username, password, { refresh_token: true });
    assert.equal(typeof login.refresh_token, "string", JSON.stringify(login));
    assert.ok(Number.isInteger(login.expires_in_ms) && login.expires_in_ms > 0, JSON.stringify(login));

    const client = clientFor(login);
    const refreshed = await client.refreshToken(login.refresh_token);
    assert.equal(typeof refreshed.access_token, "string");
    assert.equal(typeof refreshed.refresh_token, "string");
    assert.notEqual(refreshed.access_token, login.access_token);
    assert.notEqual(refreshed.refresh_token, login.refresh_token);
    assert.ok(Number.isInteger(refreshed.expires_in_ms) && refreshed.expires_in_ms > 0);

    const next = clientFor({ ...login, access_token: refreshed.access_token, refresh_token: refreshed.refresh_token });
    const who = await next.whoami();
    assert.equal(who.user_id, user_id);
    assert.equal(who.device_id, login.device_id);

    // Once the new access token has been used, the old refresh token is spent.
    await expectMatrixError(next.refreshToken(login.refresh_token), { status: 401, errcode: "M_UNKNOWN_TOKEN" });
    // The new refresh token still works.
    const third = await next.refreshToken(refreshed.refresh_token);
    assert.equal(typeof third.access_token, "string");
});

test("change password through InteractiveAuth with m.login.password (a wrong password first)", async () => {
    const client = await newUser();
    const oldPassword = client.password;
    const newPassword = randomPassword();
    const statuses = [];
    let attempts = 0;
    const ia = new InteractiveAuth({
        matrixClient: client,
        doRequest: (auth) => client.setPassword(auth ?? undefined, newPassword, false),
        stateUpdated: (stage, status) => {
            statuses.push({ stage, ...status });
            assert.equal(stage, "m.login.password");
            attempts += 1;
            ia.submitAuthDict({
                type: "m.login.password",
                identifier: { type: "m.id.user", user: client.getUserId() },
                password: attempts === 1 ? "wrong password" : oldPassword,
            });
        },
        requestEmailToken: () => Promise.reject(new Error("no email stage expected")),
    });
    await ia.attemptAuth();
    assert.equal(statuses.length, 2, JSON.stringify(statuses));
    assert.equal(statuses[1].errcode, "M_FORBIDDEN", "a wrong password comes back as 401 with M_FORBIDDEN");

    const localpart = client.getUserId().slice(1).split(":")[0];
    await expectMatrixError(passwordLogin(localpart, oldPassword), { status: 403, errcode: "M_FORBIDDEN" });
    assert.equal((await passwordLogin(localpart, newPassword)).user_id, client.getUserId());
    // logout_devices: false keeps this session.
    assert.equal((await client.whoami()).user_id, client.getUserId());
});

test("deactivate the account with UIA; the user can no longer log in", async () => {
    const client = await newUser();
    const userId = client.getUserId();
    const err = await expectMatrixError(client.deactivateAccount(), { status: 401 });
    await client.deactivateAccount({
        type: "m.login.password",
        session: err.data.session,
        identifier: { type: "m.id.user", user: userId },
        password: client.password,
    });
    await expectMatrixError(passwordLogin(userId, client.password), { status: 403 });
    const localpart = userId.slice(1).split(":")[0];
    // The ID is never reused.
    assert.equal(await anonClient().isUsernameAvailable(localpart), false);
});

test("getThreePids is empty", async () => {
    const client = await newUser();
    const res = await client.getThreePids();
    assert.deepEqual(res.threepids, []);
});

test("shared-secret registration (Synapse admin API) makes a user who can log in", async () => {
    const res = await adminRegister();
    assert.equal(res.user_id, userIdOf(res.username));
    const who = await clientFor(res).whoami();
    assert.equal(who.user_id, res.user_id);
    assert.equal((await passwordLogin(res.username, res.password)).user_id, res.user_id);
});
