package io.mdmsim.core.plist;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import com.dd.plist.PropertyListFormatException;
import com.dd.plist.XMLPropertyListParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.xml.sax.EntityResolver;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * The XML side of {@link Plist}: parsing untrusted XML plists safely (no external entities or DTDs, a bounded pool of
 * reusable parsers) and refusing, before writing, text that XML 1.0 cannot carry.
 */
final class XmlPlist {
    private static final DocumentBuilderFactory XML = xmlFactory();
    /**
     * Parsers ready for reuse: making one (the factory's configuration, feature by feature) costs more than a small
     * parse, so each is reset and returned after use. Bounded: at most twice the cores are kept.
     */
    private static final ArrayBlockingQueue<DocumentBuilder> BUILDERS = new ArrayBlockingQueue<>(pooledSize());

    private XmlPlist() {}

    /** Parses an XML plist; a {@link PlistException} says where and what is wrong. */
    static NSObject parse(byte[] data) {
        Document doc;
        DocumentBuilder builder = null;
        try {
            builder = BUILDERS.poll();
            if (builder == null) {
                builder = newBuilder();
            }
            doc = builder.parse(new ByteArrayInputStream(data));
        } catch (SAXParseException e) {
            throw new PlistException("malformed plist: XML line " + e.getLineNumber() + ", column "
                    + e.getColumnNumber() + ": " + Plist.trimPeriod(e.getMessage()) + " " + Plist.EXPECTED, data, e);
        } catch (SAXException | IOException | ParserConfigurationException | RuntimeException e) {
            throw new PlistException("malformed plist: XML: " + Plist.describe(e) + " " + Plist.EXPECTED, data, e);
        } finally {
            if (builder != null) {
                recycle(builder);
            }
        }
        if (!"plist".equals(doc.getDocumentElement().getNodeName())) {
            throw new PlistException("malformed plist: XML root element is <" + doc.getDocumentElement().getNodeName()
                    + "> " + "(expected: <plist>)", data);
        }
        try {
            return XMLPropertyListParser.parse(doc);
        } catch (PropertyListFormatException | IOException | RuntimeException e) {
            throw new PlistException("malformed plist: XML: " + Plist.describe(e) + " " + Plist.EXPECTED, data, e);
        }
    }

    private static DocumentBuilder newBuilder() throws ParserConfigurationException {
        DocumentBuilder builder;
        synchronized (XML) { // a factory is not thread-safe
            builder = XML.newDocumentBuilder();
        }
        quiet(builder);
        return builder;
    }

    private static void quiet(DocumentBuilder builder) {
        builder.setErrorHandler(SILENT); // the default handler prints "[Fatal Error]" to stderr
        builder.setEntityResolver(NO_ENTITIES);
    }

    /** Back to the pool, as the factory made it (reset also drops the handlers, so they are set again). */
    private static void recycle(DocumentBuilder builder) {
        try {
            builder.reset();
            quiet(builder);
            BUILDERS.offer(builder); // a full pool: this one is left to the collector
        } catch (RuntimeException e) {
            // a builder that cannot be reset is not reused
        }
    }

    private static int pooledSize() {
        return Math.max(4, Runtime.getRuntime().availableProcessors() * 2);
    }

    private static final EntityResolver NO_ENTITIES =
            (publicId, systemId) -> new InputSource(new ByteArrayInputStream(new byte[0]));

    private static DocumentBuilderFactory xmlFactory() {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(false);
        f.setValidating(false);
        f.setIgnoringComments(true);
        f.setExpandEntityReferences(false);
        f.setXIncludeAware(false);
        try {
            // Untrusted input: no external entities or DTDs; the JDK's entity expansion limits stay on.
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("XML parser lacks a required security feature: " + e.getMessage(), e);
        }
        return f;
    }

    private static final ErrorHandler SILENT = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {}

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }
    };

    /** XML after an optional byte order mark and white space. */
    static boolean looksLikeXml(byte[] data) {
        int i = 0;
        if (data.length >= 2 && ((data[0] & 0xff) == 0xfe && (data[1] & 0xff) == 0xff
                || (data[0] & 0xff) == 0xff && (data[1] & 0xff) == 0xfe)) {
            return true; // UTF-16 byte order mark
        }
        if (data.length >= 3 && (data[0] & 0xff) == 0xef && (data[1] & 0xff) == 0xbb && (data[2] & 0xff) == 0xbf) {
            i = 3; // UTF-8 byte order mark
        }
        while (i < data.length && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n')) {
            i++;
        }
        return i < data.length && data[i] == '<';
    }

    /** XML 1.0 cannot carry most control characters; refuse them here rather than write a plist nobody can read. */
    static void checkWritable(NSObject o, String path) {
        switch (o) {
            case NSString s -> checkXmlText(s.getContent(), path.isEmpty() ? "string" : path);
            case NSDictionary d -> d.forEach((k, v) -> {
                String at = path.isEmpty() ? k : path + "." + k;
                checkXmlText(k, "key " + at);
                checkWritable(v, at);
            });
            case NSArray a -> {
                NSObject[] items = a.getArray();
                for (int i = 0; i < items.length; i++) {
                    checkWritable(items[i], path + "[" + i + "]");
                }
            }
            default -> {}
        }
    }

    private static void checkXmlText(String text, String what) {
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r' || ch == 0xfffe || ch == 0xffff) {
                throw new IllegalArgumentException(what + String.format(
                        ": contains U+%04X, which an XML plist cannot carry", (int) ch)
                        + " (expected: text without control characters; send it as <data> or in a binary plist)");
            }
        }
    }
}
