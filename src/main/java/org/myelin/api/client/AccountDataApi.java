package org.myelin.api.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.myelin.api.Routes;
import org.myelin.http.Access;
import org.myelin.http.Json;
import org.myelin.http.MatrixException;
import org.myelin.http.Req;
import org.myelin.userdata.AccountData;

import java.nio.charset.StandardCharsets;

/**
 * Client config (account data, global and per room) and room tags, which are the room account data
 * m.tag. Only the user's own data can be read or written (403 otherwise); the server-managed types
 * (m.fully_read, m.push_rules) can be read but not set (405 M_BAD_JSON).
 */
public final class AccountDataApi {
    private static final int MAX_TAG_BYTES = 255;
    private static final int MAX_ROOM_ID_BYTES = 255;

    private final AccountData accountData;

    public AccountDataApi(AccountData accountData) { this.accountData = accountData; }

    public void register(Routes routes) {
        routes.client("GET", "/user/{userId}/account_data/{type}", Access.USER,
                req -> get(own(req, "read"), null, req.param("type")));
        routes.client("PUT", "/user/{userId}/account_data/{type}", Access.USER, req -> {
            String userId = own(req, "set");
            AccountData.checkClientType(req.param("type"));
            accountData.setByClient(userId, null, req.param("type"), content(req));
            return Json.object();
        });
        routes.client("GET", "/user/{userId}/rooms/{roomId}/account_data/{type}", Access.USER,
                req -> get(own(req, "read"), roomId(req), req.param("type")));
        routes.client("PUT", "/user/{userId}/rooms/{roomId}/account_data/{type}", Access.USER, req -> {
            String userId = own(req, "set");
            String roomId = roomId(req);
            AccountData.checkClientType(req.param("type"));
            accountData.setByClient(userId, roomId, req.param("type"), content(req));
            return Json.object();
        });

        routes.client("GET", "/user/{userId}/rooms/{roomId}/tags", Access.USER, req -> {
            String userId = own(req, "read");
            ObjectNode out = Json.object();
            out.set("tags", tags(accountData.get(userId, roomId(req), AccountData.TAG).orElse(null)));
            return out;
        });
        routes.client("PUT", "/user/{userId}/rooms/{roomId}/tags/{tag}", Access.USER, req -> {
            String userId = own(req, "set");
            String roomId = roomId(req);
            String tag = tagName(req);
            ObjectNode body = content(req);
            JsonNode order = body.get("order");
            if (order != null && !order.isNull()) {
                if (!order.isNumber()) throw MatrixException.badJson("'order' must be a number");
                double v = order.asDouble();
                if (!(v >= 0 && v <= 1)) throw MatrixException.invalidParam("'order' must be between 0 and 1");
            }
            accountData.update(userId, roomId, AccountData.TAG, old -> {
                ObjectNode content = old == null ? Json.object() : old;
                ObjectNode t = tags(content);
                if (body.equals(t.get(tag))) return null;
                t.set(tag, body);
                content.set("tags", t);
                return content;
            });
            return Json.object();
        });
        routes.client("DELETE", "/user/{userId}/rooms/{roomId}/tags/{tag}", Access.USER, req -> {
            String userId = own(req, "set");
            String roomId = roomId(req);
            String tag = tagName(req);
            accountData.update(userId, roomId, AccountData.TAG, old -> {
                if (old == null || !tags(old).has(tag)) return null;
                ObjectNode t = tags(old);
                t.remove(tag);
                old.set("tags", t);
                return old;
            });
            return Json.object();
        });
    }

    private ObjectNode get(String userId, String roomId, String type) {
        return accountData.get(userId, roomId, type)
                .orElseThrow(() -> MatrixException.notFound(roomId == null ? "Account data not found" : "Room account data not found"));
    }

    /** The user ID of the path, which must be the caller's. */
    private static String own(Req req, String verb) {
        if (!req.param("userId").equals(req.userId())) {
            throw MatrixException.forbidden("Cannot " + verb + " account data of other users");
        }
        return req.userId();
    }

    private static String roomId(Req req) {
        String id = req.param("roomId");
        if (!id.startsWith("!") || id.indexOf('\0') >= 0 || id.getBytes(StandardCharsets.UTF_8).length > MAX_ROOM_ID_BYTES || id.length() < 2) {
            throw MatrixException.invalidParam(id + " is not a valid room ID");
        }
        return id;
    }

    private static String tagName(Req req) {
        String tag = req.param("tag");
        if (tag.isEmpty() || tag.indexOf('\0') >= 0) throw MatrixException.invalidParam("Invalid tag name");
        if (tag.getBytes(StandardCharsets.UTF_8).length > MAX_TAG_BYTES) {
            throw MatrixException.invalidParam("Tag names must not exceed " + MAX_TAG_BYTES + " bytes");
        }
        return tag;
    }

    /** The request body, which must be a JSON object. */
    private static ObjectNode content(Req req) {
        JsonNode n = req.jsonAny();
        if (!(n instanceof ObjectNode o)) throw MatrixException.badJson("Content must be a JSON object");
        return o;
    }

    /** The tags object of an m.tag content (a copy), or an empty one. */
    private static ObjectNode tags(ObjectNode content) {
        JsonNode t = content == null ? null : content.get("tags");
        return t instanceof ObjectNode o ? o.deepCopy() : Json.object();
    }
}
