package io.mdmsim.scenarios.report;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * {@code report.html}: one self-contained file that opens offline. The charts are drawn by ECharts (from its WebJar,
 * inlined into the page with the report's data; a Content-Security-Policy forbids every fetch), rendered as SVG.
 */
public final class HtmlReport {

    /** The WebJar's own record of its version: the script's path depends on it. */
    private static final String ECHARTS_POM = "META-INF/maven/org.webjars.npm/echarts/pom.properties";
    private static final String TEMPLATE = "io/mdmsim/scenarios/report/report.html";

    private HtmlReport() { }

    /** The page for a report. */
    public static String render(RunReport report) {
        requireNonNull(report, "report");
        String template = resource(TEMPLATE);
        String title = escapeHtml(report.scenario() + " (seed " + report.seed() + ")");
        // the template's placeholders are replaced once each, the script last: its text is never searched again
        int data = template.indexOf("@DATA@");
        int script = template.indexOf("@ECHARTS@");
        if (data < 0 || script < 0 || data > script) {
            throw new IllegalStateException(TEMPLATE + ": placeholders @DATA@ before @ECHARTS@ expected");
        }
        String head = template.substring(0, data).replace("@TITLE@", title);
        String middle = template.substring(data + "@DATA@".length(), script);
        String tail = template.substring(script + "@ECHARTS@".length());
        return head + pageData(report) + middle + scriptText(resource(echartsScript())) + tail;
    }

    /** The report as the page's JSON: without the stored histograms (the figures are there), safe inside a script. */
    static String pageData(RunReport report) {
        ObjectNode tree = ReportJson.tree(report);
        stripHistograms(tree);
        // JSON never has '<' outside strings; inside them the escape keeps "</script>" from closing the element
        return tree.toString().replace("<", "\\u003c");
    }

    private static void stripHistograms(JsonNode node) {
        if (node instanceof ObjectNode o) {
            o.remove("histogram");
        }
        node.forEach(HtmlReport::stripHistograms);
    }

    /** The class-path name of the minified ECharts of the WebJar on the class path. */
    static String echartsScript() {
        Properties pom = new Properties();
        try {
            pom.load(new StringReader(resource(ECHARTS_POM)));
        } catch (IOException e) {
            throw new UncheckedIOException(ECHARTS_POM + ": cannot be read", e);
        }
        String version = pom.getProperty("version");
        if (version == null || !version.matches("[0-9A-Za-z.+-]+")) {
            throw new IllegalStateException(ECHARTS_POM + ": version " + version + " (expected: the WebJar's version)");
        }
        return "META-INF/resources/webjars/echarts/" + version + "/dist/echarts.min.js";
    }

    private static String scriptText(String js) {
        return js.replaceAll("(?i)</script", "<\\\\/script");
    }

    static String escapeHtml(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String resource(String name) {
        try (InputStream in = HtmlReport.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + ": missing from the class path (expected in the mdmsim jar)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": cannot be read", e);
        }
    }
}
