package org.myelin.http;

/** Resolves a bearer token to the caller; throws 401 MatrixException when it is not valid. */
@FunctionalInterface
public interface TokenAuthenticator {
    Auth authenticate(String token, String ip, String userAgent);
}
