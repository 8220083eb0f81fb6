/**
 * The Netty HTTP server kit, the only place Netty types appear: {@code HttpServer} (with its initializer and handler,
 * HTTP/1.1 and HTTP/2, TLS), {@code Router}, {@code HttpRequest}/{@code HttpResponse}, {@code EventStream} and
 * streaming bodies, {@code ErrorMapper} (the one place errors become a status and a readable body), {@code
 * HttpError}, {@code Json}. Business logic never runs on the event loop. Uses {@code error}.
 */
package io.mdmsim.core.http;
