package io.mdmsim.scenarios.report;

import static java.util.Objects.requireNonNull;

import io.mdmsim.scenarios.report.RunReport.ExpectationResult;
import java.io.StringWriter;
import java.util.Locale;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * {@code junit.xml}: one test case per expectation (JUnit's XML as CI servers read it), a failed expectation a
 * {@code <failure>} that says what was expected and what was observed.
 */
public final class JunitXml {

    private JunitXml() { }

    public static String render(RunReport report) {
        requireNonNull(report, "report");
        long failures = report.expectations().stream().filter(e -> !e.passed()).count();
        StringWriter out = new StringWriter();
        try {
            XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
            x.writeStartDocument("UTF-8", "1.0");
            x.writeCharacters("\n");
            x.writeStartElement("testsuite");
            x.writeAttribute("name", "mdmsim " + report.scenario());
            x.writeAttribute("tests", Integer.toString(report.expectations().size()));
            x.writeAttribute("failures", Long.toString(failures));
            x.writeAttribute("errors", "0");
            x.writeAttribute("skipped", "0");
            x.writeAttribute("time", seconds(report.durationMs()));
            x.writeCharacters("\n  ");
            x.writeStartElement("properties");
            property(x, "seed", Long.toString(report.seed()));
            property(x, "shard", report.shard());
            property(x, "clock", report.clock());
            property(x, "mdmsim", report.versions().mdmsim());
            property(x, "java", report.versions().java());
            x.writeCharacters("\n  ");
            x.writeEndElement();
            for (ExpectationResult e : report.expectations()) {
                x.writeCharacters("\n  ");
                x.writeStartElement("testcase");
                x.writeAttribute("classname", "mdmsim." + report.scenario());
                x.writeAttribute("name", e.name());
                x.writeAttribute("time", "0");
                if (!e.passed()) {
                    x.writeCharacters("\n    ");
                    x.writeStartElement("failure");
                    x.writeAttribute("message", e.name() + ": expected " + e.expected() + ", actual " + e.actual());
                    x.writeAttribute("type", "expectation");
                    x.writeCharacters("expected: " + e.expected() + "\nactual: " + e.actual());
                    x.writeEndElement();
                    x.writeCharacters("\n  ");
                }
                x.writeEndElement();
            }
            x.writeCharacters("\n");
            x.writeEndElement();
            x.writeCharacters("\n");
            x.writeEndDocument();
            x.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write junit.xml", e);
        }
        return out.toString();
    }

    private static void property(XMLStreamWriter x, String name, String value) throws XMLStreamException {
        x.writeCharacters("\n    ");
        x.writeEmptyElement("property");
        x.writeAttribute("name", name);
        x.writeAttribute("value", value);
    }

    private static String seconds(long ms) {
        return String.format(Locale.ROOT, "%.3f", ms / 1000.0);
    }
}
