package io.mdmsim.core.scep;

import java.nio.charset.StandardCharsets;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;

/** The signed attributes of a pkiMessage (RFC 8894 §3.2.1): their OIDs, and reading one with a clear error. */
final class ScepAttributes {
    /** RFC 8894 §3.2.1 attribute OIDs (id-attributes 2.16.840.1.113733.1.9). */
    static final ASN1ObjectIdentifier MESSAGE_TYPE = new ASN1ObjectIdentifier("2.16.840.1.113733.1.9.2");
    static final ASN1ObjectIdentifier PKI_STATUS = new ASN1ObjectIdentifier("2.16.840.1.113733.1.9.3");
    static final ASN1ObjectIdentifier FAIL_INFO = new ASN1ObjectIdentifier("2.16.840.1.113733.1.9.4");
    static final ASN1ObjectIdentifier SENDER_NONCE = new ASN1ObjectIdentifier("2.16.840.1.113733.1.9.5");
    static final ASN1ObjectIdentifier RECIPIENT_NONCE = new ASN1ObjectIdentifier("2.16.840.1.113733.1.9.6");
    static final ASN1ObjectIdentifier TRANSACTION_ID = new ASN1ObjectIdentifier("2.16.840.1.113733.1.9.7");

    private ScepAttributes() {}

    static Attribute attribute(ASN1ObjectIdentifier oid, ASN1Encodable value) {
        return new Attribute(oid, new DERSet(value));
    }

    /** The single value of an attribute, null when absent; more than one value is an error. */
    static ASN1Encodable single(AttributeTable table, ASN1ObjectIdentifier oid, String name) {
        Attribute attribute = table.get(oid);
        if (attribute == null) {
            return null;
        }
        if (table.getAll(oid).size() != 1 || attribute.getAttrValues().size() != 1) {
            throw new ScepException("pkiMessage attribute " + name + " has more than one value (expected: 1)");
        }
        return attribute.getAttrValues().getObjectAt(0);
    }

    static String string(AttributeTable table, ASN1ObjectIdentifier oid, String name) {
        ASN1Encodable value = single(table, oid, name);
        if (value == null) {
            return null;
        }
        if (value instanceof ASN1String s) {
            return s.getString();
        }
        if (value instanceof ASN1OctetString o) {
            return new String(o.getOctets(), StandardCharsets.US_ASCII);
        }
        throw new ScepException("pkiMessage attribute " + name + " is a " + value.getClass().getSimpleName()
                + " (expected: PrintableString)");
    }

    static int integer(AttributeTable table, ASN1ObjectIdentifier oid, String name) {
        String text = string(table, oid, name);
        if (text == null) {
            throw new ScepException("pkiMessage has no " + name + " attribute");
        }
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new ScepException("pkiMessage attribute " + name + ": \"" + text + "\" (expected: a decimal number)", e);
        }
    }

    static byte[] octets(AttributeTable table, ASN1ObjectIdentifier oid, String name) {
        ASN1Encodable value = single(table, oid, name);
        if (value == null) {
            return null;
        }
        if (value instanceof ASN1OctetString o) {
            return o.getOctets();
        }
        throw new ScepException("pkiMessage attribute " + name + " is a " + value.getClass().getSimpleName()
                + " (expected: OCTET STRING)");
    }
}
