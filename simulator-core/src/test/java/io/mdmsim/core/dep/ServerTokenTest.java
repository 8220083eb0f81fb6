package io.mdmsim.core.dep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServerTokenTest {

    private static final ServerToken TOKEN = new ServerToken("CK_1", "CS_2", "AT_3", "AS_4",
            Instant.parse("2015-01-14T21:27:41Z"));
    private static final String JSON = "{\"consumer_key\":\"CK_1\",\"consumer_secret\":\"CS_2\",\"access_token\":\"AT_3\","
            + "\"access_secret\":\"AS_4\",\"access_token_expiry\":\"2015-01-14T21:27:41Z\"}";

    @Test
    void writesTheJsonOfProtocolSection1_1() {
        assertEquals(JSON, TOKEN.toJson());
    }

    @Test
    void mimeContentIsATextPlainEntityWithTheJsonBetweenMessageMarkers() {
        assertEquals("Content-Type: text/plain;charset=UTF-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n"
                + "-----BEGIN MESSAGE-----\r\n" + JSON + "\r\n-----END MESSAGE-----\r\n",
                new String(TOKEN.toMimeContent(), StandardCharsets.UTF_8));
        assertEquals(TOKEN, ServerToken.fromMimeContent(TOKEN.toMimeContent()));
    }

    @Test
    void readsEveryFormRealTokensComeIn() {
        for (String form : new String[] {
            JSON,
            "  " + JSON + "\n",
            "-----BEGIN MESSAGE-----" + JSON + "-----END MESSAGE-----",
            "Content-Type: text/plain;charset=UTF-8\nContent-Transfer-Encoding: 7bit\n\n-----BEGIN MESSAGE-----\n"
                + JSON + "\n-----END MESSAGE-----\n",
            "Content-Type: text/plain;charset=UTF-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n" + JSON,
        }) {
            assertEquals(TOKEN, ServerToken.fromMimeContent(form.getBytes(StandardCharsets.UTF_8)), form);
        }
    }

    @Test
    void expiryIsOptional() {
        ServerToken t = ServerToken.fromJson("{\"consumer_key\":\"CK\",\"consumer_secret\":\"CS\",\"access_token\":\"AT\","
                + "\"access_secret\":\"AS\"}");
        assertNull(t.accessTokenExpiry());
        assertEquals("{\"consumer_key\":\"CK\",\"consumer_secret\":\"CS\",\"access_token\":\"AT\",\"access_secret\":\"AS\"}",
                t.toJson());
    }

    @ParameterizedTest
    @CsvSource(delimiterString = "->", quoteCharacter = '`', value = {
        "`-----BEGIN MESSAGE-----{}` -> server token: -----BEGIN MESSAGE----- without -----END MESSAGE-----",
        "`Content-Type: text/plain\n\nhello` -> server token: no JSON object found (expected: {\"consumer_key\": ...}, optionally between -----BEGIN MESSAGE----- and -----END MESSAGE----- after a MIME header)",
        "`{\"consumer_key\":\"CK\",\"consumer_secret\":\"CS\",\"access_token\":\"AT\"}` -> server token: missing access_secret",
        "`{\"consumer_key\":\"\",\"consumer_secret\":\"CS\",\"access_token\":\"AT\",\"access_secret\":\"AS\"}` -> server token: missing consumer_key",
        "`{\"consumer_key\":7,\"consumer_secret\":\"CS\",\"access_token\":\"AT\",\"access_secret\":\"AS\"}` -> server token: consumer_key is number (expected: a string)",
        "`{\"consumer_key\":\"CK\",\"consumer_secret\":\"CS\",\"access_token\":\"AT\",\"access_secret\":\"AS\",\"access_token_expiry\":\"next year\"}` -> server token: access_token_expiry: next year (expected: ISO-8601 UTC like 2015-01-14T21:27:41Z)",
        "`{\"consumer_key\":` -> server token: invalid JSON at line 1, column 17: Unexpected end-of-input within/between Object entries",
    })
    void malformedContentGivesClearErrors(String content, String expected) {
        DepException e = assertThrows(DepException.class,
                () -> ServerToken.fromMimeContent(content.getBytes(StandardCharsets.UTF_8)));
        assertEquals(expected, e.getMessage().replace("\r", ""));
        assertEquals(400, e.httpStatus());
    }

    @Test
    void toStringDoesNotPrintSecrets() {
        String s = TOKEN.toString();
        assertFalse(s.contains("CS_2"), s);
        assertFalse(s.contains("AS_4"), s);
        assertEquals("ServerToken[consumerKey=CK_1, accessToken=AT_3, accessTokenExpiry=2015-01-14T21:27:41Z]", s);
    }
}
