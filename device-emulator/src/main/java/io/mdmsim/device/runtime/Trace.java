package io.mdmsim.device.runtime;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mdmsim.device.DeviceResult;
import io.mdmsim.device.TraceOptions;
import io.mdmsim.device.net.DeviceHttp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One device's trace (see {@link TraceOptions}): JSON lines, recorded on the device's own thread. Lines collect in
 * memory; past the buffer size, and when the device goes idle, they are appended to the device's file. When the device's run ends the trace is kept
 * (written out) or dropped according to the mode. Line types: {@code device} (first: who and how), {@code http}
 * (one exchange), {@code event} (push, restart, erase, ...), {@code gap} (lines that could not be written to the file:
 * how many and why), {@code result} (last; its {@code droppedLines} says whether the trace is whole). A trace is never
 * cut silently.
 */
public final class Trace implements DeviceHttp.Recorder {

    private static final System.Logger LOG = System.getLogger(Trace.class.getName());
    private static final ObjectMapper JSON = io.mdmsim.device.DeviceJson.MAPPER;
    /** Trace format version, in the first line. */
    public static final int FORMAT = 1;

    /** Records nothing. */
    public static final Trace OFF = new Trace(null, null, null);

    private final TraceOptions options;
    private final Path file;
    private final DeviceContextView view;
    private ByteArrayOutputStream buffer = new ByteArrayOutputStream(0);
    private boolean spilled;
    private int seq;
    /** Lines lost because the file could not be written: a {@code gap} line in the trace says where and how many. */
    private long droppedLines;

    /** What a trace line says about where the device is. */
    interface DeviceContextView {
        String at();

        String stage();
    }

    Trace(TraceOptions options, Path file, DeviceContextView view) {
        this.options = options;
        this.file = file;
        this.view = view;
    }

    static Trace open(TraceOptions options, String serialNumber, DeviceContextView view) {
        if (options == null) {
            return OFF;
        }
        return new Trace(options, options.file(serialNumber), requireNonNull(view, "view"));
    }

    public boolean enabled() {
        return options != null;
    }

    public Path file() {
        return file;
    }

