package org.myelin.userdata;

import org.myelin.rooms.RoomVisibility;
import org.myelin.rooms.RoomWriter;
import org.myelin.storage.Database;
import org.myelin.storage.jdbc.JdbcAccountDataStore;
import org.myelin.storage.jdbc.JdbcReceiptStore;
import org.myelin.sync.Notifier;
import org.myelin.sync.RoomHistory;
import org.myelin.sync.SyncService;

/** The per-user data modules (account data, tags, ignore list, receipts, read markers), wired into sync. */
public record UserData(AccountData accountData, Receipts receipts) {

    /**
     * Builds the services, adds their streams to /sync and makes /sync and /messages honour each
     * user's ignore list (read from the account data cache, so a change applies to the next request).
     */
    public static UserData wire(Database db, RoomWriter writer, RoomVisibility visibility, Notifier notifier, SyncService sync,
                                RoomHistory history) {
        AccountData accountData = new AccountData(new JdbcAccountDataStore(db), notifier);
        Receipts receipts = new Receipts(new JdbcReceiptStore(db), writer, visibility, accountData, notifier);
        sync.addSource(accountData);
        sync.addSource(receipts);
        sync.setIgnoredUsers(accountData::ignoredUsers);
        history.setIgnoredUsers(accountData::ignoredUsers);
        return new UserData(accountData, receipts);
    }
}
