package io.mdmsim.core.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** HTTP/1.1 on a plain socket, for tests that need to send what a well-behaved client would not. */
final class RawHttp {

    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^content-length:\\s*(\\d+)\\s*$");

    private RawHttp() {
    }

    /** The status line and headers of one response, up to and with the blank line. */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after " + head);
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /** Reads {@code count} responses that each carry Content-Length; returns head + body as text. */
    static List<String> readResponses(InputStream in, int count) throws IOException {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String headText = readHead(in);
            Matcher m = CONTENT_LENGTH.matcher(headText);
            int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
            byte[] body = in.readNBytes(length);
            out.add(headText + new String(body, StandardCharsets.UTF_8));
        }
        return out;
    }
}
