package io.mdmsim.core.crypto;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.atomic.LongAdder;

/**
 * The few functions of OpenSSL 3's libcrypto the native RSA engine calls, bound with the foreign-function API. Every
 * call's result is checked here; a failure throws an {@link RsaException} carrying libcrypto's error queue.
 */
@SuppressWarnings("restricted") // the foreign-function calls: the launcher and tests enable native access
final class LibCrypto {
    /** The system property naming the libcrypto file to load instead of {@value #DEFAULT_NAME}. */
    static final String PATH_PROPERTY = "mdmsim.libcrypto";
    static final String DEFAULT_NAME = "libcrypto.so.3";

    private static final long MIN_VERSION = 0x30000000L; // OpenSSL 3.0.0
    private static final int RSA_PKCS1_PADDING = 1;
    private static final int OPENSSL_VERSION = 0;
    private static final int MAX_MODULUS_BYTES = 8192 / 8;
    private static final int ERROR_TEXT = 256;
    private static final int CLOCK_THREAD_CPUTIME_ID = 3; // Linux
    private static final long TIMESPEC_BYTES = 16; // struct timespec on LP64: tv_sec, tv_nsec

    private final String path;
    private final String version;
    private final MemorySegment sha1;
    private final MemorySegment sha256;
    private final MemorySegment sha384;
    private final MemorySegment sha512;

    private final MethodHandle d2iAutoPrivateKey;
    private final MethodHandle pkeyFree;
    private final MethodHandle pkeyGetSize;
    private final MethodHandle pkeyGetBits;
    private final MethodHandle ctxNew;
    private final MethodHandle ctxFree;
    private final MethodHandle signInit;
    private final MethodHandle sign;
    private final MethodHandle decryptInit;
    private final MethodHandle decrypt;
    private final MethodHandle setRsaPadding;
    private final MethodHandle setSignatureMd;
    private final MethodHandle errGetError;
    private final MethodHandle errErrorStringN;
    private final MethodHandle errClearError;
    /** libc's clock_gettime, for the CPU time of each operation (null where the C library has none). */
    private final MethodHandle clockGettime;
    private final LongAdder cpuNanos = new LongAdder();

