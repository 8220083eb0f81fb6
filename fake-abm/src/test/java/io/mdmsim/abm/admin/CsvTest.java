package io.mdmsim.abm.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mdmsim.abm.inventory.SerialIndex;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvTest {

    private static List<Csv.Row> parse(String s) {
        return Csv.parse(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void quotesCommasNewlinesBomAndBlankLines() {
        List<Csv.Row> rows = parse("\uFEFFa,\"b,c\",\"say \"\"hi\"\"\"\r\n\r\n\"multi\nline\",,x\nlast");
        assertEquals(List.of("a", "b,c", "say \"hi\""), rows.get(0).fields());
        assertEquals(1, rows.get(0).line());
        assertEquals(List.of("multi\nline", "", "x"), rows.get(1).fields());
        assertEquals(3, rows.get(1).line());
        assertEquals(List.of("last"), rows.get(2).fields());
        assertEquals(5, rows.get(2).line());
    }

    @Test
    void malformedQuotingNamesTheLine() {
        assertEquals("line 2: a quote inside an unquoted field (expected: the whole field quoted, quotes doubled)",
                assertThrows(Csv.CsvException.class, () -> parse("ok\nab\"c\n")).getMessage());
        assertEquals("line 1: text after a closing quote",
                assertThrows(Csv.CsvException.class, () -> parse("\"a\"b\n")).getMessage());
        assertEquals("line 3: a quoted field is not closed",
                assertThrows(Csv.CsvException.class, () -> parse("a\nb\n\"c\n")).getMessage());
    }

    @Test
    void serialPackingRoundTrips() {
        for (String s : List.of("F17ZQ1ABCD12", "0", "ZZZZZZZZZZZZ", "C02XK1ABJG5H", "A1")) {
            long packed = SerialIndex.pack(s);
            assertEquals(s, SerialIndex.unpack(packed));
        }
        assertEquals(SerialIndex.NOT_PACKABLE, SerialIndex.pack("lowercase"));
        assertEquals(SerialIndex.NOT_PACKABLE, SerialIndex.pack("THIRTEENCHARS"));
        SerialIndex index = new SerialIndex();
        for (int i = 0; i < 10_000; i++) {
            index.put("S" + i, i);
        }
        index.put("not-packable", 10_000);
        assertEquals(4321, index.get("S4321"));
        assertEquals(10_000, index.get("not-packable"));
        assertEquals(-1, index.get("S10000"));
    }
}
