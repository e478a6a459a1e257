package org.myelin.thirdparty;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;

/**
 * Something that bridges third-party networks, as an application service will: it declares the
 * protocols it serves and answers lookups for them. Results are the application service API's
 * objects (Location: alias, protocol, fields; User: userid, protocol, fields), passed through.
 */
public interface ProtocolProvider {
    /** Protocol name -> protocol metadata (user_fields, location_fields, icon, field_types, instances). */
    Map<String, ObjectNode> protocols();

    List<ObjectNode> locations(String protocol, Map<String, String> fields);

    List<ObjectNode> users(String protocol, Map<String, String> fields);

    /** Third-party locations bridged into a Matrix room alias. */
    List<ObjectNode> locationsForAlias(String alias);

    /** Third-party users behind a Matrix user ID. */
    List<ObjectNode> usersForUserId(String userId);
}
