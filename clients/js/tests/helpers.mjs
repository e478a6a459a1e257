// Shared helpers for the real-client tests. Every *.test.mjs file imports from here.
// The server is started by ../run-tests, which passes its address in MYELIN_BASE_URL.
import assert from "node:assert/strict";
import { createHmac, randomBytes } from "node:crypto";
import { createClient, MatrixError } from "matrix-js-sdk";
import { logger } from "matrix-js-sdk/lib/logger.js";

// The SDK logs UIA steps and every expected M_UNKNOWN_TOKEN (at error level); failures show up
// as assertion messages instead. MYELIN_SDK_LOG_LEVEL=debug brings its log back.
logger.setLevel(process.env.MYELIN_SDK_LOG_LEVEL ?? "silent");
// The SDK's child loggers (sync, RTC sessions, ...) are pinned at debug level whatever the root's
// level, but they inherit its method factory: unless MYELIN_SDK_LOG_LEVEL is set, it drops everything.
if (!process.env.MYELIN_SDK_LOG_LEVEL) {
    logger.methodFactory = () => () => {};
    logger.rebuild();
}

export const baseUrl = process.env.MYELIN_BASE_URL;
if (!baseUrl) {
    throw new Error("MYELIN_BASE_URL is not set: run the client tests with clients/js/run-tests");
}
export const serverName = process.env.MYELIN_SERVER_NAME ?? "test.myelin";
export const sharedSecret = process.env.MYELIN_REGISTRATION_SHARED_SECRET;

/** A fresh localpart: lowercase, unique across test files and runs against the same server. */
export function uniqueName(prefix = "user") {
    return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
}

export function randomPassword() {
    return `pw-${randomBytes(12).toString("base64url")}`;
}

export function userIdOf(localpart) {
    return `@${localpart}:${serverName}`;
}

const clients = new Set();

/** A client with no credentials (for /register, /login, /versions ...). */
export function anonClient() {
    return track(createClient({ baseUrl }));
}

/** A client for credentials returned by /register or /login. */
export function clientFor({ user_id, access_token, device_id, refresh_token }) {
    return track(
        createClient({
            baseUrl,
            userId: user_id,
            accessToken: access_token,
            deviceId: device_id,
            refreshToken: refresh_token,
        }),
    );
}

function track(client) {
    clients.add(client);
    return client;
}

/** Stops every client created through these helpers (call from an `after` hook when syncing). */
export function stopClients() {
    for (const c of clients) c.stopClient();
    clients.clear();
}

/**
 * Registers an account through user-interactive auth, the way a client does it: the first
 * POST /register answers 401 with a session and the flows, the second completes m.login.dummy.
 * Returns the /register response plus the username and password used.
 */
export async function registerUser({ username = uniqueName(), password = randomPassword(), ...extra } = {}) {
    const anon = anonClient();
    const body = { username, password, ...extra };
    const err = await expectMatrixError(anon.registerRequest(body), { status: 401 });
    const uia = err.data;
    assert.equal(typeof uia.session, "string", "401 from /register carries a UIA session");
    assert.ok(
        uia.flows?.some((f) => f.stages.length === 1 && f.stages[0] === "m.login.dummy"),
        `/register offers an m.login.dummy flow: ${JSON.stringify(uia.flows)}`,
    );
    const res = await anon.registerRequest({ ...body, auth: { type: "m.login.dummy", session: uia.session } });
    return { ...res, username, password };
}

/**
 * Registers a new user and returns a MatrixClient logged in as that user. The client also
 * carries `password` (for tests that log in again or use UIA with m.login.password).
 */
export async function newUser(opts = {}) {
    const res = await registerUser(opts);
    const client = clientFor(res);
    client.password = res.password;
    if (opts.displayName !== undefined) await client.setDisplayName(opts.displayName);
    return client;
}

/** Logs in with m.login.password and an m.id.user identifier; returns the raw /login response. */
export function passwordLogin(user, password, extra = {}) {
    return anonClient().loginRequest({
        type: "m.login.password",
        identifier: { type: "m.id.user", user },
        password,
        ...extra,
    });
}

/**
 * Creates a user through Synapse's shared-secret admin API (/_synapse/admin/v1/register), as
 * operator tools do. Returns the response (user_id, access_token, device_id).
 */
export async function adminRegister({ username = uniqueName("admin"), password = randomPassword(), admin = false } = {}) {
    assert.ok(sharedSecret, "MYELIN_REGISTRATION_SHARED_SECRET is set by run-tests");
    const url = new URL("/_synapse/admin/v1/register", baseUrl);
    const { nonce } = await (await fetch(url)).json();
    const mac = createHmac("sha1", sharedSecret)
        .update([nonce, username, password, admin ? "admin" : "notadmin"].join("\0"))
        .digest("hex");
    const res = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ nonce, username, password, admin, mac }),
    });
    const body = await res.json();
    assert.equal(res.status, 200, `shared-secret registration: ${JSON.stringify(body)}`);
    return { ...body, username, password };
}

/**
 * Awaits a promise that must reject with a MatrixError; checks status and errcode when given
 * and returns the error (its `data` is the parsed response body).
 */
export async function expectMatrixError(promise, { status, errcode } = {}) {
    let error;
    try {
        const value = await promise;
        assert.fail(`expected a Matrix error${errcode ? " " + errcode : ""}, got success: ${JSON.stringify(value)}`);
    } catch (e) {
        if (e instanceof assert.AssertionError) throw e;
        error = e;
    }
    assert.ok(error instanceof MatrixError, `expected a MatrixError, got ${error}`);
    if (status !== undefined) assert.equal(error.httpStatus, status, `HTTP status of ${JSON.stringify(error.data)}`);
    if (errcode !== undefined) assert.equal(error.errcode, errcode, `errcode of ${JSON.stringify(error.data)}`);
    return error;
}