    private LibCrypto(String path, SymbolLookup lookup) {
        this.path = path;
        Linker linker = Linker.nativeLinker();
        Binder b = new Binder(linker, lookup);
        MethodHandle versionNum = b.bind("OpenSSL_version_num", FunctionDescriptor.of(JAVA_LONG));
        MethodHandle versionText = b.bind("OpenSSL_version", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        long number;
        try {
            number = (long) versionNum.invokeExact();
            MemorySegment text = (MemorySegment) versionText.invokeExact(OPENSSL_VERSION);
            this.version = text.equals(MemorySegment.NULL) ? "OpenSSL " + Long.toHexString(number)
                    : text.reinterpret(ERROR_TEXT).getString(0);
        } catch (Throwable e) {
            throw new RsaException(path + ": cannot read its OpenSSL version: " + e, e);
        }
        if (number < MIN_VERSION) {
            throw new RsaException(path + " is " + version + " (expected: OpenSSL 3.0 or newer)");
        }
        this.sha1 = digest(b, "EVP_sha1");
        this.sha256 = digest(b, "EVP_sha256");
        this.sha384 = digest(b, "EVP_sha384");
        this.sha512 = digest(b, "EVP_sha512");
        this.d2iAutoPrivateKey = b.bind("d2i_AutoPrivateKey", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
        this.pkeyFree = b.bind("EVP_PKEY_free", FunctionDescriptor.ofVoid(ADDRESS));
        this.pkeyGetSize = b.bind("EVP_PKEY_get_size", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        this.pkeyGetBits = b.bind("EVP_PKEY_get_bits", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        this.ctxNew = b.bind("EVP_PKEY_CTX_new", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        this.ctxFree = b.bind("EVP_PKEY_CTX_free", FunctionDescriptor.ofVoid(ADDRESS));
        this.signInit = b.bind("EVP_PKEY_sign_init", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        this.sign = b.bind("EVP_PKEY_sign", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
        this.decryptInit = b.bind("EVP_PKEY_decrypt_init", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        this.decrypt = b.bind("EVP_PKEY_decrypt", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
        this.setRsaPadding = b.bind("EVP_PKEY_CTX_set_rsa_padding", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        this.setSignatureMd = b.bind("EVP_PKEY_CTX_set_signature_md", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        this.errGetError = b.bind("ERR_get_error", FunctionDescriptor.of(JAVA_LONG));
        this.errErrorStringN = b.bind("ERR_error_string_n", FunctionDescriptor.ofVoid(JAVA_LONG, ADDRESS, JAVA_LONG));
        this.errClearError = b.bind("ERR_clear_error", FunctionDescriptor.ofVoid());
        this.clockGettime = !System.getProperty("os.name", "").startsWith("Linux") ? null
                : linker.defaultLookup().find("clock_gettime")
                .map(f -> linker.downcallHandle(f, FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS))).orElse(null);
    }

    /** libcrypto from {@code mdmsim.libcrypto}, else {@value #DEFAULT_NAME} from the system's library path. */
    static LibCrypto load() {
        String configured = System.getProperty(PATH_PROPERTY);
        String name = configured == null || configured.isBlank() ? DEFAULT_NAME : configured.trim();
        SymbolLookup lookup;
        try {
            lookup = SymbolLookup.libraryLookup(name, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new RsaException("cannot load " + name + " (OpenSSL 3's libcrypto; on Debian/Ubuntu: apt-get install"
                    + " libssl3" + (configured == null ? "" : "; named by -D" + PATH_PROPERTY) + "): " + e.getMessage(), e);
        }
        return new LibCrypto(name, lookup);
    }

    String path() {
        return path;
    }

    String version() {
        return version;
    }

    /** An EVP_PKEY read from a PKCS#8 (or PKCS#1) DER private key; the caller frees it with {@link #freeKey}. */
    MemorySegment readPrivateKey(byte[] der) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(der.length);
            MemorySegment.copy(der, 0, data, JAVA_BYTE, 0, der.length);
            MemorySegment cursor = arena.allocate(ADDRESS);
            cursor.set(ADDRESS, 0, data);
            clearErrors();
            MemorySegment pkey = (MemorySegment) d2iAutoPrivateKey.invokeExact(MemorySegment.NULL, cursor, (long) der.length);
            data.fill((byte) 0);
            if (pkey.equals(MemorySegment.NULL)) {
                throw failure("cannot read the RSA private key (" + der.length + " bytes of DER)");
            }
            return pkey;
        } catch (RsaException e) {
            throw e;
        } catch (Throwable e) {
            throw new RsaException("cannot read the RSA private key into libcrypto: " + e, e);
        }
    }

    /** The key's size in bytes, checked against the Java key's modulus (bits). Frees the key if they disagree. */
    int keySize(MemorySegment pkey, int modulusBits) {
        int size;
        int bits;
        try {
            size = (int) pkeyGetSize.invokeExact(pkey);
            bits = (int) pkeyGetBits.invokeExact(pkey);
        } catch (Throwable e) {
            freeKey(pkey);
            throw new RsaException("cannot read the size of the RSA key in libcrypto: " + e, e);
        }
        if (bits != modulusBits || size != (modulusBits + 7) / 8 || size <= 0 || size > MAX_MODULUS_BYTES) {
            freeKey(pkey);
            throw new RsaException("libcrypto read the RSA key as " + bits + " bits, " + size + " bytes (expected: "
                    + modulusBits + " bits as in the Java key, at most " + MAX_MODULUS_BYTES + " bytes)");
        }
        return size;
    }

    void freeKey(MemorySegment pkey) {
        try {
            pkeyFree.invokeExact(pkey);
        } catch (Throwable e) {
            throw new RsaException("EVP_PKEY_free failed: " + e, e);
        }
    }

    /** CPU nanoseconds spent in sign and decrypt so far (0 where clock_gettime is missing). */
    long cpuNanos() {
        return cpuNanos.sum();
    }

    /**
     * The calling thread's CPU clock (CLOCK_THREAD_CPUTIME_ID), or -1. A virtual thread stays on its carrier between
     * two such readings around an operation: nothing in between blocks.
     */
    long threadCpu(MemorySegment timespec) {
        if (clockGettime == null) {
            return -1;
        }
        try {
            if ((int) clockGettime.invokeExact(CLOCK_THREAD_CPUTIME_ID, timespec) != 0) {
                return -1;
            }
        } catch (Throwable e) {
            return -1;
        }
        return timespec.get(JAVA_LONG, 0) * 1_000_000_000L + timespec.get(JAVA_LONG, 8);
    }

    private void count(long before, MemorySegment timespec) {
        long after = threadCpu(timespec);
        if (before >= 0 && after >= before && after - before < 10_000_000_000L) {
            cpuNanos.add(after - before);
        }
    }

    byte[] sign(MemorySegment pkey, int size, HashAlgorithm hash, byte[] digest, Arena arena) {
        MemorySegment timespec = arena.allocate(TIMESPEC_BYTES, 8);
        long before = threadCpu(timespec);
        try {
            return signTimed(pkey, size, hash, digest, arena);
        } finally {
            count(before, timespec);
        }
    }

    byte[] decrypt(MemorySegment pkey, int size, byte[] ciphertext, Arena arena) {
        MemorySegment timespec = arena.allocate(TIMESPEC_BYTES, 8);
        long before = threadCpu(timespec);
        try {
            return decryptTimed(pkey, size, ciphertext, arena);
        } finally {
            count(before, timespec);
        }
    }

    private byte[] signTimed(MemorySegment pkey, int size, HashAlgorithm hash, byte[] digest, Arena arena) {
        MemorySegment ctx = newContext(pkey);
        try {
            check((int) signInit.invokeExact(ctx), "EVP_PKEY_sign_init");
            check((int) setRsaPadding.invokeExact(ctx, RSA_PKCS1_PADDING), "EVP_PKEY_CTX_set_rsa_padding");
            check((int) setSignatureMd.invokeExact(ctx, md(hash)), "EVP_PKEY_CTX_set_signature_md");
            MemorySegment tbs = arena.allocate(digest.length);
            MemorySegment.copy(digest, 0, tbs, JAVA_BYTE, 0, digest.length);
            MemorySegment out = arena.allocate(size);
            MemorySegment outLength = arena.allocate(JAVA_LONG);
            outLength.set(JAVA_LONG, 0, size);
            check((int) sign.invokeExact(ctx, out, outLength, tbs, (long) digest.length), "EVP_PKEY_sign");
            long length = outLength.get(JAVA_LONG, 0);
            if (length != size) {
                throw new RsaException("EVP_PKEY_sign made a signature of " + length + " bytes (expected: " + size + ")");
            }
            return out.toArray(JAVA_BYTE);
        } catch (RsaException e) {
            throw e;
        } catch (Throwable e) {
            throw new RsaException("libcrypto's RSA signature failed: " + e, e);
        } finally {
            freeContext(ctx);
        }
    }

    private byte[] decryptTimed(MemorySegment pkey, int size, byte[] ciphertext, Arena arena) {
        MemorySegment ctx = newContext(pkey);
        try {
            check((int) decryptInit.invokeExact(ctx), "EVP_PKEY_decrypt_init");
            check((int) setRsaPadding.invokeExact(ctx, RSA_PKCS1_PADDING), "EVP_PKEY_CTX_set_rsa_padding");
            MemorySegment in = arena.allocate(ciphertext.length);
            MemorySegment.copy(ciphertext, 0, in, JAVA_BYTE, 0, ciphertext.length);
            MemorySegment out = arena.allocate(size);
            MemorySegment outLength = arena.allocate(JAVA_LONG);
            outLength.set(JAVA_LONG, 0, size);
            check((int) decrypt.invokeExact(ctx, out, outLength, in, (long) ciphertext.length),
                    "EVP_PKEY_decrypt (PKCS#1 v1.5)");
            long length = outLength.get(JAVA_LONG, 0);
            if (length < 0 || length > size) {
                throw new RsaException("EVP_PKEY_decrypt reported " + length + " bytes (expected: at most " + size + ")");
            }
            byte[] message = out.asSlice(0, length).toArray(JAVA_BYTE);
            out.fill((byte) 0);
            return message;
        } catch (RsaException e) {
            throw e;
        } catch (Throwable e) {
            throw new RsaException("libcrypto's RSA decryption failed: " + e, e);
        } finally {
            freeContext(ctx);
        }
    }

    private MemorySegment newContext(MemorySegment pkey) {
        MemorySegment ctx;
        try {
            clearErrors();
            ctx = (MemorySegment) ctxNew.invokeExact(pkey, MemorySegment.NULL);
        } catch (Throwable e) {
            throw new RsaException("EVP_PKEY_CTX_new failed: " + e, e);
        }
        if (ctx.equals(MemorySegment.NULL)) {
            throw failure("EVP_PKEY_CTX_new returned no context");
        }
        return ctx;
    }

    private void freeContext(MemorySegment ctx) {
        try {
            ctxFree.invokeExact(ctx);
        } catch (Throwable e) {
            throw new RsaException("EVP_PKEY_CTX_free failed: " + e, e);
        }
    }

    private MemorySegment md(HashAlgorithm hash) {
        return switch (hash) {
            case SHA1 -> sha1;
            case SHA256 -> sha256;
            case SHA384 -> sha384;
            case SHA512 -> sha512;
        };
    }

    /** libcrypto's convention: 1 is success, anything else (0, negative) a failure with a reason queued. */
    private void check(int result, String function) {
        if (result != 1) {
            throw failure(function + " returned " + result);
        }
    }

    /** An RsaException with what failed and libcrypto's queued reasons (the queue is emptied). */
    private RsaException failure(String what) {
        StringBuilder reasons = new StringBuilder();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment text = arena.allocate(ERROR_TEXT);
            for (int i = 0; i < 8; i++) {
                long code = (long) errGetError.invokeExact();
                if (code == 0) {
                    break;
                }
                errErrorStringN.invokeExact(code, text, (long) ERROR_TEXT);
                reasons.append(reasons.isEmpty() ? "" : "; ").append(text.getString(0));
            }
            clearErrors();
        } catch (Throwable e) {
            reasons.append("(the error queue could not be read: ").append(e).append(')');
        }
        return new RsaException("libcrypto: " + what + (reasons.isEmpty() ? "" : ": " + reasons));
    }

    private void clearErrors() {
        try {
            errClearError.invokeExact();
        } catch (Throwable e) {
            throw new RsaException("ERR_clear_error failed: " + e, e);
        }
    }

    private static MemorySegment digest(Binder b, String function) {
        try {
            MemorySegment md = (MemorySegment) b.bind(function, FunctionDescriptor.of(ADDRESS)).invokeExact();
            if (md.equals(MemorySegment.NULL)) {
                throw new RsaException(function + "() returned no digest");
            }
            return md;
        } catch (RsaException e) {
            throw e;
        } catch (Throwable e) {
            throw new RsaException(function + "() failed: " + e, e);
        }
    }

    /** Looks up functions by name; a missing one is an RsaException naming it. */
    private record Binder(Linker linker, SymbolLookup lookup) {
        MethodHandle bind(String name, FunctionDescriptor descriptor) {
            MemorySegment symbol = lookup.find(name).orElseThrow(() -> new RsaException(
                    "libcrypto has no function " + name + " (expected: OpenSSL 3.0 or newer)"));
            return linker.downcallHandle(symbol, descriptor);
        }
    }

    @Override
    public String toString() {
        return version + " (" + path + ")";
    }
}
