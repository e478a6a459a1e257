package org.myelin.core.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.myelin.core.rooms.RoomVersion;

import java.util.Map;
import java.util.Set;

/**
 * The redaction algorithm (room version specs, "Redactions"): strips an event down to the keys the
 * protocol needs, so that offending content can be deleted while the event still authorises and
 * hashes the same. Signatures and reference hashes are computed over the redacted form, so this
 * must match other servers exactly, per room version.
 *
 * <p>Everything outside the kept keys goes, {@code unsigned} included; code serving a redacted event
 * to clients adds {@code unsigned.redacted_because} back itself. Room version 12 redacts exactly as
 * version 11: its create event lacks {@code room_id}, which simply stays absent.
 */
public final class Redaction {
    private static final Set<String> TOP_LEVEL_V1 = Set.of(
            "event_id", "type", "room_id", "sender", "state_key", "content", "hashes", "signatures", "depth",
            "prev_events", "prev_state", "auth_events", "origin", "origin_server_ts", "membership");

    /** v11 stops protecting {@code origin}, {@code membership} and {@code prev_state}. */
    private static final Set<String> TOP_LEVEL_V11 = Set.of(
            "event_id", "type", "room_id", "sender", "state_key", "content", "hashes", "signatures", "depth",
            "prev_events", "auth_events", "origin_server_ts");

    private Redaction() {}

    /** A redacted deep copy of {@code pdu}; the argument is not modified. */
    public static ObjectNode redact(ObjectNode pdu, RoomVersion version) {
        Set<String> kept = version.v11RedactionAndCreator() ? TOP_LEVEL_V11 : TOP_LEVEL_V1;
        ObjectNode out = pdu.objectNode();
        for (Map.Entry<String, JsonNode> e : pdu.properties()) {
            if (kept.contains(e.getKey()) && !"content".equals(e.getKey())) out.set(e.getKey(), e.getValue().deepCopy());
        }
        JsonNode type = pdu.get("type");
        JsonNode content = pdu.get("content");
        ObjectNode redactedContent = pdu.objectNode();
        if (type != null && type.isTextual() && content instanceof ObjectNode c) {
            keepContent(type.textValue(), c, redactedContent, version);
        }
        out.set("content", redactedContent);
        return out;
    }

    private static void keepContent(String type, ObjectNode in, ObjectNode out, RoomVersion v) {
        boolean v11 = v.v11RedactionAndCreator();
        switch (type) {
            case "m.room.member" -> {
                keep(in, out, "membership");
                if (v.restrictedJoinRedactionFix()) keep(in, out, "join_authorised_via_users_server");
                if (v11) keepThirdPartyInviteSignature(in, out);
            }
            case "m.room.create" -> {
                // v11 keeps all of it: room_version, predecessor and (v12) additional_creators all matter to auth.
                if (v11) out.setAll(in.deepCopy());
                else keep(in, out, "creator");
            }
            case "m.room.join_rules" -> {
                keep(in, out, "join_rule");
                if (v.restrictedJoinRule()) keep(in, out, "allow");
            }
            case "m.room.power_levels" -> {
                keep(in, out, "ban", "events", "events_default", "kick", "redact", "state_default", "users", "users_default");
                if (v11) keep(in, out, "invite");
            }
            // Protected exactly while its special auth rule exists (v1-v5); both went in v6 (MSC2432).
            case "m.room.aliases" -> {
                if (v.specialCaseAliasesAuth()) keep(in, out, "aliases");
            }
            case "m.room.history_visibility" -> keep(in, out, "history_visibility");
            case "m.room.redaction" -> {
                if (v11) keep(in, out, "redacts");
            }
        }
    }

    /** v11: a third-party invite join stays verifiable because {@code third_party_invite.signed} survives. */
    private static void keepThirdPartyInviteSignature(ObjectNode in, ObjectNode out) {
        JsonNode invite = in.get("third_party_invite");
        if (invite instanceof ObjectNode o && o.has("signed")) {
            out.putObject("third_party_invite").set("signed", o.get("signed").deepCopy());
        }
    }

    private static void keep(ObjectNode in, ObjectNode out, String... keys) {
        for (String k : keys) {
            JsonNode value = in.get(k);
            if (value != null) out.set(k, value.deepCopy());
        }
    }
}
