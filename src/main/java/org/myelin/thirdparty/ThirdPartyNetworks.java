package org.myelin.thirdparty;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The Third-party Networks module: the protocols the registered {@link ProtocolProvider}s (bridges,
 * later application services) serve, and lookups fanned out to them. With no provider every
 * answer is empty and every protocol unknown, which is the correct answer for a server without
 * bridges. When several providers serve one protocol, their metadata is merged the way the spec
 * describes for several application services: the first one's fields, with all their instances.
 */
public final class ThirdPartyNetworks {
    private final List<ProtocolProvider> providers = new CopyOnWriteArrayList<>();

    public void register(ProtocolProvider p) { providers.add(p); }

    public Map<String, ObjectNode> protocols() {
        Map<String, ObjectNode> out = new LinkedHashMap<>();
        for (ProtocolProvider p : providers) {
            p.protocols().forEach((name, meta) -> {
                ObjectNode existing = out.get(name);
                if (existing == null) {
                    out.put(name, meta.deepCopy());
                } else if (meta.get("instances") instanceof ArrayNode more) {
                    ArrayNode inst = existing.get("instances") instanceof ArrayNode a ? a : existing.putArray("instances");
                    inst.addAll(more);
                }
            });
        }
        return out;
    }

    public Optional<ObjectNode> protocol(String name) { return Optional.ofNullable(protocols().get(name)); }

    public boolean knows(String protocol) {
        for (ProtocolProvider p : providers) {
            if (p.protocols().containsKey(protocol)) return true;
        }
        return false;
    }

    public List<ObjectNode> locations(String protocol, Map<String, String> fields) {
        List<ObjectNode> out = new ArrayList<>();
        for (ProtocolProvider p : providers) {
            if (p.protocols().containsKey(protocol)) out.addAll(p.locations(protocol, fields));
        }
        return out;
    }

    public List<ObjectNode> users(String protocol, Map<String, String> fields) {
        List<ObjectNode> out = new ArrayList<>();
        for (ProtocolProvider p : providers) {
            if (p.protocols().containsKey(protocol)) out.addAll(p.users(protocol, fields));
        }
        return out;
    }

    public List<ObjectNode> locationsForAlias(String alias) {
        List<ObjectNode> out = new ArrayList<>();
        for (ProtocolProvider p : providers) out.addAll(p.locationsForAlias(alias));
        return out;
    }

    public List<ObjectNode> usersForUserId(String userId) {
        List<ObjectNode> out = new ArrayList<>();
        for (ProtocolProvider p : providers) out.addAll(p.usersForUserId(userId));
        return out;
    }
}
