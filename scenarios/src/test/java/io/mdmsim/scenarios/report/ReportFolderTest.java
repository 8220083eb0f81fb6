package io.mdmsim.scenarios.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.device.Stage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class ReportFolderTest {

    @TempDir
    Path dir;

    @Test
    void writesEveryFileOfTheFolder() throws Exception {
        RunReport report = SampleRun.record(70, 42);
        List<Path> written = ReportFolder.write(dir, report);
        assertEquals(List.of("report.json", "report.html", "junit.xml", "timeseries.csv", "traces"),
                written.stream().map(p -> p.getFileName().toString()).toList());
        assertTrue(Files.isDirectory(dir.resolve("traces")));
        assertEquals(report, ReportJson.read(dir));
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.toString().endsWith(".tmp")));
        }
    }

    @Test
    void junitXmlHasOneTestCasePerExpectationAndFailuresSayWhy() throws Exception {
        RunReport report = SampleRun.record(70, 42);
        String xml = JunitXml.render(report);
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        Element suite = doc.getDocumentElement();
        assertEquals("testsuite", suite.getTagName());
        assertEquals("3", suite.getAttribute("tests"));
        assertEquals("1", suite.getAttribute("failures"));
        NodeList cases = doc.getElementsByTagName("testcase");
        assertEquals(3, cases.getLength());
        assertEquals("95th percentile of SCEP", ((Element) cases.item(0)).getAttribute("name"));
        assertEquals("errors \"The SCEP server returned an invalid response\"",
                ((Element) cases.item(2)).getAttribute("name"));
        NodeList failures = doc.getElementsByTagName("failure");
        assertEquals(1, failures.getLength());
        Element failure = (Element) failures.item(0);
        assertEquals("enrolled rate", ((Element) failure.getParentNode()).getAttribute("name"));
        assertEquals("enrolled rate: expected >= 0.99, actual 0.86", failure.getAttribute("message"));
    }

    @Test
    void timeseriesCsvHasOneRowPerInterval() {
        RunReport report = SampleRun.record(70, 42);
        List<String> lines = TimeseriesCsv.render(report).lines().toList();
        assertEquals(report.timeseries().size() + 1, lines.size());
        List<String> header = List.of(lines.getFirst().split(","));
        assertEquals(List.of("startMs", "started", "finished", "enrolled", "active", "errors", "POWER_ON.count"),
                header.subList(0, 7));
        assertTrue(header.contains("SCEP.p95Ms"), header.toString());
        assertEquals("dep.mdmsim MDM.visible", header.get(header.size() - 2));
        String[] first = lines.get(1).split(",");
        assertEquals(header.size(), first.length);
        assertEquals("0", first[0]);
        long started = lines.stream().skip(1).mapToLong(l -> Long.parseLong(l.split(",")[1])).sum();
        assertEquals(70, started);
        int visible = header.indexOf("dep.mdmsim MDM.visible");
        assertEquals(70, lines.stream().skip(1).mapToLong(l -> Long.parseLong(l.split(",")[visible])).sum());
    }

    @Test
    void csvQuotesNamesThatNeedIt() {
        RunRecorder r = RunRecorder.builder().clock(io.mdmsim.core.time.SimClock.manual(SampleRun.T0)).build();
        r.dep("MDM \"east\", 2", SampleRun.T0, 1, 2);
        String header = TimeseriesCsv.render(r.snapshot()).lines().findFirst().orElseThrow();
        assertTrue(header.endsWith(",\"dep.MDM \"\"east\"\", 2.visible\",\"dep.MDM \"\"east\"\", 2.fetched\""), header);
    }

    @Test
    void theDefaultFolderIsNamedAfterTheScenarioAndTheTime() {
        assertEquals(Path.of("reports", "ade_user-affinity-20250301-090000"),
                ReportFolder.defaultDir("ade user-affinity", Instant.parse("2025-03-01T09:00:00Z")));
    }

    @Test
    void thePageCarriesTheReportWithoutHistogramsAndCannotBeBrokenByItsText() {
        RunRecorder r = RunRecorder.builder().scenario("<script>alert(1)</script>")
                .clock(io.mdmsim.core.time.SimClock.manual(SampleRun.T0)).build();
        r.error("device </script><b>", Stage.SCEP, "</script><script>alert(2)</script>");
        String html = HtmlReport.render(r.snapshot());
        assertFalse(html.contains("<script>alert"), "report text is escaped in the page");
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assertTrue(html.contains("\\u003c/script>\\u003cscript>alert(2)"));
        String page = HtmlReport.pageData(SampleRun.record(70, 42));
        assertFalse(page.contains("\"histogram\""));
        assertTrue(page.contains("\"p95Ms\""));
    }
}
