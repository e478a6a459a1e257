package org.myelin.it.modules;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.myelin.Myelin;
import org.myelin.config.ConfigException;
import org.myelin.config.ConfigLoader;
import org.myelin.http.Json;
import org.myelin.it.TestServer;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.modules.ModulesFx.*;

/**
 * Moderation policy lists: m.policy.rule.* events are ordinary state, and a server subscribed to a
 * policy room (moderation.policy_rooms) refuses local joins and invites its m.ban rules match.
 */
class PolicyListsTest {
    private static final String S = TestServer.SERVER_NAME;
    private static Myelin server;
    private static U moderator;
    private static String policyRoom;

    @BeforeAll
    static void start() {
        server = TestServer.start(cfg -> cfg.putObject("moderation").putArray("policy_rooms")
                .add("!unknown-policy-room:" + S).add("#policy:" + S));
        moderator = user(server, "policy-mod");
        policyRoom = createRoom(moderator, map("preset", "private_chat", "room_alias_name", "policy", "name", "Ban list"));
    }

    @AfterAll
    static void stop() throws Exception { server.close(); }

    private static String rule(String kind, String stateKey, String entity) {
        return setState(moderator, policyRoom, "m.policy.rule." + kind, stateKey,
                map("entity", entity, "recommendation", "m.ban", "reason", "spam"));
    }

    private static void removeRule(String kind, String stateKey) {
        setState(moderator, policyRoom, "m.policy.rule." + kind, stateKey, map());
    }

    @Test
    void rulesAreOrdinaryState() {
        rule("user", "rule-state-1", "@nobody-matches-this:" + S);
        var got = ok(moderator.get(state(policyRoom, "m.policy.rule.user", "rule-state-1")));
        assertEquals("m.ban", got.path("recommendation").asText());
        assertEquals("spam", got.path("reason").asText());
        // Any content is accepted: the module only defines how rules are read.
        setState(moderator, policyRoom, "m.policy.rule.server", "odd", map("entity", 5));
        removeRule("user", "rule-state-1");
    }

    @Test
    void bannedUserCannotJoinInviteOrBeInvited() {
        U owner = user(server, "policy-owner");
        U spammer = user(server, "spammy");
        U friend = user(server, "policy-friend");
        String roomId = publicRoom(owner);
        rule("user", "spammers", "@spammy-*:" + S);
        try {
            err(tryJoin(spammer, roomId), 403, "M_FORBIDDEN");
            err(tryInvite(owner, roomId, spammer), 403, "M_FORBIDDEN");
            String own = createRoom(spammer, map());
            err(tryInvite(spammer, own, friend), 403, "M_FORBIDDEN");
            var withInvite = spammer.post(V3 + "/createRoom", map("invite", List.of(friend.id())));
            assertTrue(withInvite.status() == 403 || withInvite.status() == 400, withInvite::toString);
            // Others are unaffected.
            join(friend, roomId);
            assertEquals("join", membershipOrNull(owner, roomId, friend.id()));
            assertTrue(membershipOrNull(owner, roomId, spammer.id()) == null);
        } finally {
            removeRule("user", "spammers");
        }
        // Removing the rule (empty content) lifts the ban at once.
        join(spammer, roomId);
    }

    @Test
    void redactedRuleNoLongerApplies() {
        U owner = user(server, "policy-redact-owner");
        U target = user(server, "redacted-target");
        String roomId = publicRoom(owner);
        String ruleEvent = rule("user", "to-redact", target.id());
        err(tryJoin(target, roomId), 403, "M_FORBIDDEN");
        ok(moderator.put(room(policyRoom) + "/redact/" + enc(ruleEvent) + "/" + txn(), map("reason", "mistake")));
        join(target, roomId);
    }

