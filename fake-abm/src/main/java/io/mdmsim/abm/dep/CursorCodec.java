package io.mdmsim.abm.dep;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.util.Objects.requireNonNull;

import io.mdmsim.abm.state.EventKey;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns cursors into the opaque strings the DEP API hands out (base64 of colon-separated fields, like Apple's) and
 * back. A MAC over the fields makes edited or invented cursors fail as INVALID_CURSOR instead of being obeyed.
 */
public final class CursorCodec {

    private static final String VERSION = "1";

    private final SecretKeySpec key;

    public CursorCodec(byte[] secret) {
        requireNonNull(secret, "secret");
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
    }

    String encode(DepCursor cursor) {
        String fields = switch (cursor) {
            case DepCursor.Fetch f -> String.join(":", VERSION, "F", f.serverUuid(), key(f.high()), key(f.last()),
                    Long.toString(f.issuedAt().toEpochMilli()));
            case DepCursor.Sync s -> String.join(":", VERSION, "S", s.serverUuid(), key(s.position()),
                    Long.toString(s.issuedAt().toEpochMilli()));
        };
        return Base64.getEncoder().encodeToString((fields + ":" + mac(fields)).getBytes(US_ASCII));
    }

    /** The cursor, or throws {@link IllegalArgumentException} saying why the string is not one of ours. */
    DepCursor decode(String text) {
        requireNonNull(text, "text");
        String plain;
        try {
            plain = new String(Base64.getDecoder().decode(text), US_ASCII);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cursor is not base64");
        }
        int macStart = plain.lastIndexOf(':');
        if (macStart < 0) {
            throw new IllegalArgumentException("cursor has no fields");
        }
        String fields = plain.substring(0, macStart);
        if (!MessageDigest.isEqual(mac(fields).getBytes(US_ASCII), plain.substring(macStart + 1).getBytes(US_ASCII))) {
            throw new IllegalArgumentException("cursor was not issued by this server");
        }
        String[] f = fields.split(":", -1);
        try {
            if (f.length == 8 && f[0].equals(VERSION) && f[1].equals("F")) {
                return new DepCursor.Fetch(f[2], key(f[3], f[4]), key(f[5], f[6]), Instant.ofEpochMilli(Long.parseLong(f[7])));
            }
            if (f.length == 6 && f[0].equals(VERSION) && f[1].equals("S")) {
                return new DepCursor.Sync(f[2], key(f[3], f[4]), Instant.ofEpochMilli(Long.parseLong(f[5])));
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("cursor field is not a number: " + e.getMessage());
        }
        throw new IllegalArgumentException("cursor has an unknown layout");
    }

    private static String key(EventKey k) {
        return k.epochNanos() + ":" + k.seq();
    }

    private static EventKey key(String nanos, String seq) {
        return new EventKey(Long.parseLong(nanos), Long.parseLong(seq));
    }

    private String mac(String fields) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] full = mac.doFinal(fields.getBytes(US_ASCII));
            return HexFormat.of().formatHex(full, 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
