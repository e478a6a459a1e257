package org.myelin.http;

/** Who made an authenticated request. */
public record Auth(String userId, String deviceId, boolean guest, long tokenId) {}