    @Test
    void bannedRoomCannotBeJoinedOrInvitedTo() {
        U owner = user(server, "policy-room-owner");
        U visitor = user(server, "policy-visitor");
        String bad = publicRoom(owner);
        rule("room", "bad-room", bad);
        try {
            err(tryJoin(visitor, bad), 403, "M_FORBIDDEN");
            err(tryInvite(owner, bad, visitor), 403, "M_FORBIDDEN");
        } finally {
            removeRule("room", "bad-room");
        }
        join(visitor, bad);
    }

    @Test
    void roomRulesMatchTheCanonicalAlias() {
        U owner = user(server, "policy-alias-owner");
        U visitor = user(server, "policy-alias-visitor");
        String roomId = createRoom(owner, map("preset", "public_chat", "room_alias_name", "cheap-pills-" + System.nanoTime()));
        rule("room", "pills", "#cheap-pills-*:" + S);
        try {
            err(tryJoin(visitor, roomId), 403, "M_FORBIDDEN");
        } finally {
            removeRule("room", "pills");
        }
        join(visitor, roomId);
    }

    @Test
    void serverRulesMatchTheUsersServerCaseInsensitively() {
        U owner = user(server, "policy-server-owner");
        U visitor = user(server, "policy-server-visitor");
        String roomId = publicRoom(owner);
        rule("server", "whole-server", S.toUpperCase());
        try {
            err(tryJoin(visitor, roomId), 403, "M_FORBIDDEN");
        } finally {
            removeRule("server", "whole-server");
        }
        join(visitor, roomId);
    }

    @Test
    void otherRecommendationsAreIgnored() {
        U owner = user(server, "policy-rec-owner");
        U visitor = user(server, "policy-rec-visitor");
        String roomId = publicRoom(owner);
        setState(moderator, policyRoom, "m.policy.rule.user", "mute", map("entity", visitor.id(),
                "recommendation", "org.example.mute", "reason", "noisy"));
        join(visitor, roomId);
    }

    @Test
    void rulesInOtherRoomsDoNotApply() {
        U owner = user(server, "policy-other-owner");
        U visitor = user(server, "policy-other-visitor");
        String roomId = publicRoom(owner);
        String unsubscribed = createRoom(owner, map());
        setState(owner, unsubscribed, "m.policy.rule.user", "r", map("entity", visitor.id(), "recommendation", "m.ban", "reason", "x"));
        join(visitor, roomId);
    }

    @Test
    void subscriptionByRoomIdSurvivesRestart() throws Exception {
        Myelin first = TestServer.start(cfg -> { });
        U mod = user(first, "policy-id-mod");
        U banned = user(first, "policy-id-banned");
        U owner = user(first, "policy-id-owner");
        String list = createRoom(mod, map());
        String roomId = publicRoom(owner);
        setState(mod, list, "m.policy.rule.user", "r1", map("entity", banned.id(), "recommendation", "m.ban", "reason", "x"));
        var dataDir = first.config().dataDir().toString();
        var database = first.config().database();
        first.close();
        Myelin second = TestServer.start(cfg -> {
            cfg.put("data_dir", dataDir);
            if (database != null) cfg.put("database", database);
            cfg.putObject("moderation").putArray("policy_rooms").add(list);
        });
        try {
            U again = new U(banned.user(), anon(second).as(banned.user()));
            err(tryJoin(again, roomId), 403, "M_FORBIDDEN");
        } finally {
            second.close();
        }
    }

    @Test
    void configIsValidated() {
        for (String bad : new String[] {"policy", "!", "! space", "#alias", "#alias:other.example", "@user:" + S}) {
            ObjectNode cfg = Json.object();
            cfg.put("server_name", S);
            cfg.putObject("moderation").putArray("policy_rooms").add(bad);
            ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.fromTree(cfg), bad);
            assertTrue(e.getMessage().contains("moderation.policy_rooms"), e::getMessage);
        }
        ObjectNode cfg = Json.object();
        cfg.putObject("moderation").put("policy_rooms", "!a:b");
        assertThrows(ConfigException.class, () -> ConfigLoader.fromTree(cfg));
    }
}