    /** The first line: the device and the fleet settings a replay needs. */
    void header(Map<String, Object> fields) {
        if (!enabled()) {
            return;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("type", "device");
        line.put("format", FORMAT);
        line.putAll(fields);
        write(line);
    }

    /** Something the device did or got that is not an HTTP exchange. */
    public void event(String event, Map<String, ?> fields) {
        if (!enabled()) {
            return;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("type", "event");
        line.put("seq", ++seq);
        line.put("at", view.at());
        line.put("stage", view.stage());
        line.put("event", event);
        line.putAll(fields);
        write(line);
    }

    @Override
    public void exchange(String method, URI uri, Map<String, String> requestHeaders, String contentType, byte[] body,
                         DeviceHttp.Response response, Map<String, List<String>> responseHeaders, String failure,
                         long realNanos) {
        if (!enabled()) {
            return;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("type", "http");
        line.put("seq", ++seq);
        line.put("at", view.at());
        line.put("stage", view.stage());
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("method", method);
        request.put("url", uri.toString());
        Map<String, String> headers = new TreeMap<>(requestHeaders);
        if (contentType != null) {
            headers.put("Content-Type", contentType);
        }
        request.put("headers", headers);
        if (body != null) {
            request.put("body", body(body));
        }
        line.put("request", request);
        if (response != null) {
            Map<String, Object> resp = new LinkedHashMap<>();
            resp.put("status", response.status());
            Map<String, String> h = new TreeMap<>();
            responseHeaders.forEach((k, v) -> {
                if (!k.startsWith(":")) {
                    h.put(k, String.join(", ", v));
                }
            });
            resp.put("headers", h);
            resp.put("body", body(response.body()));
            line.put("response", resp);
        } else {
            line.put("error", failure);
        }
        line.put("realMs", Math.round(realNanos / 1e4) / 100.0);
        write(line);
    }

    /** The last line; then the trace is written out (kept) or dropped. Returns the file if kept. */
    Path finish(DeviceResult result) {
        if (!enabled()) {
            return null;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("type", "result");
        line.put("at", view.at());
        line.put("outcome", result.outcome().name());
        line.put("stage", result.stage().name());
        if (result.reason() != null) {
            line.put("reason", result.reason());
        }
        line.put("totalMs", result.total().toMillis());
        DeviceResult.Management m = result.management();
        line.put("managed", m.managed());
        line.put("supervised", m.supervised());
        line.put("singleAppMode", m.singleAppMode());
        if (m.singleAppModeApp() != null) {
            line.put("singleAppModeApp", m.singleAppModeApp());
        }
        line.put("unenrolled", m.unenrolled().name());
        line.put("enrollments", m.enrollments());
        line.put("droppedLines", droppedLines);
        write(line);
        boolean keep = options.mode() == TraceOptions.Mode.ALL || !result.enrolled();
        try {
            if (keep) {
                flush();
                return file;
            }
            if (spilled) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot write trace " + file + " (" + e + "); the file on disk lacks its last "
                    + countLines() + " lines");
        } finally {
            buffer.reset();
        }
        return null;
    }

    /** A body as {"text": ...} when it is UTF-8 text (XML plists, JSON), else {"base64": ...}. */
    static Map<String, Object> body(byte[] b) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bytes", b.length);
        if (b.length == 0) {
            return out;
        }
        String text = utf8(b);
        if (text != null) {
            out.put("text", text);
        } else {
            out.put("base64", Base64.getEncoder().encodeToString(b));
        }
        return out;
    }

    private static String utf8(byte[] b) {
        if (b.length >= 6 && new String(b, 0, 6, StandardCharsets.ISO_8859_1).equals("bplist")) {
            return null;
        }
        for (byte x : b) {
            int c = x & 0xff;
            if (c < 0x09 || (c > 0x0d && c < 0x20) || c == 0x7f) {
                return null;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private void write(Map<String, Object> line) {
        try {
            buffer.write(JSON.writeValueAsBytes(line));
            buffer.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a trace line of " + file, e);
        }
        if (buffer.size() > options.bufferBytes()) {
            try {
                flush();
            } catch (IOException e) {
                // the memory stays bounded, but the trace says what it lost
                long lines = countLines();
                droppedLines += lines;
                LOG.log(Level.WARNING, "cannot append to trace " + file + " (" + e + "); " + lines
                        + " buffered lines are dropped and a gap line marks them");
                buffer.reset();
                Map<String, Object> gap = new LinkedHashMap<>();
                gap.put("type", "gap");
                gap.put("at", view.at());
                gap.put("droppedLines", lines);
                gap.put("reason", "cannot append to " + file + ": " + e);
                try {
                    buffer.write(JSON.writeValueAsBytes(gap));
                    buffer.write('\n');
                } catch (IOException impossible) {
                    throw new UncheckedIOException(impossible);
                }
            }
        }
    }

    /**
     * The device goes idle (its managed life, between check-ins): what it buffered is appended to its file and the
     * buffer's memory let go, so an idle traced device holds no trace lines (a device that ends enrolled under
     * {@link TraceOptions.Mode#FAILED} still has its file deleted at the end). If the file cannot be written the lines
     * stay buffered, as they would without the idle.
     */
    public void idle() {
        if (!enabled() || buffer.size() == 0) {
            return;
        }
        try {
            flush();
            buffer = new ByteArrayOutputStream(0);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "cannot append to trace {0} while idle ({1}); the lines stay buffered", file, e);
        }
    }

    private long countLines() {
        byte[] b = buffer.toByteArray();
        long n = 0;
        for (byte x : b) {
            if (x == '\n') {
                n++;
            }
        }
        return n;
    }

    /** Appends the buffer to the file; an interrupted device (a deadline, a stop) still writes its trace. */
    private void flush() throws IOException {
        boolean interrupted = Thread.interrupted(); // file channels close on interrupt
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    spilled ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                buffer.writeTo(out);
            }
            spilled = true;
            buffer.reset();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
