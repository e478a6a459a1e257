package org.myelin.storage;

import java.util.Optional;

/** Which room is a user's server notices room. */
public interface ServerNoticeStore {
    Optional<String> roomOf(String userId);

    /** The user whose notices room this is, if it is one. */
    Optional<String> userOf(String roomId);

    /** Records (or replaces) the user's notices room. */
    void setRoom(String userId, String roomId);
}
