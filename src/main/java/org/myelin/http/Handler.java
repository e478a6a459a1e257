package org.myelin.http;

/** A route's code: parse the request, call a service, return what to render (see {@link Reply}). */
@FunctionalInterface
public interface Handler {
    Object handle(Req req) throws Exception;
}
