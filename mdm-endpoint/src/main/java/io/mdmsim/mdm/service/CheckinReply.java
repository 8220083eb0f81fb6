package io.mdmsim.mdm.service;

import static java.util.Objects.requireNonNull;

import com.dd.plist.NSDictionary;
import io.mdmsim.core.plist.Plist;

/** What a check-in message is answered with (Apple's "Check-in"): usually 200 with an empty body. */
public record CheckinReply(int status, String contentType, byte[] body) {

    static final String PLIST = "application/xml";

    public CheckinReply {
        requireNonNull(body, "body");
    }

    public static CheckinReply ok() {
        return new CheckinReply(200, null, new byte[0]);
    }

    public static CheckinReply plist(NSDictionary dict) {
        return new CheckinReply(200, PLIST, Plist.toXml(dict));
    }

    public static CheckinReply json(byte[] json) {
        return new CheckinReply(200, "application/json", json);
    }

    public static CheckinReply status(int status, String text) {
        return new CheckinReply(status, "text/plain; charset=utf-8", text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
