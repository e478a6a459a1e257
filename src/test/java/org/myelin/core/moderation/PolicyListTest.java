package org.myelin.core.moderation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.myelin.http.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyListTest {
    private static ObjectNode rule(String entity, String recommendation, String reason) {
        ObjectNode c = Json.object();
        if (entity != null) c.put("entity", entity);
        if (recommendation != null) c.put("recommendation", recommendation);
        if (reason != null) c.put("reason", reason);
        return c;
    }

    private static PolicyRule parse(String type, ObjectNode content) { return PolicyRule.fromEvent(type, content).orElseThrow(); }

    private static PolicyList list(Object... typeAndEntity) {
        List<PolicyRule> rules = new ArrayList<>();
        for (int i = 0; i < typeAndEntity.length; i += 2) {
            rules.add(parse((String) typeAndEntity[i], rule((String) typeAndEntity[i + 1], "m.ban", "spam")));
        }
        return new PolicyList(rules);
    }

    @Test
    void parsesTheThreeKinds() {
        assertEquals(PolicyRule.Kind.USER, parse("m.policy.rule.user", rule("@a:b", "m.ban", "r")).kind());
        assertEquals(PolicyRule.Kind.ROOM, parse("m.policy.rule.room", rule("!a:b", "m.ban", "r")).kind());
        PolicyRule s = parse("m.policy.rule.server", rule("*.evil", "m.ban", "because"));
        assertEquals(PolicyRule.Kind.SERVER, s.kind());
        assertEquals("because", s.reason());
        assertTrue(s.isBan());
    }

    @Test
    void unusableEventsAreNotRules() {
        assertTrue(PolicyRule.fromEvent("m.room.message", rule("@a:b", "m.ban", "r")).isEmpty());
        assertTrue(PolicyRule.fromEvent("m.policy.rule.user", Json.object()).isEmpty(), "removed (empty) rule");
        assertTrue(PolicyRule.fromEvent("m.policy.rule.user", rule(null, "m.ban", "r")).isEmpty());
        assertTrue(PolicyRule.fromEvent("m.policy.rule.user", rule("", "m.ban", "r")).isEmpty());
        assertTrue(PolicyRule.fromEvent("m.policy.rule.user", rule("@a:b", null, "r")).isEmpty());
        ObjectNode numeric = Json.object().put("entity", 5).put("recommendation", "m.ban");
        assertTrue(PolicyRule.fromEvent("m.policy.rule.user", numeric).isEmpty());
        assertTrue(PolicyRule.fromEvent("m.policy.rule.user", null).isEmpty());
        // A missing reason does not void the rule.
        assertTrue(PolicyRule.fromEvent("m.policy.rule.user", rule("@a:b", "m.ban", null)).isPresent());
    }

    @Test
    void userRules() {
        PolicyList l = list("m.policy.rule.user", "@spammer:example.org", "m.policy.rule.user", "@bot*:example.org");
        assertTrue(l.bannedUser("@spammer:example.org").isPresent());
        assertTrue(l.bannedUser("@bot123:example.org").isPresent());
        assertTrue(l.bannedUser("@bot:example.org").isPresent());
        assertFalse(l.bannedUser("@Spammer:example.org").isPresent(), "user rules are case-sensitive");
        assertFalse(l.bannedUser("@alice:example.org").isPresent());
        assertFalse(l.bannedRoom("@spammer:example.org").isPresent(), "kinds do not mix");
        assertFalse(l.bannedServer("example.org").isPresent());
    }

    @Test
    void roomRules() {
        PolicyList l = list("m.policy.rule.room", "!bad:example.org", "m.policy.rule.room", "#*spam*:*");
        assertTrue(l.bannedRoom("!bad:example.org").isPresent());
        assertTrue(l.bannedRoom("#cheapspam:other.org").isPresent());
        assertFalse(l.bannedRoom("!good:example.org").isPresent());
    }

    @Test
    void serverRules() {
        PolicyList l = list("m.policy.rule.server", "evil.example", "m.policy.rule.server", "*.bad.example",
                "m.policy.rule.server", "ports.example:8448");
        assertTrue(l.bannedServer("evil.example").isPresent());
        assertTrue(l.bannedServer("EVIL.example").isPresent(), "server names are case-insensitive");
        assertTrue(l.bannedServer("evil.example:8448").isPresent(), "ports are ignored");
        assertTrue(l.bannedServer("a.bad.example").isPresent());
        assertTrue(l.bannedServer("A.BAD.EXAMPLE:443").isPresent());
        assertFalse(l.bannedServer("bad.example").isPresent());
        assertTrue(l.bannedServer("ports.example:8448").isPresent(), "a rule written with a port matches that name");
        assertFalse(l.bannedServer("good.example").isPresent());
        assertFalse(l.bannedServer(null).isPresent());
    }

    @Test
    void onlyBanRecommendationsCount() {
        PolicyList l = new PolicyList(List.of(
                parse("m.policy.rule.user", rule("@a:b", "org.example.mute", "r")),
                parse("m.policy.rule.user", rule("@c:*", "m.ban", "r"))));
        assertEquals(1, l.size());
        assertFalse(l.bannedUser("@a:b").isPresent());
        assertTrue(l.bannedUser("@c:d").isPresent());
    }

    @Test
    void returnsTheMatchingRule() {
        PolicyList l = new PolicyList(List.of(parse("m.policy.rule.user", rule("@x:*", "m.ban", "flooding"))));
        Optional<PolicyRule> r = l.bannedUser("@x:y");
        assertEquals("flooding", r.orElseThrow().reason());
        assertTrue(PolicyList.EMPTY.bannedUser("@x:y").isEmpty());
    }
}
