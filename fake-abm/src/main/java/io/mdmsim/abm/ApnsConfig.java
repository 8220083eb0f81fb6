package io.mdmsim.abm;

import static java.util.Objects.requireNonNull;

import io.mdmsim.core.pki.Identity;
import java.time.Duration;

/**
 * The fake APNs listener that {@link FakeAbmServer} starts next to the ABM one (docs/fake-abm.md "Fake APNs"). Build with
 * {@link #builder()}; {@link #defaults()} is TLS on a free port.
 *
 * @param port              0 picks a free port ({@link FakeAbmServer#apnsUri()} tells which)
 * @param plainHttp         true: plain HTTP/1.1 (for tests); false (default): TLS with HTTP/2 by ALPN and HTTP/1.1
 * @param tls               the TLS identity; null = the ABM listener's ({@link FakeAbmConfig#tls()}) if it has one,
 *                          else a throw-away one whose root {@link FakeAbmServer#apnsTrustAnchor()} returns
 * @param keepaliveInterval how often each event stream gets a {@code : keepalive} comment (real time)
 * @param attachTimeout     a connection whose event stream is not opened within this (real time) is dropped
 * @param defaultStorage    how long a push without {@code apns-expiration} is kept for an offline device (SimClock)
 * @param maxTokens         device tokens held at once (issued; as many released ones are remembered for 410)
 * @param maxConnections    device connections held at once
 */
public record ApnsConfig(int port, boolean plainHttp, Identity tls, Duration keepaliveInterval, Duration attachTimeout,
        Duration defaultStorage, int maxTokens, int maxConnections) {

    /** Apple's limit on a notification payload, in bytes. */
    public static final int MAX_PAYLOAD_BYTES = 4096;

    public ApnsConfig {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("apns port: " + port + " (expected: 0..65535)");
        }
        if (plainHttp && tls != null) {
            throw new IllegalArgumentException("apns: plainHttp with a TLS identity (expected: one or the other)");
        }
        positive("keepaliveInterval", keepaliveInterval);
        positive("attachTimeout", attachTimeout);
        positive("defaultStorage", defaultStorage);
        if (maxTokens < 1) {
            throw new IllegalArgumentException("apns maxTokens: " + maxTokens + " (expected: >= 1)");
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("apns maxConnections: " + maxConnections + " (expected: >= 1)");
        }
    }

    private static void positive(String name, Duration d) {
        requireNonNull(d, name);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("apns " + name + ": " + d + " (expected: > 0)");
        }
    }

    /** TLS (HTTP/2 and HTTP/1.1) on a free port, keep-alive every 15 s, pushes kept 30 days, 100,000 tokens. */
    public static ApnsConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.port = port;
        b.plainHttp = plainHttp;
        b.tls = tls;
        b.keepaliveInterval = keepaliveInterval;
        b.attachTimeout = attachTimeout;
        b.defaultStorage = defaultStorage;
        b.maxTokens = maxTokens;
        b.maxConnections = maxConnections;
        return b;
    }

    public ApnsConfig withPort(int newPort) {
        return toBuilder().port(newPort).build();
    }

    public static final class Builder {
        private int port;
        private boolean plainHttp;
        private Identity tls;
        private Duration keepaliveInterval = Duration.ofSeconds(15);
        private Duration attachTimeout = Duration.ofMinutes(1);
        private Duration defaultStorage = Duration.ofDays(30);
        private int maxTokens = 100_000;
        private int maxConnections = 10_000;

        private Builder() {
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Plain HTTP/1.1 instead of TLS (tests, or behind a TLS-terminating proxy). */
        public Builder plainHttp(boolean plainHttp) {
            this.plainHttp = plainHttp;
            if (plainHttp) {
                this.tls = null;
            }
            return this;
        }

        /** TLS with this identity (typically {@code SimPki.tlsServer()}). */
        public Builder tls(Identity tls) {
            this.tls = requireNonNull(tls, "tls");
            this.plainHttp = false;
            return this;
        }

        public Builder keepaliveInterval(Duration keepaliveInterval) {
            this.keepaliveInterval = requireNonNull(keepaliveInterval, "keepaliveInterval");
            return this;
        }

        public Builder attachTimeout(Duration attachTimeout) {
            this.attachTimeout = requireNonNull(attachTimeout, "attachTimeout");
            return this;
        }

        public Builder defaultStorage(Duration defaultStorage) {
            this.defaultStorage = requireNonNull(defaultStorage, "defaultStorage");
            return this;
        }

        public Builder maxTokens(int maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        public ApnsConfig build() {
            return new ApnsConfig(port, plainHttp, tls, keepaliveInterval, attachTimeout, defaultStorage, maxTokens,
                    maxConnections);
        }
    }
}
