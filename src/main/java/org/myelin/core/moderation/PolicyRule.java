package org.myelin.core.moderation;

import com.fasterxml.jackson.databind.JsonNode;
import org.myelin.core.glob.Glob;

import java.util.Optional;

/**
 * One moderation policy rule ({@code m.policy.rule.user|room|server} state event): the kind of
 * entity, its glob, the recommendation and the reason. Server rules match case-insensitively
 * (server names are DNS names); user and room rules match exactly as written, like the IDs.
 */
public record PolicyRule(Kind kind, Glob entity, String recommendation, String reason) {
    public static final String BAN = "m.ban";

    public enum Kind {
        USER("m.policy.rule.user"), ROOM("m.policy.rule.room"), SERVER("m.policy.rule.server");

        private final String eventType;

        Kind(String eventType) { this.eventType = eventType; }

        public String eventType() { return eventType; }

        public static Optional<Kind> ofEventType(String type) {
            for (Kind k : values()) {
                if (k.eventType.equals(type)) return Optional.of(k);
            }
            return Optional.empty();
        }
    }

    /**
     * The rule a state event describes, or empty when it is not a policy rule or not a usable one:
     * a rule without a string {@code entity} and {@code recommendation} (for example one that was
     * "removed" by sending empty content, or redacted) has no effect.
     */
    public static Optional<PolicyRule> fromEvent(String type, JsonNode content) {
        Optional<Kind> kind = Kind.ofEventType(type);
        if (kind.isEmpty() || content == null) return Optional.empty();
        JsonNode entity = content.get("entity");
        JsonNode rec = content.get("recommendation");
        if (entity == null || !entity.isTextual() || entity.asText().isEmpty() || rec == null || !rec.isTextual()) {
            return Optional.empty();
        }
        JsonNode reason = content.get("reason");
        Glob g = kind.get() == Kind.SERVER ? Glob.ignoringCase(entity.asText()) : Glob.of(entity.asText());
        return Optional.of(new PolicyRule(kind.get(), g, rec.asText(), reason != null && reason.isTextual() ? reason.asText() : null));
    }

    public boolean isBan() { return BAN.equals(recommendation); }

    public boolean matches(String value) { return entity.matches(value); }
}
