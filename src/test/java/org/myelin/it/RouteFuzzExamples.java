package org.myelin.it;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * For {@link RouteFuzzTest}: a valid request body for each route that reads one (field names read
 * off the handlers), which the fuzzer then damages one field at a time, and the choices of path
 * parameters that select different code (event types, profile keys, receipt types). Keys are
 * "METHOD template" with the client prefix (/_matrix/client/v3, r0 or v1) removed. Placeholders
 * {{A}} {{B}} {{C}} (users; A is the caller), {{R}} (a room A created, B and the guest joined),
 * {{E}} (a message in it), {{ALIAS}}, {{DEVICE}} (A's device), {{TOKEN}} (a registration token),
 * {{FILTER}}, {{U}} (unique per request) and {{NONCE}} (a fresh shared-secret nonce) are filled in.
 */
final class RouteFuzzExamples {
    /** One way to call a route: path parameters that pick a behaviour, and a valid body (null: none). */
    record Variant(String label, Map<String, String> params, String body) {}

    private RouteFuzzExamples() {}

    /** Valid query strings for routes that need some parameters to get past their first check. */
    static final Map<String, String> BASE_QUERY = Map.ofEntries(
            Map.entry("GET /sync", "timeout=0"),
            Map.entry("GET /events", "room_id={{R}}&timeout=0"),
            // No limit: then the filter's limit is the default, which must be capped too.
            Map.entry("GET /rooms/{roomId}/messages", "dir=b"),
            Map.entry("GET /rooms/{roomId}/members", "membership=join"),
            Map.entry("GET /rooms/{roomId}/timestamp_to_event", "ts=0&dir=f"),
            Map.entry("GET /register/available", "username=fzfree{{U}}"),
            Map.entry("GET /register/m.login.registration_token/validity", "token={{TOKEN}}"),
            Map.entry("GET /thirdparty/location", "alias={{ALIAS}}"),
            Map.entry("GET /thirdparty/user", "userid={{A}}"),
            Map.entry("GET /_matrix/federation/v1/openid/userinfo", "access_token=unknown-openid-token"),
            Map.entry("GET /_synapse/admin/v1/event_reports", "limit=10&dir=b"),
            Map.entry("GET /_synapse/admin/v1/registration_tokens", "valid=true"));

    static Map<String, List<Variant>> all() {
        Map<String, List<Variant>> m = new LinkedHashMap<>();
        // Accounts, login, registration.
        body(m, "POST /login", "{'type':'m.login.password','identifier':{'type':'m.id.user','user':'{{A}}'},"
                + "'password':'wrong-password','device_id':'FZDEVICE','initial_device_display_name':'fuzz','refresh_token':false}");
        body(m, "POST /refresh", "{'refresh_token':'garbage-refresh-token'}");
        body(m, "POST /logout", "{}");
        body(m, "POST /logout/all", "{}");
        body(m, "POST /register", "{'username':'fz{{U}}','auth':{'type':'m.login.dummy'},'device_id':'FZDEVICE',"
                + "'initial_device_display_name':'fuzz','inhibit_login':true,'refresh_token':false}");
        body(m, "POST /account/password", "{'new_password':'new-password','logout_devices':false,"
                + "'auth':{'type':'m.login.password','identifier':{'type':'m.id.user','user':'{{A}}'}}}");
        body(m, "POST /account/deactivate", "{'auth':{'type':'m.login.password','user':'{{A}}'},'erase':false,'id_server':'id.example'}");
        body(m, "POST /_synapse/admin/v1/register", "{'nonce':'{{NONCE}}','username':'fz{{U}}','password':'pw','admin':false,"
                + "'user_type':'bot','mac':'0000','displayname':'fuzz'}");
        body(m, "POST /_synapse/admin/v1/registration_tokens/new",
                "{'token':'fz{{U}}','uses_allowed':5,'expiry_time':32503680000000,'length':16}");
        body(m, "PUT /_synapse/admin/v1/registration_tokens/{token}", "{'uses_allowed':5,'expiry_time':32503680000000}");
        body(m, "POST /_synapse/admin/v1/send_server_notice",
                "{'user_id':'{{B}}','content':{'msgtype':'m.text','body':'fuzz'},'type':'m.room.message'}");
        body(m, "PUT /_synapse/admin/v1/send_server_notice/{txnId}",
                "{'user_id':'{{B}}','content':{'msgtype':'m.server_notice','body':'fuzz','server_notice_type':'m.server_notice.usage_limit_reached',"
                        + "'limit_type':'monthly_active_user','admin_contact':'mailto:a@b.c'}}");

        // Devices, profile, presence, typing, to-device, filters, OpenID.
        body(m, "PUT /devices/{deviceId}", "{'display_name':'fuzz'}");
        body(m, "DELETE /devices/{deviceId}", "{'auth':{'type':'m.login.password','user':'{{A}}'}}");
        body(m, "POST /delete_devices", "{'devices':['{{DEVICE}}','NOSUCHDEVICE'],'auth':{'type':'m.login.password','user':'{{A}}'}}");
        variants(m, "PUT /profile/{userId}/{keyName}",
                v("displayname", Map.of("keyName", "displayname"), "{'displayname':'fuzz'}"),
                v("avatar_url", Map.of("keyName", "avatar_url"), "{'avatar_url':'mxc://test.myelin/abc'}"),
                v("m.tz", Map.of("keyName", "m.tz"), "{'m.tz':'Europe/London'}"),
                v("custom", Map.of("keyName", "org.example.field"), "{'org.example.field':{'a':[1,'x',{'b':null}]}}"));
        variants(m, "DELETE /profile/{userId}/{keyName}",
                v("displayname", Map.of("keyName", "displayname"), null),
                v("custom", Map.of("keyName", "org.example.field"), null));
        variants(m, "GET /profile/{userId}/{keyName}", v("displayname", Map.of("keyName", "displayname"), null));
        body(m, "PUT /presence/{userId}/status", "{'presence':'online','status_msg':'fuzz'}");
        body(m, "PUT /rooms/{roomId}/typing/{userId}", "{'typing':true,'timeout':1000}");
        body(m, "PUT /sendToDevice/{eventType}/{txnId}",
                "{'messages':{'{{A}}':{'{{DEVICE}}':{'k':'v'},'*':{'k':1}},'{{B}}':{'*':{}},'@remote:elsewhere.example':{'X':{}}}}");
        body(m, "POST /user/{userId}/filter", "{'event_fields':['content.body','type'],'event_format':'client',"
                + "'presence':{'types':['m.presence'],'not_senders':['{{B}}'],'limit':5},'account_data':{'not_types':['m.*']},"
                + "'room':{'rooms':['{{R}}'],'not_rooms':[],'include_leave':false,"
                + "'timeline':{'limit':10,'types':['m.room.*'],'senders':['{{A}}'],'contains_url':false,'lazy_load_members':true,"
                + "'unread_thread_notifications':true},"
                + "'state':{'lazy_load_members':true,'include_redundant_members':false,'types':['*']},"
                + "'ephemeral':{'types':['m.typing']},'account_data':{'limit':1}}}");
        body(m, "POST /user/{userId}/openid/request_token", "{}");

        // Account data, tags, receipts.
        variants(m, "PUT /user/{userId}/account_data/{type}",
                v("custom", Map.of("type", "org.example.fuzz"), "{'k':'v','n':{'a':[1]}}"),
                v("m.direct", Map.of("type", "m.direct"), "{'{{B}}':['{{R}}']}"),
                v("m.ignored_user_list", Map.of("type", "m.ignored_user_list"), "{'ignored_users':{'{{C}}':{}}}"),
                v("m.fully_read", Map.of("type", "m.fully_read"), "{'event_id':'{{E}}'}"),
                v("m.push_rules", Map.of("type", "m.push_rules"), "{'global':{}}"));
        variants(m, "PUT /user/{userId}/rooms/{roomId}/account_data/{type}",
                v("custom", Map.of("type", "org.example.fuzz"), "{'k':'v'}"),
                v("m.tag", Map.of("type", "m.tag"), "{'tags':{'u.x':{'order':0.5}}}"),
                v("m.fully_read", Map.of("type", "m.fully_read"), "{'event_id':'{{E}}'}"));
        body(m, "PUT /user/{userId}/rooms/{roomId}/tags/{tag}", "{'order':0.5}");
        variants(m, "POST /rooms/{roomId}/receipt/{receiptType}/{eventId}",
                v("m.read", Map.of("receiptType", "m.read"), "{'thread_id':'main'}"),
                v("m.read.private", Map.of("receiptType", "m.read.private"), "{'thread_id':'{{E}}'}"),
                v("m.fully_read", Map.of("receiptType", "m.fully_read"), "{}"));
        body(m, "POST /rooms/{roomId}/read_markers", "{'m.fully_read':'{{E}}','m.read':'{{E}}','m.read.private':'{{E}}'}");

        // Rooms: creation, membership, events, state.
        // In parts, fuzzed in parallel: every accepted probe builds a room.
        variants(m, "POST /createRoom",
                v("options", Map.of(), "{'name':'fuzz','topic':'fuzz','preset':'private_chat','visibility':'private',"
                        + "'invite':['{{B}}'],'invite_3pid':[],'is_direct':false,'room_version':'12','room_alias_name':'fz{{U}}'}"),
                v("initial_state", Map.of(), "{'initial_state':[{'type':'m.room.guest_access','state_key':'','content':{'guest_access':'can_join'}},"
                        + "{'type':'m.room.history_visibility','content':{'history_visibility':'shared'}}]}"),
                v("creation_content", Map.of(), "{'creation_content':{'m.federate':true,'type':'m.space','additional_creators':['{{C}}']}}"),
                v("power_levels", Map.of(),
                        "{'power_level_content_override':{'users_default':0,'events':{'m.room.name':50},'users':{'{{B}}':50}}}"));
        body(m, "POST /join/{roomIdOrAlias}", "{'reason':'fuzz'}");
        body(m, "POST /rooms/{roomId}/join", "{'reason':'fuzz'}");
        body(m, "POST /knock/{roomIdOrAlias}", "{'reason':'fuzz'}");
        body(m, "POST /rooms/{roomId}/invite", "{'user_id':'{{C}}','reason':'fuzz','is_direct':false}");
        body(m, "POST /rooms/{roomId}/leave", "{'reason':'fuzz'}");
        body(m, "POST /rooms/{roomId}/forget", "{}");
        body(m, "POST /rooms/{roomId}/kick", "{'user_id':'{{B}}','reason':'fuzz'}");
        body(m, "POST /rooms/{roomId}/ban", "{'user_id':'{{C}}','reason':'fuzz'}");
        body(m, "POST /rooms/{roomId}/unban", "{'user_id':'{{C}}','reason':'fuzz'}");
        body(m, "POST /rooms/{roomId}/upgrade", "{'new_version':'12','additional_creators':['{{B}}']}");
        body(m, "PUT /rooms/{roomId}/redact/{eventId}/{txnId}", "{'reason':'fuzz'}");
        body(m, "POST /rooms/{roomId}/report/{eventId}", "{'reason':'fuzz','score':-100}");
        body(m, "POST /rooms/{roomId}/report", "{'reason':'fuzz'}");
        variants(m, "PUT /rooms/{roomId}/send/{eventType}/{txnId}",
                v("m.room.message", Map.of("eventType", "m.room.message"), "{'msgtype':'m.text','body':'fuzz',"
                        + "'format':'org.matrix.custom.html','formatted_body':'<b>fuzz</b>',"
                        + "'m.relates_to':{'rel_type':'m.thread','event_id':'{{E}}','is_falling_back':true,'m.in_reply_to':{'event_id':'{{E}}'}},"
                        + "'m.mentions':{'user_ids':['{{B}}'],'room':false}}"),
                v("m.room.redaction", Map.of("eventType", "m.room.redaction"), "{'redacts':'{{E}}','reason':'fuzz'}"),
                v("m.reaction", Map.of("eventType", "m.reaction"), "{'m.relates_to':{'rel_type':'m.annotation','event_id':'{{E}}','key':'+1'}}"),
                v("m.room.encrypted", Map.of("eventType", "m.room.encrypted"),
                        "{'algorithm':'m.megolm.v1.aes-sha2','ciphertext':'x','sender_key':'k','session_id':'s','device_id':'{{DEVICE}}'}"),
                v("m.room.member", Map.of("eventType", "m.room.member"), "{'membership':'join'}"),
                v("custom", Map.of("eventType", "org.example.fuzz"), "{'a':1}"));
        variants(m, "PUT /rooms/{roomId}/state/{eventType}",
                v("m.room.power_levels", Map.of("eventType", "m.room.power_levels"), "{'users':{'{{A}}':100,'{{B}}':0},"
                        + "'users_default':0,'events':{'m.room.name':50,'m.room.power_levels':100},'events_default':0,"
                        + "'state_default':50,'ban':50,'kick':50,'redact':50,'invite':0,'notifications':{'room':50}}"),
                v("m.room.join_rules", Map.of("eventType", "m.room.join_rules"),
                        "{'join_rule':'restricted','allow':[{'type':'m.room_membership','room_id':'{{R}}'}]}"),
                v("m.room.name", Map.of("eventType", "m.room.name"), "{'name':'fuzz'}"),
                v("m.room.topic", Map.of("eventType", "m.room.topic"),
                        "{'topic':'fuzz','m.topic':{'m.text':[{'body':'fuzz','mimetype':'text/plain'}]}}"),
                v("m.room.avatar", Map.of("eventType", "m.room.avatar"),
                        "{'url':'mxc://test.myelin/abc','info':{'w':1,'h':1,'mimetype':'image/png','size':1}}"),
                v("m.room.canonical_alias", Map.of("eventType", "m.room.canonical_alias"),
                        "{'alias':'{{ALIAS}}','alt_aliases':['{{ALIAS}}']}"),
                v("m.room.history_visibility", Map.of("eventType", "m.room.history_visibility"), "{'history_visibility':'shared'}"),
                v("m.room.guest_access", Map.of("eventType", "m.room.guest_access"), "{'guest_access':'can_join'}"),
                v("m.room.server_acl", Map.of("eventType", "m.room.server_acl"),
                        "{'allow':['*'],'deny':['evil.example'],'allow_ip_literals':false}"),
                v("m.room.encryption", Map.of("eventType", "m.room.encryption"),
                        "{'algorithm':'m.megolm.v1.aes-sha2','rotation_period_ms':604800000,'rotation_period_msgs':100}"),
                v("m.room.pinned_events", Map.of("eventType", "m.room.pinned_events"), "{'pinned':['{{E}}']}"),
                v("m.room.tombstone", Map.of("eventType", "m.room.tombstone"), "{'body':'fuzz','replacement_room':'{{R}}'}"),
                v("m.room.create", Map.of("eventType", "m.room.create"), "{'room_version':'12'}"),
                v("custom", Map.of("eventType", "org.example.fuzz"), "{'a':1}"));
        variants(m, "PUT /rooms/{roomId}/state/{eventType}/{stateKey}",
                v("member-self", Map.of("eventType", "m.room.member", "stateKey", "{{A}}"),
                        "{'membership':'join','displayname':'fuzz','avatar_url':'mxc://test.myelin/abc','reason':'fuzz','is_direct':false}"),
                v("member-invite", Map.of("eventType", "m.room.member", "stateKey", "{{C}}"),
                        "{'membership':'invite','reason':'fuzz','is_direct':true}"),
                v("member-ban", Map.of("eventType", "m.room.member", "stateKey", "{{B}}"), "{'membership':'ban','reason':'fuzz'}"),
                v("policy", Map.of("eventType", "m.policy.rule.user", "stateKey", "rule1"),
                        "{'entity':'@evil:*','recommendation':'m.ban','reason':'fuzz'}"),
                v("space-child", Map.of("eventType", "m.space.child", "stateKey", "{{R}}"),
                        "{'via':['test.myelin'],'order':'a','suggested':true}"),
                v("third-party-invite", Map.of("eventType", "m.room.third_party_invite", "stateKey", "tok"),
                        "{'display_name':'x','key_validity_url':'https://id.example/v','public_key':'abc',"
                                + "'public_keys':[{'public_key':'abc','key_validity_url':'https://id.example/v'}]}"),
                v("custom", Map.of("eventType", "org.example.fuzz", "stateKey", "key"), "{'a':1}"));
        variants(m, "GET /rooms/{roomId}/state/{eventType}/{stateKey}",
                v("member", Map.of("eventType", "m.room.member", "stateKey", "{{A}}"), null));
        variants(m, "GET /rooms/{roomId}/state/{eventType}", v("create", Map.of("eventType", "m.room.create"), null));

        // Directory.
        body(m, "PUT /directory/room/{roomAlias}", "{'room_id':'{{R}}'}");
        body(m, "PUT /directory/list/room/{roomId}", "{'visibility':'public'}");
        body(m, "POST /publicRooms", "{'limit':10,'filter':{'generic_search_term':'fuzz','room_types':[null,'m.space']},"
                + "'include_all_networks':false,'third_party_instance_id':'irc'}");
        return m;
    }

    private static void body(Map<String, List<Variant>> m, String key, String json) {
        variants(m, key, v("", Map.of(), json));
    }

    private static void variants(Map<String, List<Variant>> m, String key, Variant... vs) {
        if (m.put(key, new ArrayList<>(List.of(vs))) != null) throw new IllegalStateException("duplicate example " + key);
    }

    private static Variant v(String label, Map<String, String> params, String json) {
        return new Variant(label, params, json == null ? null : json.replace('\'', '"'));
    }
}
