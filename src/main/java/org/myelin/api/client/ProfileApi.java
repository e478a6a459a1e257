package org.myelin.api.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.myelin.api.Routes;
import org.myelin.http.Access;
import org.myelin.http.Body;
import org.myelin.http.Json;
import org.myelin.http.MatrixException;
import org.myelin.http.Req;
import org.myelin.storage.AccountStore;
import org.myelin.users.AccountService;
import org.myelin.users.UserIds;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Profiles, including the extended profile fields of spec 1.16: displayname and avatar_url are
 * columns (other modules read them often), every other field lives in one JSON object per user.
 */
public final class ProfileApi {
    private static final Pattern KEY = Pattern.compile("^(avatar_url|displayname|m\\.tz|[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+)$");
    private static final int MAX_PROFILE_BYTES = 64 * 1024;
    private static final int MAX_DISPLAYNAME = 256;

    private final AccountService accounts;
    private final AccountStore store;

    public ProfileApi(AccountService accounts, AccountStore store) {
        this.accounts = accounts;
        this.store = store;
    }

    public void register(Routes routes) {
        routes.client("GET", "/profile/{userId}", Access.OPTIONAL, req -> profile(target(req)));
        routes.client("GET", "/profile/{userId}/{keyName}", Access.OPTIONAL, req -> {
            String key = req.param("keyName");
            JsonNode v = profile(target(req)).get(key);
            if (v == null) throw MatrixException.notFound("Profile field " + key + " is not set");
            ObjectNode o = Json.object();
            o.set(key, v);
            return o;
        });
        routes.client("PUT", "/profile/{userId}/{keyName}", Access.GUEST_OK, this::put);
        routes.client("DELETE", "/profile/{userId}/{keyName}", Access.GUEST_OK, req -> {
            String userId = own(req);
            String key = checkKey(req.param("keyName"));
            switch (key) {
                case "displayname" -> accounts.setDisplayname(userId, null);
                case "avatar_url" -> accounts.setAvatarUrl(userId, null);
                default -> {
                    ObjectNode extra = extra(userId);
                    extra.remove(key);
                    store.setProfileExtra(userId, Json.writeString(extra));
                }
            }
            return Json.object();
        });
    }

    private String target(Req req) {
        String userId = req.param("userId");
        if (!UserIds.isValid(userId)) throw MatrixException.invalidParam("Invalid user ID");
        if (!accounts.exists(userId)) throw MatrixException.notFound("Profile not found");
        return userId;
    }

    private String own(Req req) {
        if (req.auth().guest() && !"displayname".equals(req.param("keyName"))) {
            throw new MatrixException(403, "M_GUEST_ACCESS_FORBIDDEN", "Guests may only set their display name");
        }
        String userId = req.param("userId");
        if (!UserIds.isValid(userId)) throw MatrixException.invalidParam("Invalid user ID");
        if (!userId.equals(req.userId())) throw MatrixException.forbidden("You can only change your own profile");
        return userId;
    }

    private static String checkKey(String key) {
        if (key.getBytes(StandardCharsets.UTF_8).length > 255) {
            throw new MatrixException(400, "M_KEY_TOO_LARGE", "Profile key exceeds 255 bytes");
        }
        if (!KEY.matcher(key).matches()) throw MatrixException.invalidParam("Invalid profile key");
        return key;
    }

    private ObjectNode extra(String userId) {
        String s = store.profileExtra(userId);
        if (s == null) return Json.object();
        return (ObjectNode) Json.parse(s.getBytes(StandardCharsets.UTF_8));
    }

    private ObjectNode profile(String userId) {
        var u = accounts.user(userId).orElseThrow(() -> MatrixException.notFound("Profile not found"));
        ObjectNode o = extra(userId);
        if (u.displayname() != null) o.put("displayname", u.displayname());
        if (u.avatarUrl() != null) o.put("avatar_url", u.avatarUrl());
        return o;
    }

    private Object put(Req req) {
        String userId = own(req);
        String key = checkKey(req.param("keyName"));
        Body body = req.json();
        if (!body.json().has(key)) throw MatrixException.missingParam("Missing '" + key + "' in request body");
        switch (key) {
            case "displayname" -> {
                String name = body.optText(key);
                if (name != null && name.length() > MAX_DISPLAYNAME) throw MatrixException.badJson("displayname is too long");
                checkSize(userId, key, body.raw(key));
                accounts.setDisplayname(userId, name);
            }
            case "avatar_url" -> {
                String url = body.optText(key);
                if (url != null && !url.isEmpty() && !url.startsWith("mxc://")) throw MatrixException.badJson("avatar_url must be an mxc:// URI");
                checkSize(userId, key, body.raw(key));
                accounts.setAvatarUrl(userId, url);
            }
            default -> {
                if (key.equals("m.tz")) body.optString(key);
                ObjectNode extra = extra(userId);
                extra.set(key, body.raw(key));
                checkSize(userId, key, body.raw(key));
                store.setProfileExtra(userId, Json.writeString(extra));
            }
        }
        return Json.object();
    }

    private void checkSize(String userId, String key, JsonNode value) {
        ObjectNode p = profile(userId);
        p.set(key, value);
        if (Json.write(p).length > MAX_PROFILE_BYTES) {
            throw new MatrixException(400, "M_PROFILE_TOO_LARGE", "Profile would exceed 64 KiB");
        }
    }
}
