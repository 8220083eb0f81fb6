package io.mdmsim.core.cms;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mdmsim.core.scep.Scep;
import io.mdmsim.core.scep.ScepException;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/** DER a client sends is read within bounds: deep nesting and lengths past the end are clear errors, never a crash. */
class DerBoundsTest {

    /** {@code levels} nested SEQUENCEs, indefinite length (0x30 0x80 ... 0x00 0x00). */
    static byte[] nested(int levels) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < levels; i++) {
            out.write(0x30);
            out.write(0x80);
        }
        for (int i = 0; i < levels; i++) {
            out.write(0);
            out.write(0);
        }
        return out.toByteArray();
    }

    @Test
    void deeplyNestedDerIsACmsError() {
        for (int levels : new int[] {1_000, 100_000}) {
            byte[] der = nested(levels);
            CmsException attached = assertThrows(CmsException.class, () -> Cms.verifyAttached(der, "test"));
            assertTrue(attached.getMessage() != null && !attached.getMessage().isBlank());
            assertThrows(CmsException.class, () -> Cms.verifyDetached(der, new byte[0], "test"));
            assertThrows(ScepException.class, () -> Scep.parse(der));
        }
    }

    @Test
    void aLengthPastTheEndIsACmsError() {
        byte[] der = {0x30, (byte) 0x84, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x02, 0x01, 0x00};
        assertThrows(CmsException.class, () -> Cms.verifyAttached(der, "test"));
        assertThrows(ScepException.class, () -> Scep.parse(der));
    }
}
