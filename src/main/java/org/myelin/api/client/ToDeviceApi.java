package org.myelin.api.client;

import org.myelin.api.Routes;
import org.myelin.devices.ToDevice;
import org.myelin.http.Access;
import org.myelin.http.Json;
import org.myelin.http.MatrixException;

import java.nio.charset.StandardCharsets;

/** PUT /sendToDevice/{eventType}/{txnId} (also open to guests, as the guest access module lists it). */
public final class ToDeviceApi {
    private static final int MAX_ID_BYTES = 255;

    private final ToDevice toDevice;

    public ToDeviceApi(ToDevice toDevice) { this.toDevice = toDevice; }

    public void register(Routes routes) {
        routes.client("PUT", "/sendToDevice/{eventType}/{txnId}", Access.GUEST_OK, req -> {
            String type = checkId(req.param("eventType"), "event type");
            String txnId = checkId(req.param("txnId"), "transaction ID");
            toDevice.send(req.userId(), req.auth().deviceId(), txnId, type, req.json().requireObject("messages"));
            return Json.object();
        });
    }

    private static String checkId(String s, String what) {
        if (s == null || s.isEmpty() || s.getBytes(StandardCharsets.UTF_8).length > MAX_ID_BYTES || s.indexOf('\0') >= 0) {
            throw MatrixException.invalidParam("Invalid " + what);
        }
        return s;
    }
}
