package gatehouse.pipeline.attest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * A DSSE envelope (github.com/secure-systems-lab/dsse, envelope v1): a typed payload and signatures over its
 * pre-authentication encoding ({@link #pae}).
 *
 * <p>Written as one line of compact JSON, {@code {"payloadType":…,"payload":base64,"signatures":[{"keyid":…,
 * "sig":base64}]}}, standard base64 with padding. Read leniently where DSSE says verifiers must be (standard or
 * URL-safe base64, padded or not; {@code keyid} optional) and strictly elsewhere (duplicate keys, wrong types).
 * Instances are immutable: the byte arrays are copied in and out.
 */
public final class Envelope {
    private final String payloadType;
    private final byte[] payload;
    private final List<Sig> signatures;

    /**
     * One signature.
     *
     * @param keyid an unauthenticated hint naming the key, possibly empty; never trusted for a decision
     * @param sig   the signature bytes
     */
    public record Sig(String keyid, byte[] sig) {
        public Sig {
            keyid = keyid == null ? "" : keyid;
            sig = sig.clone();
        }

        @Override
        public byte[] sig() {
            return sig.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Sig s && s.keyid.equals(keyid) && Arrays.equals(s.sig, sig);
        }

        @Override
        public int hashCode() {
            return keyid.hashCode() * 31 + Arrays.hashCode(sig);
        }

        @Override
        public String toString() {
            return "Sig[keyid=" + keyid + ", " + sig.length + " bytes]";
        }
    }

    public Envelope(String payloadType, byte[] payload, List<Sig> signatures) {
        this.payloadType = Objects.requireNonNull(payloadType, "payloadType");
        this.payload = payload.clone();
        this.signatures = List.copyOf(signatures);
    }

    /** Signs a payload: the envelope with one signature by {@code signer} over {@code PAE(payloadType, payload)}. */
    public static Envelope sign(String payloadType, byte[] payload, Signer signer) {
        byte[] sig = signer.sign(pae(payloadType, payload));
        return new Envelope(payloadType, payload, List.of(new Sig(signer.keyid(), sig)));
    }

    /** The same envelope with one more signature by {@code signer} (multi-party signing). */
    public Envelope addSignature(Signer signer) {
        List<Sig> all = new ArrayList<>(signatures);
        all.add(new Sig(signer.keyid(), signer.sign(pae(payloadType, payload))));
        return new Envelope(payloadType, payload, all);
    }

    /**
     * DSSE's pre-authentication encoding: {@code "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body}, where
     * LEN is the byte length in ASCII decimal without leading zeros and type is UTF-8. This is what is signed.
     */
    public static byte[] pae(String payloadType, byte[] body) {
        byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
        byte[] head = ("DSSEv1 " + type.length + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] mid = (" " + body.length + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[head.length + type.length + mid.length + body.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(type, 0, out, head.length, type.length);
        System.arraycopy(mid, 0, out, head.length + type.length, mid.length);
        System.arraycopy(body, 0, out, head.length + type.length + mid.length, body.length);
        return out;
    }

    public String payloadType() {
        return payloadType;
    }

    /** The serialized body (a copy). */
    public byte[] payload() {
        return payload.clone();
    }

    public List<Sig> signatures() {
        return signatures;
    }

    /** The envelope as one line of compact JSON (no line end). */
    public String toJson() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("payloadType", payloadType);
        root.put("payload", Base64.getEncoder().encodeToString(payload));
        ArrayNode sigs = root.putArray("signatures");
        for (Sig s : signatures) {
            ObjectNode o = sigs.addObject();
            o.put("keyid", s.keyid());
            o.put("sig", Base64.getEncoder().encodeToString(s.sig));
        }
        try {
            return Json.MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree always serializes", e);
        }
    }

    /**
     * An envelope from its parsed JSON.
     *
     * @throws FormatException naming the first missing or mistyped field
     */
    public static Envelope fromJson(JsonNode root) throws FormatException {
        if (root == null || !root.isObject()) {
            throw new FormatException("a DSSE envelope is a JSON object");
        }
        String type = text(root, "payloadType");
        byte[] payload = base64(text(root, "payload"), "payload");
        JsonNode sigs = root.get("signatures");
        if (sigs == null || !sigs.isArray()) {
            throw new FormatException("the envelope has no \"signatures\" array");
        }
        List<Sig> out = new ArrayList<>();
        for (int i = 0; i < sigs.size(); i++) {
            JsonNode s = sigs.get(i);
            if (!s.isObject()) {
                throw new FormatException("signature " + (i + 1) + " is not a JSON object");
            }
            JsonNode keyid = s.get("keyid");
            if (keyid != null && !keyid.isNull() && !keyid.isTextual()) {
                throw new FormatException("the keyid of signature " + (i + 1) + " is not a string");
            }
            out.add(new Sig(keyid == null || keyid.isNull() ? "" : keyid.asText(),
                    base64(text(s, "sig", "signature " + (i + 1)), "signature " + (i + 1))));
        }
        return new Envelope(type, payload, out);
    }

    private static String text(JsonNode o, String field) throws FormatException {
        return text(o, field, "the envelope");
    }

    private static String text(JsonNode o, String field, String where) throws FormatException {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual()) {
            throw new FormatException(where + " has no string \"" + field + "\"");
        }
        return v.asText();
    }

    /** Standard or URL-safe base64, padded or not, as DSSE requires verifiers to accept. */
    static byte[] base64(String s, String what) throws FormatException {
        String t = s.replace('-', '+').replace('_', '/');
        int pad = t.indexOf('=');
        if (pad >= 0) {
            if (!t.substring(pad).matches("={1,2}")) {
                throw new FormatException("the " + what + " is not valid base64");
            }
            t = t.substring(0, pad);
        }
        try {
            return Base64.getDecoder().decode(t);
        } catch (IllegalArgumentException e) {
            throw new FormatException("the " + what + " is not valid base64");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Envelope e && e.payloadType.equals(payloadType) && Arrays.equals(e.payload, payload)
                && e.signatures.equals(signatures);
    }

    @Override
    public int hashCode() {
        return Objects.hash(payloadType, Arrays.hashCode(payload), signatures);
    }

    @Override
    public String toString() {
        return "Envelope[" + payloadType + ", " + payload.length + " bytes, " + signatures.size() + " signature(s)]";
    }
}
